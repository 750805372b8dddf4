import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../helpers/repo';

// The tests run on Windows too (CONTRIBUTING.md). Two things that Linux and macOS allow and Windows does not:
// - a symbolic link to a file needs Developer Mode or an elevated shell: tests/helpers/links.ts makes every one,
//   so that without either the test says what to turn on rather than fail with EPERM (a link to a folder is a
//   junction, which needs no privilege);
// - a file name cannot hold a control character (a line break) or any of <>:"|: a name only other systems
//   allow is chosen by platform, outside the path.join that makes the path.
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

/** The calls of `callee` in `text` whose arguments `breaks` says break the rule, as `line: arguments`. */
function calls(text: string, callee: RegExp, breaks: (args: string) => boolean): string[] {
  return [...text.matchAll(callee)].flatMap((call) => {
    const args = argumentsAt(text, call.index + call[0].length - 1);
    if (!breaks(args)) return [];
    return [`${text.slice(0, call.index).split('\n').length}: ${args.replace(/\s+/g, ' ').trim()}`];
  });
}

/** The calls of symlinkSync in `text` that make something else than a junction. */
const fileLinks = (text: string): string[] =>
  calls(text, /\bsymlinkSync\(/g, (args) => !/,\s*'junction',?\s*$/.test(args));

// A string literal's text, as written in the source: escapes such as \n stay two characters.
const LITERAL = /'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)"|`((?:[^`\\]|\\.)*)`/g;
const REFUSED_BY_WINDOWS = /[\x00-\x1f<>:"|]|\\[nrtbfv0]|\\x[01][0-9a-f]|\\u00[01][0-9a-f]/i;

/** The calls of path.join in `text` with a literal name Windows refuses. */
const unportableNames = (text: string): string[] =>
  calls(text, /\bpath\.join\(/g, (args) =>
    [...args.matchAll(LITERAL)].some((literal) =>
      REFUSED_BY_WINDOWS.test(literal[1] ?? literal[2] ?? literal[3] ?? ''),
    ),
  );

/** What `find` finds in every test source but this one and `except`, as `file:line: arguments`. */
function inTests(find: (text: string) => string[], except: readonly string[] = []): string[] {
  return testSources(path.join(repoRoot(), 'tests'))
    .filter((file) => ![SELF, ...except].includes(path.relative(repoRoot(), file)))
    .flatMap((file) =>
      find(fs.readFileSync(file, 'utf8')).map((hit) => `${path.relative(repoRoot(), file)}:${hit}`),
    );
}

describe('portable tests', () => {
  it('make every symbolic link to a file through tests/helpers/links.ts, which says what Windows needs', () => {
    assert.deepEqual(inTests(fileLinks, [LINKS_HELPER]), []);
  });

  it('tells a file link from a junction, over several lines too', () => {
    assert.deepEqual(fileLinks("fs.symlinkSync(a, path.join(b, 'c'), 'junction');"), []);
    assert.equal(fileLinks('fs.symlinkSync(a, b);').length, 1);
    assert.deepEqual(fileLinks("x(() =>\n  fs.symlinkSync(\n    path.join(a, 'b'),\n    c,\n  ),\n);"), [
      "2: path.join(a, 'b'), c,",
    ]);
    assert.equal(fileLinks('fs.symlinkSync(a, b, type);').length, 1);
  });

  it('name in path.join no file that Windows refuses', () => {
    assert.deepEqual(inTests(unportableNames), []);
  });

  it('tell a name Windows refuses from one it takes', () => {
    const refused = ["'shot\\n##vso[x]x.png'", "'a:b.log'", '"a|b"', '`x\\u0007${y}`', "'<p>'"];
    assert.deepEqual(
      refused.map((name) => unportableNames(`path.join(dir, ${name});`).length),
      [1, 1, 1, 1, 1],
    );
    const taken = ["'invoice\\u202egnp.exe.png'", "'odd (1) [x]'", '`f${i}.txt`', "'**/*.png'"];
    assert.deepEqual(
      taken.map((name) => unportableNames(`path.join(dir, ${name});`)),
      [[], [], [], []],
    );
    // Only the names path.join joins: the content written beside them may be anything.
    assert.deepEqual(unportableNames("fs.writeFileSync(path.join(dir, 'a.html'), '<p>a</p>');"), []);
  });
});
