import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../helpers/repo';

// The folders of the sources in the order data flows through them (CONTRIBUTING.md, "How it works"): a folder
// imports only those before it, so every import points down the flow and no module reaches back up. The
// root's shared declarations (`errors.ts`, `ports.ts`) are open to all.
const FLOW = ['text', 'inputs', 'facts', 'lifecycle', 'render', 'workItem', 'ado', 'evidence', 'act'];
const SHARED = new Set(['errors', 'ports']);

const SRC = path.join(repoRoot(), 'tasks', 'PipelineWorkItem', 'src');

/** Every .ts file of the sources, as a path relative to src/ without its extension. */
function modules(dir = SRC): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return modules(full);
    return entry.name.endsWith('.ts')
      ? [path.relative(SRC, full).slice(0, -3).split(path.sep).join('/')]
      : [];
  });
}

/** The modules of the sources `module` imports, type-only imports included (not task.json). */
function importsOf(module: string): string[] {
  const text = fs.readFileSync(path.join(SRC, `${module}.ts`), 'utf8');
  return [...text.matchAll(/from '(\.{1,2}\/[^']+)'/g)]
    .map((m) => path.posix.normalize(path.posix.join(path.posix.dirname(module), m[1]!)))
    .filter((imported) => fs.existsSync(path.join(SRC, `${imported}.ts`)));
}

/** A cycle through the imports, as the modules in it; undefined when there is none. */
function importCycle(): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (module: string, trail: string[]): string[] | undefined => {
    if (state.get(module) === 'visiting') return [...trail.slice(trail.indexOf(module)), module];
    if (state.get(module) === 'done') return undefined;
    state.set(module, 'visiting');
    for (const next of importsOf(module)) {
      const cycle = visit(next, [...trail, module]);
      if (cycle) return cycle;
    }
    state.set(module, 'done');
    return undefined;
  };
  for (const module of modules()) {
    const cycle = visit(module, []);
    if (cycle) return cycle;
  }
  return undefined;
}

/** Each `from '../<name>…'` of the files of `folder`, as "file -> name". */
function importsUp(folder: string): string[] {
  const dir = path.join(SRC, folder);
  return fs.readdirSync(dir).flatMap((file) => {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    return [...text.matchAll(/from '\.\.\/([A-Za-z]+)/g)].map((m) => `${folder}/${file} -> ${m[1]}`);
  });
}

describe('the flow of the sources', () => {
  it('names every folder of src/', () => {
    const folders = fs
      .readdirSync(SRC, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    assert.deepEqual([...folders].sort(), [...FLOW].sort());
  });

  it('has each folder import only the folders before it and the shared declarations', () => {
    const against = FLOW.flatMap((folder, index) =>
      importsUp(folder).filter((edge) => {
        const target = edge.slice(edge.indexOf('-> ') + 3);
        return !SHARED.has(target) && !FLOW.slice(0, index).includes(target);
      }),
    );
    assert.deepEqual(against, []);
  });

  it('has no module import itself through others, type-only imports included', () => {
    assert.equal(importCycle()?.join(' -> '), undefined);
  });
});
