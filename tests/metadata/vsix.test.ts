import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as yauzl from 'yauzl';
import { readJson, repoRoot, taskVersion, type ExtensionManifest, type TaskJson } from '../helpers/repo';
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

/**
 * The files a Markdown text links to or shows by a relative path: `[text](path)`, `![alt](path "title")` and
 * `<img src="path">`, without `#fragment` or `?query`. Web addresses, `mailto:` and in-page `#anchors` are left
 * out.
 */
function relativeTargets(markdown: string): string[] {
  const targets = [
    ...[...markdown.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1] ?? ''),
    ...[...markdown.matchAll(/<img\b[^>]*\bsrc\s*=\s*["']([^"']+)["']/gi)].map((m) => m[1] ?? ''),
  ];
  return [
    ...new Set(
      targets
        .filter((target) => !/^([a-z][a-z0-9+.-]*:|#)/i.test(target))
        .map((target) => decodeURI(target.replace(/[#?].*$/, '')))
        .filter(Boolean),
    ),
  ];
}

/** Each file entry of a ZIP archive with its stored (compressed) size. */
async function zipEntries(file: string): Promise<{ name: string; compressedSize: number }[]> {
  const zip = await yauzl.openPromise(file, { lazyEntries: true, strictFileNames: true });
  const entries: { name: string; compressedSize: number }[] = [];
  for await (const entry of zip.eachEntry()) {
    if (!entry.fileName.endsWith('/')) {
      entries.push({ name: entry.fileName, compressedSize: entry.compressedSize });
    }
  }
  return entries;
}

/** The `<Asset Type="…" Path="…">` entries of extension.vsixmanifest, as type → path. */
function manifestAssets(xml: string): Record<string, string> {
  const assets: Record<string, string> = {};
  for (const [element] of xml.matchAll(/<Asset\b[^>]*>/g)) {
    const type = /\bType="([^"]*)"/.exec(element)?.[1];
    const file = /\bPath="([^"]*)"/.exec(element)?.[1];
    if (type && file) assets[type] = file;
  }
  return assets;
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

  describe('Marketplace content', () => {
    const manifestFile = (): string =>
      fs.readFileSync(path.join(vsix.root, 'extension.vsixmanifest'), 'utf8');
    const files = (): string[] => listFiles(vsix.root);

    it('carries the overview, the licence and the changelog, as the manifest names them', () => {
      for (const file of ['overview.md', 'LICENSE', 'CHANGELOG.md']) {
        assert.ok(files().includes(file), `${file} is missing from ${vsix.vsix}`);
      }
      const assets = manifestAssets(manifestFile());
      assert.strictEqual(assets['Microsoft.VisualStudio.Services.Content.Details'], 'overview.md');
      assert.strictEqual(assets['Microsoft.VisualStudio.Services.Content.License'], 'LICENSE');
      assert.strictEqual(assets['Microsoft.VisualStudio.Services.Content.Changelog'], 'CHANGELOG.md');
    });

    it('carries the files of the repository unchanged', () => {
      for (const file of ['overview.md', 'LICENSE', 'CHANGELOG.md', 'images/screenshot-bug.png']) {
        const packaged = fs.readFileSync(path.join(vsix.root, ...file.split('/')));
        const committed = fs.readFileSync(path.join(repoRoot(), ...file.split('/')));
        assert.ok(packaged.equals(committed), `${file} in the VSIX differs from the repository's`);
      }
    });

    it('carries every file overview.md links to or shows, and lists its pictures as screenshots', () => {
      const overview = fs.readFileSync(path.join(vsix.root, 'overview.md'), 'utf8');
      const targets = relativeTargets(overview);
      const pictures = targets.filter((target) => /\.(png|jpe?g|gif)$/i.test(target));
      assert.ok(pictures.length > 0, 'overview.md shows no picture');
      const missing = targets.filter((target) => !files().includes(path.posix.normalize(target)));
      assert.deepStrictEqual(missing, [], `overview.md refers to files that are not in ${vsix.vsix}`);
      const screenshots = Object.entries(manifestAssets(manifestFile()))
        .filter(([type]) => type.startsWith('Microsoft.VisualStudio.Services.Screenshots.'))
        .map(([, file]) => file);
      for (const picture of pictures)
        assert.ok(screenshots.includes(picture), `${picture} is not a screenshot`);
    });

    it('finds the relative links and pictures of Markdown (the check above)', () => {
      const markdown = [
        '![Bug](images/a.png "The Bug") and [the licence](LICENSE) and [log](docs/x%20y.md#top)',
        '<img alt="b" src="images/b.gif"> [web](https://example.com/c.png) [mail](mailto:a@b.c) [up](#install)',
      ].join('\n');
      assert.deepStrictEqual(relativeTargets(markdown), [
        'images/a.png',
        'LICENSE',
        'docs/x y.md',
        'images/b.gif',
      ]);
    });

    it('marks the extension Preview and not Public', () => {
      const flags = /<GalleryFlags>([^<]*)<\/GalleryFlags>/.exec(manifestFile())?.[1]?.split(/\s+/) ?? [];
      assert.ok(flags.includes('Preview'), `GalleryFlags: ${flags.join(' ')}`);
      assert.ok(!flags.includes('Public'), `GalleryFlags: ${flags.join(' ')}`);
    });

    // The VSIX is downloaded with the task by every agent that runs it: the pictures stay small.
    it('ships a screenshot at most 1000 px wide and 60 KB, and Marketplace files under 80 KB in all', async () => {
      const shot = path.join(vsix.root, 'images', 'screenshot-bug.png');
      assert.ok(pngSize(shot).width <= 1000, `screenshot width ${pngSize(shot).width}`);
      assert.ok(fs.statSync(shot).size <= 60 * 1024, `screenshot ${fs.statSync(shot).size} bytes`);
      const outsideTask = (await zipEntries(vsix.vsix)).filter((entry) => !entry.name.startsWith('tasks/'));
      const total = outsideTask.reduce((sum, entry) => sum + entry.compressedSize, 0);
      assert.ok(
        total <= 80 * 1024,
        `${total} bytes: ${outsideTask.map((e) => `${e.name} ${e.compressedSize}`).join(', ')}`,
      );
    });
  });
});
