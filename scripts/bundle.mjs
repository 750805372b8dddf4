// Bundles the PipelineWorkItem task into one CommonJS file and stages it for packaging.
//
//   node scripts/bundle.mjs
//
// Output (build/extension/ is the root the VSIX is made from; sources never enter it):
//   build/extension/tasks/PipelineWorkItem/index.js                 the bundle (minified, no source map link)
//   build/extension/tasks/PipelineWorkItem/task.json, icon.png      copied beside it
//   build/extension/tasks/PipelineWorkItem/task.loc.json, Strings/  the localization (npm run loc), copied too
//   build/extension/tasks/PipelineWorkItem/THIRD-PARTY-NOTICES.txt  licences of the bundled packages
//   build/sourcemaps/PipelineWorkItem/index.js.map                  for debugging only, never packaged
//   build/meta/PipelineWorkItem.json                                esbuild's metafile: what each input costs
//                                                                   (npm run bench reads it), never packaged
//
// Exits 1 on any esbuild warning or error.
import { build, formatMessages } from 'esbuild';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  copyFileSync,
  cpSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { taskBundleOptions } from './lib/taskBundle.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const taskName = 'PipelineWorkItem';
const taskSrc = path.join(root, 'tasks', taskName);
const entry = path.join(taskSrc, 'src', 'index.ts');
const stage = path.join(root, 'build', 'extension');
const taskOut = path.join(stage, 'tasks', taskName);
const mapOut = path.join(root, 'build', 'sourcemaps', taskName);
const metaOut = path.join(root, 'build', 'meta', `${taskName}.json`);
const noticesName = 'THIRD-PARTY-NOTICES.txt';

function fail(message) {
  console.error(`bundle: ${message}`);
  process.exit(1);
}

if (!existsSync(entry)) fail(`entry not found: ${path.relative(root, entry)}`);

rmSync(stage, { recursive: true, force: true });
rmSync(mapOut, { recursive: true, force: true });
rmSync(metaOut, { force: true });
mkdirSync(taskOut, { recursive: true });
mkdirSync(mapOut, { recursive: true });
mkdirSync(path.dirname(metaOut), { recursive: true });

const started = Date.now();
let result;
const chunks = new Map();
try {
  result = await build({
    ...taskBundleOptions(entry, path.join(taskOut, 'index.js'), chunks),
    absWorkingDir: root,
    // 'external' without a URL comment: the map is written outside the staging root below.
    sourcemap: 'external',
    // Collected into THIRD-PARTY-NOTICES.txt together with the packages' licence files.
    legalComments: 'external',
    metafile: true,
    write: false,
    logLevel: 'silent',
  });
} catch (error) {
  // esbuild rejects with { errors, warnings } when the build fails.
  const errors = await formatMessages(error.errors ?? [], { kind: 'error' });
  const warnings = await formatMessages(error.warnings ?? [], { kind: 'warning' });
  console.error([...errors, ...warnings].join('\n') || String(error));
  fail('esbuild failed');
}

if (result.warnings.length > 0) {
  console.error((await formatMessages(result.warnings, { kind: 'warning' })).join('\n'));
  fail(`${result.warnings.length} esbuild warning(s); treated as errors`);
}

let bundleBytes = 0;
let legalComments = '';
for (const file of result.outputFiles) {
  const name = path.basename(file.path);
  if (name === 'index.js') {
    writeFileSync(path.join(taskOut, 'index.js'), file.contents);
    bundleBytes = file.contents.length;
  } else if (name === 'index.js.map') {
    writeFileSync(path.join(mapOut, name), file.contents);
  } else if (name === 'index.js.LEGAL.txt') {
    legalComments = file.text.trim();
  } else {
    fail(`unexpected esbuild output: ${file.path}`);
  }
}

for (const [name, chunk] of chunks) {
  if (chunk.map) writeFileSync(path.join(mapOut, `${name}.js.map`), chunk.map);
  legalComments = [legalComments, chunk.legal.trim()].filter(Boolean).join('\n\n');
}
const metafile = withChunks(result.metafile, chunks);
writeFileSync(metaOut, JSON.stringify(metafile));
const packages = bundledPackages(metafile);
writeFileSync(path.join(taskOut, noticesName), notices(packages, legalComments));

for (const file of ['task.json', 'task.loc.json', 'icon.png']) {
  const from = path.join(taskSrc, file);
  if (!existsSync(from)) fail(`missing ${path.relative(root, from)}`);
  copyFileSync(from, path.join(taskOut, file));
}
// Azure DevOps reads task.loc.json with these resources; tl.loc reads the messages' translations from here too.
const strings = path.join(taskSrc, 'Strings');
if (!existsSync(strings)) fail(`missing ${path.relative(root, strings)}: run npm run loc`);
cpSync(strings, path.join(taskOut, 'Strings'), { recursive: true });

const kib = (bundleBytes / 1024).toFixed(1);
console.log(
  `bundle: ${path.relative(root, path.join(taskOut, 'index.js'))} ${bundleBytes} bytes (${kib} KiB), ` +
    `${packages.length} packages, ${Date.now() - started} ms`,
);

/**
 * The metafile with each embedded chunk's inputs in place of the module that holds its text, so that what a
 * package weighs and its licence are accounted for wherever it is bundled (the text's escapes count as wrappers).
 * Fails when a package is in a chunk and in the bundle: it would exist twice, each copy with its own state.
 */
function withChunks(metafile, chunks) {
  const name = Object.keys(metafile.outputs).find((file) => file.endsWith('/index.js'));
  const output = metafile.outputs[name];
  const inputs = Object.fromEntries(
    Object.entries(output.inputs).filter(([input]) => !input.startsWith('embedded-chunk')),
  );
  const bundled = new Set(Object.keys(inputs).map((input) => packageDir(path.resolve(root, input))));
  const all = { ...metafile.inputs };
  for (const [chunk, { metafile: meta }] of chunks) {
    const [chunkOutput] = Object.values(meta.outputs).filter((o) => o.entryPoint !== undefined);
    for (const [input, used] of Object.entries(chunkOutput.inputs)) {
      const dir = packageDir(path.resolve(root, input));
      if (dir && bundled.has(dir)) fail(`${path.relative(root, dir)} is in the bundle and in chunk ${chunk}`);
      // A chunk's own chunk (the text of a lazily required package) is accounted for by its inputs; the objects
      // that stand for lazily required modules are generated code, like esbuild's wrappers.
      if (/^(<stdin>|embedded-chunk|lazy-require)/.test(input)) continue;
      inputs[input] = used;
      all[input] = meta.inputs[input];
    }
  }
  return { inputs: all, outputs: { ...metafile.outputs, [name]: { ...output, inputs } } };
}

/**
 * The npm packages whose files ended up in the bundle, from esbuild's metafile
 * (inputs that contributed bytes to the output), as { name, version, license, dir }.
 */
function bundledPackages(metafile) {
  const dirs = new Set();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      if (bytesInOutput === 0) continue;
      const dir = packageDir(path.resolve(root, input));
      if (dir) dirs.add(dir);
    }
  }
  return [...dirs]
    .map((dir) => {
      const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
      return { name: manifest.name, version: manifest.version, license: licenseOf(manifest), dir };
    })
    .sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
}

/** The package folder (node_modules/<name> or node_modules/@scope/<name>) holding a file, or undefined. */
function packageDir(file) {
  const parts = file.split(path.sep);
  const at = parts.lastIndexOf('node_modules');
  if (at < 0) return undefined;
  const length = parts[at + 1]?.startsWith('@') ? at + 3 : at + 2;
  return parts.slice(0, length).join(path.sep);
}

function licenseOf(manifest) {
  if (typeof manifest.license === 'string') return manifest.license;
  if (manifest.license?.type) return manifest.license.type;
  return 'UNKNOWN';
}

/**
 * The licence text a package ships: a LICENSE/LICENCE/COPYING file (any suffix, e.g. LICENSE-MIT.txt),
 * else the "License" section of its README (some packages keep their notice only there).
 */
function licenseText(dir) {
  const names = readdirSync(dir).sort();
  const file = names.find((name) => /^(licen[cs]e|copying)([-.][\w.-]+)?$/i.test(name));
  if (file) return readFileSync(path.join(dir, file), 'utf8').trim();
  const readme = names.find((name) => /^readme(\.(md|markdown|txt))?$/i.test(name));
  if (!readme) return undefined;
  const section = /^(#+)\s*licen[cs]e\b.*$([\s\S]*?)(?=^#{1,6}\s|(?![\s\S]))/im.exec(
    readFileSync(path.join(dir, readme), 'utf8'),
  );
  return section?.[2].trim() ? `(from ${readme})\n${section[2].trim()}` : undefined;
}

function notices(packages, comments) {
  const rule = '-'.repeat(78);
  const parts = [
    'Third-party software notices for the Pipeline Work Items task.',
    '',
    'index.js in this folder is a bundle that includes the following npm packages.',
    'Their licence texts follow, as shipped in each package.',
    '',
    ...packages.map((p) => `  ${p.name}@${p.version} (${p.license})`),
  ];
  for (const p of packages) {
    parts.push('', rule, `${p.name}@${p.version} (${p.license})`, rule, '');
    parts.push(licenseText(p.dir) ?? `No licence file in the package; package.json declares: ${p.license}.`);
  }
  if (comments) {
    parts.push('', rule, 'Legal comments found in the bundled sources', rule, '', comments);
  }
  return parts.join('\n') + '\n';
}
