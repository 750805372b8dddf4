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
});
