import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { readJson, repoRoot, TASK_JSON, type TaskJson } from '../helpers/repo';

const DOCUMENTS = ['README.md', 'overview.md'];

/** Runs `node scripts/doc-tables.mjs [--check]` on the files under `root`. */
function docTables(root: string, check: boolean): Promise<{ stdout: string; stderr: string }> {
  const script = path.join(repoRoot(), 'scripts', 'doc-tables.mjs');
  return promisify(execFile)(process.execPath, [script, ...(check ? ['--check'] : []), '--root', root]);
}

/** A copy of task.json and the two documents in a temporary folder. */
function copy(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pwi-doc-tables-'));
  for (const file of [TASK_JSON, ...DOCUMENTS]) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.copyFileSync(path.join(repoRoot(), file), path.join(dir, file));
  }
  return dir;
}

describe('inputs tables of README.md and overview.md', () => {
  it('are what npm run loc makes of task.json', async () => {
    const { stdout } = await docTables(repoRoot(), true);
    assert.match(stdout, /match task\.json and README\.md's outputs table/);
  });

  it('name every input of task.json once, with its help text, in both documents', () => {
    const task = readJson<TaskJson>(TASK_JSON);
    for (const document of DOCUMENTS) {
      const text = fs.readFileSync(path.join(repoRoot(), document), 'utf8');
      const block = text.slice(text.indexOf('<!-- inputs:begin -->'), text.indexOf('<!-- inputs:end -->'));
      for (const input of task.inputs ?? []) {
        const rows = block.split('\n').filter((line) => line.startsWith(`| \`${input.name}\` |`));
        assert.equal(rows.length, 1, `${document}: ${input.name}`);
        const help = (input.helpMarkDown ?? '').replace(/\|/g, '\\|');
        assert.ok(rows[0]?.includes(help), `${document}: the help of ${input.name}`);
      }
    }
  });

  it('are found stale when a help text changes, and rewritten by the script', async () => {
    const dir = copy();
    try {
      const task = readJson<TaskJson>(TASK_JSON);
      const first = task.inputs?.[0];
      assert.ok(first);
      first.helpMarkDown = 'A help text changed without running npm run loc.';
      fs.writeFileSync(path.join(dir, TASK_JSON), JSON.stringify(task, null, 2));
      await assert.rejects(
        docTables(dir, true),
        /README\.md, overview\.md are not what task\.json and README\.md's outputs table give/,
      );
      await docTables(dir, false);
      await docTables(dir, true);
      const readme = fs.readFileSync(path.join(dir, 'README.md'), 'utf8');
      assert.ok(readme.includes('A help text changed without running npm run loc.'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('outputs table of overview.md', () => {
  const outputsBlock = (text: string): string =>
    text.slice(text.indexOf('<!-- outputs:begin -->'), text.indexOf('<!-- outputs:end -->'));

  it("is README.md's, row for row, with a row for each WorkItemAction", () => {
    const [readme, overview] = DOCUMENTS.map((document) =>
      outputsBlock(fs.readFileSync(path.join(repoRoot(), document), 'utf8')),
    );
    assert.equal(overview, readme);
    for (const action of ['created', 'commented', 'resolved', 'none']) {
      assert.match(readme ?? '', new RegExp(`^\\| \`${action}\` \\|`, 'm'), action);
    }
  });

  it("is found stale when README.md's changes, and copied by the script", async () => {
    const dir = copy();
    try {
      const readmePath = path.join(dir, 'README.md');
      const readme = fs.readFileSync(readmePath, 'utf8');
      fs.writeFileSync(readmePath, readme.replace('| the oldest of them |', '| the oldest one resolved |'));
      await assert.rejects(docTables(dir, true), /the tables of overview\.md are not what/);
      await docTables(dir, false);
      const overview = fs.readFileSync(path.join(dir, 'overview.md'), 'utf8');
      assert.ok(overview.includes('| the oldest one resolved |'));
      await docTables(dir, true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
