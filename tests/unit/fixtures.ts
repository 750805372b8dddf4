import { markerHtml } from '../../tasks/PipelineWorkItem/src/lifecycle/marker';
import * as assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import * as sinon from 'sinon';
import type { Acting } from '../../tasks/PipelineWorkItem/src/act/acted';
import { SettingsError } from '../../tasks/PipelineWorkItem/src/errors';
import { readRunContext, RunContext } from '../../tasks/PipelineWorkItem/src/facts/context';
import {
  Evidence,
  FailedStep,
  FailedTest,
  NO_EVIDENCE,
  NO_FACTS,
  RunFacts,
  RunRef,
  StepLog,
  TestResult,
  TimelineRecord,
} from '../../tasks/PipelineWorkItem/src/facts/model';
import { RunView, runView } from '../../tasks/PipelineWorkItem/src/facts/values';
import {
  Fingerprint,
  fingerprintOf,
  testFingerprintOf,
} from '../../tasks/PipelineWorkItem/src/lifecycle/fingerprint';
import { workItemBody } from '../../tasks/PipelineWorkItem/src/render/body';
import { filedHtml, recoveredHtml, recurrenceHtml } from '../../tasks/PipelineWorkItem/src/render/notes';
import { maskedRun, shownFingerprint } from '../../tasks/PipelineWorkItem/src/render/readable';
import {
  flakyFiledHtml,
  flakyItemHtml,
  flakyItemTitle,
  flakyRunHtml,
  testFiledHtml,
  testItemHtml,
  testItemTitle,
  testPassedHtml,
  testRecurrenceHtml,
} from '../../tasks/PipelineWorkItem/src/render/testItems';
import { workItemTitle } from '../../tasks/PipelineWorkItem/src/render/title';
import type { Boards, Comment, Pipelines, TaskHost } from '../../tasks/PipelineWorkItem/src/ports';
import type { Reads } from '../../tasks/PipelineWorkItem/src/act/reads';
import {
  InputName,
  InputReader,
  readSettings,
  Settings,
} from '../../tasks/PipelineWorkItem/src/inputs/settings';
import { descriptionHtml } from '../../tasks/PipelineWorkItem/src/text/markdown';
import { parseTemplate, Template, TemplateValues } from '../../tasks/PipelineWorkItem/src/text/templates';
import {
  Content,
  Destination,
  Tracking,
  workItemDraft,
} from '../../tasks/PipelineWorkItem/src/workItem/draft';
import type { JsonPatchOperation } from '../../tasks/PipelineWorkItem/src/workItem/patch';
import type { WorkItemTypeInfo } from '../../tasks/PipelineWorkItem/src/workItem/workItemType';
import { YAML_VARIABLES } from '../helpers/variables';

export { YAML_VARIABLES };

/** One megabyte, in bytes, as the attachment limits count. */
export const MB = 1024 * 1024;

/** Pipeline variables of a classic release job deploying to Production. */
export const RELEASE_VARIABLES: Readonly<Record<string, string>> = {
  'System.TeamFoundationCollectionUri': 'https://dev.azure.com/fabrikam/',
  'System.TeamProject': 'WebApp',
  'System.HostType': 'release',
  'Release.ReleaseId': '57',
  'Release.ReleaseName': 'Release-57',
  'Release.DefinitionName': 'WebApp-CD',
  'Release.DefinitionId': '4',
  'Release.EnvironmentName': 'Production',
  'Release.EnvironmentId': '3',
  'Release.AttemptNumber': '1',
  'Release.ReleaseWebUrl': 'https://dev.azure.com/fabrikam/WebApp/_release?releaseId=57',
  'Release.RequestedFor': 'Sam Rivera',
  'Release.RequestedForEmail': 'sam@fabrikam.example',
  'Release.Reason': 'ContinuousIntegration',
  'Build.BuildId': '812',
  'Build.BuildNumber': '20261129.3',
  'Build.SourceBranch': 'refs/heads/main',
  'Build.SourceVersion': '4f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39',
  'System.JobDisplayName': 'Deploy web',
  'Agent.JobStatus': 'Failed',
};

/** Pipeline variables of the YAML run built for pull request 7. */
export const PR_VARIABLES: Readonly<Record<string, string>> = {
  ...YAML_VARIABLES,
  'Build.Reason': 'PullRequest',
  'Build.SourceBranch': 'refs/pull/7/merge',
  'System.PullRequest.PullRequestId': '7',
};

/** A completed, succeeded timeline record with `fields` over it. */
export function timelineRecordOf(
  fields: Partial<TimelineRecord> & Pick<TimelineRecord, 'id' | 'type' | 'name'>,
): TimelineRecord {
  return {
    parentId: undefined,
    order: 1,
    completed: true,
    result: 'succeeded',
    issues: [],
    logId: undefined,
    ...fields,
  };
}

export function runContext(variables: Readonly<Record<string, string>> = YAML_VARIABLES): RunContext {
  return readRunContext((name) => variables[name]);
}

/** The YAML run's context, for the suites that all act in that one run. */
export const YAML_CONTEXT: RunContext = runContext();

/** The YAML run, failed, with nothing read about its failure. */
export const FAILED_VIEW: RunView = runView(YAML_CONTEXT, NO_FACTS, 'failed');

/** The run context of `base` with some variables changed; `undefined` removes one. */
export function withVariables(
  base: Readonly<Record<string, string>>,
  changes: Record<string, string | undefined>,
): RunContext {
  const variables: Record<string, string | undefined> = { ...base, ...changes };
  return readRunContext((name) => variables[name]);
}

/** The YAML run's context with some variables changed; `undefined` removes one. */
export function yaml(changes: Record<string, string | undefined>): RunContext {
  return withVariables(YAML_VARIABLES, changes);
}

/** An input reader over the given inputs; every other input is unset (''), as task-lib reports it. */
export function inputs(values: Partial<Record<InputName, string>> = {}): InputReader {
  return (name) => values[name] ?? '';
}

/** The problems readSettings reports for these inputs; fails the test when they are accepted. */
export function problemsOf(values: Partial<Record<InputName, string>>): readonly string[] {
  try {
    readSettings(inputs(values));
  } catch (error) {
    assert.ok(error instanceof SettingsError, `expected a SettingsError, got ${String(error)}`);
    return error.problems;
  }
  assert.fail('expected the settings to be rejected');
}

/** The settings these inputs give; every other input unset. */
export function settingsOf(values: Partial<Record<InputName, string>> = {}): Settings {
  return readSettings(inputs(values));
}

/** A failed step `name` of job Unit tests in stage Build, without errors, warnings or log, unless `parts` sets them. */
export function step(name: string, parts: Partial<Omit<FailedStep, 'step'>> = {}): FailedStep {
  return {
    stage: 'Build',
    job: 'Unit tests',
    step: name,
    errors: [],
    warnings: [],
    log: undefined,
    ...parts,
  };
}

/** The build log (id 4) of a failed step whose log tail the evidence shows. */
export const BUILD_LOG: StepLog = { kind: 'build', logId: 4 };

/** The facts of a failed run: these failed steps, no artifacts. */
export function withFailures(failures: FailedStep[]): RunFacts {
  return { ...NO_FACTS, othersOutcome: 'failed', failures };
}

/** A new failure of the run, as the item lists it. */
export function failedTest(name: string, message: string, resultId = 100000): FailedTest {
  return { runId: 1000, resultId, name, message, stackTrace: '', standing: 'new' };
}

/** Build `id` of the fabrikam WebApp project, numbered `name`, with its results page. */
export function buildRef(id: number, name: string): RunRef {
  return {
    kind: 'build',
    id,
    name,
    url: `https://dev.azure.com/fabrikam/WebApp/_build/results?buildId=${id}`,
  };
}

/** A failed result `name` of test run 1000 as the service returns it: not flaky, failing since unknown. */
export function testResult(name: string, parts: Partial<TestResult> = {}): TestResult {
  return {
    runId: 1000,
    resultId: 100000,
    name,
    outcome: 'failed',
    message: `${name} broke`,
    stackTrace: `at ${name}`,
    failingSince: undefined,
    flagged: false,
    rerun: false,
    ...parts,
  };
}

/** The run's Tests tab, where its test results are read. */
export const TESTS_URL = 'https://dev.azure.com/fabrikam/WebApp/_build/results?buildId=812&view=tests';

/** `count` failing tests of `total`, each with its message, and the run's Tests tab. */
export function failingTests(count: number, total = count): NonNullable<Evidence['tests']> {
  return {
    total,
    tests: Array.from({ length: count }, (_, i) => failedTest(`test ${i + 1}`, `boom ${i + 1}`)),
    flaky: [],
    suspects: [],
    url: TESTS_URL,
  };
}

/** An Agile Bug: the fields the task sets on a Bug, and its workflow. */
/** A run whose `npm test` step failed with an error that holds HTML's special characters. */
export const NPM_TEST_FAILED: RunFacts = {
  othersOutcome: 'failed',
  artifacts: [],
  failures: [
    {
      stage: 'Build',
      job: 'Unit tests',
      step: 'npm test',
      errors: ['Expected <div> to equal "a & b"'],
      warnings: [],
      log: { kind: 'build', logId: 7 },
    },
  ],
};

/** Scrum's Bug: two Proposed states, one InProgress, and neither Resolved nor a Duplicate reason. */
export const SCRUM_BUG: WorkItemTypeInfo = {
  name: 'Bug',
  fields: [],
  states: [
    { name: 'New', category: 'Proposed' },
    { name: 'Approved', category: 'Proposed' },
    { name: 'Committed', category: 'InProgress' },
    { name: "Won't fix", category: 'Removed' },
    { name: 'Done', category: 'Completed' },
  ],
};

export const BUG: WorkItemTypeInfo = {
  name: 'Bug',
  fields: [
    'System.Title',
    'System.AreaPath',
    'System.IterationPath',
    'System.AssignedTo',
    'System.Tags',
    'Microsoft.VSTS.TCM.ReproSteps',
    'Microsoft.VSTS.Common.Priority',
    'Microsoft.VSTS.Common.Severity',
    'Microsoft.VSTS.Build.FoundIn',
  ],
  states: [
    { name: 'New', category: 'Proposed' },
    { name: 'Active', category: 'InProgress' },
    { name: 'Resolved', category: 'Resolved' },
    { name: 'Closed', category: 'Completed' },
  ],
};

/** What the default inputs promise a new item's first entry: a comment per recurrence, resolved on recovery. */
export const TRACKED = { onRecurrence: 'comment', resolveOnRecovery: true } as const;

/** What tracking adds to a new item: the tags that find it again, the history entry, no attachments. */
export const TRACKING: Tracking = {
  tags: ['pwi:0123456789ab', 'pwi:scope-0123456789ab'],
  history: '<p>Filed</p>',
  attachments: [],
};

/**
 * The draft of a Bug for these inputs in a failed YAML run, unless `options` names another destination (type,
 * collection, iteration, secrets), run context, linked work items or tracking.
 */
export function draftFor(
  values: Partial<Record<InputName, string>>,
  options: {
    destination?: Partial<Destination>;
    context?: RunContext;
    workItems?: number[];
    tracking?: Tracking;
  } = {},
): ReturnType<typeof workItemDraft> {
  const destination: Destination = {
    type: BUG,
    collectionUri: 'https://dev.azure.com/fabrikam/',
    iterationPath: undefined,
    secrets: [],
    ...options.destination,
  };
  const evidence = { ...NO_EVIDENCE, workItems: options.workItems ?? [] };
  return workItemDraft(
    settingsOf(values),
    runView(options.context ?? runContext(), NO_FACTS, 'failed', evidence),
    destination,
    options.tracking ?? TRACKING,
  );
}

// The description tests' run: its URL has a query with `&`, which HTML must write as `&amp;`.
export const RUN_URL = 'https://dev.azure.com/fabrikam/WebApp/_build/results?buildId=812&view=logs';
export const RUN_URL_HTML = 'https://dev.azure.com/fabrikam/WebApp/_build/results?buildId=812&amp;view=logs';

const VALUES: TemplateValues = {
  pipeline: 'WebApp-CI',
  runName: '20261129.3',
  runUrl: RUN_URL,
  project: 'WebApp',
  branch: 'main',
  commit: '4f2a9c1d',
  requestedFor: 'Alex Kim',
  reason: 'Manual',
  stage: 'Build',
  job: 'Unit tests',
  environment: '',
  status: 'failed',
  failedStep: 'Build › Unit tests › npm test',
  failedSteps: 'Build › Unit tests › npm test',
  firstError: 'Expected "a & b"',
};

/** `source` parsed as the template of input `inputName`; fails the test with the problem when it does not parse. */
export function templateOf(inputName: string, source: string): Template {
  const parsed = parseTemplate(inputName, source);
  assert.ok(typeof parsed !== 'string', parsed as string);
  return parsed;
}

/** The `description` input `source` rendered with the test run's values, some replaced by `values`. */
export function renderDescription(source: string, values: Partial<TemplateValues> = {}): string {
  return descriptionHtml(templateOf('description', source), { ...VALUES, ...values });
}

/** Boards as sinon stubs: one open item 7 (Active, revision 2) that the query finds, a create that answers 8. */
export type FakeBoards = { [K in keyof Boards]: sinon.SinonStub };

export function fakeBoards(): FakeBoards {
  return {
    workItemType: sinon.stub().resolves(BUG),
    workItemTypes: sinon.stub().resolves([BUG]),
    currentIteration: sinon.stub().resolves(undefined),
    queryIds: sinon.stub().resolves([7]),
    workItemState: sinon.stub().resolves('Resolved'),
    workItemTags: sinon.stub().resolves(new Map()),
    workItemRevision: sinon.stub().resolves({ state: 'Active', rev: 2 }),
    stateReasons: sinon.stub().resolves(['Fixed', 'Duplicate']),
    validateWorkItem: sinon.stub().resolves(),
    createWorkItem: sinon.stub().resolves({ id: 8 }),
    updateWorkItem: sinon.stub().resolves(),
    comments: sinon.stub().resolves([]),
    addComment: sinon.stub().resolves(),
    fieldTypes: sinon.stub().resolves({ html: ['System.Description', 'System.History'], singleLine: [] }),
    uploadAttachment: sinon.stub().resolves('https://dev.azure.com/fabrikam/_apis/wit/attachments/1'),
  };
}

/** The value a JSON Patch document sets on the field `name`; undefined when it sets none. */
export const field = (ops: readonly Pick<JsonPatchOperation, 'path' | 'value'>[], name: string): unknown =>
  ops.find((op) => op.path === `/fields/${name}`)?.value;

/** The form of item `id` in the acting tests' project. */
export const itemUrl = (id: number): string => `https://dev.azure.com/fabrikam/WebApp/_workitems/edit/${id}`;

/** This run's marker key in the acting tests. */
export const RUN_KEY = 'build-812.1.Test';

/** The comment a run whose marker key is `runKey` wrote when it filed an item: its history entry, marked. */
export const filedComment = (id: number, runKey: string): Comment => ({
  id,
  text: `<p>Filed</p>${markerHtml(runKey, 1)}`,
});

/**
 * Every note the task writes on an item, followed by its marker of `runKey` as the writes add it, with `hostile`
 * in every place a note quotes what a pusher controls: the branch, the run's name and pipeline, a release's
 * environment, the failed steps' names and errors, tests' names and messages, the fingerprint. `occurrence` is
 * the number of each note's own marker.
 */
export function markedNotes(hostile: string, runKey: string): { text: string; occurrence: number }[] {
  const variables = {
    ...YAML_VARIABLES,
    'Build.SourceBranch': `refs/heads/${hostile}`,
    'Build.BuildNumber': hostile,
    'Build.DefinitionName': hostile,
  };
  const releaseVariables = {
    ...RELEASE_VARIABLES,
    'Release.EnvironmentName': hostile,
    'Release.ReleaseName': hostile,
  };
  const test = { ...failedTest(hostile, hostile), stackTrace: hostile };
  const facts = withFailures([
    { ...step(hostile, { errors: [hostile, hostile] }), stage: hostile, job: hostile },
  ]);
  const evidence = { ...NO_EVIDENCE, tests: { ...failingTests(0), tests: [test], flaky: [test] } };
  const views = [
    runView(runContext(variables), facts, 'failed', evidence),
    runView(runContext(releaseVariables), facts, 'failed', evidence),
  ];
  return views.flatMap((view) => {
    const fingerprint = fingerprintOf(undefined, view.values, view.context);
    const notes: [string, number][] = [
      [recurrenceHtml(view, 7), 7],
      [testRecurrenceHtml(test, view, 7), 7],
      [flakyRunHtml(view), 7],
      [filedHtml(view, fingerprint, { onRecurrence: 'comment', resolveOnRecovery: true, success: false }), 1],
      [testFiledHtml(view, testFingerprintOf(view.context, hostile), TRACKED), 1],
      [flakyFiledHtml(view), 1],
      [recoveredHtml(view), 0],
      [testPassedHtml(view), 0],
    ];
    return notes.map(([note, occurrence]) => ({
      text: `${note}\n${markerHtml(runKey, occurrence)}`,
      occurrence,
    }));
  });
}

export const FINGERPRINT: Fingerprint = {
  text: 'WebApp-CI · main',
  tag: 'pwi:0123456789ab',
  scopeTag: 'pwi:scope-0123456789ab',
};

/**
 * Acting on `boards` in WebApp of fabrikam with a Bug, for these inputs, the host holding `secrets`; the log
 * lines kept in `infos` and `warnings`. Nothing else is read: no evidence, no iteration, no files.
 */
export function actingOver(
  boards: FakeBoards,
  values: Partial<Record<InputName, string>> = {},
  secrets: string[] = [],
): { acting: Acting; infos: string[]; warnings: string[] } {
  const infos: string[] = [];
  const warnings: string[] = [];
  const unused = (): never => assert.fail('not read by acting');
  const acting: Acting = {
    host: {
      jobCredentials: unused,
      connectionCredentials: unused,
      federatedCredentials: unused,
      connectBoards: unused,
      connectPipelines: unused,
      secrets: () => secrets,
      findFiles: () => [],
      openFile: unused,
      variable: () => undefined,
    },
    boards,
    pipelines: {} as Pipelines,
    log: { info: (message) => infos.push(message), warning: (message) => warnings.push(message) },
    settings: settingsOf(values),
    project: 'WebApp',
    collectionUri: 'https://dev.azure.com/fabrikam/',
    type: BUG,
    runKey: RUN_KEY,
    reads: readsOver(boards),
  };
  return { acting, infos, warnings };
}

/**
 * Reads as a run of a Bug in project WebApp has them, none started early: the type's state reasons come from
 * `boards`, once per type, and an unreadable list is empty, as the task's own reads have it.
 */
export function readsOver(boards: Pick<Boards, 'stateReasons'>): Reads {
  const reasons = new Map<string, Promise<string[]>>();
  return {
    types: async () => [BUG],
    evidence: async () => NO_EVIDENCE,
    tests: async () => undefined,
    commentsAhead: async () => undefined,
    earlierItem: async () => undefined,
    passedTests: async () => ({ names: new Set<string>(), complete: true }),
    iteration: async () => undefined,
    fieldTypes: async () => ({ html: ['System.Description', 'System.History'], singleLine: [] }),
    stateReasons: (type) => {
      let read = reasons.get(type);
      if (!read) {
        read = boards.stateReasons('WebApp', type).catch((): string[] => []);
        reasons.set(type, read);
      }
      return read;
    },
    newerBuild: async () => undefined,
    startEarly: () => undefined,
    startFiling: () => undefined,
    startEarlierItem: () => undefined,
  };
}

/** What the decision knew in a failed YAML run with these facts (none by default) and `known` open items. */
export function decided(
  known: number[] = [],
  facts: RunFacts = NO_FACTS,
): {
  view: ReturnType<typeof runView>;
  fingerprint: Fingerprint;
  known: number[];
} {
  return { view: runView(runContext(), facts, 'failed'), fingerprint: FINGERPRINT, known };
}

/**
 * Every text the task writes on items for the run `raw` (its failing tests in its evidence), by what writes it:
 * the renderers given the run as items show it (`maskedRun`), as the task gives it to them, and the drafts of the
 * run's item, of its first failing test's item and of the flaky-tests item, whose titles the draft cuts.
 */
export function itemTexts(raw: RunView, secrets: readonly string[]): Record<string, string> {
  const view = maskedRun(raw, secrets);
  const test = view.evidence.tests?.tests[0] ?? failedTest('T', '');
  const destination: Destination = {
    type: BUG,
    collectionUri: 'https://dev.azure.com/fabrikam/',
    iterationPath: undefined,
    secrets,
  };
  const drafted = (content?: Content): string => {
    const { draft } = workItemDraft(settingsOf(), view, destination, TRACKING, content);
    const comments = draft.relations.map((relation) => Object.values(relation.attributes).join('\n'));
    return [...draft.fields.map(([, value]) => String(value)), ...comments].join('\n');
  };
  const testItem = { title: testItemTitle(test, view), body: testItemHtml(test, view, undefined) };
  const flakyItem = { title: flakyItemTitle(view), body: flakyItemHtml(view) };
  return {
    workItemTitle: workItemTitle(undefined, view),
    workItemBody: workItemBody({ description: undefined, includeDetails: true }, view),
    runItemDraft: drafted(),
    recurrenceHtml: recurrenceHtml(view, 2),
    recoveredHtml: recoveredHtml(view),
    filedHtml: filedHtml(view, shownFingerprint(fingerprintOf(undefined, raw.values, raw.lane), secrets), {
      ...TRACKED,
      success: false,
    }),
    testItemTitle: testItem.title,
    testItemHtml: testItem.body,
    testItemDraft: drafted(testItem),
    testFiledHtml: testFiledHtml(
      view,
      shownFingerprint(testFingerprintOf(raw.lane, test.name), secrets),
      TRACKED,
    ),
    testRecurrenceHtml: testRecurrenceHtml(test, view, 2),
    testPassedHtml: testPassedHtml(view),
    flakyItemTitle: flakyItem.title,
    flakyItemHtml: flakyItem.body,
    flakyItemDraft: drafted(flakyItem),
    flakyRunHtml: flakyRunHtml(view),
    flakyFiledHtml: flakyFiledHtml(view),
  };
}

/** The texts of `texts` that hold `secret`, a prefix of it of 5 characters or more, a bidi override or an ESC. */
export function leaking(texts: Record<string, string>, secret: string): string[] {
  const prefix = secret.slice(0, 5);
  return Object.entries(texts)
    .filter(([, text]) => text.includes(prefix) || /[\u202E\u001B]/.test(text))
    .map(([name, text]) => `${name}: ${text}`);
}

/**
 * The parts of a test's TaskHost that record what the task prints and sets (`logged`: warnings, debug lines and
 * the summary marked `warning: `, `debug: `, `summary: `; `outputs`) and that find no file in the job.
 */
export function recordingHost(): {
  host: Pick<
    TaskHost,
    'info' | 'warning' | 'debug' | 'setOutput' | 'writeSummary' | 'findFiles' | 'openFile'
  >;
  logged: string[];
  outputs: Record<string, string>;
} {
  const logged: string[] = [];
  const outputs: Record<string, string> = {};
  return {
    host: {
      info: (message) => logged.push(message),
      warning: (message) => logged.push(`warning: ${message}`),
      debug: (message) => logged.push(`debug: ${message}`),
      setOutput: (name, value) => void (outputs[name] = value),
      writeSummary: (markdown) => logged.push(`summary: ${markdown}`),
      findFiles: (patterns) => patterns.map((pattern) => ({ pattern, files: [], refused: [] })),
      openFile: () => Readable.from([]),
    },
    logged,
    outputs,
  };
}
