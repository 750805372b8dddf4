// Create and update of work items: patch → field rules → workflow → permissions → relations → save, with
// revision numbers, System.History turned into a discussion comment, and reverse links on linked items.
import { AdoError, noAreaPermission, noTagPermission, typeDisabled, typeNotFound } from './errors';
import { applyFieldRules } from './fieldRules';
import { BUILD_IDENTITY, isRestricted, type Person, type Project } from './org';
import { applyPatch, newDraft, type Draft, type PatchOp } from './patch';
import { findType, typeOfProject, type TypeDef } from './processes';
import { validateRelations, type InverseChange } from './relations';
import { checkWorkflow } from './workflow';
import type { FieldValue, Store, StoredRelation, StoredWorkItem } from './state';

export interface SaveOptions {
  identity: Person;
  collectionUrl: string;
  validateOnly?: boolean;
  bypassRules?: boolean;
}

export function typeInProject(project: Project, typeName: string): TypeDef {
  const t = findType(project.process, typeName);
  if (!t) throw typeNotFound(typeName, project.name);
  return typeOfProject(project, t);
}

/** A timestamp strictly after every earlier one, so successive saves order by ChangedDate like the service. */
let lastNow = 0;
export function now(): string {
  lastNow = Math.max(Date.now(), lastNow + 1);
  return new Date(lastNow).toISOString();
}

function checkPermission(
  store: Store,
  d: Draft,
  project: Project,
  identity: Person,
  tags: ReadonlyMap<string, string>,
): void {
  if (identity.uniqueName !== BUILD_IDENTITY.uniqueName) return;
  const area = String(d.fields['System.AreaPath'] ?? '');
  const before = String(d.original['System.AreaPath'] ?? '');
  if (isRestricted(project, area) || (before && isRestricted(project, before))) throw noAreaPermission();
  if (store.tagCreationDenied.has(project.id) && tagsOf(d.fields).some((tag) => !tags.has(tag.toLowerCase())))
    throw noTagPermission();
}

const tagsOf = (fields: Readonly<Record<string, unknown>>): string[] =>
  String(fields['System.Tags'] ?? '')
    .split(';')
    .map((tag) => tag.trim())
    .filter(Boolean);

// A tag is defined in a project once an item of it carries the tag, and is one definition whatever its case: by
// lower-cased name, the casing the oldest item carrying it has.
function projectTags(store: Store, project: Project): Map<string, string> {
  const tags = new Map<string, string>();
  for (const item of store.workItems.values()) {
    if (item.projectId !== project.id) continue;
    for (const tag of tagsOf(item.fields)) if (!tags.has(tag.toLowerCase())) tags.set(tag.toLowerCase(), tag);
  }
  return tags;
}

function applyInverse(
  store: Store,
  sourceId: number,
  changes: InverseChange[],
  opts: SaveOptions,
  date: string,
): void {
  const url = `${opts.collectionUrl}_apis/wit/workItems/${sourceId}`;
  for (const c of changes) {
    const target = store.workItems.get(c.targetId);
    if (!target) continue;
    const others = target.relations.filter(
      (r) => !(r.rel === c.rel && r.url.toLowerCase().endsWith(`/workitems/${sourceId}`)),
    );
    const added: StoredRelation[] =
      c.action === 'add' ? [{ rel: c.rel, url, attributes: { isLocked: false } }] : [];
    target.relations = [...others, ...added];
    target.rev += 1;
    delete target.fields['System.History'];
    target.fields['System.ChangedBy'] = opts.identity;
    target.fields['System.ChangedDate'] = date;
  }
}

function run(
  store: Store,
  project: Project,
  d: Draft,
  ops: PatchOp[],
  opts: SaveOptions,
): { d: Draft; changes: InverseChange[]; date: string } {
  const date = now();
  const tags = projectTags(store, project);
  applyPatch(d, ops);
  applyFieldRules(d, { project, identity: opts.identity, now: date, bypassRules: !!opts.bypassRules, tags });
  if (!opts.bypassRules) checkWorkflow(d, project, store.rules);
  checkPermission(store, d, project, opts.identity, tags);
  const changes = validateRelations(d, store, opts.collectionUrl, date);
  return { d, changes, date };
}

function commit(
  store: Store,
  item: StoredWorkItem,
  d: Draft,
  changes: InverseChange[],
  opts: SaveOptions,
  date: string,
): void {
  item.fields = d.fields as Record<string, FieldValue>;
  item.relations = d.relations.map(({ rel, url, attributes }) => ({ rel, url, attributes }));
  const history = item.fields['System.History'];
  if (typeof history === 'string' && history.trim() !== '') {
    store.addComment(item.id, history, 'html', opts.identity, date);
    item.fields['System.CommentCount'] = (Number(item.fields['System.CommentCount']) || 0) + 1;
  }
  store.workItems.set(item.id, item);
  applyInverse(store, item.id, changes, opts, date);
}

export function createWorkItem(
  store: Store,
  project: Project,
  typeName: string,
  ops: PatchOp[],
  opts: SaveOptions,
): StoredWorkItem {
  const type = typeInProject(project, typeName);
  if (project.disabledTypes?.includes(type.name.toLowerCase())) throw typeDisabled(type.name, project.name);
  const { d, changes, date } = run(store, project, newDraft(type, -1, 0, {}, []), ops, opts);
  const item: StoredWorkItem = {
    id: 0,
    projectId: project.id,
    type: type.name,
    rev: 1,
    fields: {},
    relations: [],
  };
  if (opts.validateOnly) {
    item.fields = d.fields as Record<string, FieldValue>;
    item.relations = d.relations;
    return item;
  }
  item.id = store.allocateWorkItemId();
  commit(store, item, d, changes, opts, date);
  return item;
}

export function updateWorkItem(
  store: Store,
  item: StoredWorkItem,
  ops: PatchOp[],
  opts: SaveOptions,
): StoredWorkItem {
  const project = store.projectById(item.projectId);
  const type = typeInProject(project, item.type);
  const carried = { ...item.fields };
  delete carried['System.History'];
  const { d, changes, date } = run(
    store,
    project,
    newDraft(type, item.id, item.rev, carried, item.relations),
    ops,
    opts,
  );
  const next: StoredWorkItem = { ...item, rev: item.rev + 1 };
  if (opts.validateOnly) {
    next.fields = d.fields as Record<string, FieldValue>;
    next.relations = d.relations;
    return next;
  }
  commit(store, next, d, changes, opts, date);
  return next;
}

// Azure DevOps Services refuses any change through the REST API to an item that has this many revisions, with a
// 500 (sources in README.md); the web portal, where people work, may still change it.
const MAX_API_REVISIONS = 10_000;

/** Throws the service's refusal when the REST API may no longer change `item`. */
export function checkRevisionLimit(item: StoredWorkItem): void {
  if (item.rev < MAX_API_REVISIONS) return;
  throw new AdoError(
    500,
    `Work item ${item.id} has ${item.rev} revisions, but currently, when updating via the API, only work items with up to 10,000 revisions are supported.`,
    'WorkItemRevisionLimitExceededException',
  );
}

/** A comment added through the comments API also makes a revision (Comment Count, History). */
export function recordComment(item: StoredWorkItem, text: string, identity: Person, date: string): void {
  item.rev += 1;
  item.fields['System.CommentCount'] = (Number(item.fields['System.CommentCount']) || 0) + 1;
  item.fields['System.History'] = text;
  item.fields['System.ChangedBy'] = identity;
  item.fields['System.ChangedDate'] = date;
}
