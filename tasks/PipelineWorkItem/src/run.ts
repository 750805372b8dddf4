import { readRunContext, RunContext, VariableReader } from './context';
import { Target, workItemDraft } from './draft';
import { AdoError, EnvironmentError, SettingsError } from './errors';
import { NO_FACTS, RunFacts } from './model';
import { runOutcome, shouldFile } from './outcome';
import { createPatch } from './patch';
import type { Boards, Credentials, Pipelines } from './ports';
import { redactSecrets } from './redact';
import { factsFromRelease, factsFromTimeline } from './runFacts';
import { InputReader, readSettings, Settings } from './settings';
import { Report, summaryMarkdown } from './summary';
import { unsupportedInputWarnings } from './unsupported';
import { templateValues } from './values';
import { chooseWorkItemType } from './workItemType';

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

interface Outputs {
  readonly id?: number;
  readonly url?: string;
  readonly action: WorkItemAction;
}

/** Runs the task: the only place that sets the result and the output variables. */
export async function run(host: TaskHost): Promise<void> {
  const secrets = (): string[] => host.secrets();
  const log = {
    info: (message: string): void => host.info(redactSecrets(message, secrets())),
    warning: (message: string): void => host.warning(redactSecrets(message, secrets())),
  };
  const warnings: string[] = [];
  const warn = (message: string): void => {
    warnings.push(message);
    log.warning(message);
  };
  let outputs: Outputs = { action: 'none' };
  let result: TaskResult = 'Succeeded';
  let message = '';
  let settings: Settings | undefined;
  try {
    settings = readSettings(host.input);
    const context = readRunContext(host.variable);
    const filed = await fileWorkItem(host, settings, context, warn);
    outputs = filed.outputs;
    message = reportText(filed.report);
    host.writeSummary(redactSecrets(summaryMarkdown(filed.report, warnings), secrets()));
  } catch (error) {
    ({ result, message } = failure(error, settings));
    host.debug(redactSecrets(String((error as Error).stack ?? error), secrets()));
    if (result === 'SucceededWithIssues') log.warning(message);
    host.writeSummary(redactSecrets(summaryMarkdown({ kind: 'failed', message }, warnings), secrets()));
  }
  host.setOutput('WorkItemId', outputs.id === undefined ? '' : String(outputs.id));
  host.setOutput('WorkItemUrl', outputs.url ?? '');
  host.setOutput('WorkItemAction', outputs.action);
  host.setResult(result, redactSecrets(message, secrets()));
}

// Input and environment problems always fail; Azure DevOps problems fail only with failTaskOnError, because
// the run's own failure should stay the story (brief §2).
function failure(error: unknown, settings: Settings | undefined): { result: TaskResult; message: string } {
  if (error instanceof SettingsError || error instanceof EnvironmentError) {
    return { result: 'Failed', message: error.message };
  }
  const message =
    error instanceof AdoError ? error.message : `Unexpected error: ${(error as Error).message ?? error}`;
  return { result: settings?.failTaskOnError ? 'Failed' : 'SucceededWithIssues', message };
}

async function fileWorkItem(
  host: TaskHost,
  settings: Settings,
  context: RunContext,
  warn: (message: string) => void,
): Promise<{ outputs: Outputs; report: Report }> {
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
  host.info(`Run outcome: ${outcome} (this job: ${context.jobStatus}).`);
  if (!shouldFile(settings.createOn, outcome)) {
    return {
      outputs: { action: 'none' },
      report: { kind: 'notFiled', outcome, createOn: settings.createOn },
    };
  }

  const boards = host.connectBoards(boardsCredentials);
  const project = settings.project ?? context.project;
  const target = await findTarget(boards, settings, project, boardsCredentials.url, warn);
  const values = templateValues(context, facts, outcome);
  const { draft, warnings } = workItemDraft(settings, context, facts, outcome, values, {
    ...target,
    secrets: host.secrets(),
  });
  warnings.forEach(warn);
  const patch = createPatch(draft);
  const title = String(draft.fields.find(([reference]) => reference === 'System.Title')?.[1] ?? '');

  if (settings.dryRun) {
    host.info(
      `Dry run: would create a ${draft.type} in project '${project}' with this request (nothing is written):`,
    );
    host.info(JSON.stringify(patch, null, 2));
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

function reportText(report: Report): string {
  switch (report.kind) {
    case 'created':
      return `Created ${report.type} ${report.id}: ${report.url}`;
    case 'dryRun':
      return `Dry run: would create a ${report.type} in project '${report.project}'.`;
    case 'notFiled':
      return `Nothing filed: the run's outcome is ${report.outcome} and createOn is ${report.createOn}.`;
    case 'failed':
      return report.message;
  }
}
