import { resolve, sep } from 'node:path';

/** What a matched path is, once every symlink on the way is resolved. */
export type EntryKind = 'file' | 'directory' | 'special';

/** Why a match is not attached. */
export type Refusal =
  /** It resolves (through a symlink, `..` or an absolute pattern) to a path outside the job's directories. */
  | 'outside'
  /** A process file: `/proc/self/environ` holds the job's original environment, token and secrets included. */
  | 'proc'
  /** A FIFO, socket or device (any entry that is neither file nor folder): opening a FIFO blocks, a device never ends. */
  | 'special'
  /** A symlink whose target does not exist. */
  | 'dangling'
  /** It could not be examined (permissions, or it vanished). */
  | 'unreadable'
  /** A folder symlink leading outside the job's directories: nothing beneath it is looked at. */
  | 'folderOutside';

/** A path that matched a pattern, as the walk found it. */
export interface Examined {
  /** The resolved path (every symlink followed); undefined when it cannot be resolved. */
  readonly real: string | undefined;
  /** What the resolved path is; undefined when it cannot be examined. */
  readonly kind: EntryKind | undefined;
}

const windows = (): boolean => process.platform === 'win32';

/**
 * The one spelling of a resolved path that every spelling of it shares: normalized, and on Windows, whose file
 * systems ignore case (and whose real paths keep the case a pattern wrote), in lower case.
 */
export function samePath(p: string): string {
  const normal = resolve(p);
  return windows() ? normal.toLowerCase() : normal;
}

/** Whether `child` is `root` or lies beneath it (both absolute and already resolved). */
export function isInside(child: string, root: string): boolean {
  const c = samePath(child);
  const r = samePath(root);
  if (c === r) return true;
  return c.startsWith(r.endsWith(sep) ? r : r + sep);
}

/** Whether `p` lies in the kernel's process file system. */
export function isProcFile(p: string): boolean {
  return !windows() && isInside(p, '/proc');
}

/**
 * The one rule for what may be attached: a regular file whose resolved path lies inside one of the job's
 * (resolved) directories, and not in /proc. Undefined means it may be attached; otherwise why not.
 */
export function confine(entry: Examined, roots: readonly string[]): Refusal | undefined {
  if (entry.real === undefined) return entry.kind === undefined ? 'dangling' : 'unreadable';
  if (isProcFile(entry.real)) return 'proc';
  if (!roots.some((root) => isInside(entry.real as string, root))) return 'outside';
  if (entry.kind === undefined) return 'unreadable';
  if (entry.kind !== 'file') return entry.kind === 'directory' ? 'unreadable' : 'special';
  return undefined;
}
