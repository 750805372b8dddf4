// Generates the task's localization files from its task.json, laid out as the official Azure Pipelines tasks
// have them:
//
//   npm run loc                        writes both files
//   node scripts/loc.mjs --check       writes nothing; exits 1 when a committed file is not what task.json gives
//
//   tasks/PipelineWorkItem/task.loc.json
//       task.json with each user-facing string replaced by `ms-resource:<key>`. Azure DevOps reads it when the
//       extension is installed and fills the strings in from the resources of the organization's language.
//   tasks/PipelineWorkItem/Strings/resources.resjson/en-US/resources.resjson
//       <key> → the English text. Translations go beside it (Strings/resources.resjson/<culture>/); task-lib's
//       tl.loc reads the `loc.messages.*` of the agent's System.Culture at run time.
//
// Keys: loc.friendlyName, loc.helpMarkDown, loc.description, loc.instanceNameFormat, loc.releaseNotes,
// loc.group.displayName.<group>, loc.input.label.<input>, loc.input.help.<input>, loc.messages.<message>.
// pickList options stay as written: the official tasks' tooling gives them no key, so Azure DevOps is not known
// to resolve a resource there, and an unresolved one would show as `ms-resource:…` in the task's editor.
//
// task.loc.json is formatted by Prettier (like task.json, so the two read alike); the .resjson as JSON.stringify
// writes it. --root <dir> works on the files under <dir> instead of this repository (the tests use it).
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';

const TASK = path.join('tasks', 'PipelineWorkItem');
const TASK_LOC_JSON = path.join(TASK, 'task.loc.json');
const RESJSON = path.join(TASK, 'Strings', 'resources.resjson', 'en-US', 'resources.resjson');

function fail(message) {
  console.error(`loc: ${message}`);
  process.exit(1);
}

const repository = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function parseArguments(argv) {
  let root = repository;
  let check = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--check') check = true;
    else if (argv[i] === '--root' && argv[i + 1]) root = path.resolve(argv[++i]);
    else fail(`unexpected argument: ${argv[i]}\nusage: node scripts/loc.mjs [--check] [--root <dir>]`);
  }
  return { root, check };
}

/** task.loc.json's object and the English resources, from task.json's object. */
function localize(task) {
  const taskLoc = structuredClone(task);
  const resources = {};
  const resource = (key, text) => {
    resources[key] = text;
    return `ms-resource:${key}`;
  };
  for (const name of ['friendlyName', 'helpMarkDown', 'description', 'instanceNameFormat', 'releaseNotes']) {
    if (typeof task[name] === 'string') taskLoc[name] = resource(`loc.${name}`, task[name]);
  }
  for (const group of taskLoc.groups ?? []) {
    group.displayName = resource(`loc.group.displayName.${group.name}`, group.displayName);
  }
  for (const input of taskLoc.inputs ?? []) {
    input.label = resource(`loc.input.label.${input.name}`, input.label);
    if (input.helpMarkDown) input.helpMarkDown = resource(`loc.input.help.${input.name}`, input.helpMarkDown);
  }
  for (const key of Object.keys(taskLoc.messages ?? {})) {
    taskLoc.messages[key] = resource(`loc.messages.${key}`, task.messages[key]);
  }
  return { taskLoc, resources };
}

/** The generated files: path relative to the root → text. */
async function generate(root) {
  const taskFile = path.join(root, TASK, 'task.json');
  let task;
  try {
    task = JSON.parse(readFileSync(taskFile, 'utf8'));
  } catch (error) {
    fail(`cannot read ${path.join(TASK, 'task.json')}: ${error.message}`);
  }
  const { taskLoc, resources } = localize(task);
  // This repository's Prettier settings, also for another --root: the output must not depend on where it goes.
  const locFile = path.join(repository, TASK_LOC_JSON);
  const options = { ...(await prettier.resolveConfig(locFile)), filepath: locFile };
  return new Map([
    [TASK_LOC_JSON, await prettier.format(JSON.stringify(taskLoc, null, 2), options)],
    [RESJSON, `${JSON.stringify(resources, null, 2)}\n`],
  ]);
}

function readOrEmpty(file) {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

const { root, check } = parseArguments(process.argv.slice(2));
const files = await generate(root);
if (check) {
  const stale = [...files].filter(([name, text]) => readOrEmpty(path.join(root, name)) !== text);
  if (stale.length > 0) {
    fail(
      `not what task.json gives: ${stale.map(([name]) => name).join(', ')}\n` +
        'Regenerate them with: npm run loc',
    );
  }
  console.log(`loc: ${[...files.keys()].join(', ')} match task.json`);
} else {
  for (const [name, text] of files) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), text);
    console.log(`loc: wrote ${name}`);
  }
}
