import type { Settings } from '../inputs/settings';
import type { Boards, Pipelines, TaskHost, WorkItemAction } from '../ports';
import type { Report, SideItems, Validation } from '../render/summary';
import { loc } from '../text/messages';
import type { WorkItemTypeInfo } from '../workItem/workItemType';
import type { Reads } from './reads';

/** What acting needs of the host: credentials, connections and the agent's files. */
export type ActingHost = Pick<
  TaskHost,
  | 'jobCredentials'
  | 'connectionCredentials'
  | 'federatedCredentials'
  | 'connectBoards'
  | 'connectPipelines'
  | 'secrets'
  | 'findFiles'
  | 'openFile'
  | 'variable'
>;

/** Log lines, already masked of secrets by the caller. */
export interface Log {
  readonly info: (message: string) => void;
  readonly warning: (message: string) => void;
}

export interface Outputs {
  readonly id?: number;
  readonly url?: string;
  readonly action: WorkItemAction;
}

/** What the task did: its output variables and its report. */
export interface Acted {
  readonly outputs: Outputs;
  readonly report: Report;
  /** What the task did beyond the run's own item: test items, the flaky-tests item. */
  readonly side?: SideItems;
  /**
   * The run's outcome could not be established: the task ends succeeded with issues, since a green result
   * would claim a run was checked that was not.
   */
  readonly undetermined?: boolean;
  /**
   * A write the task set out to make failed, and was warned about, while the rest went through: one of several
   * items to resolve, a failing test's own item, the flaky-tests item. The outputs still name what was done; the
   * task ends succeeded with issues (failed with `failTaskOnError`), as when nothing could be written.
   */
  readonly incomplete?: boolean;
}

/**
 * Everything acting on Boards needs, one object for every step: the connections, the inputs, the Boards scope
 * (project, collection, type) the items live in, this run's marker key and the reads that may have started
 * early.
 */
export interface Acting {
  readonly host: ActingHost;
  readonly boards: Boards;
  readonly pipelines: Pipelines;
  readonly log: Log;
  readonly settings: Settings;
  /** The project the items go to: the `project` input, else the run's own. */
  readonly project: string;
  /** Collection URL with a trailing slash. */
  readonly collectionUri: string;
  readonly type: WorkItemTypeInfo;
  /** This run's marker key (lifecycle/marker.ts). */
  readonly runKey: string;
  readonly reads: Reads;
}

/** What the Boards writes need of {@link Acting}. */
export type BoardsWrites = Pick<
  Acting,
  'boards' | 'project' | 'collectionUri' | 'type' | 'runKey' | 'log' | 'reads'
>;

/**
 * What a step run again (retryCountOnTaskFailure) reports when its first run's write had landed: that write, as its
 * first run did (occurrence 1 is the filing of the item); none when it had written nothing.
 */
export function actionRecorded(recorded: number | undefined): 'created' | 'commented' | 'none' {
  if (recorded === undefined) return 'none';
  return recorded === 1 ? 'created' : 'commented';
}

/** An item and the URL of its form. */
export function itemLink(
  acting: Pick<Acting, 'collectionUri' | 'project'>,
  id: number,
): { id: number; url: string } {
  return { id, url: `${acting.collectionUri}${encodeURIComponent(acting.project)}/_workitems/edit/${id}` };
}

/** Logs what a dry run would do; nothing is written. */
export function dryRun(
  log: Log,
  plan: string,
  about: { item?: { id: number; url: string }; title?: string; validation?: Validation } = {},
): Acted {
  log.info(loc('DryRunWould', plan));
  const { title, validation } = about;
  return { outputs: { ...about.item, action: 'none' }, report: { kind: 'dryRun', plan, title, validation } };
}
