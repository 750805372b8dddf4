import { workItemBody } from '../render/body';
import { stripBidi } from '../text/agentText';
import { textHtml } from '../text/html';
import type { RunContext } from '../facts/context';
import { loc } from '../text/messages';
import { redactor } from '../text/redact';
import { sameCollection } from '../inputs/connectionEndpoint';
import { MAX_TAGS, Settings, TAG_SEPARATORS, tagList } from '../inputs/settings';
import { isTaskTag } from '../lifecycle/fingerprint';
import { maskedTemplate, renderTemplate } from '../text/templates';
import { fitTitle, MAX_STRING_LENGTH, plainTitle, workItemTitle } from '../render/title';
import { fitText } from '../text/excerpt';
import type { RunView } from '../facts/values';
import type { WorkItemTypeInfo } from './workItemType';

export const FIELD = {
  title: 'System.Title',
  description: 'System.Description',
  reproSteps: 'Microsoft.VSTS.TCM.ReproSteps',
  areaPath: 'System.AreaPath',
  iterationPath: 'System.IterationPath',
  assignedTo: 'System.AssignedTo',
  priority: 'Microsoft.VSTS.Common.Priority',
  severity: 'Microsoft.VSTS.Common.Severity',
  tags: 'System.Tags',
  foundIn: 'Microsoft.VSTS.Build.FoundIn',
  history: 'System.History',
  state: 'System.State',
  reason: 'System.Reason',
} as const;

/** The longest comment a link takes: no reference states one, so the task keeps to a String field's 255 characters. */
const MAX_LINK_COMMENT = 255;

export interface Relation {
  readonly rel: string;
  readonly url: string;
  readonly attributes: Readonly<Record<string, string>>;
}

/** Everything one create request carries. */
export interface WorkItemDraft {
  readonly type: string;
  readonly fields: readonly (readonly [reference: string, value: string | number])[];
  readonly relations: readonly Relation[];
}

/** Where the item is filed, beyond the inputs: the type, the organization, the iteration, and what to mask. */
export interface Destination {
  readonly type: WorkItemTypeInfo;
  /** Collection URL (trailing slash) of the organization the item is filed in. */
  readonly collectionUri: string;
  readonly iterationPath: string | undefined;
  readonly secrets: readonly string[];
  /** The project's field types, when they could be read (else the well-known HTML fields stand in). */
  readonly fieldTypes?: FieldTypes;
}

/** Reference names of the project's fields by what their values may be. */
export interface FieldTypes {
  /** Fields that hold HTML (types HTML and History). */
  readonly html: readonly string[];
  /** Single-line text fields (type String, but identities): one line of at most 255 characters. */
  readonly singleLine: readonly string[];
}

/** What the task adds beyond the inputs to track the item: how the item is found again, and files uploaded for it. */
export interface Tracking {
  /** The tags the task finds the item by: its fingerprint's and its scope's. */
  readonly tags: readonly string[];
  /** The first discussion entry: where the item came from, with the run's marker. */
  readonly history: string;
  readonly attachments: readonly { readonly url: string; readonly comment: string }[];
  /** Links beyond those the inputs ask for (a test item's link to its test result). */
  readonly links?: readonly Relation[];
}

/** The item's title (whole: the draft cuts it to fit once masked) and HTML body. */
export interface Content {
  readonly title: string;
  readonly body: string;
  /**
   * The title and body of an item of its own (a failing test's, the flaky-tests item), which `fields` does not
   * replace: its title and body are what tell it apart, and `fields` names the run's item's.
   */
  readonly own?: true;
}

/**
 * Decides every field and relation of the new item from the inputs and the run as shown
 * (`render/readable.ts`: its pipeline text already masked and cleaned at the source).
 * Returns the draft and warnings for inputs the type cannot take (e.g. a severity on a Task).
 */
export function workItemDraft(
  settings: Settings,
  run: RunView,
  destination: Destination,
  tracking: Tracking,
  content?: Content,
): { draft: WorkItemDraft; warnings: string[] } {
  const warnings: string[] = [];
  const redact = redactor(destination.secrets);
  const item = content ?? runContent(settings, run, redact);
  // The title is cut only once masked: a secret cut in half (by a long test name, or in the `title` input's own
  // text) could no longer be found.
  const title = fitTitle(redact(item.title));
  // The final values are masked again, for what the inputs themselves brought in.
  const shown = { run, content: { ...item, title }, redact };
  const fields = draftFields(settings, shown, destination, tracking, warnings);
  const fit = fitMasked(destination, warnings);
  const redacted = [...fields].map(([reference, value]) =>
    typeof value === 'string'
      ? ([reference, fit(reference, redact(value))] as const)
      : ([reference, value] as const),
  );
  // A link's comment names a step or a pattern of any length: cut as a title is, once masked.
  const relations = draftRelations(settings, run, destination, tracking).map((relation) => {
    const comment = relation.attributes['comment'];
    if (comment === undefined) return relation;
    return {
      ...relation,
      attributes: { ...relation.attributes, comment: fitText(redact(comment), MAX_LINK_COMMENT) },
    };
  });
  const draft = { type: destination.type.name, fields: redacted, relations };
  return { draft, warnings };
}

/**
 * A masked value cut to fit its field: a System.Title of `fields` (which replaced the title) as the title is, and a
 * value of another single-line text field, which the service would refuse whole, with a warning naming it.
 */
function fitMasked(
  destination: Destination,
  warnings: string[],
): (reference: string, masked: string) => string {
  const isSingleLine = singleLineTest(destination);
  return (reference, masked) => {
    if (isTitle(reference)) return fitTitle(masked);
    if (!isSingleLine(reference) || masked.length <= MAX_STRING_LENGTH) return masked;
    warnings.push(loc('FieldValueShortened', reference, MAX_STRING_LENGTH));
    return fitText(masked, MAX_STRING_LENGTH);
  };
}

/** The run's item: the `title` and `description` inputs, or the task's own, with the details. */
function runContent(settings: Settings, run: RunView, mask: (text: string) => string): Content {
  const description = settings.description && maskedTemplate(settings.description, mask);
  return {
    title: workItemTitle(settings.title, run, mask),
    body: workItemBody({ ...settings, description }, run),
  };
}

function draftFields(
  settings: Settings,
  { run, content, redact }: { run: RunView; content: Content; redact: (text: string) => string },
  destination: Destination,
  tracking: Tracking,
  warnings: string[],
): Map<string, string | number> {
  const { context, values } = run;
  const has = fieldTest(destination.type.fields);
  const fields = new Map<string, string | number>();
  // Reference names are case-insensitive: a later value replaces an earlier one under its first spelling.
  const set = (reference: string, value: string | number | undefined): void => {
    if (value === undefined || value === '') return;
    const key = [...fields.keys()].find((k) => k.toLowerCase() === reference.toLowerCase()) ?? reference;
    fields.set(key, value);
  };
  const ignored = (input: string, reference: string): void => {
    warnings.push(loc('InputIgnoredNoField', destination.type.name, reference, input));
  };

  set(FIELD.title, content.title);
  const body = content.body;
  const bodyField = [FIELD.reproSteps, FIELD.description].find(has);
  if (bodyField) set(bodyField, body);
  else if (body) {
    warnings.push(loc('NoBodyField', destination.type.name));
  }
  const isBody = fieldTest(bodyField === undefined ? [] : [bodyField]);
  const given = content.own
    ? settings.fields.filter((field) => !isTitle(field.reference) && !isBody(field.reference))
    : settings.fields;
  // A `fields` value for the body field replaces the description and the details, which would go unsaid.
  const replaced = given.some((field) => isBody(field.reference));
  if (body && bodyField && replaced)
    warnings.push(loc('FieldsReplaceBody', bodyField, destination.type.name));
  set(FIELD.areaPath, settings.areaPath);
  set(FIELD.iterationPath, destination.iterationPath);
  set(FIELD.assignedTo, assignee(settings, context, warnings));
  if (settings.priority !== undefined) {
    if (has(FIELD.priority)) set(FIELD.priority, settings.priority);
    else ignored('priority', FIELD.priority);
  }
  if (settings.severity !== undefined) {
    if (has(FIELD.severity)) set(FIELD.severity, settings.severity);
    else ignored('severity', FIELD.severity);
  }
  set(FIELD.tags, itemTags(settings, { values, redact }, tracking.tags, warnings).join('; '));
  set(FIELD.history, tracking.history);
  const build = linkedBuild(settings, context, destination);
  if (build && has(FIELD.foundIn)) set(FIELD.foundIn, build.number);
  // `fields` comes last: a user who names a field there means that value.
  for (const [reference, value] of userFields(given, { values, redact }, destination, warnings)) {
    set(reference, value);
  }
  return fields;
}

/**
 * The `fields` values, rendered. They are text: in an HTML field escaped, so a placeholder value (a branch name,
 * an error message) can never open an element. The project's field types unread, any field may be an HTML one:
 * a value that could open an element or an entity is escaped wherever it goes, which in a plain field shows it
 * escaped rather than risk markup.
 */
function userFields(
  fields: Settings['fields'],
  { values, redact }: { values: RunView['values']; redact: (text: string) => string },
  destination: Destination,
  warnings: string[],
): [string, string][] {
  const isHtml = htmlFieldTest(destination.fieldTypes?.html);
  const isSingleLine = singleLineTest(destination);
  const unknownTypes = destination.fieldTypes === undefined;
  const escapedUnknown: string[] = [];
  const rendered = fields
    .filter((field) => !isTags(field.reference))
    .map(({ reference, value: template }): [string, string] => {
      // A title is one line of plain text, whoever writes it, as is any single-line text field's value (a
      // multi-line `{{firstError}}`): a line break has no place in a field of one line, and may cost the value.
      // Masked first: the template's own text may hold a secret, which a line made plain or HTML's escapes (a
      // tab or two spaces as no-break spaces, a line break as <br>) would change so that it no longer matches.
      const text = redact(renderTemplate(template, values));
      const value = isTitle(reference) || isSingleLine(reference) ? plainTitle(text) : text;
      const markup = unknownTypes && !isHtml(reference) && /[<&]/.test(value);
      if (markup) escapedUnknown.push(reference);
      return [reference, isHtml(reference) || markup ? textHtml(value) : value];
    });
  if (escapedUnknown.length > 0) warnings.push(loc('FieldTypesUnread', escapedUnknown.join(', ')));
  return rendered;
}

const isTags = fieldTest([FIELD.tags]);
const isTitle = fieldTest([FIELD.title]);

/**
 * The item's tags: the `tags` input, then the tags `fields` gives System.Tags (added, never replacing), then the
 * task's own, which always stay: without them the item would never be found again. Tags are case-insensitive in
 * Boards, and a comma separates them as a semicolon does; a work item holds at most 100, so the people's tags that
 * do not fit are left out with a warning, as are tags of the task's own form and tags Boards would refuse.
 */
function itemTags(
  settings: Pick<Settings, 'tags' | 'fields'>,
  { values, redact }: { values: RunView['values']; redact: (text: string) => string },
  own: readonly string[],
  warnings: string[],
): string[] {
  // Masked before anything is split or goes: a secret holding a separator or a bidi control would no longer match.
  const fromFields = settings.fields
    .filter((field) => isTags(field.reference))
    .flatMap((field) => redact(renderTemplate(field.value, values)).split(TAG_SEPARATORS));
  const taken = new Set(own.map((tag) => tag.toLowerCase()));
  const people: string[] = [];
  const reserved: string[] = [];
  const refused: string[] = [];
  // Without bidi controls first, so that a tag that only looks like another is the same tag.
  for (const tag of [...tagList(redact(settings.tags)), ...fromFields].map((t) =>
    stripBidi(redact(t)).trim(),
  )) {
    if (tag === '' || taken.has(tag.toLowerCase())) continue;
    taken.add(tag.toLowerCase());
    if (!isTagAccepted(tag)) refused.push(tag);
    else (isTaskTag(tag) ? reserved : people).push(tag);
  }
  // A tag of the task's own form would make the item another fingerprint's, scope's or lane's.
  if (reserved.length > 0) warnings.push(loc('TagsReserved', reserved.join('; ')));
  // The service refuses the whole item for one tag it does not take.
  if (refused.length > 0) warnings.push(loc('TagsInvalid', refused.join('; '), MAX_TAG_LENGTH));
  const room = MAX_TAGS - own.length;
  if (people.length > room) {
    warnings.push(loc('TagsCut', people.length + own.length, MAX_TAGS, people.slice(room).join('; ')));
  }
  return [...people.slice(0, room), ...own];
}

/** A tag holds at most 400 characters. */
const MAX_TAG_LENGTH = 400;
// Control and format characters (a line break, a zero-width space), and lone surrogates, which no tag may hold.
const TAG_REFUSED_CHARACTERS = /[\p{Cc}\p{Cf}\p{Cs}]/u;

/** Whether Azure Boards takes `tag` as a tag: short enough and without invisible characters. */
function isTagAccepted(tag: string): boolean {
  return tag.length <= MAX_TAG_LENGTH && !TAG_REFUSED_CHARACTERS.test(tag);
}

function draftRelations(
  settings: Settings,
  run: RunView,
  destination: Destination,
  tracking: Tracking,
): Relation[] {
  const { context } = run;
  const relations: Relation[] = [];
  const build = linkedBuild(settings, context, destination);
  if (build) {
    relations.push({
      rel: 'ArtifactLink',
      url: `vstfs:///Build/Build/${build.id}`,
      attributes: { name: 'Build' },
    });
  }
  if (settings.linkBuild && /^https?:\/\//i.test(context.runUrl)) {
    const comment = context.release ? `Release ${context.release.name}` : `Pipeline run ${context.runName}`;
    relations.push({ rel: 'Hyperlink', url: context.runUrl, attributes: { comment } });
  }
  if (settings.parentId !== undefined) {
    relations.push({
      rel: 'System.LinkTypes.Hierarchy-Reverse',
      url: workItemApiUrl(destination.collectionUri, settings.parentId),
      attributes: {},
    });
  }
  // Work items of another organization cannot be linked from this one.
  if (settings.linkWorkItems && inRunCollection(context, destination))
    relations.push(...related(run, destination));
  relations.push(...(tracking.links ?? []));
  for (const attachment of tracking.attachments) {
    relations.push({ rel: 'AttachedFile', url: attachment.url, attributes: { comment: attachment.comment } });
  }
  return relations;
}

/** The API URL other items' relations point to. */
export function workItemApiUrl(collectionUri: string, id: number): string {
  return `${collectionUri}_apis/wit/workItems/${id}`;
}

// The run's associated work items, as related items.
function related(run: RunView, destination: Destination): Relation[] {
  const { context } = run;
  return run.evidence.workItems.map((id) => ({
    rel: 'System.LinkTypes.Related',
    url: workItemApiUrl(destination.collectionUri, id),
    attributes: {
      comment: `Associated with ${context.release ? 'the build of ' : ''}run ${context.runName}`,
    },
  }));
}

// A build of another organization (filing through `connection`) cannot be linked from this one.
function linkedBuild(settings: Settings, context: RunContext, destination: Destination): RunContext['build'] {
  return settings.linkBuild && inRunCollection(context, destination) ? context.build : undefined;
}

function inRunCollection(context: RunContext, destination: Destination): boolean {
  return sameCollection(destination.collectionUri, context.collectionUri);
}

function assignee(settings: Settings, context: RunContext, warnings: string[]): string | undefined {
  switch (settings.assignTo.kind) {
    case 'none':
      return undefined;
    case 'identity':
      return settings.assignTo.identity;
    case 'requestor': {
      // Scheduled and service-triggered runs name a service identity without an email; assigning one would
      // make the whole create request fail, so such runs stay unassigned.
      const person = context.requestedFor;
      if (!person?.email) {
        warnings.push(person ? loc('RequestorServiceIdentity', person.displayName) : loc('RequestorNobody'));
        return undefined;
      }
      // Only the unique name: the display name is the pusher's to choose (`Mallory <ceo@…>`), and the service
      // resolves whichever address a value spells. A value that is not one plain name assigns nobody.
      if (PLAIN_UNIQUE_NAME.test(person.email)) return person.email;
      warnings.push(loc('RequestorNotUniqueName', person.email));
      return undefined;
    }
  }
}

const PLAIN_UNIQUE_NAME = /^[^<>\s,;]+$/;

const CORE = new Set(
  [FIELD.title, FIELD.description, FIELD.reproSteps, FIELD.history, FIELD.tags].map((f) => f.toLowerCase()),
);

/**
 * The fields an item can be filed without when the service refuses their value, each with the fix
 * to name: the assignee, area, iteration, priority, severity and the `fields` input's values. Title, body and
 * tags are the item itself.
 */
export function optionalFields(settings: Pick<Settings, 'fields'>): Map<string, string> {
  const optional = new Map<string, string>([
    [FIELD.assignedTo, loc('FixAssignTo')],
    [FIELD.areaPath, loc('FixAreaPath')],
    [FIELD.iterationPath, loc('FixIterationPath')],
    [FIELD.priority, loc('FixPriority')],
    [FIELD.severity, loc('FixSeverity')],
    [FIELD.foundIn, ''],
  ]);
  for (const field of settings.fields) {
    if (!CORE.has(field.reference.toLowerCase())) {
      optional.set(field.reference, loc('FixFieldValue', field.reference));
    }
  }
  return optional;
}

/**
 * The fix `optional` names for `field`, its spelling first, then in any case (reference names are
 * case-insensitive); undefined when the item cannot go without the field.
 */
export function optionalFix(optional: ReadonlyMap<string, string>, field: string): string | undefined {
  return (
    optional.get(field) ?? [...optional].find(([name]) => name.toLowerCase() === field.toLowerCase())?.[1]
  );
}

/**
 * The links to other work items an item can be filed without when the service finds no such item (TF401232: it
 * was deleted, or the writing identity cannot read it), each with the fix to name: the parent and the run's
 * associated work items.
 */
export function optionalLinks(): Map<string, string> {
  return new Map([
    ['System.LinkTypes.Hierarchy-Reverse', loc('FixParentId')],
    ['System.LinkTypes.Related', loc('FixLinkWorkItems')],
  ]);
}

// HTML fields of the system and of the inherited processes, for when the project's field types are unknown.
const KNOWN_HTML_FIELDS = [
  'System.Description',
  'System.History',
  'Microsoft.VSTS.TCM.ReproSteps',
  'Microsoft.VSTS.TCM.SystemInfo',
  'Microsoft.VSTS.Common.AcceptanceCriteria',
  'Microsoft.VSTS.Common.Resolution',
];

/**
 * Whether a field (by reference name, in any case) holds HTML: one of `projectHtmlFields` (the project's fields
 * of type HTML or History, when they could be read) or a well-known HTML field.
 */
export function htmlFieldTest(projectHtmlFields: readonly string[] = []): (reference: string) => boolean {
  return fieldTest([...KNOWN_HTML_FIELDS, ...projectHtmlFields]);
}

/** Whether a field is one the project lists as single-line text; none when the field types are unread. */
function singleLineTest(destination: Destination): (reference: string) => boolean {
  return fieldTest(destination.fieldTypes?.singleLine ?? []);
}

/** Whether a field (by reference name, in any case) is one of `references`. */
function fieldTest(references: readonly string[]): (reference: string) => boolean {
  const names = new Set(references.map((field) => field.toLowerCase()));
  return (reference) => names.has(reference.toLowerCase());
}
