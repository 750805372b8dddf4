// Checks and completes seeds posted to the control API, so a test's typo fails at seeding time with a
// clear message instead of surfacing later as a confusing REST answer.
import { PEOPLE } from './org';
import type { Store, StoredBuild, StoredRelease, StoredWorkItem } from './state';
import type { BuildSeed, ReleaseSeed, WorkItemSeed } from './types';
import { createWorkItem } from './workItems';

export class SeedError extends Error {}

function asObject(raw: unknown, what: string): Record<string, unknown> {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new SeedError(`${what} must be a JSON object`);
  return raw as Record<string, unknown>;
}

function projectOf(store: Store, o: Record<string, unknown>, what: string): StoredBuild['project'] {
  const name = typeof o.project === 'string' ? o.project : '';
  const project = store.project(name);
  if (!project)
    throw new SeedError(
      `${what}.project '${name}' is not one of ${store.projects.map((p) => p.name).join(', ')}`,
    );
  return project;
}

function positiveId(o: Record<string, unknown>, what: string): number {
  if (typeof o.id !== 'number' || !Number.isInteger(o.id) || o.id <= 0)
    throw new SeedError(`${what}.id must be a positive integer`);
  return o.id;
}

export function seedBuild(store: Store, raw: unknown): StoredBuild {
  const o = asObject(raw, 'build');
  const project = projectOf(store, o, 'build');
  positiveId(o, 'build');
  const seed = { ...(o as unknown as BuildSeed) };
  // Freeze time-dependent defaults now so every later read of the build agrees.
  seed.startTime ??= new Date(Date.now() - 3_600_000).toISOString();
  seed.queueTime ??= seed.startTime;
  const ids = new Set((seed.records ?? []).map((r, i) => r.id ?? String(i)));
  for (const r of seed.records ?? []) {
    if (!r || typeof r.name !== 'string' || typeof r.type !== 'string')
      throw new SeedError('every timeline record needs type and name');
    if (r.parentId && !ids.has(r.parentId))
      throw new SeedError(`record '${r.name}' has parentId '${r.parentId}' that no record has as id`);
    if (r.logId !== undefined && !seed.logs?.[String(r.logId)])
      throw new SeedError(`record '${r.name}' has logId ${r.logId} but logs has no such key`);
  }
  for (const [key, lines] of Object.entries(seed.logs ?? {})) {
    if (!/^\d+$/.test(key) || !Array.isArray(lines))
      throw new SeedError(`logs must map numeric ids to arrays of lines (key '${key}')`);
  }
  const stored: StoredBuild = { project, seed };
  store.builds.set(seed.id, stored);
  return stored;
}

export function seedRelease(store: Store, raw: unknown): StoredRelease {
  const o = asObject(raw, 'release');
  const project = projectOf(store, o, 'release');
  positiveId(o, 'release');
  const seed = { ...(o as unknown as ReleaseSeed) };
  seed.createdOn ??= new Date(Date.now() - 3_600_000).toISOString();
  const now = new Date().toISOString();
  seed.environments = seed.environments?.map((e) => (e?.testResults ? { testRunsUpdatedOn: now, ...e } : e));
  for (const e of seed.environments ?? []) {
    if (!e || typeof e.name !== 'string') throw new SeedError('every release environment needs a name');
    for (const p of [...(e.phases ?? []), ...(e.attempts ?? []).flatMap((a) => a.phases)]) {
      if (!Array.isArray(p.jobs)) throw new SeedError(`a phase of environment '${e.name}' has no jobs array`);
    }
  }
  for (const artifact of seed.artifacts ?? []) {
    if (artifact.project !== undefined && !store.project(artifact.project))
      throw new SeedError(
        `artifact '${artifact.alias}' names project '${artifact.project}', which does not exist`,
      );
  }
  const stored: StoredRelease = { project, seed };
  store.releases.set(seed.id, stored);
  return stored;
}

/** A pre-existing work item (e.g. the open Bug of an earlier failure), created by Alex Kim. */
export function seedWorkItem(store: Store, raw: unknown, collectionUrl: string): StoredWorkItem {
  const o = asObject(raw, 'work item') as unknown as WorkItemSeed;
  const project = projectOf(store, o as unknown as Record<string, unknown>, 'workItem');
  if (typeof o.type !== 'string' || !o.fields || typeof o.fields !== 'object')
    throw new SeedError('workItem needs type and fields');
  const ops = [
    ...Object.entries(o.fields).map(([ref, value]) => ({
      op: 'add' as const,
      path: `/fields/${ref}`,
      value,
    })),
    ...(o.relations ?? []).map((value) => ({ op: 'add' as const, path: '/relations/-', value })),
  ];
  if (o.rev !== undefined && (!Number.isInteger(o.rev) || o.rev < 1)) {
    throw new SeedError('workItem rev must be a whole number of at least 1');
  }
  const item = createWorkItem(store, project, o.type, ops, {
    identity: PEOPLE.alex,
    collectionUrl,
    bypassRules: true,
  });
  item.rev = o.rev ?? item.rev;
  return item;
}
