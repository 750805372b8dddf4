// Draws the extension icon (128×128 RGBA PNG) with node built-ins only and writes it to
// images/icon.png (Marketplace) and tasks/PipelineWorkItem/icon.png (task picker).
//
//   node scripts/draw-icon.mjs
//
// The PNGs are committed; run this only to regenerate them after changing the drawing.
// The picture: an Azure-blue rounded square, a white work item card with a red Bug stripe and
// text lines, and a pipeline of three stages below whose last stage failed (red, with a cross).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { crc32 } from './lib/zip.mjs';

const SIZE = 128;
const SAMPLES = 4; // 4×4 samples per pixel for anti-aliasing

const BLUE_TOP = [0x1a, 0x8c, 0xe6];
const BLUE_BOTTOM = [0x00, 0x5a, 0xa8];
const WHITE = [0xff, 0xff, 0xff];
const RED = [0xd1, 0x34, 0x38];
const LINE = [0xb8, 0xc4, 0xd0];
const LINE_DARK = [0x5c, 0x6b, 0x7a];
const PALE = [0xd6, 0xe9, 0xf8];

// Signed distance helpers: negative inside, positive outside.
function roundedBox(x, y, left, top, right, bottom, radius) {
  const cx = (left + right) / 2;
  const cy = (top + bottom) / 2;
  const qx = Math.abs(x - cx) - ((right - left) / 2 - radius);
  const qy = Math.abs(y - cy) - ((bottom - top) / 2 - radius);
  const outside = Math.hypot(Math.max(qx, 0), Math.max(qy, 0));
  return outside + Math.min(Math.max(qx, qy), 0) - radius;
}

function circle(x, y, cx, cy, r) {
  return Math.hypot(x - cx, y - cy) - r;
}

function segment(x, y, ax, ay, bx, by, halfWidth) {
  const px = x - ax;
  const py = y - ay;
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, (px * dx + py * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - t * dx, py - t * dy) - halfWidth;
}

const mix = (a, b, t) => a.map((v, i) => v + (b[i] - v) * t);

/** The colour at a point, painted back to front; undefined = transparent. */
function paint(x, y) {
  if (roundedBox(x, y, 0, 0, SIZE, SIZE, 26) > 0) return undefined;
  let color = mix(BLUE_TOP, BLUE_BOTTOM, y / SIZE);

  // Work item card with a soft shadow, a red stripe on the left and text lines.
  const card = [24, 16, 104, 80];
  const shadow = roundedBox(x, y, card[0] + 2, card[1] + 4, card[2] + 2, card[3] + 4, 8);
  if (shadow < 0) color = mix(color, [0, 0x2a, 0x55], 0.35);
  if (roundedBox(x, y, ...card, 8) < 0) {
    color = WHITE;
    if (x < card[0] + 8) color = RED;
    if (roundedBox(x, y, 40, 28, 88, 36, 4) < 0) color = LINE_DARK;
    if (roundedBox(x, y, 40, 44, 94, 50, 3) < 0) color = LINE;
    if (roundedBox(x, y, 40, 56, 80, 62, 3) < 0) color = LINE;
  }

  // Pipeline: three stages joined by a line; the first two passed, the last failed.
  const stageY = 102;
  if (segment(x, y, 30, stageY, 98, stageY, 3) < 0) color = PALE;
  for (const cx of [30, 64]) {
    if (circle(x, y, cx, stageY, 9) < 0) color = PALE;
    if (segment(x, y, cx - 4, stageY, cx - 1, stageY + 3.5, 1.8) < 0) color = BLUE_BOTTOM;
    if (segment(x, y, cx - 1, stageY + 3.5, cx + 4.5, stageY - 3.5, 1.8) < 0) color = BLUE_BOTTOM;
  }
  // The failed stage is linked up to the card it filed.
  if (segment(x, y, 98, card[3], 98, stageY, 2.5) < 0) color = WHITE;
  if (circle(x, y, 98, stageY, 13) < 0) color = WHITE;
  if (circle(x, y, 98, stageY, 10.5) < 0) color = RED;
  if (segment(x, y, 94, stageY - 4, 102, stageY + 4, 2.2) < 0) color = WHITE;
  if (segment(x, y, 94, stageY + 4, 102, stageY - 4, 2.2) < 0) color = WHITE;
  return color;
}

function render() {
  const rgba = Buffer.alloc(SIZE * SIZE * 4);
  for (let py = 0; py < SIZE; py++) {
    for (let px = 0; px < SIZE; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const color = paint(px + (sx + 0.5) / SAMPLES, py + (sy + 0.5) / SAMPLES);
          if (!color) continue;
          r += color[0];
          g += color[1];
          b += color[2];
          a += 1;
        }
      }
      const at = (py * SIZE + px) * 4;
      if (a > 0) {
        rgba[at] = Math.round(r / a);
        rgba[at + 1] = Math.round(g / a);
        rgba[at + 2] = Math.round(b / a);
      }
      rgba[at + 3] = Math.round((255 * a) / (SAMPLES * SAMPLES));
    }
  }
  return rgba;
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

function png(rgba, width, height) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type RGBA
  // compression, filter method and interlace stay 0
  const stride = width * 4;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    // Filter type 1 (Sub): each byte minus the same channel of the pixel to its left.
    const row = y * (stride + 1);
    raw[row] = 1;
    for (let i = 0; i < stride; i++) {
      const left = i >= 4 ? rgba[y * stride + i - 4] : 0;
      raw[row + 1 + i] = (rgba[y * stride + i] - left) & 0xff;
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const file = png(render(), SIZE, SIZE);
for (const target of ['images/icon.png', 'tasks/PipelineWorkItem/icon.png']) {
  writeFileSync(path.join(root, target), file);
  console.log(`draw-icon: ${target} ${file.length} bytes`);
}
