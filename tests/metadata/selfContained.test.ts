import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../helpers/repo';

// A comment gives its reason itself, or cites a document inside the repository (docs/): a reader has no access
// to the briefs, notes and issue threads the code was written from.
const OUTSIDE_REFERENCES: readonly RegExp[] = [
  /\bbrief\b/i,
  /§/,
  /\bplatform[ -]notes\b/i,
  /\bissue #?\d+/i,
  /\bissues? \d+'s\b/i,
];
const FOLDERS = ['tasks', 'tests', 'scripts'];
const SOURCES = /\.(ts|mjs|cjs|js|json|md)$/;
// Generated or installed files are not written by hand.
const SKIPPED = new Set(['node_modules', 'Strings']);

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return SKIPPED.has(entry.name) ? [] : sources(full);
    return SOURCES.test(entry.name) ? [full] : [];
  });
}

/** The lines of `text` that cite a document outside the repository, as `line: text`. */
function outsideReferences(text: string): string[] {
  return text
    .split('\n')
    .flatMap((line, index) =>
      OUTSIDE_REFERENCES.some((pattern) => pattern.test(line)) ? [`${index + 1}: ${line.trim()}`] : [],
    );
}

describe('self-contained comments', () => {
  it('cite no document outside the repository in tasks/, tests/ or scripts/', () => {
    const self = path.join(repoRoot(), 'tests', 'metadata', 'selfContained.test.ts');
    const found = FOLDERS.flatMap((folder) => sources(path.join(repoRoot(), folder)))
      .filter((file) => file !== self)
      .flatMap((file) =>
        outsideReferences(fs.readFileSync(file, 'utf8')).map(
          (hit) => `${path.relative(repoRoot(), file)}:${hit}`,
        ),
      );
    assert.deepEqual(found, []);
  });

  it('finds each kind of reference it forbids', () => {
    const cited = ['(brief §4)', 'see the platform notes', 'Issue 7: one item', "issue 8's target"];
    assert.deepEqual(
      cited.map((line) => outsideReferences(`// ${line}`).length),
      [1, 1, 1, 1],
    );
    assert.deepEqual(outsideReferences('// says why, briefly: the service has no lock'), []);
  });
});
