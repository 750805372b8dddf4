import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { readJson, repoRoot, TASK_DIR, TASK_JSON, TASK_LOC_JSON, type TaskJson } from '../helpers/repo';

const RESJSON = path.join(TASK_DIR, 'Strings', 'resources.resjson', 'en-US', 'resources.resjson');

/** Runs `node scripts/loc.mjs --check` on the files under `root`. */
function check(root: string): Promise<{ stdout: string; stderr: string }> {
  const script = path.join(repoRoot(), 'scripts', 'loc.mjs');
  return promisify(execFile)(process.execPath, [script, '--check', '--root', root]);
}

describe('localization (task.loc.json, Strings/resources.resjson)', () => {
  it('is what npm run loc makes of task.json (regenerated in memory and compared)', async () => {
    const { stdout } = await check(repoRoot());
    assert.match(stdout, /match task\.json/);
  });

  it('is found stale when task.json changes and npm run loc was not run', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pwi-loc-'));
    try {
      for (const file of [TASK_JSON, TASK_LOC_JSON, RESJSON]) {
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.copyFileSync(path.join(repoRoot(), file), path.join(dir, file));
      }
      await check(dir);
      const task = readJson<TaskJson & { messages: Record<string, string> }>(TASK_JSON);
      task.messages['ExtraMessage'] = 'A message added without running npm run loc.';
      fs.writeFileSync(path.join(dir, TASK_JSON), JSON.stringify(task, null, 2));
      await assert.rejects(
        check(dir),
        /not what task\.json gives: .*task\.loc\.json.*resources\.resjson[\s\S]*npm run loc/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  // Independent of the generator: what Azure DevOps and tl.loc will look up must be there.
  it('resolves every ms-resource of task.loc.json, labels every input and carries every message', () => {
    const task = readJson<TaskJson & { messages: Record<string, string> }>(TASK_JSON);
    const text = fs.readFileSync(path.join(repoRoot(), TASK_LOC_JSON), 'utf8');
    const resources = readJson<Record<string, string>>(RESJSON);
    const references = [...text.matchAll(/"ms-resource:([^"]+)"/g)].map((match) => match[1] ?? '');
    assert.deepEqual(
      references.filter((key) => !(key in resources)),
      [],
    );
    assert.deepEqual(Object.keys(resources).sort(), [...new Set(references)].sort());
    for (const input of task.inputs ?? []) {
      assert.ok(`loc.input.label.${input.name}` in resources, input.name);
    }
    for (const [key, message] of Object.entries(task.messages)) {
      assert.equal(resources[`loc.messages.${key}`], message, key);
    }
    assert.equal(resources['loc.friendlyName'], task.friendlyName);
  });
});
