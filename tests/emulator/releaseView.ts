// Renders a seeded classic release (ReleaseSeed + defaults) as the Release REST resource, with
// environments → deploy steps (attempts) → deploy phases → deployment jobs → tasks.
import { identityRef, seedPerson } from './identities';
import { buildProjects, findProject, PEOPLE, stableGuid } from './org';
import type { StoredRelease } from './state';
import type { ReleaseJobSeed, ReleasePhaseSeed, ReleaseTaskSeed } from './types';

/** A task with its position, as the task-log endpoint addresses it. */
export interface TaskAddress {
  environmentId: number;
  phaseId: number;
  taskId: number;
  task: ReleaseTaskSeed;
  /** When the task started: its log's first line was written then. */
  date: string;
}

const releaseUrl = (c: string, r: StoredRelease): string =>
  `${c}${r.project.id}/_apis/Release/releases/${r.seed.id}`;

export const releaseWebUrl = (c: string, r: StoredRelease): string =>
  `${c}${encodeURIComponent(r.project.name)}/_release?releaseId=${r.seed.id}&_a=release-summary`;

interface Walk {
  c: string;
  r: StoredRelease;
  envId: number;
  nextPhase: () => number;
  tasks: TaskAddress[];
  date: string;
}

function taskJson(
  w: Walk,
  phaseId: number,
  id: number,
  t: ReleaseTaskSeed | ReleaseJobSeed,
  name: string,
): Record<string, unknown> {
  const logUrl = `${releaseUrl(w.c, w.r)}/environments/${w.envId}/deployPhases/${phaseId}/tasks/${id}/logs`;
  const status = t.status ?? 'succeeded';
  // Each job and task is its record of the deploy phase's plan timeline, as the service converts it: the
  // record's GUID, and no line count (that conversion leaves it out; see README, Releases).
  return {
    id,
    timelineRecordId:
      ('timelineRecordId' in t ? t.timelineRecordId : undefined) ??
      stableGuid(`release-record:${w.r.seed.id}:${w.envId}:${phaseId}:${id}`),
    name,
    dateStarted: w.date,
    dateEnded: status === 'inProgress' || status === 'pending' ? null : w.date,
    startTime: w.date,
    finishTime: status === 'inProgress' || status === 'pending' ? null : w.date,
    status,
    rank: id,
    issues: (t.issues ?? []).map((i) => ({ issueType: i.issueType, message: i.message, data: {} })),
    agentName: t.agentName ?? 'Hosted Agent',
    logUrl,
    percentComplete: null,
    resultCode: null,
  };
}

function phaseJson(w: Walk, p: ReleasePhaseSeed, rank: number): Record<string, unknown> {
  const phaseId = w.nextPhase();
  let nextTask = 1;
  const jobs = p.jobs.map((j) => {
    const job = taskJson(w, phaseId, nextTask++, j, j.name ?? 'Agent job');
    const tasks = j.tasks.map((t) => {
      const id = nextTask++;
      w.tasks.push({ environmentId: w.envId, phaseId, taskId: id, task: t, date: w.date });
      return taskJson(w, phaseId, id, t, t.name);
    });
    return { job, tasks };
  });
  return {
    id: phaseId,
    phaseId: String(rank),
    name: p.name ?? 'Agent job',
    rank,
    phaseType: p.phaseType ?? 'agentBasedDeployment',
    status: p.status ?? 'succeeded',
    ...(p.errorLog !== undefined && { errorLog: p.errorLog }),
    runPlanId: stableGuid(`release-plan:${w.r.seed.id}:${phaseId}`),
    deploymentJobs: jobs,
    manualInterventions: [],
    startedOn: w.date,
  };
}

/**
 * The release JSON plus the addresses of every task (for task logs). `c` is the collection URL of the
 * host that serves Release (API links); `web` the main one, where the web UI lives (they differ in
 * Azure DevOps Services, where Release has its own host).
 */
export function renderRelease(
  c: string,
  r: StoredRelease,
  web = c,
): { json: Record<string, unknown>; tasks: TaskAddress[] } {
  const s = r.seed;
  const date = s.createdOn ?? new Date().toISOString();
  const createdBy = identityRef(seedPerson(s.createdBy, PEOPLE.alex), c);
  const createdFor = s.createdFor ? identityRef(seedPerson(s.createdFor, PEOPLE.alex), c) : createdBy;
  const def = { id: s.definition?.id ?? 1, name: s.definition?.name ?? `${r.project.name} release` };
  const defRef = {
    id: def.id,
    name: def.name,
    path: '\\',
    url: `${c}${r.project.id}/_apis/Release/definitions/${def.id}`,
  };
  const tasks: TaskAddress[] = [];
  let phaseCounter = 1;
  const environments = (s.environments ?? []).map((e, i) => {
    const envId = e.id ?? s.id * 10 + i + 1;
    const w: Walk = { c, r, envId, nextPhase: () => phaseCounter++, tasks, date };
    const attempts = e.attempts ?? (e.phases ? [{ attempt: 1, phases: e.phases }] : []);
    return {
      id: envId,
      releaseId: s.id,
      name: e.name,
      status: e.status ?? 'inProgress',
      variables: {},
      variableGroups: [],
      preDeployApprovals: [],
      postDeployApprovals: [],
      deploySteps: attempts.map((a, n) => ({
        id: envId * 100 + n + 1,
        deploymentId: envId * 100 + n + 1,
        attempt: a.attempt ?? n + 1,
        reason: 'automated',
        status:
          a.status ??
          (e.status === 'succeeded' ? 'succeeded' : e.status === 'rejected' ? 'failed' : 'inProgress'),
        operationStatus: 'phaseInProgress',
        releaseDeployPhases: a.phases.map((p, k) => phaseJson(w, p, k + 1)),
        requestedBy: createdBy,
        requestedFor: createdFor,
        queuedOn: date,
        lastModifiedBy: createdBy,
        lastModifiedOn: date,
        hasStarted: true,
        issues: [],
      })),
      rank: e.rank ?? i + 1,
      definitionEnvironmentId: i + 1,
      conditions: [],
      createdOn: date,
      modifiedOn: date,
      owner: createdBy,
      release: { id: s.id, name: s.name ?? `Release-${s.id}`, url: releaseUrl(c, r) },
      releaseDefinition: defRef,
      releaseCreatedBy: createdBy,
    };
  });
  const artifacts = (s.artifacts ?? []).map((a, i) => {
    // A build artifact names the project of its build pipeline, which may be another than the release's.
    const project =
      (a.project === undefined ? undefined : findProject(buildProjects(), a.project)) ?? r.project;
    return {
      sourceId: `${project.id}:${a.definition?.id ?? 1}`,
      type: a.type ?? 'Build',
      alias: a.alias,
      isPrimary: a.isPrimary ?? i === 0,
      isRetained: false,
      definitionReference: {
        definition: { id: String(a.definition?.id ?? 1), name: a.definition?.name ?? `${project.name}-CI` },
        project: { id: project.id, name: project.name },
        version: { id: String(a.buildId ?? 1), name: a.buildNumber ?? `${a.buildId ?? 1}` },
        branch: { id: a.branch ?? 'refs/heads/main', name: a.branch ?? 'refs/heads/main' },
      },
    };
  });
  const json = {
    id: s.id,
    name: s.name ?? `Release-${s.id}`,
    status: s.status ?? 'active',
    createdOn: date,
    modifiedOn: date,
    modifiedBy: createdBy,
    createdBy,
    createdFor,
    variables: {},
    variableGroups: [],
    environments,
    artifacts,
    releaseDefinition: { ...defRef, projectReference: null, _links: {} },
    releaseDefinitionRevision: 1,
    description: '',
    reason: s.reason ?? 'continuousIntegration',
    releaseNameFormat: 'Release-$(rev:r)',
    keepForever: false,
    definitionSnapshotRevision: 1,
    logsContainerUrl: `${releaseUrl(c, r)}/logs`,
    url: releaseUrl(c, r),
    _links: { self: { href: releaseUrl(c, r) }, web: { href: releaseWebUrl(web, r) } },
    tags: [],
    triggeringArtifactAlias: artifacts[0]?.alias ?? null,
    projectReference: { id: r.project.id, name: r.project.name },
    properties: {},
  };
  return { json, tasks };
}
