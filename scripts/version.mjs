// Sets the version of the extension everywhere it is written, together:
//
//   npm run version -- <major|minor|patch|X.Y.Z>
//
//   package.json                    version
//   package-lock.json               version and packages[""].version (the root package)
//   tasks/PipelineWorkItem/task.json version.Major / Minor / Patch
//   tasks/PipelineWorkItem/task.loc.json  the same (generated from task.json by npm run loc, kept in step here)
//   vss-extension.json              version
//
// major|minor|patch bumps the current version, which must be the same in all five files (the metadata
// test and scripts/package.mjs insist on it too); X.Y.Z sets that version, and so also repairs files that
// drifted apart. Each file is edited in place with jsonc-parser, so its formatting stays as it is.
// Prints every change as `file: old → new`.
//
// Run by `npm version <part>` (npm's own command bumps package.json and package-lock.json, then runs this
// "version" script without arguments), it brings task.json, task.loc.json and vss-extension.json to
// package.json's new version and stages them with git, so npm's version commit holds all five files.
//
// --root <dir> works on the files under <dir> instead of this repository (the tests use it).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import jsonc from 'jsonc-parser';

const USAGE = 'usage: npm run version -- <major|minor|patch|X.Y.Z>';
const TASK_JSON = path.join('tasks', 'PipelineWorkItem', 'task.json');
const TASK_LOC_JSON = path.join('tasks', 'PipelineWorkItem', 'task.loc.json');

function fail(message) {
  console.error(`version: ${message}`);
  process.exit(1);
}

/** The arguments: the part to bump or the version to set, and --root. */
function parseArguments(argv) {
  let root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  let target;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--root') {
      if (!argv[i + 1]) fail('--root needs a folder');
      root = path.resolve(argv[++i]);
    } else if (target === undefined && /^(major|minor|patch|\d+\.\d+\.\d+)$/.test(argv[i])) {
      target = argv[i];
    } else {
      fail(`unexpected argument: ${argv[i]}\n${USAGE}`);
    }
  }
  return { root, target };
}

/** A JSON file with its text, parsed value, and in-place edits that keep its formatting. */
function jsonFile(root, name) {
  const file = path.join(root, name);
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    fail(`cannot read ${name}: ${error.message}`);
  }
  const errors = [];
  const value = jsonc.parse(text, errors, { allowTrailingComma: false, disallowComments: true });
  if (errors.length > 0) fail(`${name} is not valid JSON (${jsonc.printParseErrorCode(errors[0].error)})`);
  return {
    name,
    value,
    set(jsonPath, newValue) {
      const edits = jsonc.modify(text, jsonPath, newValue, {
        formattingOptions: { insertSpaces: true, tabSize: 2, eol: '\n' },
      });
      text = jsonc.applyEdits(text, edits);
    },
    save() {
      writeFileSync(file, text);
    },
  };
}

const SEMVER = /^(\d+)\.(\d+)\.(\d+)$/;

function bump(version, part) {
  const [major, minor, patch] = SEMVER.exec(version).slice(1).map(Number);
  if (part === 'major') return `${major + 1}.0.0`;
  if (part === 'minor') return `${major}.${minor + 1}.0`;
  if (part === 'patch') return `${major}.${minor}.${patch + 1}`;
  return part;
}

const { root, target } = parseArguments(process.argv.slice(2));
const underNpmVersion = target === undefined && process.env.npm_command === 'version';
if (target === undefined && !underNpmVersion) fail(USAGE);

const pkg = jsonFile(root, 'package.json');
const lock = jsonFile(root, 'package-lock.json');
const task = jsonFile(root, TASK_JSON);
const taskLoc = jsonFile(root, TASK_LOC_JSON);
const manifest = jsonFile(root, 'vss-extension.json');

const taskVersion = (v) => (v ? `${v.Major}.${v.Minor}.${v.Patch}` : 'none');
const current = [
  { file: pkg.name, version: String(pkg.value.version) },
  { file: `${lock.name} (version)`, version: String(lock.value.version) },
  { file: `${lock.name} (packages[""].version)`, version: String(lock.value.packages?.['']?.version) },
  { file: task.name, version: taskVersion(task.value.version) },
  { file: taskLoc.name, version: taskVersion(taskLoc.value.version) },
  { file: manifest.name, version: String(manifest.value.version) },
];

let next;
if (underNpmVersion) {
  // npm has already written package.json and package-lock.json; follow them.
  next = pkg.value.version;
} else if (SEMVER.test(target)) {
  next = target;
} else {
  const versions = new Set(current.map((c) => c.version));
  if (versions.size !== 1) {
    fail(
      `the versions differ, so there is no one version to bump:\n` +
        current.map((c) => `  ${c.file}: ${c.version}`).join('\n') +
        `\nSet one for all of them with: npm run version -- X.Y.Z`,
    );
  }
  if (!SEMVER.test(pkg.value.version)) fail(`package.json version is not X.Y.Z: ${pkg.value.version}`);
  next = bump(pkg.value.version, target);
}
if (!SEMVER.test(next ?? '')) fail(`not an X.Y.Z version: ${next}`);
const [major, minor, patch] = SEMVER.exec(next).slice(1).map(Number);

pkg.set(['version'], next);
lock.set(['version'], next);
lock.set(['packages', '', 'version'], next);
for (const file of [task, taskLoc]) {
  file.set(['version', 'Major'], major);
  file.set(['version', 'Minor'], minor);
  file.set(['version', 'Patch'], patch);
}
manifest.set(['version'], next);

const files = underNpmVersion ? [task, taskLoc, manifest] : [pkg, lock, task, taskLoc, manifest];
for (const file of files) file.save();
for (const c of current) {
  if (underNpmVersion && (c.file.startsWith(pkg.name) || c.file.startsWith(lock.name))) continue;
  console.log(`${c.file}: ${c.version} → ${next}${c.version === next ? ' (unchanged)' : ''}`);
}
if (underNpmVersion) {
  // npm version commits what is staged; add the files npm does not know about.
  try {
    execFileSync('git', ['add', '--', task.name, taskLoc.name, manifest.name], {
      cwd: root,
      stdio: 'inherit',
      shell: false,
    });
  } catch (error) {
    console.warn(
      `version: could not stage ${task.name}, ${taskLoc.name} and ${manifest.name} with git: ${error.message}`,
    );
  }
}
