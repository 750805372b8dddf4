import * as assert from 'assert';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import {
  readJson,
  repoRoot,
  TASK_JSON,
  TASK_LOC_JSON,
  taskVersion,
  type ExtensionManifest,
  type TaskJson,
} from '../helpers/repo';

const VERSIONED_FILES = ['package.json', 'package-lock.json', TASK_JSON, TASK_LOC_JSON, 'vss-extension.json'];

interface PackageLock {
  version: string;
  packages: Record<string, { version?: string }>;
}

describe('versions and extension manifest', () => {
  const { version } = readJson<{ version: string }>('package.json');
  const manifest = readJson<ExtensionManifest>('vss-extension.json');
  const taskContributions = manifest.contributions.filter((c) => c.type === 'ms.vss-distributed-task.task');

  it('package.json, package-lock.json, task.json, task.loc.json and vss-extension.json have the same version', () => {
    const task = readJson<TaskJson>(TASK_JSON);
    const lock = readJson<PackageLock>('package-lock.json');
    assert.deepStrictEqual(
      {
        packageLock: lock.version,
        packageLockRoot: lock.packages['']?.version,
        taskJson: taskVersion(task),
        taskLocJson: taskVersion(readJson<TaskJson>(TASK_LOC_JSON)),
        vssExtension: manifest.version,
      },
      {
        packageLock: version,
        packageLockRoot: version,
        taskJson: version,
        taskLocJson: version,
        vssExtension: version,
      },
      'set them together with: npm run version -- <major|minor|patch>',
    );
  });

  it("README.md and CONTRIBUTING.md ask for the Node.js versions package.json's engines allow", () => {
    const { engines } = readJson<{ engines: { node: string } }>('package.json');
    const [, min20, min22] = /^\^(20\.\d+)\.0 \|\| >=(22\.\d+)\.0$/.exec(engines.node) ?? [];
    assert.ok(min20 && min22, `engines.node is ${engines.node}: update this test and the documents with it`);
    for (const document of ['README.md', 'CONTRIBUTING.md']) {
      const text = fs.readFileSync(path.join(repoRoot(), document), 'utf8');
      assert.match(text, new RegExp(`Node\\.js ${min20.replace('.', '\\.')} or later`), document);
      assert.match(text, new RegExp(`${min22.replace('.', '\\.')} or later`), document);
    }
  });

  it('contributes one task, from a folder that holds task.json', () => {
    assert.strictEqual(taskContributions.length, 1);
    const folder = taskContributions[0].properties.name;
    assert.ok(fs.existsSync(path.join(repoRoot(), folder, 'task.json')), `${folder}/task.json`);
  });

  it('packages the task folder (tfx silently leaves out folders missing from files)', () => {
    const folder = taskContributions[0].properties.name;
    assert.ok(
      manifest.files.some((f) => f.path === folder),
      `files ${JSON.stringify(manifest.files)} lacks ${folder}`,
    );
  });
});

describe('npm run version (scripts/version.mjs)', () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pwi-version-'));
    for (const file of VERSIONED_FILES) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.copyFileSync(path.join(repoRoot(), file), path.join(dir, file));
    }
  });

  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function runVersion(...args: string[]): Promise<{ stdout: string; stderr: string }> {
    const script = path.join(repoRoot(), 'scripts', 'version.mjs');
    // Without npm_command=version, as `npm run version` runs it (under `npm version` it follows npm).
    const env = { ...process.env };
    delete env['npm_command'];
    return promisify(execFile)(process.execPath, [script, '--root', dir, ...args], { env });
  }

  function read(file: string): string {
    return fs.readFileSync(path.join(dir, file), 'utf8');
  }

  it('bumps all five files together and changes nothing else in them', async () => {
    const { version } = readJson<{ version: string }>('package.json');
    const [major, minor] = version.split('.').map(Number);
    const next = `${major}.${minor + 1}.0`;
    const { stdout } = await runVersion('minor');

    assert.match(stdout, new RegExp(`package\\.json: ${version.replace(/\./g, '\\.')} → ${next}`));
    const lock = JSON.parse(read('package-lock.json')) as PackageLock;
    const task = JSON.parse(read(TASK_JSON)) as TaskJson;
    const manifest = JSON.parse(read('vss-extension.json')) as ExtensionManifest;
    assert.deepStrictEqual(
      [
        (JSON.parse(read('package.json')) as { version: string }).version,
        lock.version,
        lock.packages['']?.version,
        taskVersion(task),
        taskVersion(JSON.parse(read(TASK_LOC_JSON)) as TaskJson),
        manifest.version,
      ],
      [next, next, next, next, next, next],
    );
    // task.loc.json stays what npm run loc makes of the new task.json.
    const resjson = path.join(
      'tasks',
      'PipelineWorkItem',
      'Strings',
      'resources.resjson',
      'en-US',
      'resources.resjson',
    );
    fs.mkdirSync(path.dirname(path.join(dir, resjson)), { recursive: true });
    fs.copyFileSync(path.join(repoRoot(), resjson), path.join(dir, resjson));
    const loc = path.join(repoRoot(), 'scripts', 'loc.mjs');
    await promisify(execFile)(process.execPath, [loc, '--check', '--root', dir]);
    // Formatting is kept: only the lines holding the version differ.
    for (const file of VERSIONED_FILES) {
      const before = fs.readFileSync(path.join(repoRoot(), file), 'utf8').split('\n');
      const after = read(file).split('\n');
      assert.strictEqual(after.length, before.length, file);
      const changed = after.filter((line, i) => line !== before[i]);
      assert.ok(changed.length >= 1 && changed.length <= 2, `${file}: ${changed.join(' | ')}`);
      assert.ok(
        changed.every((line) => /"(version|Minor|Patch)"/.test(line)),
        `${file}: ${changed.join(' | ')}`,
      );
    }
  });

  it('refuses to bump versions that differ, and sets an explicit one everywhere', async () => {
    fs.writeFileSync(
      path.join(dir, 'vss-extension.json'),
      read('vss-extension.json').replace(/"version": "[^"]*"/, '"version": "0.9.9"'),
    );
    await assert.rejects(runVersion('patch'), /the versions differ[\s\S]*vss-extension\.json: 0\.9\.9/);

    await runVersion('3.4.5');
    assert.strictEqual((JSON.parse(read('vss-extension.json')) as ExtensionManifest).version, '3.4.5');
    assert.strictEqual(taskVersion(JSON.parse(read(TASK_JSON)) as TaskJson), '3.4.5');
    assert.strictEqual(taskVersion(JSON.parse(read(TASK_LOC_JSON)) as TaskJson), '3.4.5');
  });

  it('explains its usage without an argument', async () => {
    await assert.rejects(runVersion(), /usage: npm run version -- <major\|minor\|patch\|X\.Y\.Z>/);
  });
});
