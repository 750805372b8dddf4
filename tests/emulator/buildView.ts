// Renders a seeded build (BuildSeed + defaults) as the Build REST resources: build, timeline, logs.
// Defaults aim at "a YAML CI run that is still in progress", which is when the task runs.
import { createHash } from 'node:crypto';
import { identityRef, seedPerson } from './identities';
import { PEOPLE, stableGuid, type Project } from './org';
import type { StoredBuild } from './state';
import type { TimelineRecordSeed } from './types';

const HOUR = 3_600_000;

export const buildUrl = (c: string, b: StoredBuild): string =>
  `${c}${b.project.id}/_apis/build/Builds/${b.seed.id}`;

export const projectRef = (c: string, p: Project): Record<string, unknown> => ({
  id: p.id,
  name: p.name,
  url: `${c}_apis/projects/${p.id}`,
  state: 'wellFormed',
  revision: 12,
  visibility: 'private',
  lastUpdateTime: '2024-01-01T00:00:00.000Z',
});

export function buildFacts(
  c: string,
  b: StoredBuild,
): {
  number: string;
  definition: { id: number; name: string; path: string };
  repo: { id: string; type: string; name: string; url: string };
  sha: string;
  start: string;
} {
  const s = b.seed;
  const start = s.startTime ?? new Date(Date.now() - HOUR).toISOString();
  const repoName = s.repository?.name ?? b.project.name;
  return {
    number: s.buildNumber ?? `${start.slice(0, 10).replace(/-/g, '')}.${s.id}`,
    definition: {
      id: s.definition?.id ?? 1,
      name: s.definition?.name ?? `${b.project.name}-CI`,
      path: s.definition?.path ?? '\\',
    },
    repo: {
      id: s.repository?.id ?? stableGuid(`repo:${b.project.name}:${repoName}`),
      type: s.repository?.type ?? 'TfsGit',
      name: repoName,
      url:
        s.repository?.url ?? `${c}${encodeURIComponent(b.project.name)}/_git/${encodeURIComponent(repoName)}`,
    },
    sha: s.sourceVersion ?? createHash('sha1').update(`commit:${s.id}`).digest('hex'),
    start,
  };
}

/** The branch a build built: `refs/heads/main` unless its seed names one. */
export const sourceBranch = (b: StoredBuild): string => b.seed.sourceBranch ?? 'refs/heads/main';

/** A build as Builds - List answers it (`Build` of the REST specs). */
export function buildJson(c: string, b: StoredBuild): Record<string, unknown> {
  const s = b.seed;
  const f = buildFacts(c, b);
  const url = buildUrl(c, b);
  const plan = stableGuid(`plan:${s.id}`);
  const status = s.status ?? 'inProgress';
  return {
    _links: {
      self: { href: url },
      web: { href: `${c}${b.project.id}/_build/results?buildId=${s.id}` },
      timeline: { href: `${url}/Timeline` },
    },
    properties: {},
    tags: [],
    validationResults: [],
    plans: [{ planId: plan }],
    id: s.id,
    buildNumber: f.number,
    status,
    ...(s.result ? { result: s.result } : {}),
    queueTime: s.queueTime ?? f.start,
    startTime: f.start,
    ...(status === 'completed' ? { finishTime: s.finishTime ?? f.start } : {}),
    url,
    definition: {
      ...f.definition,
      url: `${c}${b.project.id}/_apis/build/Definitions/${f.definition.id}?revision=1`,
      uri: `vstfs:///Build/Definition/${f.definition.id}`,
      type: 'build',
      queueStatus: 'enabled',
      revision: 1,
      project: projectRef(c, b.project),
    },
    project: projectRef(c, b.project),
    uri: `vstfs:///Build/Build/${s.id}`,
    sourceBranch: sourceBranch(b),
    sourceVersion: f.sha,
    priority: 'normal',
    reason: s.reason ?? 'individualCI',
    requestedFor: identityRef(seedPerson(s.requestedFor, PEOPLE.alex), c),
    requestedBy: identityRef(seedPerson(s.requestedBy ?? s.requestedFor, PEOPLE.alex), c),
    lastChangedDate: f.start,
    lastChangedBy: identityRef(PEOPLE.build, c),
    orchestrationPlan: { planId: plan },
    logs: { id: 0, type: 'Container', url: `${url}/logs` },
    repository: { ...f.repo, clean: null, checkoutSubmodules: false },
    keepForever: false,
    retainedByRelease: false,
    triggeredByBuild: null,
  };
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Readable seed ids ("job1") become stable GUIDs; GUIDs pass through. */
export const recordId = (buildId: number, id: string): string =>
  GUID.test(id) ? id : stableGuid(`record:${buildId}:${id}`);

export const timelineId = (b: StoredBuild): string => stableGuid(`timeline:${b.seed.id}`);

export function renderRecord(
  c: string,
  b: StoredBuild,
  r: TimelineRecordSeed,
  index: number,
): Record<string, unknown> {
  const state = r.state ?? 'completed';
  const issues = r.issues ?? [];
  const start = r.startTime ?? buildFacts(c, b).start;
  const id = recordId(b.seed.id, r.id ?? String(index));
  const attempt = r.attempt ?? 1;
  return {
    // Each earlier attempt ran in a timeline and under a record of its own.
    previousAttempts: Array.from({ length: attempt - 1 }, (_, n) => ({
      attempt: n + 1,
      timelineId: stableGuid(`timeline:${b.seed.id}:${n + 1}`),
      recordId: stableGuid(`record:${id}:${n + 1}`),
    })),
    id,
    parentId: r.parentId ? recordId(b.seed.id, r.parentId) : null,
    type: r.type,
    name: r.name,
    startTime: state === 'pending' ? null : start,
    finishTime: state === 'completed' ? (r.finishTime ?? start) : null,
    currentOperation: null,
    percentComplete: state === 'completed' ? 100 : null,
    state,
    result: r.result !== undefined ? r.result : state === 'completed' ? 'succeeded' : null,
    resultCode: null,
    changeId: index + 1,
    lastModified: start,
    workerName: r.workerName ?? (r.type === 'Job' || r.type === 'Task' ? 'Hosted Agent' : null),
    order: r.order ?? index + 1,
    details: null,
    errorCount: issues.filter((i) => i.type === 'error').length,
    warningCount: issues.filter((i) => i.type === 'warning').length,
    url: null,
    log:
      r.logId === undefined
        ? null
        : { id: r.logId, type: 'Container', url: `${buildUrl(c, b)}/logs/${r.logId}` },
    task:
      r.type === 'Task'
        ? { id: stableGuid(`task:${r.task ?? r.name}`), name: r.task ?? r.name, version: '1.0.0' }
        : null,
    attempt,
    identifier: r.identifier ?? null,
    issues: issues.map((i) => ({
      type: i.type,
      category: i.category ?? 'General',
      message: i.message,
      data: { type: i.type, ...i.data },
    })),
  };
}

/** The lines `from` (0-based) up to `to` (exclusive) that a request asks for of a log of `count` lines. */
export type LineRange = (count: number) => { from: number; to: number };

/** The log's lines in `range` as served: with the agent's timestamp prefix (below) unless disabled. */
export function logLines(c: string, b: StoredBuild, logId: string, range: LineRange): string[] | undefined {
  const lines = b.seed.logs?.[logId];
  if (!lines) return undefined;
  if (b.seed.logTimestamps !== false) return stampedLines(lines, buildFacts(c, b).start, range);
  const { from, to } = range(lines.length);
  return lines.slice(from, to);
}

/**
 * Lines in `range` as the agent writes every log it uploads, a build's or a release's: each prefixed with the
 * time it was written, in .NET's round-trip format (`2024-05-01T09:00:00.0000000Z `), 10 ms apart from `start`
 * here (microsoft/azure-pipelines-agent, `PagingLogger.Write`). Only the lines asked for are stamped: a tail of
 * a long log costs what the tail costs.
 */
export function stampedLines(lines: readonly string[], start: string, range: LineRange): string[] {
  const { from, to } = range(lines.length);
  const base = new Date(start).getTime();
  return lines
    .slice(from, to)
    .map((line, i) => `${new Date(base + (from + i) * 10).toISOString().replace(/Z$/, '0000Z')} ${line}`);
}
