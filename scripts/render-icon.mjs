// Renders the icon's source, images/icon.svg, to the PNGs the extension ships, in headless Chromium:
//
//   npm run icon
//
//   images/icon.png                    128×128, the extension's icon (vss-extension.json `icons.default`)
//   tasks/PipelineWorkItem/icon.png    32×32, the task's icon in the pipeline editor (Microsoft's docs ask
//                                      for 32×32, named icon.png, beside task.json)
//
// The PNGs are committed: run this only after changing images/icon.svg. Needs Chromium (see
// scripts/lib/chromium.mjs: CHROMIUM_PATH, else /usr/bin/chromium).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './lib/chromium.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const source = path.join(root, 'images', 'icon.svg');
const targets = [
  { file: path.join(root, 'images', 'icon.png'), size: 128 },
  { file: path.join(root, 'tasks', 'PipelineWorkItem', 'icon.png'), size: 32 },
];

const svg = readFileSync(source);
const browser = await launchChromium('render-icon');
try {
  for (const { file, size } of targets) {
    const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 });
    const src = `data:image/svg+xml;base64,${svg.toString('base64')}`;
    await page.setContent(
      `<!doctype html><html><body style="margin:0"><img src="${src}" width="${size}" height="${size}" style="display:block"></body></html>`,
    );
    await page.locator('img').evaluate((img) => img.decode());
    // omitBackground: the page is transparent, so the rounded corners stay transparent in the PNG.
    const png = await page.screenshot({
      omitBackground: true,
      clip: { x: 0, y: 0, width: size, height: size },
    });
    writeFileSync(file, png);
    console.log(`render-icon: ${path.relative(root, file)} ${size}×${size}, ${png.length} bytes`);
    await page.close();
  }
} finally {
  await browser.close();
}
