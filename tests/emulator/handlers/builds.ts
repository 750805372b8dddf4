// Handlers for the Build area: the builds of a pipeline, timeline, logs, changes, associated work items.
import { intParam, list, ok, requireProject, type Handler, type RequestContext } from '../context';
import { BUILD_QUERY_ORDER, enumName } from '../enums';
import { badRequest, notFound } from '../errors';
import {
  buildFacts,
  buildJson,
  buildUrl,
  logLines,
  type LineRange,
  renderRecord,
  sourceBranch,
  timelineId,
} from '../buildView';
import { identityRef, seedPerson } from '../identities';
import { PEOPLE } from '../org';
import type { StoredBuild } from '../state';

const BUILD_NS = 'Microsoft.TeamFoundation.Build.WebApi';

export function findBuild(ctx: RequestContext): StoredBuild {
  const project = requireProject(ctx);
  const id = intParam(ctx.params.buildId, 'buildId');
  const b = ctx.store.builds.get(id);
  if (!b || b.project.id !== project.id) {
    throw notFound(`The requested build ${id} could not be found.`, 'BuildNotFoundException', BUILD_NS);
  }
  return b;
}

/** The parameters of Builds - List the emulator models; any other is refused, never guessed at. */
const LIST_PARAMETERS = new Set(['definitions', 'branchName', 'queryOrder', '$top', 'api-version']);

// Builds - List (REST specs `Builds_List`): `queryOrder` names the time the builds are ordered by and the
// direction (BuildQueryOrder; by name or by the client's number). The finish-time orders are not modelled.
const ORDERS: Record<string, (b: StoredBuild) => number> = {
  queuetimedescending: (b) => -Date.parse(b.seed.queueTime ?? b.seed.startTime ?? ''),
  queuetimeascending: (b) => Date.parse(b.seed.queueTime ?? b.seed.startTime ?? ''),
  starttimedescending: (b) => -Date.parse(b.seed.startTime ?? ''),
  starttimeascending: (b) => Date.parse(b.seed.startTime ?? ''),
};

function listOrder(ctx: RequestContext): (a: StoredBuild, b: StoredBuild) => number {
  const raw = ctx.query.queryOrder;
  // No order asked for: the reference states no default; oldest first (by id), the end a client that counts
  // on newest first without asking would not expect (emulator-chosen, the stricter choice).
  if (raw === undefined) return (a, b) => a.seed.id - b.seed.id;
  const name = enumName(raw, BUILD_QUERY_ORDER) ?? '';
  if (name === 'finishtimeascending' || name === 'finishtimedescending') {
    throw badRequest(`Emulator: unsupported Builds - List queryOrder '${raw}'.`);
  }
  const key = ORDERS[name];
  if (!key) throw badRequest(`The value '${raw}' is not valid for queryOrder.`, 'ArgumentException');
  // Builds queued at the same time: the later queued (higher id) first when descending (emulator-chosen).
  const descending = name.endsWith('descending');
  return (a, b) => key(a) - key(b) || (descending ? b.seed.id - a.seed.id : a.seed.id - b.seed.id);
}

// `branchName` matches the build's source branch as sent, a full ref; the reference documents no pattern, so a
// `*` is refused rather than guessed at.
function branchFilter(ctx: RequestContext): (b: StoredBuild) => boolean {
  const branch = ctx.query.branchName;
  if (branch === undefined) return () => true;
  if (branch.includes('*')) throw badRequest(`Emulator: unsupported branchName pattern '${branch}'.`);
  return (b) => sourceBranch(b) === branch;
}

/** Builds - List: the project's builds of `definitions` on `branchName`, in `queryOrder`, the first `$top`. */
export const listBuilds: Handler = (ctx) => {
  const project = requireProject(ctx);
  const unknown = Object.keys(ctx.query).filter((name) => !LIST_PARAMETERS.has(name));
  if (unknown.length > 0) throw badRequest(`Emulator: unsupported Builds - List parameter '${unknown[0]}'.`);
  const definitions = ctx.query.definitions?.split(',').map((id) => intParam(id.trim(), 'definitions'));
  const top = ctx.query.$top === undefined ? undefined : intParam(ctx.query.$top, '$top');
  if (top !== undefined && top < 1)
    throw badRequest(`The value '${top}' is not valid for $top.`, 'ArgumentException');
  const onBranch = branchFilter(ctx);
  const order = listOrder(ctx);
  const builds = [...ctx.store.builds.values()]
    .filter((b) => b.project.id === project.id)
    .filter((b) => !definitions || definitions.includes(buildFacts(ctx.collectionUrl, b).definition.id))
    .filter(onBranch)
    .sort(order);
  return list(builds.slice(0, top).map((b) => buildJson(ctx.collectionUrl, b)));
};

export const getTimeline: Handler = (ctx) => {
  const b = findBuild(ctx);
  const id = timelineId(b);
  const asked = ctx.params.timelineId;
  if (asked && asked.toLowerCase() !== id) {
    throw notFound(
      `Timeline ${asked} was not found for build ${b.seed.id}.`,
      'TimelineNotFoundException',
      BUILD_NS,
    );
  }
  // A build without a timeline (not started, or its records gone) is answered 204 without content.
  if (!b.seed.records?.length) return { status: 204, text: '', contentType: 'text/plain' };
  const records = b.seed.records.map((r, i) => renderRecord(ctx.collectionUrl, b, r, i));
  return ok({
    records,
    lastChangedBy: PEOPLE.build.id,
    lastChangedOn: buildFacts(ctx.collectionUrl, b).start,
    id,
    changeId: records.length,
    url: `${buildUrl(ctx.collectionUrl, b)}/Timeline/${id}`,
  });
};

export const listLogs: Handler = (ctx) => {
  const b = findBuild(ctx);
  const start = buildFacts(ctx.collectionUrl, b).start;
  return list(
    Object.keys(b.seed.logs ?? {}).map((id) => ({
      lineCount: b.seed.logs?.[id]?.length ?? 0,
      createdOn: start,
      lastChangedOn: start,
      id: Number(id),
      type: 'Container',
      url: `${buildUrl(ctx.collectionUrl, b)}/logs/${id}`,
    })),
  );
};

/**
 * Lines startLine..endLine of a log, 1-based and inclusive, as the service reads them: a startLine below 1 (or
 * none) is the first line and an endLine past the log its last; without an endLine a build's log is read to its
 * end and a release task's whole (whatever startLine says); a negative endLine is that many last lines; an
 * endLine before startLine is refused.
 */
export function lineRange(query: Record<string, string>, noEnd: 'toTheEnd' | 'wholeLog'): LineRange {
  const number = (name: 'startLine' | 'endLine'): number | undefined => {
    const raw = query[name];
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isSafeInteger(value)) {
      throw badRequest(`The value '${raw}' is not valid for ${name}.`, 'ArgumentException');
    }
    return value;
  };
  const start = Math.max(0, number('startLine') ?? 0);
  const end = number('endLine') ?? (noEnd === 'toTheEnd' ? Infinity : -Infinity);
  if (end >= 0 && end < start)
    throw badRequest('Startline cannot be greater than endline', 'ArgumentException');
  return (count) => {
    const [first, last] =
      end < 0 ? [Math.max(count + end, 0) + 1, count] : [Math.max(start, 1), Math.min(end, count)];
    return { from: first - 1, to: Math.max(first - 1, last) };
  };
}

export const getLog: Handler = (ctx) => {
  const b = findBuild(ctx);
  const logId = ctx.params.logId ?? '';
  const part = logLines(ctx.collectionUrl, b, logId, lineRange(ctx.query, 'toTheEnd'));
  if (!part)
    throw notFound(
      `Log ${logId} was not found for build ${b.seed.id}.`,
      'BuildLogNotFoundException',
      BUILD_NS,
    );
  const accept = String(ctx.headers.accept ?? '');
  // getBuildLogLines asks for JSON (a wrapped array of lines); getBuildLog asks for text/plain.
  if (accept.startsWith('application/json')) return list(part);
  return { status: 200, text: part.join('\n'), contentType: 'text/plain; charset=utf-8' };
};

export const getChanges: Handler = (ctx) => {
  const b = findBuild(ctx);
  const f = buildFacts(ctx.collectionUrl, b);
  const top = Number(ctx.query.$top ?? 0) || undefined;
  const changes = (b.seed.changes ?? []).slice(0, top).map((ch, i) => {
    const author = identityRef(seedPerson(ch.author, PEOPLE.alex), ctx.collectionUrl);
    return {
      id: ch.id,
      message: ch.message,
      type: ch.type ?? 'TfsGit',
      author,
      timestamp: ch.timestamp ?? new Date(new Date(f.start).getTime() - (i + 1) * 600_000).toISOString(),
      location:
        ch.location ??
        `${ctx.collectionUrl}${b.project.id}/_apis/git/repositories/${f.repo.id}/commits/${ch.id}`,
      displayUri: ch.displayUri ?? `${f.repo.url}/commit/${ch.id}`,
      pusher: author.uniqueName,
      messageTruncated: false,
    };
  });
  return list(changes);
};

export const getWorkItemRefs: Handler = (ctx) => {
  const b = findBuild(ctx);
  const top = Number(ctx.query.$top ?? 0) || undefined;
  const refs = (b.seed.workItemRefs ?? []).slice(0, top);
  return list(refs.map((id) => ({ id: String(id), url: `${ctx.collectionUrl}_apis/wit/workItems/${id}` })));
};
