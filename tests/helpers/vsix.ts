import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pipeline } from 'stream/promises';
import * as yauzl from 'yauzl';
import { repoRoot, type TaskJson } from './repo';

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

async function unpack(): Promise<UnpackedVsix> {
  const dist = path.join(repoRoot(), 'dist');
  const found = fs.existsSync(dist) ? fs.readdirSync(dist).filter((name) => name.endsWith('.vsix')) : [];
  if (found.length !== 1) {
    throw new Error(
      `expected one VSIX in ${dist}, found ${found.length} (${found.join(', ')}): run npm run package`,
    );
  }
  const vsix = path.join(dist, found[0]);

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
