// Work item, revision and comment JSON as the service renders them: identity fields as IdentityRef
// objects, only non-empty fields, relations with $expand=relations|all, _links.
import { enumName, WORK_ITEM_EXPAND } from './enums';
import { badRequest } from './errors';
import { identityRef } from './identities';
import type { FieldValue, Store, StoredComment, StoredWorkItem } from './state';
import type { CommentJson, WorkItemJson } from './types';

export type Expand = 'none' | 'relations' | 'fields' | 'links' | 'all';

export interface RenderOptions {
  expand?: Expand;
  /** Restrict to these reference names (case-insensitive). Cannot be combined with expand. */
  fields?: string[];
  /** Include relations and _links regardless of expand (create/update responses do). */
  full?: boolean;
}

export function parseExpand(raw: string | undefined, fields: string[] | undefined): Expand {
  const expand = enumName(raw, WORK_ITEM_EXPAND) ?? 'none';
  if (!['none', 'relations', 'fields', 'links', 'all'].includes(expand)) {
    throw badRequest(`The value '${raw}' is not valid for $expand.`, 'ArgumentException');
  }
  if (fields && fields.length > 0 && expand !== 'none') {
    // The service refuses the combination with this wording (VS403437 family).
    throw badRequest(
      'The expand parameter can not be used with the fields parameter.',
      'ConflictingParametersException',
    );
  }
  return expand as Expand;
}

const renderValue = (v: FieldValue, collectionUrl: string): unknown =>
  typeof v === 'object' ? identityRef(v, collectionUrl) : v;

export function renderFields(
  item: { id: number; rev: number; fields: Record<string, FieldValue> },
  collectionUrl: string,
  only?: string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const all: Record<string, FieldValue> = { ...item.fields };
  if (only) {
    all['System.Id'] = item.id;
    all['System.Rev'] = item.rev;
  }
  for (const [ref, value] of Object.entries(all)) {
    if (only && !only.some((f) => f.toLowerCase() === ref.toLowerCase())) continue;
    out[ref] = renderValue(value, collectionUrl);
  }
  return out;
}

export function workItemUrl(collectionUrl: string, projectId: string, id: number): string {
  return `${collectionUrl}${projectId}/_apis/wit/workItems/${id}`;
}

function links(item: StoredWorkItem, collectionUrl: string): Record<string, { href: string }> {
  const self = workItemUrl(collectionUrl, item.projectId, item.id);
  return {
    self: { href: self },
    workItemUpdates: { href: `${self}/updates` },
    workItemRevisions: { href: `${self}/revisions` },
    workItemComments: { href: `${self}/comments` },
    html: { href: `${collectionUrl}${item.projectId}/_workitems/edit/${item.id}` },
    workItemType: {
      href: `${collectionUrl}${item.projectId}/_apis/wit/workItemTypes/${encodeURIComponent(item.type)}`,
    },
    fields: { href: `${collectionUrl}${item.projectId}/_apis/wit/fields` },
  };
}

export function renderWorkItem(
  item: StoredWorkItem,
  collectionUrl: string,
  opts: RenderOptions = {},
): WorkItemJson {
  const expand = opts.expand ?? 'none';
  const json: WorkItemJson = {
    id: item.id,
    rev: item.rev,
    fields: renderFields(item, collectionUrl, opts.fields),
    url: workItemUrl(collectionUrl, item.projectId, item.id),
  };
  if ((opts.full || expand === 'relations' || expand === 'all') && item.relations.length > 0) {
    json.relations = item.relations.map((r) => ({ rel: r.rel, url: r.url, attributes: { ...r.attributes } }));
  }
  if (opts.full || expand === 'links' || expand === 'all' || (!opts.fields && expand === 'none')) {
    json._links = links(item, collectionUrl);
  }
  return json;
}

export function renderComment(c: StoredComment, projectId: string, collectionUrl: string): CommentJson {
  const by = identityRef(c.createdBy, collectionUrl);
  return {
    workItemId: c.workItemId,
    id: c.id,
    version: c.version,
    text: c.text,
    format: c.format,
    createdBy: by,
    createdDate: c.createdDate,
    modifiedBy: by,
    modifiedDate: c.createdDate,
    isDeleted: false,
    url: `${workItemUrl(collectionUrl, projectId, c.workItemId)}/comments/${c.id}`,
  };
}

export function commentsOf(store: Store, id: number): StoredComment[] {
  return store.comments.get(id) ?? [];
}
