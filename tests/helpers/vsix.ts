import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pipeline } from 'stream/promises';
import * as yauzl from 'yauzl';
import { readJson, repoRoot, type ExtensionManifest, type TaskJson } from './repo';

/** An unpacked VSIX: the folders and the task's entry point as the agent would run it. */
export interface UnpackedVsix {
  /** The VSIX file that was unpacked (dist/*.vsix). */
  vsix: string;
  /** Temporary folder holding the unpacked VSIX; removed when the test process exits. */
  root: string;
  /** The task folder inside `root`, from the packaged extension manifest's task contribution. */
  taskDir: string;
  /** Absolute path of the packaged task.json's Node20_1 execution target: run it with `node <target>`. */
  target: string;
}

let unpacked: Promise<UnpackedVsix> | undefined;

/**
 * Unpacks the one VSIX in dist/ (built by `npm run package`, which `pretest` runs) into a temporary
 * folder, once per test process.
 */
export function unpackVsix(): Promise<UnpackedVsix> {
  unpacked ??= unpack();
  return unpacked;
}

/**
 * The one VSIX in dist/, checked to be at least as new as every file it is built from (the task folder with
 * its sources, the manifest and the files it names, the lockfile). Throws a message that says to run
 * `npm run package` when it is missing or older: a stale VSIX would test code that is no longer there.
 */
export function packagedVsix(): string {
  const dist = path.join(repoRoot(), 'dist');
  const found = fs.existsSync(dist) ? fs.readdirSync(dist).filter((name) => name.endsWith('.vsix')) : [];
  if (found.length !== 1) {
    const which = found.length === 0 ? 'none' : found.join(', ');
    throw new Error(`expected one VSIX in ${dist}, found ${which}: run npm run package first`);
  }
  const vsix = path.join(dist, found[0]);
  const built = fs.statSync(vsix).mtimeMs;
  const newer = packagedSources().find((file) => fs.statSync(file).mtimeMs > built);
  if (newer !== undefined) {
    const name = path.relative(repoRoot(), newer);
    throw new Error(`${vsix} is older than ${name}, which it is built from: run npm run package first`);
  }
  return vsix;
}

/** The files `npm run package` builds the VSIX from, as absolute paths. */
function packagedSources(): string[] {
  const manifest = readJson<ExtensionManifest & PackagedContent>('vss-extension.json');
  const named = [
    'vss-extension.json',
    'package-lock.json',
    ...manifest.files.map((file) => file.path),
    ...Object.values(manifest.icons ?? {}),
    ...(manifest.screenshots ?? []).map((shot) => shot.path),
    ...Object.values(manifest.content ?? {}).map((item) => item.path),
  ];
  return named.flatMap((name) => filesUnder(path.join(repoRoot(), name)));
}

/** What vss-extension.json names beside `files`: the pictures and the Marketplace texts. */
interface PackagedContent {
  icons?: Record<string, string>;
  screenshots?: { path: string }[];
  content?: Record<string, { path: string }>;
}

function filesUnder(file: string): string[] {
  if (!fs.statSync(file).isDirectory()) return [file];
  return fs
    .readdirSync(file)
    .filter((name) => name !== 'node_modules')
    .flatMap((name) => filesUnder(path.join(file, name)));
}

async function unpack(): Promise<UnpackedVsix> {
  const vsix = packagedVsix();

  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pwi-vsix-'));
  process.once('exit', () => fs.rmSync(root, { recursive: true, force: true }));
  await extract(vsix, root);

  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'extension.vsomanifest'), 'utf8')) as {
    contributions: { type: string; properties: { name: string } }[];
  };
  const tasks = manifest.contributions.filter((c) => c.type === 'ms.vss-distributed-task.task');
  if (tasks.length !== 1) throw new Error(`expected one task contribution in ${vsix}, found ${tasks.length}`);
  const taskDir = path.join(root, tasks[0].properties.name);

  const task = JSON.parse(fs.readFileSync(path.join(taskDir, 'task.json'), 'utf8')) as TaskJson;
  const handler = task.execution.Node20_1;
  if (!handler) throw new Error(`the packaged task.json in ${vsix} has no Node20_1 handler`);
  return { vsix, root, taskDir, target: path.resolve(taskDir, handler.target) };
}

/** Extracts every file of a ZIP archive into `dir`; yauzl checks sizes and CRCs and rejects unsafe names. */
async function extract(file: string, dir: string): Promise<void> {
  const zip = await yauzl.openPromise(file, { lazyEntries: true, strictFileNames: true });
  for await (const entry of zip.eachEntry()) {
    const target = path.resolve(dir, ...entry.fileName.split('/'));
    if (!target.startsWith(path.resolve(dir) + path.sep))
      throw new Error(`entry outside ${dir}: ${entry.fileName}`);
    if (entry.fileName.endsWith('/')) {
      fs.mkdirSync(target, { recursive: true });
      continue;
    }
    fs.mkdirSync(path.dirname(target), { recursive: true });
    await pipeline(await zip.openReadStreamPromise(entry), fs.createWriteStream(target));
  }
}
