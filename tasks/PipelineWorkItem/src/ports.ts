import type { Refusal } from './evidence/confinement';
import type { ReleaseRun, VariableReader } from './facts/context';
import type {
  Commit,
  QueuedBuild,
  ReleaseDeployment,
  ReleaseTaskLog,
  TestResult,
  TimelineRecord,
} from './facts/model';
import type { FederatedConnection } from './inputs/connectionChoice';
import type { InputReader } from './inputs/settings';
import type { NewestBuilds } from './lifecycle/staleness';
import type { FieldTypes } from './workItem/draft';
import type { StateCategory, WorkItemTypeInfo } from './workItem/workItemType';
import type { JsonPatchOperation } from './workItem/patch';

/** A discussion comment (or System.History entry) of a work item, as HTML; a newer comment has a higher id. */
export interface Comment {
  readonly id: number;
  readonly text: string;
}

/** What the task asks of Azure Boards. Implemented in ado/; faked in tests. Failures throw AdoError. */
export interface Boards {
  /** The project's type named `name` (in any case) with its fields and states; undefined when it has none. */
  workItemType(project: string, name: string): Promise<WorkItemTypeInfo | undefined>;
  /** The project's types with their fields and states. */
  workItemTypes(project: string): Promise<WorkItemTypeInfo[]>;
  /** The iteration path current for `team` (the project's default team when undefined); undefined when none. */
  currentIteration(project: string, team: string | undefined): Promise<string | undefined>;
  /** Ids of the work items a WIQL query finds, in the query's order. */
  queryIds(project: string, wiql: string): Promise<number[]>;
  /** The state of one work item (`System.State`); undefined when it does not exist (any more). */
  workItemState(project: string, id: number): Promise<string | undefined>;
  /** The state and revision of one work item; undefined when it does not exist (any more). */
  workItemRevision(project: string, id: number): Promise<{ state: string; rev: number } | undefined>;
  /** The tags of each of the items (`System.Tags`), by id; an item that no longer exists is left out. */
  workItemTags(project: string, ids: readonly number[]): Promise<Map<number, string[]>>;
  /** The reasons (`System.Reason` values) the type allows on its transitions. */
  stateReasons(project: string, type: string): Promise<string[]>;
  /** Has the service check a create (permission, type, fields, rules) without saving anything. */
  validateWorkItem(project: string, type: string, patch: readonly JsonPatchOperation[]): Promise<void>;
  /**
   * Writes are sent again only when it is known they did not land: when the outcome of an attempt is unknown
   * (a timeout, a reset, a 5xx), `landed` is asked first and its answer (the item it finds) ends the write.
   * `answered`: the service itself answered (500, 503), so it is done with the write; otherwise no answer came,
   * or a gateway's (502, 504), and the write may still be held and land later.
   */
  createWorkItem(
    project: string,
    type: string,
    patch: readonly JsonPatchOperation[],
    landed: (answered: boolean) => Promise<number | undefined>,
  ): Promise<{ id: number }>;
  updateWorkItem(
    project: string,
    id: number,
    patch: readonly JsonPatchOperation[],
    landed: (answered: boolean) => Promise<boolean>,
  ): Promise<void>;
  /**
   * The item's comments, newest first, read page by page until `enough` says the page just read answers the
   * question (or every comment is read): each comment is given to it once, so it says whether one of them settles
   * it. An item with few comments costs one read.
   */
  comments(
    project: string,
    id: number,
    enough: (newestFirst: readonly Comment[]) => boolean,
  ): Promise<Comment[]>;
  addComment(
    project: string,
    id: number,
    html: string,
    landed: (answered: boolean) => Promise<boolean>,
  ): Promise<void>;
  /** Reference names of the project's HTML fields and of its single-line text fields. */
  fieldTypes(project: string): Promise<FieldTypes>;
  /**
   * Uploads a file, streamed from `body` (called again for each attempt); text is masked of secrets on the way.
   * Returns the attachment's URL for an `AttachedFile` relation.
   */
  uploadAttachment(project: string, fileName: string, body: () => NodeJS.ReadableStream): Promise<string>;
}

/** Lines `first` to `last` of a log, 1-based and inclusive. */
export interface LineRange {
  readonly first: number;
  readonly last: number;
}

/** Where the run's test runs are read from: a build, or a classic release's environment. */
export type TestScope =
  | {
      readonly kind: 'build';
      readonly buildId: number;
      /** A deployment job's stage (`System.StageName`): only the test runs of that stage are its. */
      readonly stage?: string;
    }
  | {
      readonly kind: 'release';
      readonly releaseId: number;
      readonly environmentId: number;
      /** The deployment's attempt (`Release.AttemptNumber`), when known: a redeploy reads only its own runs. */
      readonly attempt?: number;
    };

/** A test run of the pipeline run, with the counts its statistics give. */
export interface TestRunCounts {
  readonly id: number;
  /** Failed results (of every outcome of a failure), flaky ones included. */
  readonly failed: number;
  /** Passed results, those that passed only on a rerun included. */
  readonly passed: number;
  /** Results that passed only when the test was run again. */
  readonly passedOnRerun: number;
  /** Results Azure DevOps flagged flaky. */
  readonly flaky: number;
  /**
   * The job of a build that published the run (its identifier, `stage.phase.job`, as the timeline writes it) and
   * the job's attempt then; absent when the run does not say (a release's, an older agent's).
   */
  readonly publishedBy?: { readonly job: string; readonly attempt: number };
  /** The run's title, as the test runs page shows it. */
  readonly name?: string;
}

/** A page of a test run's results: `top` results after the first `skip`. */
export interface ResultsPage {
  readonly skip: number;
  readonly top: number;
}

/** What the task reads about the run it belongs to. Failures throw AdoError. */
export interface Pipelines {
  timeline(project: string, buildId: number): Promise<TimelineRecord[]>;
  /** The latest deployment of the environment this job deploys; undefined when the release does not show it. */
  releaseDeployment(
    project: string,
    release: ReleaseRun,
    environment: string,
  ): Promise<ReleaseDeployment | undefined>;
  /** Line count of each of the build's logs, by log id. */
  buildLogLineCounts(project: string, buildId: number): Promise<Map<number, number>>;
  /** The lines of `range` of a build log. */
  buildLogLines(project: string, buildId: number, logId: number, range: LineRange): Promise<string[]>;
  /** The lines of `range` of a classic release task's log. */
  releaseTaskLogLines(
    project: string,
    releaseId: number,
    log: ReleaseTaskLog,
    range: LineRange,
  ): Promise<string[]>;
  /**
   * The last `count` lines of a classic release task's log of unknown length and its number of lines, read in
   * one pass that keeps only its end (fewer lines when they are very long).
   */
  releaseTaskLogTail(
    project: string,
    releaseId: number,
    log: ReleaseTaskLog,
    count: number,
  ): Promise<{ lines: string[]; lineCount: number }>;
  /** The whole release task log, for attaching; undefined when it is longer than `maxBytes` (no more is read). */
  releaseTaskLog(
    project: string,
    releaseId: number,
    log: ReleaseTaskLog,
    maxBytes: number,
  ): Promise<string | undefined>;
  /** The whole build log, for attaching; undefined when it is longer than `maxBytes` (no more is read). */
  buildLog(project: string, buildId: number, logId: number, maxBytes: number): Promise<string | undefined>;
  /** The test runs published for the build or the release's environment, with their statistics. */
  testRuns(project: string, scope: TestScope): Promise<TestRunCounts[]>;
  /**
   * One page of a test run's results of one outcome, in the service's order: `Failed` reads every outcome of a
   * test that failed (Aborted, Timeout and Error too).
   */
  testResults(
    project: string,
    runId: number,
    outcome: 'Failed' | 'Passed',
    page: ResultsPage,
  ): Promise<TestResult[]>;
  /** The commits that came in with the build, newest first (at most `top`). */
  changes(project: string, buildId: number, top: number): Promise<Commit[]>;
  /** Ids of the work items associated with the build (at most `top`). */
  buildWorkItems(project: string, buildId: number, top: number): Promise<number[]>;
  /** The pipeline's newest builds, newest queued first: those queued since a rerun's build make it stale. */
  newestBuilds(project: string, query: NewestBuilds): Promise<QueuedBuild[]>;
}

/**
 * Who writes to Boards, to name in a message about a missing permission: the job token (whose identity is the
 * build service of the run's project, or of the collection) or the `connection` input's service connection.
 */
export type WriterIdentity =
  | {
      readonly kind: 'jobToken';
      /** The project the run belongs to, whatever project the task writes to. */
      readonly runProject: string;
      /** A classic release job: its job authorization scope has a setting of its own. */
      readonly release: boolean;
    }
  | {
      readonly kind: 'connection';
      readonly connection: string;
      /** The client id of the connection's service principal, when it is a federated one. */
      readonly servicePrincipal?: string;
    };

/**
 * A service connection's federated identity: the pipeline issues an ID token for it, which Microsoft Entra ID
 * exchanges for an Azure DevOps access token.
 */
export interface Federation {
  /** The connection's id, as the agent passes it. */
  readonly connection: string;
  /** `System.OidcRequestUri`: where the job asks for the ID token. */
  readonly oidcRequestUri: string;
  /** The job token, which authorizes the ID token request. */
  readonly jobToken: string;
  readonly tenantId: string;
  /** The service principal's (app's) client id. */
  readonly clientId: string;
  /** The Microsoft Entra authority, with a trailing slash, e.g. `https://login.microsoftonline.com/`. */
  readonly authority: string;
}

/** How to reach and authenticate to an organization. */
export type Credentials = {
  /** Collection URL with a trailing slash. */
  readonly url: string;
  /** As whom the credentials act, when the caller knows it. */
  readonly identity?: WriterIdentity;
} & (
  | { readonly scheme: 'bearer' | 'token' | 'basic'; readonly token: string; readonly username?: string }
  /** The access token is asked for right before the first request. */
  | { readonly scheme: 'federated'; readonly federation: Federation }
);

/** Credentials that carry their token (the job's, a personal access token). */
export type TokenCredentials = Exclude<Credentials, { readonly scheme: 'federated' }>;

export type TaskResult = 'Succeeded' | 'SucceededWithIssues' | 'Failed';
export type WorkItemAction = 'created' | 'commented' | 'resolved' | 'none';

/** A file matched by the `attachments` input, confined to the job's directories. */
export interface MatchedFile {
  /** The path as the pattern matched it. */
  readonly path: string;
  /** Where it really is (every symlink followed): what is opened. */
  readonly realPath: string;
  readonly size: number;
  /** Which file the search examined there (its device and file numbers): the file opened must be this one. */
  readonly identity: string;
}

/** A match that is not attached, and why. */
export interface RefusedMatch {
  readonly path: string;
  readonly reason: Refusal;
}

/** What one line of the `attachments` input found. */
export interface FoundFiles {
  readonly pattern: string;
  files: MatchedFile[];
  refused: RefusedMatch[];
  /** The pattern could not be searched (its other lines still are). */
  readonly failed?: string;
}

/** Everything the task does with the agent and the network, given by the launcher (index.ts) or a test. */
export interface TaskHost {
  readonly input: InputReader;
  readonly variable: VariableReader;
  /** Values to keep out of every log line and work item: secret variables and tokens. */
  secrets(): string[];
  /** The job token (`SystemVssConnection`); undefined when the agent did not provide it. */
  jobCredentials(): TokenCredentials | undefined;
  /** The credentials of the service connection named by the `connection` input. @throws SettingsError */
  connectionCredentials(connection: string): Credentials;
  /**
   * The credentials of a workload identity federation connection; `job` authorizes its ID token request.
   * @throws SettingsError, EnvironmentError
   */
  federatedCredentials(connection: FederatedConnection, job: TokenCredentials): Credentials;
  connectBoards(credentials: Credentials): Boards;
  connectPipelines(credentials: Credentials): Pipelines;
  /**
   * Files matching the glob patterns, relative to System.DefaultWorkingDirectory, confined to the job's
   * directories; per pattern, in order.
   */
  findFiles(patterns: readonly string[]): FoundFiles[];
  /** A matched file's content (by its real path, the file the search found there), never read past `maxBytes`. */
  openFile(file: Pick<MatchedFile, 'realPath' | 'identity'>, maxBytes: number): NodeJS.ReadableStream;
  info(message: string): void;
  warning(message: string): void;
  debug(message: string): void;
  setOutput(name: 'WorkItemId' | 'WorkItemUrl' | 'WorkItemAction', value: string): void;
  writeSummary(markdown: string): void;
  setResult(result: TaskResult, message: string): void;
}

export type { StateCategory, WorkItemTypeInfo };
