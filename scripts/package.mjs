// Packages the staged extension (build/extension/, made by scripts/bundle.mjs) into a VSIX.
//
//   node scripts/package.mjs [--publisher <id>]
//
// Publisher: `--publisher <id>` (or `--publisher=<id>`), else the environment variable PWI_PUBLISHER,
// else the `publisher` of vss-extension.json (a placeholder: use your Marketplace publisher id).
// Version: package.json's `version` (X.Y.Z), stamped into the staged vss-extension.json and task.json
// (version.Major/Minor/Patch); the files in the repository are not changed.
//
// Writes dist/<publisher>.<extension id>-<version>.vsix after removing the previous dist/*.vsix.
// Exits 1 if tfx fails or prints any warning (tfx reports task.json problems only as warnings), or
// if the VSIX lacks the task's task.json, index.js or icon.png, or holds sources (src/, *.ts).
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readZip } from './lib/zip.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stage = path.join(root, 'build', 'extension');
const dist = path.join(root, 'dist');
const taskDir = 'tasks/PipelineWorkItem';

let vsix; // set once tfx may have written it; removed again on failure

function fail(message) {
  console.error(`package: ${message}`);
  if (vsix) rmSync(vsix, { force: true });
  process.exit(1);
}

function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

function writeJson(file, value) {
  writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
}

function publisherArgument(argv) {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--publisher') {
      if (!argv[i + 1]) fail('--publisher needs a value');
      return argv[i + 1];
    }
    if (argv[i].startsWith('--publisher=')) return argv[i].slice('--publisher='.length);
    fail(`unknown argument: ${argv[i]}`);
  }
  return undefined;
}

const started = Date.now();
const { version } = readJson(path.join(root, 'package.json'));
const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(version ?? '');
if (!match) fail(`package.json version must be X.Y.Z (task.json needs numbers), got: ${version}`);

const manifest = readJson(path.join(root, 'vss-extension.json'));
const publisher =
  publisherArgument(process.argv.slice(2)) ?? (process.env.PWI_PUBLISHER || manifest.publisher);
if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(publisher ?? '')) fail(`invalid publisher id: ${publisher}`);

const stagedTask = path.join(stage, taskDir);
for (const file of ['index.js', 'task.json', 'icon.png']) {
  if (!existsSync(path.join(stagedTask, file))) {
    fail(`${path.relative(root, path.join(stagedTask, file))} is missing: run node scripts/bundle.mjs first`);
  }
}

// Stamp the version into the staged copies only.
writeJson(path.join(stage, 'vss-extension.json'), { ...manifest, publisher, version });
const task = readJson(path.join(root, taskDir, 'task.json'));
task.version = { Major: Number(match[1]), Minor: Number(match[2]), Patch: Number(match[3]) };
writeJson(path.join(stagedTask, 'task.json'), task);

rmSync(path.join(stage, 'images'), { recursive: true, force: true });
cpSync(path.join(root, 'images'), path.join(stage, 'images'), { recursive: true });
for (const file of ['overview.md', 'LICENSE']) copyFileSync(path.join(root, file), path.join(stage, file));

mkdirSync(dist, { recursive: true });
for (const old of readdirSync(dist).filter((name) => name.endsWith('.vsix'))) rmSync(path.join(dist, old));
vsix = path.join(dist, `${publisher}.${manifest.id}-${version}.vsix`);

const tfx = path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'tfx.cmd' : 'tfx');
const args = [
  'extension',
  'create',
  '--root',
  stage,
  '--manifest-globs',
  'vss-extension.json',
  '--output-path',
  vsix,
  '--no-prompt',
  '--no-color',
];
const run = spawnSync(tfx, args, { cwd: root, encoding: 'utf8', shell: process.platform === 'win32' });
const output = `${run.stdout ?? ''}${run.stderr ?? ''}`;
if (run.error) fail(`could not run tfx: ${run.error.message}`);
if (run.status !== 0) fail(`tfx exited with ${run.status}:\n${output}`);
if (/warn/i.test(output)) fail(`tfx printed warnings (treated as errors):\n${output}`);
if (!existsSync(vsix)) fail(`tfx did not write ${vsix}:\n${output}`);

// Verify the contents.
const bytes = readFileSync(vsix);
const names = readZip(bytes)
  .map((entry) => entry.name)
  .filter((name) => !name.endsWith('/'));
const problems = [];
for (const file of ['task.json', 'index.js', 'icon.png']) {
  if (!names.includes(`${taskDir}/${file}`)) problems.push(`missing ${taskDir}/${file}`);
}
for (const name of names) {
  if (/(^|\/)src\//.test(name) || /\.ts$/i.test(name)) problems.push(`source file in the VSIX: ${name}`);
}
if (problems.length > 0) fail(`${path.relative(root, vsix)}:\n  ${problems.join('\n  ')}`);

console.log(
  `package: ${path.relative(root, vsix)} ${bytes.length} bytes, ${names.length} files, ` +
    `publisher ${publisher}, version ${version}, ${Date.now() - started} ms`,
);
