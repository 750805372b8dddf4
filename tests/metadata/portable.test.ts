import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../helpers/repo';

// The tests run on Windows too (CONTRIBUTING.md). A symbolic link to a file needs Developer Mode or an elevated
// shell there: tests/helpers/links.ts makes every one, so that without either the test says what to turn on
// rather than fail with EPERM. A link to a folder is a junction, which needs no privilege.
const LINKS_HELPER = path.join('tests', 'helpers', 'links.ts');
const SELF = path.join('tests', 'metadata', 'portable.test.ts');

function testSources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return testSources(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** The arguments of the call whose `(` is at `open`, up to its matching `)`. */
function argumentsAt(text: string, open: number): string {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') depth++;
    if (text[i] === ')' && --depth === 0) return text.slice(open + 1, i);
  }
  return text.slice(open + 1);
}

/** The calls of symlinkSync in `text` that make something else than a junction, as `line: arguments`. */
function fileLinks(text: string): string[] {
  return [...text.matchAll(/\bsymlinkSync\(/g)].flatMap((call) => {
    const args = argumentsAt(text, call.index + call[0].length - 1);
    if (/,\s*'junction',?\s*$/.test(args)) return [];
    return [`${text.slice(0, call.index).split('\n').length}: ${args.replace(/\s+/g, ' ').trim()}`];
  });
}

describe('portable tests', () => {
  it('make every symbolic link to a file through tests/helpers/links.ts, which says what Windows needs', () => {
    const found = testSources(path.join(repoRoot(), 'tests'))
      .filter((file) => ![LINKS_HELPER, SELF].includes(path.relative(repoRoot(), file)))
      .flatMap((file) =>
        fileLinks(fs.readFileSync(file, 'utf8')).map((hit) => `${path.relative(repoRoot(), file)}:${hit}`),
      );
    assert.deepEqual(found, []);
  });

  it('tells a file link from a junction, over several lines too', () => {
    assert.deepEqual(fileLinks("fs.symlinkSync(a, path.join(b, 'c'), 'junction');"), []);
    assert.equal(fileLinks('fs.symlinkSync(a, b);').length, 1);
    assert.deepEqual(fileLinks("x(() =>\n  fs.symlinkSync(\n    path.join(a, 'b'),\n    c,\n  ),\n);"), [
      "2: path.join(a, 'b'), c,",
    ]);
    assert.equal(fileLinks('fs.symlinkSync(a, b, type);').length, 1);
  });
});
