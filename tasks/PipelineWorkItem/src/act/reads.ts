import { AdoError, SettingsError } from '../errors';
import { gatherEvidence, testScope } from '../evidence/gather';
import { passedTestNames } from '../evidence/testResults';
import type { RunRecords } from '../evidence/records';
import type { RunContext } from '../facts/context';
import { Evidence, NO_EVIDENCE, QueuedBuild, TestFailures } from '../facts/model';
import type { Settings } from '../inputs/settings';
import type { Intent } from '../lifecycle/decision';
import { newestTaggedQuery, type TaggedBy } from '../lifecycle/openItems';
import { newerBuild, newerBuildsQuery } from '../lifecycle/staleness';
import type { Boards, Comment, Pipelines, TestScope } from '../ports';
import { commentsAheadOf } from './commentsAhead';
import { loc } from '../text/messages';
import type { FieldTypes } from '../workItem/draft';
import { chooseWorkItemType, WorkItemTypeInfo } from '../workItem/workItemType';

/** The names of the tests that passed in this run; `complete` false when not every result could be read. */
export type PassedTests = () => Promise<{ readonly names: ReadonlySet<string>; readonly complete: boolean }>;

/**
 * The reads that may start before it is known they are needed, each started at most once: a step that needs
 * one asks for it and gets the read already under way, or starts it then.
 */
export interface Reads {
  /** The requested work item type alone when the project has it, otherwise all of the project's types. */
  types(): Promise<WorkItemTypeInfo[]>;
  /** What the details show; NO_EVIDENCE when neither the details nor the related items are asked for. */
  evidence(): Promise<Evidence>;
  /** The run's failing tests, classified; undefined when no test failed or they could not be read. */
  tests(): Promise<TestFailures | undefined>;
  /** The names of the tests that passed in this run (per-test items' recovery). */
  passedTests: PassedTests;
  /** The iteration a new item goes to; undefined = the project's default. */
  iteration(): Promise<string | undefined>;
  /** The project's field types; undefined when not needed or unreadable (the well-known HTML fields stand in). */
  fieldTypes(): Promise<FieldTypes | undefined>;
  /**
   * The state reasons of a type, read only when a state is about to change; empty when unreadable (the
   * transition's default reason is then recorded: a missing reason never costs the change).
   */
  stateReasons(type: string): Promise<string[]>;
  /**
   * When this run is a rerun of a build, the newest build of its lane queued since its own (undefined when none):
   * one request. Any other run asks nothing and gets undefined. @throws AdoError when the builds are unreadable
   */
  newerBuild(): Promise<QueuedBuild | undefined>;
  /**
   * Starts, from this job's own status alone, what the run will most likely need: the types as soon as anything
   * may be written (a green run that resolves nothing costs no Boards read), whether a rerun is stale unless
   * nothing will be written, and what a new item needs when the run files. undefined = the status does not
   * decide: only a recovery's types start.
   */
  startEarly(early: Intent | undefined): void;
  /**
   * The comments of `item` read ahead for a recurrence, once: when this job's status says the run files and the
   * fingerprint is the default one (pipeline, branch, environment: known before the run's records), the newest
   * item with its tag is found with the first reads and its comments read with the second, while the open items
   * are still being queried. undefined when `item` is not that item (or its read failed): read them then.
   */
  commentsAhead(item: number): Promise<Comment[] | undefined>;
  /**
   * The newest item of the fingerprint (of any type, in any state) before this run writes: a new item's first note
   * names it. undefined when there is none or it could not be read; one query per fingerprint, shared with the
   * comments read ahead.
   */
  earlierItem(fingerprint: TaggedBy): Promise<number | undefined>;
  /**
   * Starts what a new item needs once the run's records say it files: they go out together with the open
   * items' query; a recurrence leaves them unused, but a new failure is not kept waiting for them.
   */
  startFiling(): void;
  /**
   * Starts, once a filing run's fingerprint is known, the read of the item filed before for it (`earlierItem`):
   * it goes out with the open items' query (or was read ahead), so that a new item's link never holds up its create.
   */
  startEarlierItem(fingerprint: TaggedBy): void;
}

interface ReadsOf {
  readonly boards: Boards;
  readonly pipelines: Pipelines;
  readonly settings: Settings;
  readonly project: string;
  readonly context: RunContext;
  readonly warn: (message: string) => void;
}

/** The memoised reads of one run; the evidence waits for the run's records where it needs them. */
export function readsOf(given: ReadsOf, records: Promise<RunRecords>): Reads {
  const of = { ...given, pipelines: testRunsReadOnce(given.pipelines) };
  const { boards, settings, project, context } = of;
  const newestOf = perKey(async (query) => (await boards.queryIds(project, query))[0]);
  const newestTagged = (fingerprint: TaggedBy): Promise<number | undefined> =>
    newestOf(newestTaggedQuery(fingerprint));
  const ahead = commentsAheadOf(boards, project, context, newestTagged);
  const { evidence, iteration, tests } = toldReadsOf(of, records);
  const reads: Reads = {
    types: once(() => typesOf(boards, settings.workItemType, project)),
    evidence: evidence.use,
    tests: tests.use,
    passedTests: once(() => passedTestsOf(of, records)),
    iteration: iteration.use,
    fieldTypes: once(() => fieldTypesOf(boards, settings, project)),
    stateReasons: perKey((type) => boards.stateReasons(project, type).catch(() => [])),
    newerBuild: once(() => newerBuildOf(of)),
    startEarly: (early) => {
      if (early === 'file' && settings.onRecurrence === 'comment' && !settings.fingerprint) ahead.start();
      if (early === 'file') reads.startFiling();
      if (early !== 'nothing') void reads.newerBuild();
      if (early === undefined ? settings.resolveOnRecovery : early !== 'nothing') {
        void reads.types();
        void reads.fieldTypes();
      }
    },
    startFiling: () => {
      evidence.start();
      iteration.start();
    },
    startEarlierItem: (fingerprint) => void reads.earlierItem(fingerprint),
    commentsAhead: (item) => ahead.take(item),
    earlierItem: (fingerprint) => newestTagged(fingerprint).catch(() => undefined),
  };
  return reads;
}

// The reads whose warnings wait for their use (`toldOnUse`): the evidence and the iteration a new item takes, and
// the run's tests, which a filing run's details read and any other run reads alone.
function toldReadsOf(
  of: ReadsOf,
  records: Promise<RunRecords>,
): {
  evidence: Told<Evidence>;
  iteration: Told<string | undefined>;
  tests: Told<TestFailures | undefined>;
} {
  let filing = false;
  const told = <T>(start: (at: ReadsOf) => Promise<T>): Told<T> =>
    toldOnUse(of.warn, (warn) => start({ ...of, warn }));
  const evidence = told((at) => {
    filing = true;
    return evidenceOf(at, records);
  });
  const iteration = told((at) => iterationPath(at.boards, at.settings, at.project, at.warn));
  const tests = told(async (at) =>
    filing && at.settings.includeDetails ? (await evidence.use()).tests : testsOf(at, records),
  );
  return { evidence, iteration, tests };
}

// Only `fields` values need the field types (to escape what goes into HTML fields, to make a single-line text
// field's value one line that fits); unreadable, none.
function fieldTypesOf(boards: Boards, settings: Settings, project: string): Promise<FieldTypes | undefined> {
  return settings.fields.length > 0
    ? boards.fieldTypes(project).catch(() => undefined)
    : Promise.resolve(undefined);
}

/**
 * `pipelines` reading the run's test runs once, whoever asks first: the details, the flaky decision and the test
 * items' recovery start from the same list.
 */
function testRunsReadOnce(pipelines: Pipelines): Pipelines {
  const runs = perKey((key) => pipelines.testRuns(...(JSON.parse(key) as [string, TestScope])));
  const testRuns: Pipelines['testRuns'] = (project, scope) => runs(JSON.stringify([project, scope]));
  return Object.assign(Object.create(pipelines) as Pipelines, { testRuns });
}

// Only a rerun of a build asks for its pipeline's newest builds; any other run sends no request.
async function newerBuildOf({ pipelines, context }: ReadsOf): Promise<QueuedBuild | undefined> {
  const query = newerBuildsQuery(context);
  return query && newerBuild(context, await pipelines.newestBuilds(context.project, query));
}

/** Passed results read at most to tell which test items' tests passed. */
const MAX_PASSED = 20_000;

// The details' evidence, once the run's records are read where it needs them; none when nothing shows it.
function evidenceOf(
  { pipelines, settings, context, warn }: ReadsOf,
  records: Promise<RunRecords>,
): Promise<Evidence> {
  if (!settings.includeDetails && !settings.linkWorkItems) return Promise.resolve(NO_EVIDENCE);
  const request = { project: context.project, context, settings, tests: settings.includeDetails };
  return gatherEvidence(
    pipelines,
    request,
    records.then(({ facts }) => facts),
    warn,
  );
}

// The names of the tests that passed in the run (of each job's current attempt, as the run's records say); none
// when the run has no tests to read.
function passedTestsOf(
  { pipelines, context }: ReadsOf,
  records: Promise<RunRecords>,
): ReturnType<PassedTests> {
  const scope = testScope(context);
  if (!scope) return Promise.resolve({ names: new Set<string>(), complete: true });
  const attempts = records.then(({ facts }) => facts.jobAttempts);
  return passedTestNames(pipelines, context.project, scope, MAX_PASSED, attempts);
}

// The run's tests alone, for a decision or the test items, when no details read them.
async function testsOf(
  { pipelines, settings, context, warn }: ReadsOf,
  records: Promise<RunRecords>,
): Promise<TestFailures | undefined> {
  const alone = { ...settings, includeDetails: false, linkWorkItems: false };
  const request = { project: context.project, context, settings: alone, tests: true };
  return (
    await gatherEvidence(
      pipelines,
      request,
      records.then(({ facts }) => facts),
      warn,
    )
  ).tests;
}

// The read starts on the first call; a read started before it is known to be needed must not end the process
// as an unhandled rejection, so its failure surfaces only where it is awaited.
function once<T>(start: () => Promise<T>): () => Promise<T> {
  let read: Promise<T> | undefined;
  return () => {
    if (!read) {
      read = start();
      read.catch(() => undefined);
    }
    return read;
  };
}

// `once` for a read whose warnings are said when a step uses its result, each once: a read started ahead for an
// item the run then does not file (it stops before, or the filing fails) says nothing about that item.
interface Told<T> {
  readonly start: () => void;
  readonly use: () => Promise<T>;
}

function toldOnUse<T>(
  warn: (message: string) => void,
  start: (told: (message: string) => void) => Promise<T>,
): Told<T> {
  const told: string[] = [];
  const read = once(() => start((message) => told.push(message)));
  const tell = (): void => told.splice(0).forEach((message) => warn(message));
  return { start: () => void read(), use: () => read().finally(tell) };
}

// `once` for a read that depends on a key.
function perKey<T>(start: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const reads = new Map<string, () => Promise<T>>();
  return (key) => {
    let read = reads.get(key);
    if (!read) {
      read = once(() => start(key));
      reads.set(key, read);
    }
    return read();
  };
}

/**
 * The requested type alone, as most runs find it: the project's list holds every type's fields, states and form.
 * The list is read only when the project has no type of that name (to fall back to Issue, or to name its types).
 */
async function typesOf(boards: Boards, requested: string, project: string): Promise<WorkItemTypeInfo[]> {
  const type = await boards.workItemType(project, requested);
  return type ? [type] : boards.workItemTypes(project);
}

/** The requested type among the project's types (Bug falls back to Issue). @throws SettingsError */
export async function chosenType(
  types: Promise<WorkItemTypeInfo[]>,
  settings: Settings,
  project: string,
  warn: (message: string) => void,
): Promise<WorkItemTypeInfo> {
  const chosen = chooseWorkItemType(settings.workItemType, await types, project);
  if ('problem' in chosen) throw new SettingsError([chosen.problem]);
  if (chosen.warning) warn(chosen.warning);
  return chosen.type;
}

/**
 * The iteration the item goes to; undefined = the project's default. A lapsed sprint schedule or a renamed team
 * must not cost the bug: it then files in the default iteration and says why.
 */
async function iterationPath(
  boards: Boards,
  settings: Settings,
  project: string,
  warn: (message: string) => void,
): Promise<string | undefined> {
  const choice = settings.iterationPath;
  if (choice.kind === 'default') return undefined;
  if (choice.kind === 'path') return choice.path;
  try {
    const path = await boards.currentIteration(project, choice.team);
    if (path) return path;
    warn(
      choice.team === undefined
        ? loc('NoCurrentIterationDefaultTeam', project)
        : loc('NoCurrentIterationTeam', choice.team),
    );
  } catch (error) {
    if (!(error instanceof AdoError)) throw error;
    warn(loc('IterationUnreadable', error.message));
  }
  return undefined;
}
