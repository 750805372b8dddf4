import type { ReleaseRun, VariableReader } from './facts/context';
import type { WorkItemTypeInfo } from './workItem/draft';
import type { ReleaseDeployment, TimelineRecord } from './facts/model';
import type { JsonPatchOperation } from './workItem/patch';
import type { InputReader } from './inputs/settings';

/** What the task asks of Azure Boards. Implemented in ado/; faked in tests. Failures throw AdoError. */
export interface Boards {
  workItemTypes(project: string): Promise<WorkItemTypeInfo[]>;
  /** The iteration path current for `team` (the project's default team when undefined); undefined when none. */
  currentIteration(project: string, team: string | undefined): Promise<string | undefined>;
  createWorkItem(
    project: string,
    type: string,
    patch: readonly JsonPatchOperation[],
  ): Promise<{ id: number }>;
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
}

/** How to reach and authenticate to an organization. */
export interface Credentials {
  /** Collection URL with a trailing slash. */
  readonly url: string;
  readonly scheme: 'bearer' | 'token' | 'basic';
  readonly token: string;
  readonly username?: string;
}

export type TaskResult = 'Succeeded' | 'SucceededWithIssues' | 'Failed';
export type WorkItemAction = 'created' | 'commented' | 'resolved' | 'none';

/** Everything the task does with the agent and the network, given by the launcher (index.ts) or a test. */
export interface TaskHost {
  readonly input: InputReader;
  readonly variable: VariableReader;
  /** Values to keep out of every log line and work item: secret variables and tokens. */
  secrets(): string[];
  /** The job token (`SystemVssConnection`); undefined when the agent did not provide it. */
  jobCredentials(): Credentials | undefined;
  /** The credentials of the service connection named by the `connection` input. @throws SettingsError */
  connectionCredentials(connection: string): Credentials;
  connectBoards(credentials: Credentials): Boards;
  connectPipelines(credentials: Credentials): Pipelines;
  info(message: string): void;
  warning(message: string): void;
  debug(message: string): void;
  setOutput(name: 'WorkItemId' | 'WorkItemUrl' | 'WorkItemAction', value: string): void;
  writeSummary(markdown: string): void;
  setResult(result: TaskResult, message: string): void;
}
