import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { readJson, taskVersion, type ExtensionManifest, type TaskJson } from '../helpers/repo';
import { unpackVsix, type UnpackedVsix } from '../helpers/vsix';

/** All file paths under a folder, relative to it, with forward slashes. */
function listFiles(dir: string, prefix = ''): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory()
        ? listFiles(path.join(dir, entry.name), `${prefix}${entry.name}/`)
        : [`${prefix}${entry.name}`],
    );
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): { width: number; height: number } {
  const bytes = fs.readFileSync(file);
  assert.strictEqual(bytes.toString('latin1', 12, 16), 'IHDR', `${file} is not a PNG`);
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('packaged VSIX (dist/*.vsix)', () => {
  const { version } = readJson<{ version: string }>('package.json');
  const manifest = readJson<ExtensionManifest>('vss-extension.json');
  let vsix: UnpackedVsix;

  before(async () => {
    vsix = await unpackVsix();
  });

  it('holds the package.json version in the packaged task.json', () => {
    const task = JSON.parse(fs.readFileSync(path.join(vsix.taskDir, 'task.json'), 'utf8')) as TaskJson;
    assert.strictEqual(taskVersion(task), version);
  });

  it('holds only the bundle, task.json, its localization, the icon and the notices in the task folder', () => {
    assert.deepStrictEqual(listFiles(vsix.taskDir).sort(), [
      'Strings/resources.resjson/en-US/resources.resjson',
      'THIRD-PARTY-NOTICES.txt',
      'icon.png',
      'index.js',
      'task.json',
      'task.loc.json',
    ]);
  });

  it('runs the bundle on both handlers', () => {
    const task = JSON.parse(fs.readFileSync(path.join(vsix.taskDir, 'task.json'), 'utf8')) as TaskJson;
    assert.strictEqual(vsix.target, path.join(vsix.taskDir, 'index.js'));
    assert.strictEqual(path.resolve(vsix.taskDir, task.execution.Node24.target), vsix.target);
  });

  it('ships a bundle under 1 MB', () => {
    const size = fs.statSync(vsix.target).size;
    assert.ok(size < 1_000_000, `index.js is ${size} bytes`);
  });

  it('ships no sources', () => {
    const sources = listFiles(vsix.root).filter((f) => /(^|\/)src\//.test(f) || /\.ts$/.test(f));
    assert.deepStrictEqual(sources, []);
  });

  // Sizes from Microsoft's docs: the extension icon 128×128, a task's icon.png 32×32 beside its task.json.
  it('ships a 128×128 extension icon and a 32×32 task icon', () => {
    assert.deepStrictEqual(pngSize(path.join(vsix.root, 'images', 'icon.png')), { width: 128, height: 128 });
    assert.deepStrictEqual(pngSize(path.join(vsix.taskDir, 'icon.png')), { width: 32, height: 32 });
  });

  it('names the publisher, extension id and version in the extension manifest', () => {
    const xml = fs.readFileSync(path.join(vsix.root, 'extension.vsixmanifest'), 'utf8');
    const identity = /<Identity\b([^>]*)\/?>/.exec(xml)?.[1] ?? '';
    const attribute = (name: string): string | undefined =>
      new RegExp(`\\b${name}="([^"]*)"`).exec(identity)?.[1];
    const publisher = process.env.PWI_PUBLISHER || manifest.publisher;
    assert.deepStrictEqual(
      { Id: attribute('Id'), Publisher: attribute('Publisher'), Version: attribute('Version') },
      { Id: manifest.id, Publisher: publisher, Version: version },
      `Identity in ${vsix.vsix}`,
    );
    assert.strictEqual(path.basename(vsix.vsix), `${publisher}.${manifest.id}-${version}.vsix`);
  });
});
