// Handlers for the Release area: a release by id and a deployment task's log.
import { intParam, ok, requireProject, type Handler, type RequestContext } from '../context';
import { notFound } from '../errors';
import { renderRelease } from '../releaseView';
import type { StoredRelease } from '../state';
import { stampedLines } from '../buildView';
import { lineRange } from './builds';

const RELEASE_NS = 'Microsoft.VisualStudio.Services.ReleaseManagement.Data';

function findRelease(ctx: RequestContext): StoredRelease {
  const project = requireProject(ctx);
  const id = intParam(ctx.params.releaseId, 'releaseId');
  const r = ctx.store.releases.get(id);
  if (!r || r.project.id !== project.id) {
    throw notFound(`VS402856: Release with id ${id} does not exist.`, 'ReleaseNotFoundException', RELEASE_NS);
  }
  return r;
}

export const getRelease: Handler = (ctx) =>
  ok(renderRelease(ctx.collectionUrl, findRelease(ctx), ctx.hosts.main).json);

export const getReleaseTaskLog: Handler = (ctx) => {
  const r = findRelease(ctx);
  const env = intParam(ctx.params.environmentId, 'environmentId');
  const phase = intParam(ctx.params.releaseDeployPhaseId, 'releaseDeployPhaseId');
  const taskId = intParam(ctx.params.taskId, 'taskId');
  const hit = renderRelease(ctx.collectionUrl, r).tasks.find(
    (t) => t.environmentId === env && t.phaseId === phase && t.taskId === taskId,
  );
  if (!hit)
    throw notFound(
      `Task ${taskId} was not found in release ${r.seed.id}.`,
      'TaskNotFoundException',
      RELEASE_NS,
    );
  const lines = stampedLines(hit.task.logLines ?? [], hit.date, lineRange(ctx.query, 'wholeLog'));
  return { status: 200, text: lines.join('\n'), contentType: 'text/plain; charset=utf-8' };
};
