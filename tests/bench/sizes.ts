// What the builds weigh: the VSIX, the task folder, and what each package costs in the bundle and installed.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yauzl from 'yauzl';
import { repoRoot } from '../helpers/repo';
import { packageName } from './builds';

export interface Size {
  readonly bytes: number;
  readonly files: number;
}

/** Bytes and files under `dir`; `skip` leaves out folders by name (e.g. node_modules). */
export function folderSize(dir: string, skip: readonly string[] = []): Size {
  let bytes = 0;
  let files = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (skip.includes(entry.name)) continue;
      const inner = folderSize(file, skip);
      bytes += inner.bytes;
      files += inner.files;
    } else if (entry.isFile()) {
      bytes += fs.statSync(file).size;
      files += 1;
    }
  }
  return { bytes, files };
}

/** The VSIX's size on disk and the files it holds (ZIP entries that are not folders). */
export async function vsixSize(file: string): Promise<Size> {
  const zip = await yauzl.openPromise(file, { lazyEntries: true });
  let files = 0;
  for await (const entry of zip.eachEntry()) if (!entry.fileName.endsWith('/')) files += 1;
  return { bytes: fs.statSync(file).size, files };
}

/** Where the task's own code comes from, in esbuild's metafile and in the package list. */
export const TASK_SOURCE = '(task source)';
/** What the bundle holds that no input accounts for: esbuild's module wrappers and runtime helpers. */
export const WRAPPERS = '(esbuild wrappers)';

export interface PackageCost {
  readonly name: string;
  /** Bytes this package contributes to the minified bundle. */
  readonly bundleBytes: number;
  /** Its largest inputs in the bundle, as `path bytes`. */
  readonly largestInputs: readonly { readonly path: string; readonly bytes: number }[];
}

export interface BundleCosts {
  readonly outputBytes: number;
  /** Largest first; the wrappers last. */
  readonly packages: readonly PackageCost[];
}

/** The bundle's bytes by npm package, from the metafile scripts/bundle.mjs writes to build/meta/. */
export function bundleCosts(
  metafile = path.join(repoRoot(), 'build', 'meta', 'PipelineWorkItem.json'),
): BundleCosts {
  if (!fs.existsSync(metafile)) throw new Error(`${metafile} is missing: run npm run package first`);
  const meta = JSON.parse(fs.readFileSync(metafile, 'utf8')) as {
    outputs: Record<string, { bytes: number; inputs: Record<string, { bytesInOutput: number }> }>;
  };
  const output = Object.entries(meta.outputs).find(([file]) => file.endsWith('/index.js'))?.[1];
  if (!output) throw new Error(`${metafile} names no index.js output`);
  const byName = new Map<string, { path: string; bytes: number }[]>();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    if (bytesInOutput === 0) continue;
    const name = input.includes('node_modules/') ? packageName(input) : TASK_SOURCE;
    byName.set(name, [...(byName.get(name) ?? []), { path: input, bytes: bytesInOutput }]);
  }
  const packages = [...byName].map(([name, inputs]) => ({
    name,
    bundleBytes: inputs.reduce((sum, input) => sum + input.bytes, 0),
    largestInputs: inputs.sort((a, b) => b.bytes - a.bytes).slice(0, 5),
  }));
  packages.sort((a, b) => b.bundleBytes - a.bundleBytes || a.name.localeCompare(b.name));
  const accounted = packages.reduce((sum, p) => sum + p.bundleBytes, 0);
  return {
    outputBytes: output.bytes,
    packages: [...packages, { name: WRAPPERS, bundleBytes: output.bytes - accounted, largestInputs: [] }],
  };
}

/**
 * What each package weighs installed in a task folder: the bytes and files of its node_modules folders (every
 * copy), and the task's own JavaScript (outside node_modules) as TASK_SOURCE.
 */
export function installedCosts(taskDir: string): Map<string, Size> {
  const costs = new Map<string, Size>();
  const add = (name: string, size: Size): void => {
    const before = costs.get(name) ?? { bytes: 0, files: 0 };
    costs.set(name, { bytes: before.bytes + size.bytes, files: before.files + size.files });
  };
  const visit = (modules: string): void => {
    if (!fs.existsSync(modules)) return;
    for (const entry of fs.readdirSync(modules, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      const dirs = entry.name.startsWith('@')
        ? fs.readdirSync(path.join(modules, entry.name)).map((inner) => path.join(entry.name, inner))
        : [entry.name];
      for (const dir of dirs) {
        const folder = path.join(modules, dir);
        add(dir.split(path.sep).join('/'), folderSize(folder, ['node_modules']));
        visit(path.join(folder, 'node_modules'));
      }
    }
  };
  visit(path.join(taskDir, 'node_modules'));
  // The task's own JavaScript: the compiled sources beside node_modules (not task.json or the icon).
  for (const entry of fs.readdirSync(taskDir, { withFileTypes: true })) {
    const file = path.join(taskDir, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules') add(TASK_SOURCE, folderSize(file));
    else if (entry.isFile() && entry.name.endsWith('.js'))
      add(TASK_SOURCE, { bytes: fs.statSync(file).size, files: 1 });
  }
  return costs;
}
