// Handlers for the work item resource: create, get one/many, batch, update, revisions.
import {
  boolQuery,
  intParam,
  list,
  ok,
  parseJsonBody,
  requireProject,
  type Handler,
  type RequestContext,
} from '../context';
import { enumName, ERROR_POLICY } from '../enums';
import { badRequest, unsupportedContentType, workItemNotFound } from '../errors';
import { findPersonByUniqueName } from '../identities';
import { PEOPLE } from '../org';
import { parsePatch } from '../patch';
import { asOf, parseExpand, renderRevision, renderWorkItem, type Expand } from '../render';
import type { StoredWorkItem } from '../state';
import { createWorkItem, updateWorkItem, type SaveOptions } from '../workItems';

const PATCH_TYPE = 'application/json-patch+json';
const MAX_IDS = 200;

function patchBody(ctx: RequestContext): ReturnType<typeof parsePatch> {
  const type = (ctx.contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type !== PATCH_TYPE) throw unsupportedContentType(ctx.contentType ?? '', ctx.method, PATCH_TYPE);
  return parsePatch(parseJsonBody(ctx));
}

const saveOptions = (ctx: RequestContext): SaveOptions => ({
  identity: ctx.identity,
  collectionUrl: ctx.collectionUrl,
  validateOnly: boolQuery(ctx, 'validateOnly'),
  bypassRules: boolQuery(ctx, 'bypassRules'),
});

/** The item, checked against the project in the path when there is one. */
export function lookup(ctx: RequestContext, id: number, status = 404): StoredWorkItem {
  const item = ctx.store.workItems.get(id);
  if (!item || (ctx.project && ctx.project.id !== item.projectId)) throw workItemNotFound(id, status);
  return item;
}

const fieldsParam = (raw: string | undefined): string[] | undefined =>
  raw
    ? raw
        .split(',')
        .map((f) => f.trim())
        .filter(Boolean)
    : undefined;

function renderSaved(ctx: RequestContext, item: StoredWorkItem): ReturnType<typeof ok> {
  // validateOnly on create stores nothing, so there is no id to report (id 0 internally).
  const { id, ...rest } = renderWorkItem(item, ctx.collectionUrl, { full: true });
  return ok(id === 0 ? rest : { id, ...rest });
}

export const createItem: Handler = (ctx) => {
  const project = requireProject(ctx);
  const ops = patchBody(ctx);
  return renderSaved(ctx, createWorkItem(ctx.store, project, ctx.params.type, ops, saveOptions(ctx)));
};

export const updateItem: Handler = (ctx) => {
  const id = intParam(ctx.params.id, 'id');
  intervene(ctx, lookup(ctx, id));
  return renderSaved(ctx, updateWorkItem(ctx.store, lookup(ctx, id), patchBody(ctx), saveOptions(ctx)));
};

// A person's edit armed through the control API lands first, as if saved a moment before this request.
function intervene(ctx: RequestContext, item: StoredWorkItem): void {
  const { store } = ctx;
  const index = store.interventions.findIndex((i) => i.id === item.id);
  if (index < 0) return;
  const [edit] = store.interventions.splice(index, 1);
  const ops = Object.entries(edit.fields).map(([ref, value]) => ({
    op: 'add' as const,
    path: `/fields/${ref}`,
    value,
  }));
  const identity = findPersonByUniqueName(edit.identity ?? PEOPLE.sam.uniqueName) ?? PEOPLE.sam;
  updateWorkItem(store, item, ops, { identity, collectionUrl: ctx.collectionUrl });
}

export const getItem: Handler = (ctx) => {
  const fields = fieldsParam(ctx.query.fields);
  const expand = parseExpand(ctx.query.$expand, fields);
  const id = intParam(ctx.params.id, 'id');
  const item = asOf(lookup(ctx, id), ctx.query.asOf);
  if (!item) throw workItemNotFound(id);
  return ok(renderWorkItem(item, ctx.collectionUrl, { expand, fields }));
};

function many(
  ctx: RequestContext,
  ids: number[],
  fields: string[] | undefined,
  expand: Expand,
  when: string | undefined,
  policy: string,
): ReturnType<typeof ok> {
  if (ids.length === 0) throw badRequest('The ids parameter is required.', 'ArgumentNullException');
  if (ids.length > MAX_IDS)
    throw badRequest(`VS402337: The number of ids must not exceed ${MAX_IDS}.`, 'ArgumentException');
  const omit = enumName(policy, ERROR_POLICY) === 'omit';
  const value = ids.map((id) => {
    const stored = ctx.store.workItems.get(id);
    const item =
      stored && (!ctx.project || ctx.project.id === stored.projectId) ? asOf(stored, when) : undefined;
    if (!item) {
      if (omit) return null;
      throw workItemNotFound(id);
    }
    return renderWorkItem(item, ctx.collectionUrl, { expand, fields });
  });
  return list(value);
}

export const getItems: Handler = (ctx) => {
  const fields = fieldsParam(ctx.query.fields);
  const ids = (ctx.query.ids ?? '')
    .split(',')
    .filter(Boolean)
    .map((x) => intParam(x.trim(), 'ids'));
  return many(
    ctx,
    ids,
    fields,
    parseExpand(ctx.query.$expand, fields),
    ctx.query.asOf,
    ctx.query.errorPolicy ?? 'fail',
  );
};

export const getItemsBatch: Handler = (ctx) => {
  const body = (parseJsonBody(ctx) ?? {}) as Record<string, unknown>;
  const ids = Array.isArray(body.ids) ? body.ids.map((x) => intParam(String(x), 'ids')) : [];
  const fields = Array.isArray(body.fields) ? body.fields.map(String) : undefined;
  const rawExpand =
    typeof body.$expand === 'string' || typeof body.$expand === 'number' ? String(body.$expand) : undefined;
  const expand = parseExpand(rawExpand, fields);
  const when = typeof body.asOf === 'string' ? body.asOf : undefined;
  return many(
    ctx,
    ids,
    fields,
    expand,
    when,
    body.errorPolicy === undefined ? 'fail' : String(body.errorPolicy),
  );
};

export const listRevisions: Handler = (ctx) => {
  const item = lookup(ctx, intParam(ctx.params.id, 'id'));
  const expand = parseExpand(ctx.query.$expand, undefined);
  const skip = Number(ctx.query.$skip ?? 0) || 0;
  const top = Number(ctx.query.$top ?? 200) || 200;
  return list(
    item.revisions.slice(skip, skip + top).map((r) => renderRevision(item, r, ctx.collectionUrl, expand)),
  );
};

export const getRevision: Handler = (ctx) => {
  const item = lookup(ctx, intParam(ctx.params.id, 'id'));
  const n = intParam(ctx.params.revisionNumber, 'revisionNumber');
  const rev = item.revisions.find((r) => r.rev === n);
  if (!rev) throw workItemNotFound(`${item.id} revision ${n}`);
  return ok(renderRevision(item, rev, ctx.collectionUrl, parseExpand(ctx.query.$expand, undefined)));
};
