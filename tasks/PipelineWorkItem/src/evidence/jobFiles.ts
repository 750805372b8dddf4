import {
  closeSync,
  constants,
  createReadStream,
  existsSync,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  realpathSync,
  type BigIntStats,
  type Dirent,
} from 'node:fs';
import { basename, isAbsolute, join, relative } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { Minimatch, type IMinimatch, type IOptions } from 'minimatch';
import { confine, type EntryKind, type Examined, isInside, isProcFile, type Refusal } from './confinement';
import type { FoundFiles, MatchedFile, RefusedMatch } from '../ports';

// task-lib's findMatch options, so patterns mean what they meant: dot files match, no brace expansion,
// case-insensitive on Windows. Its comment, negation and base-name options are left out: a rooted pattern never
// starts with `#` or `!` (those lines are read before) and always holds a slash.
const matchOptions = (nocase = process.platform === 'win32'): IOptions => ({
  dot: true,
  nobrace: true,
  noglobstar: false,
  noext: false,
  nocase,
});

const slashes = (p: string): string => (process.platform === 'win32' ? p.replace(/\\/g, '/') : p);

// Glob characters in the default root are literal, as in findMatch.
function escapeGlob(root: string): string {
  return root.replace(/[[\]*?{}()!+@]/g, (c) => `[${c}]`);
}

/** `pattern` rooted at `defaultRoot` unless it is absolute, with forward slashes. */
export function rootedPattern(defaultRoot: string, pattern: string): string {
  const p = slashes(pattern);
  if (isAbsolute(pattern)) return p;
  return `${escapeGlob(slashes(defaultRoot)).replace(/\/+$/, '')}/${p}`;
}

/**
 * The literal directory a pattern's matches all lie under, and whether the pattern is that path itself (exported
 * for its tests).
 */
export function searchRoot(matcher: IMinimatch): { start: string; exact: boolean } {
  // Read case-sensitively: ignoring case (Windows), minimatch makes every part a pattern, and the search would
  // start at the drive's root, where a pattern with `..` or a link on the way matches nothing.
  const literalRead = matcher.options.nocase ? new Minimatch(matcher.pattern, matchOptions(false)) : matcher;
  const parts = literalRead.set[0] ?? [];
  const literal: string[] = [];
  for (const part of parts) {
    if (typeof part !== 'string') break;
    literal.push(part);
  }
  const start = literal.join('/');
  // minimatch reads the `//` that starts a UNC path (`//server/share`) as one slash.
  const unc = matcher.pattern.startsWith('//');
  // A drive alone (`D:`, Windows) is that drive's current folder, not its root.
  const drive = /^[a-z]:$/i.test(start) ? '/' : '';
  return { start: (unc ? `/${start}` : start + drive) || '/', exact: literal.length === parts.length };
}

function kindOf(stat: BigIntStats): EntryKind {
  if (stat.isFile()) return 'file';
  return stat.isDirectory() ? 'directory' : 'special';
}

interface Examination extends Examined {
  readonly size: number;
  /** The file's `identityOf`; empty when it cannot be examined. */
  readonly identity: string;
}

/** Which file a stat describes: its device and file numbers, in full (a 64-bit file number does not fit a double). */
const identityOf = (stat: BigIntStats): string => `${stat.dev}:${stat.ino}`;

/**
 * What a path resolves to: its real path and kind, or undefined parts where that fails (no real path: dangling;
 * no kind: unreadable, or gone since it was resolved).
 */
function examine(p: string): Examination {
  let real: string;
  try {
    real = realpathSync(p);
  } catch {
    return { real: undefined, kind: undefined, size: 0, identity: '' };
  }
  try {
    // lstat: the real path has no symlink left, and a FIFO must not be opened to learn what it is.
    const stat = lstatSync(real, { bigint: true });
    return { real, kind: kindOf(stat), size: Number(stat.size), identity: identityOf(stat) };
  } catch {
    return { real, kind: undefined, size: 0, identity: '' };
  }
}

interface Walk {
  readonly matcher: IMinimatch;
  readonly roots: readonly string[];
  readonly files: MatchedFile[];
  readonly refused: RefusedMatch[];
}

const refuse = (walk: Walk, p: string, reason: Refusal): void => {
  walk.refused.push({ path: p, reason });
};

// Split as minimatch splits the pattern, at every run of slashes (a UNC path's leading `//` is one).
const partial = (walk: Walk, p: string): boolean =>
  walk.matcher.matchOne(slashes(p).split(/\/+/), (walk.matcher.set[0] ?? []) as string[], true);

/** A path that matched: attached when the confinement rule allows it, refused with its reason otherwise. */
function settle(walk: Walk, logical: string): void {
  const entry = examine(logical);
  const reason = confine(entry, walk.roots);
  if (reason) {
    // Directories are not attached, and are no refusal worth a warning.
    if (!(entry.kind === 'directory' && reason === 'unreadable')) refuse(walk, logical, reason);
    return;
  }
  walk.files.push({
    path: logical,
    realPath: entry.real as string,
    size: entry.size,
    identity: entry.identity,
  });
}

/** Looks beneath `dir` (a logical path whose real path `real` is inside the job's directories). */
function descend(walk: Walk, dir: string, real: string, seen: Set<string>): void {
  const stack: [string, string][] = [[dir, real]];
  while (stack.length > 0) {
    const [logical, actual] = stack.pop() as [string, string];
    if (seen.has(actual)) continue;
    seen.add(actual);
    let entries: Dirent[];
    try {
      entries = readdirSync(actual, { withFileTypes: true });
    } catch {
      refuse(walk, logical, 'unreadable');
      continue;
    }
    for (const entry of entries) {
      const child = `${logical.replace(/\/+$/, '')}/${entry.name}`;
      const childActual = join(actual, entry.name);
      if (entry.isDirectory()) {
        if (partial(walk, child)) stack.push([child, childActual]);
        continue;
      }
      if (entry.isSymbolicLink()) {
        const target = examine(childActual);
        if (target.kind === 'directory' && target.real !== undefined) {
          if (!partial(walk, child)) continue;
          const inside =
            !isProcFile(target.real) && walk.roots.some((r) => isInside(target.real as string, r));
          if (inside) stack.push([child, target.real]);
          else refuse(walk, child, 'folderOutside');
          continue;
        }
      }
      if (walk.matcher.match(child)) settle(walk, child);
    }
  }
}

/**
 * The files `patterns` match (one line each, relative to `defaultRoot` unless absolute; `!` lines leave out what
 * earlier lines matched; `#` lines are comments), confined to `roots` (the job's directories, resolved): regular
 * files whose real path is inside, found without following any symlink out. Each match that is refused says why;
 * a pattern that fails says so and leaves the others alone.
 */
export function findJobFiles(
  patterns: readonly string[],
  defaultRoot: string,
  roots: readonly string[],
): FoundFiles[] {
  const results: FoundFiles[] = [];
  for (const line of patterns) {
    // A comment, as findMatch reads one.
    if (line.startsWith('#')) continue;
    const negated = /^!+/.exec(line)?.[0].length ?? 0;
    let failed: string | undefined;
    let walk: Walk | undefined;
    try {
      const matcher = new Minimatch(rootedPattern(defaultRoot, line.slice(negated)), matchOptions());
      if (negated % 2 === 1) {
        leaveOut(results, matcher);
        continue;
      }
      walk = { matcher, roots, files: [], refused: [] };
      search(walk);
    } catch (error) {
      failed = (error as Error).message;
    }
    const files = (walk?.files ?? []).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    results.push({ pattern: line, files, refused: walk?.refused ?? [], ...(failed ? { failed } : {}) });
  }
  return results;
}

/** What earlier lines found, less what an exclusion line matches. */
function leaveOut(results: FoundFiles[], matcher: IMinimatch): void {
  for (const result of results) {
    result.files = result.files.filter((f) => !matcher.match(slashes(f.path)));
    result.refused = result.refused.filter((r) => !matcher.match(slashes(r.path)));
  }
}

function search(walk: Walk): void {
  const { start, exact } = searchRoot(walk.matcher);
  if (exact) {
    if (existsSync(start) || isLink(start)) settle(walk, start);
    return;
  }
  const origin = examine(start);
  if (origin.real === undefined) return;
  const seen = new Set<string>();
  if (!isProcFile(origin.real) && walk.roots.some((r) => isInside(origin.real as string, r))) {
    descend(walk, start, origin.real, seen);
    return;
  }
  // A search that starts above the job's directories looks only inside them, each by the path the pattern
  // spells (through a link on the way, /tmp to /private/tmp on macOS, the path is not the real one).
  const real = origin.real;
  const below = walk.roots.filter((r) => isInside(r, real));
  if (below.length === 0) {
    refuse(walk, start, isProcFile(real) ? 'proc' : 'outside');
    return;
  }
  for (const root of below) {
    const logical = slashes(join(start, relative(real, root)));
    if (partial(walk, logical)) descend(walk, logical, root, seen);
  }
}

function isLink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * The job's directories, resolved: Agent.BuildDirectory (sources, staging, test results), Agent.TempDirectory,
 * and Agent.ReleaseDirectory in classic releases; System.DefaultWorkingDirectory only when none of them is set.
 */
export function jobRoots(variable: (name: string) => string | undefined): string[] {
  const named = ['Agent.BuildDirectory', 'Agent.TempDirectory', 'Agent.ReleaseDirectory'].flatMap((name) => {
    const value = variable(name);
    return value ? [value] : [];
  });
  const chosen = named.length > 0 ? named : [variable('System.DefaultWorkingDirectory')];
  return chosen.flatMap((dir) => {
    try {
      return dir ? [realpathSync(dir)] : [];
    } catch {
      return [];
    }
  });
}

const failing = (error: Error): Readable =>
  new Readable({
    read() {
      this.destroy(error);
    },
  });

/**
 * The content of a matched file, streamed: opened by its real path without following a link and without
 * blocking (a FIFO put there since the walk), checked to be a regular file and the very file the walk examined,
 * and never read past `maxBytes` (a file that grew past it fails the stream). O_NOFOLLOW guards only the last
 * name, and Windows has none: a link or junction put anywhere on the way since the walk leads to another file.
 */
export function openJobFile(file: Pick<MatchedFile, 'realPath' | 'identity'>, maxBytes: number): Readable {
  const { realPath } = file;
  const flags = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);
  let fd: number;
  try {
    fd = openSync(realPath, flags);
  } catch (error) {
    return failing(error as Error);
  }
  const opened = fstatSync(fd, { bigint: true });
  const changed = !opened.isFile()
    ? 'a regular file'
    : identityOf(opened) !== file.identity
      ? 'the file the search found'
      : undefined;
  if (changed) {
    closeSync(fd);
    return failing(new Error(`${realPath} is no longer ${changed}`));
  }
  let read = 0;
  const cap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      read += chunk.length;
      done(read > maxBytes ? new Error(`${basename(realPath)} grew past ${maxBytes} bytes`) : null, chunk);
    },
  });
  const source = createReadStream('', { fd, start: 0, end: maxBytes });
  source.on('error', (error) => cap.destroy(error));
  // An upload given up (or a cap exceeded) closes the file.
  cap.on('close', () => source.destroy());
  return source.pipe(cap);
}
