// Handlers for the work item resource: create, get, list, update.
import {
  boolQuery,
  intParam,
  ok,
  parseJsonBody,
  requireProject,
  type Handler,
  type RequestContext,
} from '../context';
import { enumName, WORK_ITEM_ERROR_POLICY } from '../enums';
import { badRequest, unsupportedContentType, workItemNotFound } from '../errors';
import { findPersonByUniqueName } from '../identities';
import { PEOPLE } from '../org';
import { parsePatch } from '../patch';
import { parseExpand, renderWorkItem } from '../render';
import type { StoredWorkItem } from '../state';
import { checkRevisionLimit, createWorkItem, updateWorkItem, type SaveOptions } from '../workItems';

const PATCH_TYPE = 'application/json-patch+json';

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

/** Work Items - List takes at most 200 ids (its reference page). */
const MAX_LIST_IDS = 200;

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
  checkRevisionLimit(lookup(ctx, id));
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

/** Work Items - List: at most 200 ids; errorPolicy omit answers null for an item that does not exist. */
export const listItems: Handler = (ctx) => {
  const ids = (ctx.query.ids ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean)
    .map((id) => intParam(id, 'ids'));
  if (ids.length === 0) throw badRequest('The ids parameter is required.', 'ArgumentNullException');
  if (ids.length > MAX_LIST_IDS) {
    throw badRequest(`The maximum number of work items per request is ${MAX_LIST_IDS}.`, 'ArgumentException');
  }
  const fields = fieldsParam(ctx.query.fields);
  const policy = enumName(ctx.query.errorPolicy, WORK_ITEM_ERROR_POLICY) ?? 'fail';
  if (policy !== 'fail' && policy !== 'omit') {
    throw badRequest(
      `The value '${ctx.query.errorPolicy}' is not valid for errorPolicy.`,
      'ArgumentException',
    );
  }
  const omit = policy === 'omit';
  const value = ids.map((id) => {
    const item = ctx.store.workItems.get(id);
    if (item && (!ctx.project || ctx.project.id === item.projectId)) {
      return renderWorkItem(item, ctx.collectionUrl, { expand: parseExpand(undefined, fields), fields });
    }
    if (omit) return null;
    throw workItemNotFound(id, 404);
  });
  return ok({ count: value.length, value });
};

export const getItem: Handler = (ctx) => {
  const fields = fieldsParam(ctx.query.fields);
  const expand = parseExpand(ctx.query.$expand, fields);
  return ok(
    renderWorkItem(lookup(ctx, intParam(ctx.params.id, 'id')), ctx.collectionUrl, { expand, fields }),
  );
};
