// Packages the staged extension (build/extension/, made by scripts/bundle.mjs) into a VSIX.
//
//   node scripts/package.mjs [--publisher <id>]
//
// Publisher: `--publisher <id>` (or `--publisher=<id>`), else the environment variable PWI_PUBLISHER,
// else the `publisher` of vss-extension.json (a placeholder: use your Marketplace publisher id). Only the
// staged copy of vss-extension.json gets it; the files in the repository are not changed.
// Version: package.json, task.json and vss-extension.json must already hold the same X.Y.Z (set them
// together with `npm run version -- <major|minor|patch>`); a mismatch fails here instead of being
// papered over, so what is committed is what ships.
//
// Writes dist/<publisher>.<extension id>-<version>.vsix after removing the previous dist/*.vsix.
// Exits 1 if tfx fails or prints any warning (tfx reports task.json problems only as warnings), or
// if the VSIX lacks the task's task.json, task.loc.json, English resources, index.js or icon.png or a file the
// manifest names (icon, screenshots, overview, licence, changelog), or holds sources (src/, *.ts).
//
// Runs the same on Windows, macOS and Linux (scripts/lib/tfx.mjs starts tfx without a shell).
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import yauzl from 'yauzl';
import { createVsix } from './lib/tfx.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stage = path.join(root, 'build', 'extension');
const dist = path.join(root, 'dist');
const taskDir = path.join('tasks', 'PipelineWorkItem');
/** The same folder as it is named inside the VSIX (ZIP names use forward slashes). */
const taskEntry = 'tasks/PipelineWorkItem';
/** The English resources of task.loc.json, inside the task folder. */
const RESJSON = 'Strings/resources.resjson/en-US/resources.resjson';

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

/** The names of the files (not folders) in a ZIP archive. */
async function zipFileNames(file) {
  const zip = await yauzl.openPromise(file, { lazyEntries: true, strictFileNames: true });
  const names = [];
  for await (const entry of zip.eachEntry()) {
    if (!entry.fileName.endsWith('/')) names.push(entry.fileName);
  }
  return names;
}

/** The files the manifest names (icons, screenshots, details, licence …), relative to the root. */
function referencedFiles(manifest) {
  const files = [
    ...Object.values(manifest.icons ?? {}),
    ...(manifest.screenshots ?? []).map((s) => s.path),
    ...Object.values(manifest.content ?? {}).map((c) => c.path),
  ];
  return [...new Set(files.filter((f) => typeof f === 'string'))];
}

const started = Date.now();
const { version } = readJson(path.join(root, 'package.json'));
if (!/^\d+\.\d+\.\d+$/.test(version ?? '')) {
  fail(`package.json version must be X.Y.Z (task.json needs numbers), got: ${version}`);
}

const manifest = readJson(path.join(root, 'vss-extension.json'));
const task = readJson(path.join(root, taskDir, 'task.json'));
const taskVersion = `${task.version?.Major}.${task.version?.Minor}.${task.version?.Patch}`;
if (manifest.version !== version || taskVersion !== version) {
  fail(
    `versions differ: package.json ${version}, vss-extension.json ${manifest.version}, task.json ${taskVersion}.\n` +
      '  Set them together with: npm run version -- <major|minor|patch>',
  );
}

const publisher =
  publisherArgument(process.argv.slice(2)) ?? (process.env.PWI_PUBLISHER || manifest.publisher);
if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(publisher ?? '')) fail(`invalid publisher id: ${publisher}`);

const stagedTask = path.join(stage, taskDir);
for (const file of ['index.js', 'task.json', 'task.loc.json', 'icon.png']) {
  if (!existsSync(path.join(stagedTask, file))) {
    fail(`${path.relative(root, path.join(stagedTask, file))} is missing: run node scripts/bundle.mjs first`);
  }
}

// The publisher goes into the staged manifest only; the files it references are copied beside it.
writeJson(path.join(stage, 'vss-extension.json'), { ...manifest, publisher });
for (const file of referencedFiles(manifest)) {
  const from = path.join(root, ...file.split('/'));
  if (!existsSync(from)) fail(`vss-extension.json names ${file}, which does not exist`);
  const to = path.join(stage, ...file.split('/'));
  mkdirSync(path.dirname(to), { recursive: true });
  copyFileSync(from, to);
}

mkdirSync(dist, { recursive: true });
for (const old of readdirSync(dist).filter((name) => name.endsWith('.vsix'))) rmSync(path.join(dist, old));
vsix = path.join(dist, `${publisher}.${manifest.id}-${version}.vsix`);

const { error, status, output } = createVsix(stage, vsix, root);
if (error) fail(`could not run tfx: ${error.message}`);
if (status !== 0) fail(`tfx exited with ${status}:\n${output}`);
if (/warn/i.test(output)) fail(`tfx printed warnings (treated as errors):\n${output}`);
if (!existsSync(vsix)) fail(`tfx did not write ${vsix}:\n${output}`);

// Verify the contents.
let names;
try {
  names = await zipFileNames(vsix);
} catch (error) {
  fail(`${path.relative(root, vsix)} cannot be read as a ZIP file: ${error.message}`);
}
const problems = [];
for (const file of ['task.json', 'task.loc.json', RESJSON, 'index.js', 'icon.png']) {
  if (!names.includes(`${taskEntry}/${file}`)) problems.push(`missing ${taskEntry}/${file}`);
}
for (const name of names) {
  if (/(^|\/)src\//.test(name) || /\.ts$/i.test(name)) problems.push(`source file in the VSIX: ${name}`);
}
// The Marketplace page and its pictures, the licence and the changelog travel in the VSIX.
for (const file of referencedFiles(manifest)) {
  if (!names.includes(file)) problems.push(`missing ${file} (named in vss-extension.json)`);
}
if (problems.length > 0) fail(`${path.relative(root, vsix)}:\n  ${problems.join('\n  ')}`);

const { size } = statSync(vsix);
console.log(
  `package: ${path.relative(root, vsix)} ${size} bytes, ${names.length} files, ` +
    `publisher ${publisher}, version ${version}, ${Date.now() - started} ms`,
);
