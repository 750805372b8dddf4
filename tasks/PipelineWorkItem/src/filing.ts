import type { RunContext } from './facts/context';
import { FIELD, Target, workItemDraft } from './workItem/draft';
import { AdoError, EnvironmentError, SettingsError } from './errors';
import { NO_FACTS, RunFacts } from './facts/model';
import { runOutcome, shouldFile } from './facts/outcome';
import { createPatch } from './workItem/patch';
import type { Boards, Pipelines, TaskHost, WorkItemAction } from './ports';
import { factsFromRelease, factsFromTimeline } from './facts/runFacts';
import type { Settings } from './inputs/settings';
import type { Report } from './render/summary';
import { unsupportedInputWarnings } from './inputs/unsupported';
import { runView } from './facts/values';
import { chooseWorkItemType } from './workItem/workItemType';

/** What filing needs of the host: credentials and connections. */
export type FilingHost = Pick<
  TaskHost,
  'jobCredentials' | 'connectionCredentials' | 'connectBoards' | 'connectPipelines' | 'secrets'
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

export interface Filed {
  readonly outputs: Outputs;
  readonly report: Report;
}

/**
 * Decides whether this run files an item and files it (or, in a dry run, logs what it would send).
 * @throws SettingsError, EnvironmentError, AdoError
 */
export async function fileWorkItem(
  host: FilingHost,
  settings: Settings,
  context: RunContext,
  log: Log,
): Promise<Filed> {
  const warn = log.warning;
  const jobCredentials = host.jobCredentials();
  if (!jobCredentials) {
    throw new EnvironmentError(
      "The job's access token (SystemVssConnection endpoint) is missing. Run this task as a step of an Azure Pipelines agent job.",
    );
  }
  const boardsCredentials = settings.connection
    ? host.connectionCredentials(settings.connection)
    : jobCredentials;
  unsupportedInputWarnings(settings).forEach(warn);
  const facts = await runFacts(host.connectPipelines(jobCredentials), context, warn);
  const outcome = runOutcome(context.jobStatus, facts.othersOutcome);
  log.info(`Run outcome: ${outcome} (this job: ${context.jobStatus}).`);
  if (!shouldFile(settings.createOn, outcome)) {
    return {
      outputs: { action: 'none' },
      report: { kind: 'notFiled', outcome, createOn: settings.createOn },
    };
  }

  // Boards is read only once the run is known to file: a green run costs one timeline read and nothing more.
  const boards = host.connectBoards(boardsCredentials);
  const project = settings.project ?? context.project;
  const target = await findTarget(boards, settings, project, boardsCredentials.url, warn);
  const { draft, warnings } = workItemDraft(settings, runView(context, facts, outcome), {
    ...target,
    secrets: host.secrets(),
  });
  warnings.forEach(warn);
  const patch = createPatch(draft);
  const title = String(draft.fields.find(([reference]) => reference === FIELD.title)?.[1] ?? '');

  if (settings.dryRun) {
    log.info(
      `Dry run: would create a ${draft.type} in project '${project}' with this request (nothing is written):`,
    );
    log.info(JSON.stringify(patch, null, 2));
    return { outputs: { action: 'none' }, report: { kind: 'dryRun', type: draft.type, project, title } };
  }
  const { id } = await boards.createWorkItem(project, draft.type, patch);
  const url = `${boardsCredentials.url}${encodeURIComponent(project)}/_workitems/edit/${id}`;
  return {
    outputs: { id, url, action: 'created' },
    report: { kind: 'created', type: draft.type, id, url, title },
  };
}

// The project's answers the draft needs; the two reads are independent, so they run together.
async function findTarget(
  boards: Boards,
  settings: Settings,
  project: string,
  collectionUri: string,
  warn: (message: string) => void,
): Promise<Omit<Target, 'secrets'>> {
  const [types, iteration] = await Promise.all([
    boards.workItemTypes(project),
    iterationPath(boards, settings, project, warn),
  ]);
  const chosen = chooseWorkItemType(settings.workItemType, types, project);
  if ('problem' in chosen) throw new SettingsError([chosen.problem]);
  if (chosen.warning) warn(chosen.warning);
  return { type: chosen.type, collectionUri, iterationPath: iteration };
}

// The run's records refine the outcome and fill the details; without them the job status still decides.
async function runFacts(
  pipelines: Pipelines,
  context: RunContext,
  warn: (message: string) => void,
): Promise<RunFacts> {
  try {
    if (context.release) {
      const deployment = await pipelines.releaseDeployment(
        context.project,
        context.release,
        context.environment,
      );
      return deployment ? factsFromRelease(deployment) : NO_FACTS;
    }
    return context.build
      ? factsFromTimeline(await pipelines.timeline(context.project, context.build.id))
      : NO_FACTS;
  } catch (error) {
    warn(
      `${(error as Error).message} Deciding from this job's status alone; the item will have fewer details.`,
    );
    return NO_FACTS;
  }
}

// A lapsed sprint schedule or a renamed team must not cost the bug: file in the default iteration and say why.
async function iterationPath(
  boards: Boards,
  settings: Settings,
  project: string,
  warn: (message: string) => void,
): Promise<string | undefined> {
  const choice = settings.iterationPath;
  if (choice.kind === 'default') return undefined;
  if (choice.kind === 'path') return choice.path;
  const team =
    choice.team === undefined ? `the default team of project '${project}'` : `team '${choice.team}'`;
  try {
    const path = await boards.currentIteration(project, choice.team);
    if (path) return path;
    warn(
      `Input 'iterationPath': ${team} has no current iteration (check its sprint dates in Project settings › Team configuration › Iterations); the item goes to the project's default iteration.`,
    );
  } catch (error) {
    if (!(error instanceof AdoError)) throw error;
    warn(`Input 'iterationPath': ${error.message} The item goes to the project's default iteration.`);
  }
  return undefined;
}
