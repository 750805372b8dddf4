import { SettingsError } from '../errors';
import { FieldAssignment, parseFieldsInput } from './fieldsInput';
import { loc } from '../text/messages';
import { descriptionProblems } from '../text/markdown';
import { macroProblem, parseTemplate, Template } from '../text/templates';
import { CONNECTION_TYPES, connectionChoice, FederatedConnection } from './connectionChoice';

/** The inputs declared in task.json; a test keeps the two lists equal. */
export const INPUT_NAMES = [
  'workItemType',
  'createOn',
  'title',
  'description',
  'includeDetails',
  'logLines',
  'attachLogs',
  'attachments',
  'areaPath',
  'iterationPath',
  'assignTo',
  'priority',
  'severity',
  'tags',
  'fields',
  'parentId',
  'linkBuild',
  'linkWorkItems',
  'onRecurrence',
  'fingerprint',
  'resolveOnRecovery',
  'includePullRequests',
  'flakyTests',
  'trackTests',
  'project',
  'connectionType',
  'connection',
  'azureDevOpsConnection',
  'azureResourceManagerConnection',
  'organizationUrl',
  'dryRun',
  'failTaskOnError',
] as const;

export type InputName = (typeof INPUT_NAMES)[number];
/** Returns an input's raw value, '' when unset. */
export type InputReader = (name: InputName) => string;

const CREATE_ON = ['failure', 'failureOrIssues', 'success', 'always'] as const;
export type CreateOn = (typeof CREATE_ON)[number];
const ON_RECURRENCE = ['comment', 'new', 'skip'] as const;
export type OnRecurrence = (typeof ON_RECURRENCE)[number];
const FLAKY_TESTS = ['separate', 'ignore', 'include'] as const;
export type FlakyTests = (typeof FLAKY_TESTS)[number];
const TRACK_TESTS = ['off', 'perTest'] as const;
export type TrackTests = (typeof TRACK_TESTS)[number];

export type IterationChoice =
  | { readonly kind: 'default' }
  | { readonly kind: 'path'; readonly path: string }
  | { readonly kind: 'current'; readonly team: string | undefined };

export type Assignee =
  | { readonly kind: 'none' }
  | { readonly kind: 'requestor' }
  | { readonly kind: 'identity'; readonly identity: string };

/** Every input, parsed and validated. Optional text inputs are `undefined` when empty. */
export interface Settings {
  readonly workItemType: string;
  readonly createOn: CreateOn;
  readonly title: Template | undefined;
  readonly description: Template | undefined;
  readonly includeDetails: boolean;
  readonly logLines: number;
  readonly attachLogs: boolean;
  readonly attachments: readonly string[];
  readonly areaPath: string | undefined;
  readonly iterationPath: IterationChoice;
  readonly assignTo: Assignee;
  readonly priority: number | undefined;
  readonly severity: string | undefined;
  /**
   * The `tags` input as written (the default when empty): `tagList` splits it once the text is masked, since a
   * secret may hold a separator.
   */
  readonly tags: string;
  readonly fields: readonly FieldAssignment[];
  readonly parentId: number | undefined;
  readonly linkBuild: boolean;
  readonly linkWorkItems: boolean;
  readonly onRecurrence: OnRecurrence;
  readonly fingerprint: Template | undefined;
  readonly resolveOnRecovery: boolean;
  readonly includePullRequests: boolean;
  /** Where results Azure DevOps marks flaky go: a section of their own, nowhere, or among the failures. */
  readonly flakyTests: FlakyTests;
  /** `perTest`: each failing test also gets an item of its own. */
  readonly trackTests: TrackTests;
  readonly project: string | undefined;
  /** The PAT connection (`connectionType` token). */
  readonly connection: string | undefined;
  /** The workload identity federation connection, when `connectionType` names one. */
  readonly federation: FederatedConnection | undefined;
  readonly dryRun: boolean;
  readonly failTaskOnError: boolean;
}

const DEFAULT_TAGS = 'pipeline-failure';
/** Azure Boards holds at most 100 tags on a work item. */
export const MAX_TAGS = 100;
/**
 * What separates tags: Azure Boards splits System.Tags at commas as at semicolons. A tag is read as Boards will
 * store it, so that a value spelling `,pwi:…` is seen as the task's own form it would become.
 */
export const TAG_SEPARATORS = /[;,]/;
/** The tags every new item carries beside the people's: its fingerprint's and its scope's (lifecycle/fingerprint.ts). */
export const OWN_TAG_COUNT = 2;
const MAX_LOG_LINES = 10000;
/** Work item ids are 32-bit integers (the REST API's int32 id): a larger parent id names no item. */
const MAX_WORK_ITEM_ID = 2_147_483_647;

/**
 * Reads and validates every input. No network, no environment beyond `read`.
 * @throws SettingsError listing every problem, each naming the input and the fix.
 */
export function readSettings(read: InputReader): Settings {
  const input: Parse = { read, problems: [] };
  const fields = parseFieldsInput(read('fields'));
  input.problems.push(...fields.problems);
  const settings = settingsOf(input, fields.fields);
  input.problems.push(...nameProblems(settings));
  // Placeholders in a System.Tags value count as one tag each here; the draft cuts what they add beyond the limit.
  const fieldTags = settings.fields
    .filter((field) => field.reference.toLowerCase() === 'system.tags')
    .flatMap((field) => tagList(field.value.source));
  const tags = tagList([settings.tags, ...fieldTags].join(';'));
  if (tags.length + OWN_TAG_COUNT > MAX_TAGS) {
    input.problems.push(loc('TooManyTags', tags.length, OWN_TAG_COUNT, MAX_TAGS));
  }
  if (input.problems.length > 0) throw new SettingsError(input.problems);
  return settings;
}

// Every input in task.json order, each read with its parser; what cannot be read joins `problems`.
function settingsOf(input: Parse, fields: Settings['fields']): Settings {
  const { text, bool, pick, integer } = readersOf(input);
  return {
    workItemType: text('workItemType') ?? 'Bug',
    createOn: pick('createOn', CREATE_ON, 'failure'),
    title: readTemplate(input, 'title'),
    description: readTemplate(input, 'description'),
    includeDetails: bool('includeDetails', true),
    logLines:
      integer('logLines', [0, MAX_LOG_LINES], (value) => loc('LogLinesInvalid', MAX_LOG_LINES, value)) ?? 30,
    attachLogs: bool('attachLogs', false),
    attachments: lines(input.read('attachments')),
    areaPath: text('areaPath'),
    iterationPath: iterationChoice(text('iterationPath')),
    assignTo: assignee(text('assignTo')),
    priority: integer('priority', [1, 4], (value) => loc('PriorityInvalid', value)),
    severity: text('severity'),
    tags: text('tags') ?? DEFAULT_TAGS,
    fields,
    parentId: integer('parentId', [1, MAX_WORK_ITEM_ID], (value) => loc('ParentIdInvalid', value)),
    linkBuild: bool('linkBuild', true),
    linkWorkItems: bool('linkWorkItems', false),
    onRecurrence: pick('onRecurrence', ON_RECURRENCE, 'comment'),
    fingerprint: readTemplate(input, 'fingerprint'),
    resolveOnRecovery: bool('resolveOnRecovery', true),
    includePullRequests: bool('includePullRequests', false),
    flakyTests: pick('flakyTests', FLAKY_TESTS, 'separate'),
    trackTests: pick('trackTests', TRACK_TESTS, 'off'),
    project: text('project'),
    ...connectionChoice(pick('connectionType', CONNECTION_TYPES, 'token'), text, input.problems),
    dryRun: bool('dryRun', false),
    failTaskOnError: bool('failTaskOnError', false),
  };
}

// The parsers of `settingsOf`, bound to the inputs being read.
function readersOf(input: Parse): {
  text: (name: InputName) => string | undefined;
  bool: (name: InputName, fallback: boolean) => boolean;
  pick: <T extends string>(name: InputName, options: readonly T[], fallback: T) => T;
  integer: (
    name: InputName,
    range: [number, number],
    problem: (value: string) => string,
  ) => number | undefined;
} {
  return {
    text: (name) => readText(input, name),
    bool: (name, fallback) => readBool(input, name, fallback),
    pick: (name, options, fallback) => readPick(input, name, options, fallback),
    integer: (name, range, problem) => readInteger(input, name, range, problem),
  };
}

function lines(value: string): string[] {
  return value
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** The tags a `tags` text holds, as Boards will store them: trimmed, each once whatever its case. */
export function tagList(value: string): string[] {
  const tags = value
    .split(TAG_SEPARATORS)
    .map((tag) => tag.trim())
    .filter((tag) => tag !== '');
  // Tags are case-insensitive in Boards: keep the first spelling.
  return tags.filter(
    (tag, index) => tags.findIndex((other) => other.toLowerCase() === tag.toLowerCase()) === index,
  );
}

function iterationChoice(value: string | undefined): IterationChoice {
  if (value === undefined) return { kind: 'default' };
  const match = /^(.*)@currentiteration$/i.exec(value);
  if (!match) return { kind: 'path', path: value };
  return { kind: 'current', team: match[1]?.trim() || undefined };
}

// A name of one or two periods in a request's URL path is resolved away by the URL (`..` would address the
// collection's routes): no project, team or work item type of that name can be reached. Boards reserves both names
// for area and iteration nodes too. Other names the portal refuses are left to Azure DevOps, whose API may accept
// what the portal does not.
const DOT_SEGMENT = /^\.\.?$/;

// The names a value can never be, refused before the run is read: a `$(…)` macro the agent left as written in an
// input that names a project, a team, an area or an iteration (none of those names holds `$`), a name a URL cannot
// hold, a path through a node Boards reserves. One problem per input.
function nameProblems({ project, workItemType, areaPath, iterationPath }: Settings): string[] {
  const team = iterationPath.kind === 'current' ? iterationPath.team : undefined;
  const path = iterationPath.kind === 'path' ? iterationPath.path : undefined;
  return [
    macroLeft('project', project) ?? dotName(project, (name) => loc('ProjectNameInvalid', name)),
    macroLeft('areaPath', areaPath) ?? dotNode('areaPath', areaPath),
    macroLeft('iterationPath', team ?? path) ??
      dotName(team, (name) => loc('TeamNameInvalid', name)) ??
      dotNode('iterationPath', path),
    dotName(workItemType, (name) => loc('WorkItemTypeNameInvalid', name)),
  ].filter((problem) => problem !== undefined);
}

function macroLeft(name: InputName, value: string | undefined): string | undefined {
  return value === undefined ? undefined : macroProblem(name, value);
}

// `problem(name)` when `name` is a name of one or two periods.
function dotName(name: string | undefined, problem: (name: string) => string): string | undefined {
  return name !== undefined && DOT_SEGMENT.test(name) ? problem(name) : undefined;
}

// An area or iteration path is its nodes' names separated by backslashes; a node of one or two periods is none.
function dotNode(name: 'areaPath' | 'iterationPath', path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  const node = path.split('\\').find((part) => DOT_SEGMENT.test(part));
  return node === undefined ? undefined : loc('TreePathNodeInvalid', name, path, node, name);
}

function assignee(value: string | undefined): Assignee {
  if (value === undefined) return { kind: 'none' };
  if (value.toLowerCase() === '@requestor') return { kind: 'requestor' };
  return { kind: 'identity', identity: value };
}

/** The inputs and the problems found in them so far. */
interface Parse {
  readonly read: InputReader;
  readonly problems: string[];
}

function readText(input: Parse, name: InputName): string | undefined {
  return input.read(name).trim() || undefined;
}

function readBool(input: Parse, name: InputName, fallback: boolean): boolean {
  const value = readText(input, name)?.toLowerCase();
  if (value === undefined) return fallback;
  if (value === 'true' || value === 'false') return value === 'true';
  const raw = input.read(name).trim();
  input.problems.push(macroProblem(name, raw) ?? loc('InputNotBoolean', name, raw));
  return fallback;
}

function readPick<T extends string>(input: Parse, name: InputName, options: readonly T[], fallback: T): T {
  const value = readText(input, name);
  if (value === undefined) return fallback;
  const match = options.find((option) => option.toLowerCase() === value.toLowerCase());
  if (match) return match;
  input.problems.push(macroProblem(name, value) ?? loc('InputNotOption', name, options.join(', '), value));
  return fallback;
}

function readTemplate(input: Parse, name: InputName): Template | undefined {
  const value = name === 'description' ? input.read(name).replace(/\s+$/, '') : readText(input, name);
  if (!value) return undefined;
  const parsed = parseTemplate(name, value);
  if (typeof parsed === 'string') {
    input.problems.push(parsed);
    return undefined;
  }
  if (name === 'description') input.problems.push(...descriptionProblems(parsed));
  return parsed;
}

function readInteger(
  input: Parse,
  name: InputName,
  range: [number, number],
  problem: (value: string) => string,
): number | undefined {
  const value = readText(input, name);
  if (value === undefined) return undefined;
  const number = /^\d+$/.test(value) ? Number(value) : NaN;
  if (Number.isSafeInteger(number) && number >= range[0] && number <= range[1]) return number;
  input.problems.push(macroProblem(name, value) ?? problem(value));
  return undefined;
}
