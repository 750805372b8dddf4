import type { ReleaseRun } from './context';
import type { WorkItemTypeInfo } from './draft';
import type { ReleaseDeployment, TimelineRecord } from './model';
import type { JsonPatchOperation } from './patch';

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
