// Runs tfx-cli's `extension create` the same way on Windows, macOS and Linux: as `node <tfx-cli's JavaScript
// entry point>` with an argument array and no shell (npm's bin shims are .cmd files on Windows, which need one).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** tfx-cli's JavaScript entry point (its package.json `bin.tfx`). */
function tfxEntryPoint() {
  const require = createRequire(import.meta.url);
  const manifestFile = require.resolve('tfx-cli/package.json');
  const { bin } = JSON.parse(readFileSync(manifestFile, 'utf8'));
  const entry = typeof bin === 'string' ? bin : bin?.tfx;
  if (!entry) throw new Error(`${manifestFile} names no tfx bin`);
  return path.join(path.dirname(manifestFile), entry);
}

/**
 * Packages the extension staged in `stage` (its vss-extension.json) into the file `vsix`, run from `cwd`.
 * Returns how tfx ended: `error` when it could not be started, its exit `status` and what it printed.
 */
export function createVsix(stage, vsix, cwd) {
  const args = [
    tfxEntryPoint(),
    'extension',
    'create',
    '--root',
    stage,
    '--manifest-globs',
    'vss-extension.json',
    '--output-path',
    vsix,
    '--no-prompt',
    '--no-color',
  ];
  const run = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', shell: false });
  return { error: run.error, status: run.status, output: `${run.stdout ?? ''}${run.stderr ?? ''}` };
}
