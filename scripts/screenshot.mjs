// Renders a Bug filed by the packaged task to images/screenshot-bug.png, the picture on the Marketplace page:
//
//   npm run screenshot
//
// (`prescreenshot` packages first, as `prestart` does.) Like `npm start`, it unpacks dist/*.vsix, seeds the
// emulator with the demo's failed multi-stage run (tests/demo/demoRun.ts: npm test failed in Build, eslint in
// Lint, failing tests, two commits, logs that read like a real run's) and runs the packaged task with the demo's
// inputs. Then it shows the filed item, its fields, tags, relations and the
// HTML of its Repro Steps exactly as the task wrote them, in headless Chromium in scripts/screenshot.html, a
// frame laid out like the Azure Boards work item form, and saves the form as a palette PNG (image-q reduces
// it to a few colours, fast-png writes it): small enough for the VSIX.
//
// Needs Chromium: CHROMIUM_PATH, else /usr/bin/chromium (see scripts/lib/chromium.mjs). Not part of
// npm test or CI; the PNG is committed.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decode, encode } from 'fast-png';
import { applyPaletteSync, buildPaletteSync, utils } from 'image-q';
import { chromiumPath, launchChromium } from './lib/chromium.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const template = path.join(root, 'scripts', 'screenshot.html');
const output = path.join(root, 'images', 'screenshot-bug.png');
/** Colours of the PNG: the frame's dozen plus the grey and blue shades of anti-aliased text. */
const COLOURS = 48;

function fail(message) {
  console.error(`screenshot: ${message}`);
  process.exit(1);
}

/** The compiled test helpers (`npm run package` builds them into out/). */
function helpers() {
  const require = createRequire(import.meta.url);
  const load = (file) => {
    const full = path.join(root, 'out', 'tests', ...file.split('/'));
    if (!existsSync(full)) fail(`${path.relative(root, full)} is missing: run npm run package first`);
    return require(full);
  };
  return {
    ...load('emulator/harness.js'),
    ...load('e2e/agent.js'),
    ...load('demo/demoRun.js'),
    ...load('e2e/pipelines.js'),
    ...load('helpers/vsix.js'),
  };
}

/** Files the Bug with the packaged task against the emulator; returns the item as the emulator stores it. */
async function fileBug(h) {
  const [emulator, vsix] = await Promise.all([h.startEmulator(), h.unpackVsix()]);
  try {
    await emulator.setTokens([h.JOB_TOKEN]);
    await emulator.seedBuild(h.demoEarlierBuild());
    await emulator.seedBuild(h.demoBuild());
    const result = await h.runTask(vsix.target, {
      collectionUrl: emulator.collectionUrl,
      jobToken: h.JOB_TOKEN,
      variables: h.demoVariables(),
      // Fewer log lines than the demo prints, so the form fits the picture.
      inputs: { ...h.DEMO_INPUTS, logLines: '6' },
    });
    const [item] = await emulator.workItems();
    if (result.result !== 'Succeeded' || !item) {
      fail(`the task did not file the Bug (${result.result}: ${result.resultMessage}):\n${result.stdout}`);
    }
    return item;
  } finally {
    await emulator.stop();
  }
}

/** "Alex Kim <alex@…>" or an identity object, shown as its name, as the form does. */
function identityName(value) {
  if (value && typeof value === 'object') return value.displayName ?? '';
  return String(value ?? '').replace(/\s*<[^>]*>$/, '');
}

/** What the frame shows: the fields by reference name plus a few composed values. */
function frameValues(item) {
  const fields = item.fields;
  const bodyField = ['Microsoft.VSTS.TCM.ReproSteps', 'System.Description'].find(
    (f) => fields[f] !== undefined,
  );
  const assignedTo = identityName(fields['System.AssignedTo']) || 'Unassigned';
  const comments = Number(fields['System.CommentCount'] ?? 0);
  const values = {};
  for (const [name, value] of Object.entries(fields)) values[name] = String(value ?? '');
  return {
    values: {
      ...values,
      'System.Id': String(item.id),
      'System.WorkItemType': String(fields['System.WorkItemType']).toUpperCase(),
      'System.AssignedTo': assignedTo,
      updated: `Updated by ${identityName(fields['System.ChangedBy'])} just now`,
      initials: assignedTo
        .split(/\s+/)
        .map((word) => word[0] ?? '')
        .join('')
        .slice(0, 2)
        .toUpperCase(),
      comments: `${comments} comment${comments === 1 ? '' : 's'}`,
      linksTab: `Links (${(item.relations ?? []).length})`,
      bodyLabel: bodyField === 'System.Description' ? 'Description' : 'Repro Steps',
    },
    bodyHtml: bodyField ? String(fields[bodyField]) : '',
    tags: String(fields['System.Tags'] ?? '')
      .split(';')
      .map((tag) => tag.trim())
      .filter(Boolean),
    relations: (item.relations ?? []).map((relation) => ({
      rel: relation.rel,
      url: relation.url,
      name: String(relation.attributes?.name ?? relation.attributes?.comment ?? ''),
    })),
  };
}

/** A decoded 8-bit RGB or RGBA PNG's pixels as RGBA. */
function rgba({ data, channels, depth }) {
  if (depth !== 8 || (channels !== 3 && channels !== 4)) {
    fail(`Chromium's PNG has ${channels} channels of ${depth} bits, not 8-bit RGB(A)`);
  }
  if (channels === 4) return data;
  const out = new Uint8Array((data.length / 3) * 4);
  for (let i = 0, j = 0; i < data.length; i += 3, j += 4) {
    out[j] = data[i];
    out[j + 1] = data[i + 1];
    out[j + 2] = data[i + 2];
    out[j + 3] = 255;
  }
  return out;
}

/** The screenshot's RGBA pixels reduced to `COLOURS` colours and written as an 8-bit palette PNG. */
function palettePng(rgba, width, height) {
  const container = utils.PointContainer.fromUint8Array(rgba, width, height);
  const palette = buildPaletteSync([container], { colors: COLOURS, paletteQuantization: 'wuquant' });
  const reduced = applyPaletteSync(container, palette, { imageQuantization: 'nearest' });
  const colours = palette.getPointContainer().getPointArray();
  const index = new Map(colours.map((point, i) => [point.uint32, i]));
  const indices = new Uint8Array(width * height);
  const points = reduced.getPointArray();
  for (let i = 0; i < points.length; i++) indices[i] = index.get(points[i].uint32);
  return encode(
    {
      width,
      height,
      data: indices,
      depth: 8,
      channels: 1,
      palette: colours.map((point) => [point.r, point.g, point.b]),
    },
    { zlib: { level: 9 } },
  );
}

// Fail fast, before anything runs, when there is no browser to render with.
chromiumPath('screenshot');
const item = await fileBug(helpers());
const frame = frameValues(item);

const browser = await launchChromium('screenshot');
try {
  const page = await browser.newPage({ viewport: { width: 940, height: 800 }, deviceScaleFactor: 1 });
  await page.setContent(readFileSync(template, 'utf8'));
  await page.evaluate((frame) => {
    for (const element of document.querySelectorAll('[data-field]')) {
      element.textContent = frame.values[element.getAttribute('data-field')] ?? '';
    }
    // The task's own HTML, as Azure Boards shows the field (its links lead to the emulator: not followed).
    document.getElementById('body').innerHTML = frame.bodyHtml;
    const tags = document.getElementById('tags');
    for (const tag of frame.tags) {
      const chip = document.createElement('span');
      chip.className = 'tag';
      chip.textContent = tag;
      tags.append(chip);
    }
    // The form lists an artifact link to a build under Development, a web link under Related Work.
    for (const relation of frame.relations) {
      const entry = document.createElement('li');
      const link = document.createElement('a');
      const kind = document.createElement('small');
      if (relation.rel === 'ArtifactLink') {
        link.textContent = `Build ${frame.values['Microsoft.VSTS.Build.FoundIn'] || relation.url.split('/').pop()}`;
        kind.textContent = 'Found in build';
        entry.append(kind, link);
        document.getElementById('development').append(entry);
      } else {
        link.textContent = relation.name || relation.url;
        kind.textContent = relation.rel === 'Hyperlink' ? 'Hyperlink' : relation.rel;
        entry.append(kind, link);
        document.getElementById('related').append(entry);
      }
    }
  }, frame);

  const shot = await page.locator('.form').screenshot();
  // Chromium's PNG back into RGBA pixels, to reduce its colours.
  const decoded = decode(shot);
  const png = palettePng(rgba(decoded), decoded.width, decoded.height);
  writeFileSync(output, png);
  console.log(
    `screenshot: ${path.relative(root, output)} ${decoded.width}×${decoded.height}, ${png.length} bytes ` +
      `(${COLOURS} colours; Chromium's PNG was ${shot.length} bytes), Bug ${item.id}: ${item.fields['System.Title']}`,
  );
} finally {
  await browser.close();
}
