import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import ts from 'typescript';
import { repoRoot } from '../helpers/repo';

// Sizes that keep the product code readable in one sitting: short functions, few files at the root of the
// sources (the launcher, the run, the host, the ports, the errors and the flow), and no file so small that
// its reader has to open another to see what it is for.
const MAX_FUNCTION_LINES = 60;
const LONG_FUNCTION_LINES = 40;
const MAX_LONG_FUNCTIONS = 3;
const MAX_ROOT_FILES = 6;
const MIN_FILE_LINES = 20;
// The launcher and the ports hold only the start and the declarations.
const SMALL_ALLOWED = new Set(['index.ts', 'ports.ts']);

const SRC = path.join(repoRoot(), 'tasks', 'PipelineWorkItem', 'src');

interface FunctionSize {
  readonly where: string;
  readonly lines: number;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Every function of a source file (declarations, methods, function expressions and arrows), with its length. */
function functionSizes(file: string): FunctionSize[] {
  const text = fs.readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const sizes: FunctionSize[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body !== undefined) {
      const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const name = node.name && ts.isIdentifier(node.name) ? node.name.text : '(anonymous)';
      sizes.push({ where: `${path.relative(SRC, file)}:${first + 1} ${name}`, lines: last - first + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return sizes;
}

function lineCount(file: string): number {
  return fs.readFileSync(file, 'utf8').trimEnd().split('\n').length;
}

describe('product code sizes', () => {
  const files = sourceFiles(SRC);
  const sizes = files.flatMap(functionSizes);
  const listed = (found: readonly FunctionSize[]): string =>
    found.map(({ where, lines }) => `${where} (${lines} lines)`).join('\n');

  it(`has no function over ${MAX_FUNCTION_LINES} lines`, () => {
    const over = sizes.filter(({ lines }) => lines > MAX_FUNCTION_LINES);
    assert.deepEqual(over, [], listed(over));
  });

  it(`has at most ${MAX_LONG_FUNCTIONS} functions over ${LONG_FUNCTION_LINES} lines`, () => {
    const long = sizes.filter(({ lines }) => lines > LONG_FUNCTION_LINES);
    assert.ok(long.length <= MAX_LONG_FUNCTIONS, listed(long));
  });

  it(`has at most ${MAX_ROOT_FILES} files at the root of src/`, () => {
    const root = fs.readdirSync(SRC).filter((name) => name.endsWith('.ts'));
    assert.ok(root.length <= MAX_ROOT_FILES, root.join(', '));
  });

  it(`has no file under ${MIN_FILE_LINES} lines but the launcher and the ports`, () => {
    const small = files
      .filter((file) => !SMALL_ALLOWED.has(path.relative(SRC, file)))
      .filter((file) => lineCount(file) < MIN_FILE_LINES)
      .map((file) => `${path.relative(SRC, file)} (${lineCount(file)} lines)`);
    assert.deepEqual(small, []);
  });

  it('measures what it reads: a function of 61 lines is one over the limit', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sizes-'));
    const probe = path.join(dir, 'probe.ts');
    try {
      fs.writeFileSync(probe, `export function probe(): void {\n${'  void 0;\n'.repeat(59)}}\n`);
      assert.deepEqual(
        functionSizes(probe).map(({ lines }) => lines),
        [61],
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

// README.md is the users' page: set-up, use and the inputs; how the code works, its tests and its figures
// live in CONTRIBUTING.md and docs/. A new input adds a row to its generated table: make room elsewhere.
const MAX_README_LINES = 300;

describe('README.md', () => {
  it(`has at most ${MAX_README_LINES} lines`, () => {
    const lines = lineCount(path.join(repoRoot(), 'README.md'));
    assert.ok(
      lines <= MAX_README_LINES,
      `README.md has ${lines} lines: move what contributors need elsewhere`,
    );
  });
});
