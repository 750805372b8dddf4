// Writes the inputs tables of README.md and overview.md from task.json, so the task editor's help, the README
// and the Marketplace page say the same thing:
//
//   node scripts/inputs-doc.mjs            rewrites the tables in both files
//   node scripts/inputs-doc.mjs --check    writes nothing; exits 1 when a table is not what task.json gives
//
// The tables stand between `<!-- inputs:begin -->` and `<!-- inputs:end -->` in each file: one table per group
// of the task editor, one row per input with its YAML name, its editor label, its default and its help text.
// `npm run loc` runs this after the localization files. --root <dir> works on the files under <dir> (the tests
// use it).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TASK_JSON = path.join('tasks', 'PipelineWorkItem', 'task.json');
const DOCUMENTS = ['README.md', 'overview.md'];
const BEGIN = '<!-- inputs:begin -->';
const END = '<!-- inputs:end -->';

function fail(message) {
  console.error(`inputs-doc: ${message}`);
  process.exit(1);
}

function parseArguments(argv) {
  let root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  let check = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--check') check = true;
    else if (argv[i] === '--root' && argv[i + 1]) root = path.resolve(argv[++i]);
    else fail(`unexpected argument: ${argv[i]}\nusage: node scripts/inputs-doc.mjs [--check] [--root <dir>]`);
  }
  return { root, check };
}

// A table cell holds one line, and a `|` would end it.
const cell = (text) => text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');

function defaultOf(input) {
  const value = String(input.defaultValue ?? '');
  return value === '' ? '' : `\`${value}\``;
}

function meaningOf(input) {
  const options = input.type === 'pickList' ? Object.keys(input.options ?? {}) : [];
  const help = input.helpMarkDown ?? '';
  return options.length > 0 ? `${help} One of ${options.map((o) => `\`${o}\``).join(', ')}.` : help;
}

/** The Markdown of every group's table, in the editor's order. */
function inputsMarkdown(task) {
  const sections = (task.groups ?? []).map((group) => {
    const rows = (task.inputs ?? [])
      .filter((input) => input.groupName === group.name)
      .map((input) =>
        [`\`${input.name}\``, input.label, defaultOf(input), meaningOf(input)].map(cell).join(' | '),
      );
    return [
      `**${group.displayName}**`,
      '',
      '| input | label in the editor | default | meaning |',
      '| --- | --- | --- | --- |',
      ...rows.map((row) => `| ${row} |`),
    ].join('\n');
  });
  return sections.join('\n\n');
}

/** `text` with the part between the markers replaced by `tables`. */
function withTables(name, text, tables) {
  const begin = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (begin < 0 || end < begin) fail(`${name} has no ${BEGIN} … ${END} block`);
  return `${text.slice(0, begin + BEGIN.length)}\n\n${tables}\n\n${text.slice(end)}`;
}

const { root, check } = parseArguments(process.argv.slice(2));
let task;
try {
  task = JSON.parse(readFileSync(path.join(root, TASK_JSON), 'utf8'));
} catch (error) {
  fail(`cannot read ${TASK_JSON}: ${error.message}`);
}
const tables = inputsMarkdown(task);
const stale = [];
for (const name of DOCUMENTS) {
  const file = path.join(root, name);
  const text = readFileSync(file, 'utf8');
  const wanted = withTables(name, text, tables);
  if (wanted === text) continue;
  stale.push(name);
  if (!check) {
    writeFileSync(file, wanted);
    console.log(`inputs-doc: wrote the inputs tables of ${name}`);
  }
}
if (check && stale.length > 0) {
  fail(
    `the inputs tables of ${stale.join(', ')} are not what task.json gives\nRegenerate them with: npm run loc`,
  );
}
if (check) console.log(`inputs-doc: the inputs tables of ${DOCUMENTS.join(', ')} match task.json`);
