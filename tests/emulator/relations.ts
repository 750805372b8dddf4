// Relation (link) validation on save and the reverse links the service maintains on the other end.
// Error codes/messages other than TF201036, TF401232, TF237201 and VS403313 are emulator-chosen (marked below);
// tests should match on the situation they describe, not on the exact code.
import { AdoError, workItemNotFound } from './errors';
import type { Draft, DraftRelation } from './patch';
import type { Store, StoredRelation } from './state';

const LINK_NAMES: Record<string, string> = {
  'System.LinkTypes.Hierarchy-Forward': 'Child',
  'System.LinkTypes.Hierarchy-Reverse': 'Parent',
  'System.LinkTypes.Related': 'Related',
  'System.LinkTypes.Dependency-Forward': 'Successor',
  'System.LinkTypes.Dependency-Reverse': 'Predecessor',
  'System.LinkTypes.Duplicate-Forward': 'Duplicate',
  'System.LinkTypes.Duplicate-Reverse': 'Duplicate Of',
  'Microsoft.VSTS.Common.TestedBy-Forward': 'Tested By',
  'Microsoft.VSTS.Common.TestedBy-Reverse': 'Tests',
};

const inverseOf = (rel: string): string =>
  rel === 'System.LinkTypes.Related'
    ? rel
    : rel.endsWith('-Forward')
      ? rel.replace(/-Forward$/, '-Reverse')
      : rel.replace(/-Reverse$/, '-Forward');

/** Registered artifact link types (attributes.name of an ArtifactLink). */
const ARTIFACT_NAMES = [
  'Build',
  'Found in build',
  'Integrated in build',
  'Fixed in Commit',
  'Fixed in Changeset',
  'Branch',
  'Pull Request',
  'Tag',
  'Wiki Page',
  'Pipelines',
  'Integrated in release environment',
  'GitHub Commit',
  'GitHub Pull Request',
  'Test Result',
  'Source Code File',
  'Versioned Item',
  'Model Link',
];
const BUILD_ARTIFACTS = ['build', 'found in build', 'integrated in build'];

// Emulator-chosen codes for link errors the real service words differently per case.
const linkError = (code: string, message: string): AdoError =>
  new AdoError(400, `${code}: ${message}`, 'WorkItemLinkValidationException');

export interface InverseChange {
  targetId: number;
  rel: string;
  action: 'add' | 'remove';
}

export const workItemIdFromUrl = (url: string): number | undefined => {
  const m = /\/_apis\/wit\/workitems\/(\d+)\/?$/i.exec(url.split('?')[0]);
  return m ? Number(m[1]) : undefined;
};

export const attachmentIdFromUrl = (url: string): string | undefined =>
  /\/_apis\/wit\/attachments\/([0-9a-f-]{36})/i.exec(url)?.[1]?.toLowerCase();

function resourceAttributes(r: DraftRelation, now: string, counter: () => number): Record<string, unknown> {
  return {
    authorizedDate: now,
    id: counter(),
    resourceCreatedDate: now,
    resourceModifiedDate: now,
    revisedDate: '9999-01-01T00:00:00Z',
    ...r.attributes,
  };
}

// No reference states how long a link's comment may be: the emulator holds it to a String field's 255 characters,
// the stricter choice (message emulator-chosen).
const MAX_LINK_COMMENT = 255;

function validateOne(
  r: DraftRelation,
  d: Draft,
  store: Store,
  collectionUrl: string,
  now: string,
  counter: () => number,
): void {
  const comment = r.attributes.comment;
  if (typeof comment === 'string' && comment.length > MAX_LINK_COMMENT) {
    throw new AdoError(
      400,
      `The comment of a link holds at most ${MAX_LINK_COMMENT} characters; this one has ${comment.length}.`,
      'WorkItemLinkValidationException',
    );
  }
  const linkName = LINK_NAMES[r.rel];
  if (linkName) {
    const target = workItemIdFromUrl(r.url);
    if (target === undefined) throw linkError('TF201070', `The URL '${r.url}' is not a work item URL.`);
    if (target === d.id) throw linkError('TF201035', 'A work item cannot be linked to itself.');
    const item = store.workItems.get(target);
    if (!item) throw workItemNotFound(target, 400);
    if (
      r.rel === 'System.LinkTypes.Hierarchy-Forward' &&
      item.relations.some((x) => x.rel === 'System.LinkTypes.Hierarchy-Reverse')
    ) {
      throw linkError(
        'TF201036',
        `You cannot add a Child link between work items ${d.id} and ${target} because a work item can have only one Parent link.`,
      );
    }
    r.url = `${collectionUrl}_apis/wit/workItems/${target}`;
    r.attributes = { isLocked: false, name: linkName, ...r.attributes };
  } else if (r.rel === 'ArtifactLink') {
    if (!/^vstfs:\/\/\//i.test(r.url))
      throw linkError(
        'TF237156',
        `The artifact link URL '${r.url}' is not valid: it must start with vstfs:///.`,
      );
    const name = String(r.attributes.name ?? '');
    const known = ARTIFACT_NAMES.find((n) => n.toLowerCase() === name.toLowerCase());
    if (!known) throw linkError('TF237157', `The artifact link type '${name}' is not registered.`);
    if (BUILD_ARTIFACTS.includes(name.toLowerCase()) && !/^vstfs:\/\/\/Build\/Build\/\d+$/i.test(r.url)) {
      throw linkError(
        'TF237156',
        `The artifact link URL '${r.url}' is not a build URL (vstfs:///Build/Build/<id>).`,
      );
    }
    r.attributes = { ...resourceAttributes(r, now, counter), name: known };
  } else if (r.rel === 'AttachedFile') {
    const id = attachmentIdFromUrl(r.url);
    const attachment = id ? store.attachments.get(id) : undefined;
    if (!attachment) throw linkError('TF237182', `The attachment '${r.url}' was not found. Upload it first.`);
    r.attributes = {
      ...resourceAttributes(r, now, counter),
      resourceSize: attachment.bytes.length,
      name: attachment.fileName,
    };
  } else if (r.rel === 'Hyperlink') {
    if (!/^https?:\/\/[^\s/]+/i.test(r.url))
      throw linkError('TF201056', `The hyperlink '${r.url}' is not a valid URL.`);
    r.attributes = resourceAttributes(r, now, counter);
  } else {
    throw linkError('TF201063', `The link type '${r.rel}' does not exist.`);
  }
}

/** Validates changed relations in place and returns the reverse-link changes to apply elsewhere. */
export function validateRelations(
  d: Draft,
  store: Store,
  collectionUrl: string,
  now: string,
): InverseChange[] {
  let next = 1 + Math.max(0, ...d.relations.map((r) => Number(r.attributes.id) || 0));
  const counter = (): number => next++;
  for (const r of d.relations) if (r.changed) validateOne(r, d, store, collectionUrl, now, counter);
  const seen = new Set<string>();
  for (const r of d.relations) {
    const key = `${r.rel}|${r.url}`.toLowerCase();
    if (seen.has(key))
      throw linkError('TF201065', `The relation '${r.rel}' to '${r.url}' already exists on this work item.`);
    seen.add(key);
  }
  if (d.relations.filter((r) => r.rel === 'System.LinkTypes.Hierarchy-Reverse').length > 1) {
    throw linkError(
      'TF201036',
      `You cannot add a Child link to work item ${d.id} because a work item can have only one Parent link.`,
    );
  }
  if (d.relations.filter((r) => r.rel === 'AttachedFile').length > MAX_ATTACHMENTS)
    throw tooManyAttachments();
  if (linkCount(d.relations) > MAX_LINKS) throw tooManyLinks();
  const changes: InverseChange[] = [];
  const wiLinks = (list: StoredRelation[], action: 'add' | 'remove'): void => {
    for (const r of list) {
      const target = LINK_NAMES[r.rel] ? workItemIdFromUrl(r.url) : undefined;
      if (target !== undefined) changes.push({ targetId: target, rel: inverseOf(r.rel), action });
    }
  };
  wiLinks(
    d.removedRelations.filter((r) => !d.relations.some((x) => x.rel === r.rel && x.url === r.url)),
    'remove',
  );
  wiLinks(
    d.relations.filter(
      (r) => r.changed && !d.removedRelations.some((x) => x.rel === r.rel && x.url === r.url),
    ),
    'add',
  );
  checkLinkedEnds(changes, store);
  return changes;
}

// Per item (Microsoft Learn, "Work tracking, process, and project limits"): at most 100 attachments and 1,000
// links. The page counts attachments in a row of their own, so every other relation (work, hyperlink and
// external links) counts as a link.
const MAX_ATTACHMENTS = 100;
const MAX_LINKS = 1_000;

const linkCount = (relations: readonly StoredRelation[]): number =>
  relations.filter((r) => r.rel !== 'AttachedFile').length;

// The wording public reports quote from the service; status and typeKey are emulator-chosen.
const tooManyAttachments = (): AdoError =>
  linkError(
    'VS403313',
    `The number of attachments exceeded the limit. One work item should contain no more than ${MAX_ATTACHMENTS} attachments.`,
  );
const tooManyLinks = (): AdoError =>
  linkError(
    'TF237201',
    `Cannot add a new link because one of the work items being linked will exceed the ${MAX_LINKS} link limit. Remove links from that item and try saving again.`,
  );

// A link between two work items is held by both, so the item at the other end may not pass the limit either.
function checkLinkedEnds(changes: readonly InverseChange[], store: Store): void {
  const added = new Map<number, number>();
  for (const c of changes)
    added.set(c.targetId, (added.get(c.targetId) ?? 0) + (c.action === 'add' ? 1 : -1));
  for (const [targetId, delta] of added) {
    const target = store.workItems.get(targetId);
    if (target && linkCount(target.relations) + delta > MAX_LINKS) throw tooManyLinks();
  }
}
