// Renders the demo Bug, as `npm start` files it against the emulator, to images/screenshot-bug.png:
//
//   npm run screenshot
//
// (`prescreenshot` packages first, as `prestart` does.) Runs the demo (out/tests/demo/start.js), reads the
// fields it prints and the HTML file it writes the Bug's body to (build/demo/work-item-<id>.html), and
// shows them in headless Chromium in scripts/screenshot.html, a frame shaped roughly like the Azure Boards
// work item form: title, state, area and iteration, the Repro Steps body, details and links.
//
// Needs Chromium: CHROMIUM_PATH, else /usr/bin/chromium (see scripts/lib/chromium.mjs). Not part of
// npm test or CI; the PNG is committed.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromiumPath, launchChromium } from './lib/chromium.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const demo = path.join(root, 'out', 'tests', 'demo', 'start.js');
const template = path.join(root, 'scripts', 'screenshot.html');
const output = path.join(root, 'images', 'screenshot-bug.png');

function fail(message) {
  console.error(`screenshot: ${message}`);
  process.exit(1);
}

/**
 * What the demo printed: the item's fields (`  Reference.Name = value`), its relations
 * (`  relation <rel> → <url> (<label>)`), and the HTML file of its body.
 */
function parseDemoOutput(text) {
  const fields = {};
  const relations = [];
  let item;
  let htmlFile;
  for (const line of text.split(/\r?\n/)) {
    const heading = /^(\S[^:]*?) (\d+): /.exec(line);
    if (heading && !item) item = { type: heading[1], id: heading[2] };
    const field = /^ {2}([A-Za-z][\w.]*) = (.*)$/.exec(line);
    if (field) fields[field[1]] = field[2];
    const relation = /^ {2}relation (\S+) → (\S+)(?: \((.*)\))?$/.exec(line);
    if (relation) relations.push({ rel: relation[1], url: relation[2], label: relation[3] ?? '' });
    const html = /^The (\S+) HTML is in (.+); open it/.exec(line);
    if (html) htmlFile = path.resolve(root, html[2]);
  }
  return { item, fields, relations, htmlFile };
}

// Fail fast, before the demo runs, when there is no browser to render with.
chromiumPath('screenshot');
if (!existsSync(demo)) fail(`${path.relative(root, demo)} is missing: run npm run package first`);

const run = spawnSync(process.execPath, [demo], {
  cwd: root,
  encoding: 'utf8',
  shell: false,
  timeout: 120_000,
});
const printed = `${run.stdout ?? ''}${run.stderr ?? ''}`;
if (run.error) fail(`could not run the demo: ${run.error.message}`);
if (run.status !== 0) fail(`the demo failed (exit ${run.status}):\n${printed}`);
const { item, fields, relations, htmlFile } = parseDemoOutput(run.stdout);
if (!item || !htmlFile || !existsSync(htmlFile)) {
  fail(`the demo's output names no work item or no body HTML file:\n${printed}`);
}

const browser = await launchChromium('screenshot');
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 800 }, deviceScaleFactor: 1 });

  // The body as the demo wrote it: everything after the <p><i>field name</i></p> line.
  await page.goto(pathToFileURL(htmlFile).href);
  const body = await page.evaluate(() => {
    const marker = document.querySelector('body > p > i')?.parentElement;
    const parts = [];
    for (let node = marker?.nextSibling; node; node = node.nextSibling) {
      parts.push(node.nodeType === Node.ELEMENT_NODE ? node.outerHTML : (node.textContent ?? ''));
    }
    return { field: marker?.textContent ?? '', html: parts.join('') };
  });

  await page.setContent(readFileSync(template, 'utf8'));
  const values = {
    ...fields,
    'System.Id': item.id,
    'System.WorkItemType': (fields['System.WorkItemType'] ?? item.type).toUpperCase(),
    // "Alex Kim <alex@fabrikam.example>" is shown as its name, as the form does.
    'System.AssignedTo': (fields['System.AssignedTo'] ?? 'Unassigned').replace(/\s*<[^>]*>$/, ''),
    'System.CreatedBy': (fields['System.CreatedBy'] ?? '').replace(/\s*<[^>]*>$/, ''),
    bodyLabel: body.field === 'Microsoft.VSTS.TCM.ReproSteps' ? 'Repro Steps' : 'Description',
  };
  values.initials = values['System.AssignedTo']
    .split(/\s+/)
    .map((word) => word[0] ?? '')
    .join('')
    .slice(0, 2)
    .toUpperCase();

  await page.evaluate(
    ({ values, bodyHtml, relations }) => {
      for (const element of document.querySelectorAll('[data-field]')) {
        element.textContent = values[element.getAttribute('data-field')] ?? '';
      }
      // The task's own HTML, as Azure Boards shows the field.
      document.getElementById('body').innerHTML = bodyHtml;
      const tags = document.getElementById('tags');
      for (const tag of (values['System.Tags'] ?? '').split(';').map((t) => t.trim())) {
        if (!tag) continue;
        const chip = document.createElement('span');
        chip.className = 'tag';
        chip.textContent = tag;
        tags.append(chip, ' ');
      }
      const links = document.getElementById('links');
      for (const relation of relations) {
        // An artifact link shows as the build it names (vstfs:///Build/Build/<id>), a web link as its text.
        const entry = document.createElement('li');
        const link = document.createElement('a');
        link.textContent =
          relation.rel === 'ArtifactLink'
            ? `${relation.label || 'Build'} ${relation.url.split('/').pop()}`
            : relation.label || relation.url;
        entry.append(link);
        links.append(entry);
      }
    },
    { values, bodyHtml: body.html, relations },
  );

  const png = await page.locator('.form').screenshot();
  writeFileSync(output, png);
  console.log(
    `screenshot: ${path.relative(root, output)} from ${path.relative(root, htmlFile)}, ${png.length} bytes`,
  );
} finally {
  await browser.close();
}
