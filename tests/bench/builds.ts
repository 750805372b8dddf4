// The two builds the benchmark compares: the packaged bundle (the VSIX in dist/) and an unbundled build of the
// same code: the tsc output with the production dependencies beside it, staged as its own extension; and the
// floor both are measured against (floor.ts), bundled as the task is.
import { build, type BuildOptions } from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../helpers/repo';
import { unpackVsix } from '../helpers/vsix';

export type BuildName = 'bundle' | 'unbundled';

export interface TaskBuild {
  readonly name: BuildName;
  /** What the agent runs: `node <target>`. */
  readonly target: string;
  /** The task folder as it is installed on the agent. */
  readonly taskDir: string;
  /** The packaged extension, when there is one. */
  readonly vsix?: string;
}

const TASK = path.join('tasks', 'PipelineWorkItem');

/** The packaged task: dist/*.vsix unpacked (see tests/helpers/vsix.ts). */
export async function bundleBuild(): Promise<TaskBuild> {
  const { vsix, taskDir, target } = await unpackVsix();
  return { name: 'bundle', target, taskDir, vsix };
}

/** An npm package of the lockfile: where it is installed (`node_modules/…`) and its name. */
export interface LockedPackage {
  readonly location: string;
  readonly name: string;
}

/**
 * The production packages of package-lock.json: every installed package not marked `dev`, i.e. what
 * `npm ci --omit=dev` installs, read offline. (Optional packages of other platforms are left out by the caller
 * when they are not installed.)
 */
export function productionPackages(): LockedPackage[] {
  const lock = JSON.parse(fs.readFileSync(path.join(repoRoot(), 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean; link?: boolean }>;
  };
  return Object.entries(lock.packages)
    .filter(([location, entry]) => location.startsWith('node_modules/') && !entry.dev && !entry.link)
    .map(([location]) => ({ location, name: packageName(location) }));
}

/** `node_modules/a/node_modules/@s/b` → `@s/b`. */
export function packageName(location: string): string {
  const parts = location.split('node_modules/').at(-1)?.split('/') ?? [];
  return (parts[0]?.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}

/**
 * Stages the unbundled extension in `dir`: the packaged extension's root (build/extension, made by
 * `npm run package`) with the task folder holding the tsc output of the task's sources (out/, no source maps),
 * task.json, the icon, and node_modules with the production packages copied from the repository's
 * node_modules, nested as the lockfile nests them. Offline: nothing is downloaded.
 */
export function stageUnbundled(dir: string): TaskBuild {
  const root = repoRoot();
  const packaged = path.join(root, 'build', 'extension');
  const compiled = path.join(root, 'out', TASK, 'src');
  for (const needed of [path.join(packaged, 'vss-extension.json'), path.join(compiled, 'index.js')]) {
    if (!fs.existsSync(needed)) throw new Error(`${needed} is missing: run npm run package first`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  const bundled = new Set(['index.js', 'THIRD-PARTY-NOTICES.txt'].map((f) => path.join(packaged, TASK, f)));
  fs.cpSync(packaged, dir, { recursive: true, filter: (from) => !bundled.has(from) });
  const taskDir = path.join(dir, TASK);
  // The sources keep their place below task.json (messages.ts imports it as ../../task.json); the task's
  // execution target, index.js beside task.json, starts them.
  fs.cpSync(compiled, path.join(taskDir, 'src'), {
    recursive: true,
    filter: (from) => fs.statSync(from).isDirectory() || from.endsWith('.js'),
  });
  fs.writeFileSync(path.join(taskDir, 'index.js'), "require('./src/index.js');\n");
  for (const { location } of productionPackages()) {
    const from = path.join(root, ...location.split('/'));
    if (!fs.existsSync(from)) continue; // an optional package of another platform
    fs.cpSync(from, path.join(taskDir, ...location.split('/')), {
      recursive: true,
      // Nested node_modules are packages of their own in the lockfile: copied when they are production ones.
      filter: (file) => !path.relative(from, file).split(path.sep).includes('node_modules'),
    });
  }
  return { name: 'unbundled', target: path.join(taskDir, 'index.js'), taskDir };
}

/** scripts/lib/taskBundle.mjs: how scripts/bundle.mjs bundles a task. */
interface TaskBundleModule {
  taskBundleOptions(entry: string, outfile: string): BuildOptions;
}

/**
 * A floor the task is measured against, `entry` of tests/bench/ (floor.ts: the start; ioFloor.ts: a scenario's
 * requests alone), bundled into `dir` with the options that scripts/bundle.mjs bundles the task with; returns
 * what to run (`node <target>`).
 */
export async function buildFloor(
  dir: string,
  entry: 'floor.ts' | 'ioFloor.ts' = 'floor.ts',
): Promise<string> {
  const root = repoRoot();
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the build script's own module (ESM), shared
  const { taskBundleOptions } = require(
    path.join(root, 'scripts', 'lib', 'taskBundle.mjs'),
  ) as TaskBundleModule;
  const target = path.join(dir, 'index.js');
  fs.rmSync(dir, { recursive: true, force: true });
  await build({
    ...taskBundleOptions(path.join(root, 'tests', 'bench', entry), target),
    absWorkingDir: root,
    logLevel: 'error',
  });
  return target;
}

/** scripts/lib/tfx.mjs: how scripts/package.mjs runs tfx. */
interface TfxModule {
  createVsix(
    stage: string,
    vsix: string,
    cwd: string,
  ): { error: Error | undefined; status: number | null; output: string };
}

/** Packages a staged extension with tfx, as scripts/package.mjs does, into `vsix`; returns the build with it. */
export function packageStaged(build: TaskBuild, stageDir: string, vsix: string): TaskBuild {
  const root = repoRoot();
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the build script's own module (ESM), shared
  const { createVsix } = require(path.join(root, 'scripts', 'lib', 'tfx.mjs')) as TfxModule;
  fs.rmSync(vsix, { force: true });
  const { error, status, output } = createVsix(stageDir, vsix, root);
  if (status !== 0 || !fs.existsSync(vsix)) {
    throw new Error(`tfx could not package ${stageDir}: ${error?.message ?? ''}${output}`);
  }
  return { ...build, vsix };
}
