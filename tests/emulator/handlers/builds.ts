// Handlers for the Build area: timeline, logs, changes, associated work items.
import { intParam, list, ok, requireProject, type Handler, type RequestContext } from '../context';
import { notFound } from '../errors';
import { buildFacts, buildUrl, logLines, renderRecord, timelineId } from '../buildView';
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
  const records = (b.seed.records ?? []).map((r, i) => renderRecord(ctx.collectionUrl, b, r, i));
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

/** Lines startLine..endLine, 1-based and inclusive (0 or absent = from the first / to the last). */
export function sliceLines(lines: string[], query: Record<string, string>): string[] {
  const start = Math.max(1, Number(query.startLine ?? 1) || 1);
  const end = query.endLine ? Number(query.endLine) || lines.length : lines.length;
  return lines.slice(start - 1, end);
}

export const getLog: Handler = (ctx) => {
  const b = findBuild(ctx);
  const logId = ctx.params.logId ?? '';
  const lines = logLines(ctx.collectionUrl, b, logId);
  if (!lines)
    throw notFound(
      `Log ${logId} was not found for build ${b.seed.id}.`,
      'BuildLogNotFoundException',
      BUILD_NS,
    );
  const part = sliceLines(lines, ctx.query);
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
