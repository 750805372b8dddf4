import type { Boards, Pipelines, TaskHost, WorkItemAction } from './ports';
import type { Report, Validation } from './render/summary';
import { loc } from './text/messages';

/** What filing needs of the host: credentials, connections and the agent's files. */
export type FilingHost = Pick<
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
  info(message: string): void;
  warning(message: string): void;
}

export interface Outputs {
  readonly id?: number;
  readonly url?: string;
  readonly action: WorkItemAction;
}

/** What the task did: its output variables and its report. */
export interface Filed {
  readonly outputs: Outputs;
  readonly report: Report;
  /** The run's outcome could not be established: the task ends succeeded with issues (brief §5.6). */
  readonly undetermined?: boolean;
}

/** The connections of one task run. */
export interface Connections {
  readonly host: FilingHost;
  readonly boards: Boards;
  readonly pipelines: Pipelines;
  readonly log: Log;
}

/** Logs what a dry run would do; nothing is written. */
export function dryRun(
  log: Log,
  plan: string,
  about: { item?: { id: number; url: string }; title?: string; validation?: Validation } = {},
): Filed {
  log.info(loc('DryRunWould', plan));
  const { title, validation } = about;
  return { outputs: { ...about.item, action: 'none' }, report: { kind: 'dryRun', plan, title, validation } };
}
