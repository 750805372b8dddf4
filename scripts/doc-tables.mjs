// Writes the tables README.md and overview.md share, so that the task editor's help, the README and the
// Marketplace page say the same thing:
//
//   node scripts/doc-tables.mjs            rewrites the tables in both files
//   node scripts/doc-tables.mjs --check    writes nothing; exits 1 when a table is not what its source gives
//
// The inputs tables stand between `<!-- inputs:begin -->` and `<!-- inputs:end -->` in each file, made from
// task.json: one table per group of the task editor, one row per input with its YAML name, its editor label,
// its default and its help text. The outputs table stands between `<!-- outputs:begin -->` and
// `<!-- outputs:end -->`: README.md holds the one that is edited, overview.md a copy of it. `npm run loc` runs
// this after the localization files. --root <dir> works on the files under <dir> (the tests use it).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TASK_JSON = path.join('tasks', 'PipelineWorkItem', 'task.json');
const DOCUMENTS = ['README.md', 'overview.md'];
const INPUTS = 'inputs';
const OUTPUTS = 'outputs';
const begin = (block) => `<!-- ${block}:begin -->`;
const end = (block) => `<!-- ${block}:end -->`;

function fail(message) {
  console.error(`doc-tables: ${message}`);
  process.exit(1);
}

function parseArguments(argv) {
  let root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  let check = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--check') check = true;
    else if (argv[i] === '--root' && argv[i + 1]) root = path.resolve(argv[++i]);
    else fail(`unexpected argument: ${argv[i]}\nusage: node scripts/doc-tables.mjs [--check] [--root <dir>]`);
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

/** Where the `block` of `text` starts and ends, inside its markers. */
function blockOf(name, text, block) {
  const from = text.indexOf(begin(block));
  const to = text.indexOf(end(block));
  if (from < 0 || to < from) fail(`${name} has no ${begin(block)} … ${end(block)} block`);
  return { from: from + begin(block).length, to };
}

/** `text` with its `block` replaced by `content`. */
function withBlock(name, text, block, content) {
  const { from, to } = blockOf(name, text, block);
  return `${text.slice(0, from)}\n\n${content}\n\n${text.slice(to)}`;
}

/** The outputs table of `text`, README.md's being the one that is edited. */
function outputsTable(name, text) {
  const { from, to } = blockOf(name, text, OUTPUTS);
  return text.slice(from, to).trim();
}

const { root, check } = parseArguments(process.argv.slice(2));
let task;
try {
  task = JSON.parse(readFileSync(path.join(root, TASK_JSON), 'utf8'));
} catch (error) {
  fail(`cannot read ${TASK_JSON}: ${error.message}`);
}
const texts = new Map(DOCUMENTS.map((name) => [name, readFileSync(path.join(root, name), 'utf8')]));
const inputs = inputsMarkdown(task);
const outputs = outputsTable(DOCUMENTS[0], texts.get(DOCUMENTS[0]));
const stale = [];
for (const [name, text] of texts) {
  const wanted = withBlock(name, withBlock(name, text, INPUTS, inputs), OUTPUTS, outputs);
  if (wanted === text) continue;
  stale.push(name);
  if (!check) {
    writeFileSync(path.join(root, name), wanted);
    console.log(`doc-tables: wrote the inputs and outputs tables of ${name}`);
  }
}
if (check && stale.length > 0) {
  fail(
    `the tables of ${stale.join(', ')} are not what task.json and README.md's outputs table give\n` +
      'Regenerate them with: npm run loc',
  );
}
if (check) {
  console.log(
    `doc-tables: the tables of ${DOCUMENTS.join(', ')} match task.json and README.md's outputs table`,
  );
}
