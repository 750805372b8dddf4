import { gatherEvidence } from './evidence/gather';
import { collectAttachments } from './evidence/attachments';
import { isPullRequestRun, RunContext } from './facts/context';
import { NO_EVIDENCE } from './facts/model';
import { jobOutcome, runOutcome } from './facts/outcome';
import { runView, RunView } from './facts/values';
import { EnvironmentError } from './errors';
import { readFacts } from './evidence/records';
import { chosenType, iterationPath } from './target';
import type { Settings } from './inputs/settings';
import { decide, intentFor, intentFromJobOutcome, needsOpenItems } from './lifecycle/decision';
import { fingerprintOf } from './lifecycle/fingerprint';
import { markerHtml, runKey } from './lifecycle/marker';
import type { TaskHost, WorkItemAction } from './ports';
import { filedHtml } from './render/notes';
import type { Report } from './render/summary';
import { FIELD, optionalFields, workItemDraft } from './workItem/draft';
import { createPatch } from './workItem/patch';
import { commentOnRecurrence, createItem, openItems, resolveItem, Writer } from './writes';

/** What filing needs of the host: credentials, connections and the agent's files. */
export type FilingHost = Pick<
  TaskHost,
  | 'jobCredentials'
  | 'connectionCredentials'
  | 'connectBoards'
  | 'connectPipelines'
  | 'secrets'
  | 'findFiles'
  | 'readFile'
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
  /** The run's outcome could not be established: the task ends succeeded with issues (brief §5.6). */
  readonly undetermined?: boolean;
}

/**
 * Decides what this run does to Boards (file, comment, skip, resolve or nothing) and does it, or in a dry run
 * logs what it would send. Reads go out together: the run's records, the project's types and, when this job's
 * own status already says the run files, the evidence of the details.
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
  if (isPullRequestRun(context) && !settings.includePullRequests) {
    return { outputs: { action: 'none' }, report: { kind: 'pullRequest' } };
  }
  const pipelines = host.connectPipelines(jobCredentials);
  const boards = host.connectBoards(boardsCredentials);
  const project = settings.project ?? context.project;

  const early = intentFromJobOutcome(settings, jobOutcome(context.jobStatus));
  const factsRead = readFacts(pipelines, context, warn);
  const evidenceRequest = { project: context.project, context, settings };
  const wantsEvidence = settings.includeDetails || settings.linkWorkItems;
  const evidenceRead =
    early === 'file' && wantsEvidence
      ? gatherEvidence(
          pipelines,
          evidenceRequest,
          factsRead.then(({ facts }) => facts),
          warn,
        )
      : undefined;
  // The types are read ahead only when they will most likely be needed: a green run that resolves nothing
  // costs no Boards read.
  const typesAhead = early === undefined ? settings.resolveOnRecovery : early !== 'nothing';
  const typesRead = typesAhead ? quiet(boards.workItemTypes(project)) : undefined;
  // Only `fields` values need the field types (to escape what goes into HTML fields); the well-known HTML
  // fields stand in when they cannot be read.
  const htmlFields = (): Promise<string[] | undefined> =>
    settings.fields.length > 0
      ? boards.htmlFields(project).catch(() => undefined)
      : Promise.resolve(undefined);
  const htmlFieldsAhead = typesAhead ? htmlFields() : undefined;
  const iterationRead = early === 'file' ? quiet(iterationPath(boards, settings, project, warn)) : undefined;

  const { facts, readable } = await factsRead;
  const outcome = runOutcome(context.jobStatus, facts.othersOutcome);
  const intent = intentFor(settings, outcome);
  if (!readable && early === undefined) {
    const message = `The run's outcome could not be established: its records stay unreadable and this job's status (${context.jobStatus}) does not decide it, so nothing was filed or resolved. Check the warnings above.`;
    return { outputs: { action: 'none' }, report: { kind: 'undetermined', message }, undetermined: true };
  }
  log.info(`Run outcome: ${outcome} (this job: ${context.jobStatus}).`);
  if (intent === 'nothing') {
    return {
      outputs: { action: 'none' },
      report: { kind: 'notFiled', outcome, createOn: settings.createOn },
    };
  }

  const type = await chosenType(typesRead ?? boards.workItemTypes(project), settings, project, warn);
  const writer: Writer = {
    boards,
    project,
    collectionUri: boardsCredentials.url,
    type,
    runKey: runKey(context),
    warn,
  };
  const factsView = runView(context, facts, outcome);
  const fingerprint = fingerprintOf(settings.fingerprint, factsView.values, context);
  log.info(`Fingerprint: ${fingerprint.text} (tag ${fingerprint.tag}).`);
  const open = needsOpenItems(intent, settings.onRecurrence) ? await openItems(writer, fingerprint) : [];
  const action = decide(intent, settings.onRecurrence, open);
  const urlOf = (id: number): string =>
    `${boardsCredentials.url}${encodeURIComponent(project)}/_workitems/edit/${id}`;

  switch (action.kind) {
    case 'none':
      return { outputs: { action: 'none' }, report: { kind: 'nothingOpen', fingerprint: fingerprint.text } };
    case 'skip':
      return {
        outputs: { id: action.item, url: urlOf(action.item), action: 'none' },
        report: { kind: 'skipped', type: type.name, id: action.item, url: urlOf(action.item) },
      };
    case 'comment': {
      if (settings.dryRun) return dryRun(log, `comment on ${type.name} ${action.item}`, action.item, urlOf);
      const { occurrence } = await commentOnRecurrence(writer, action.item, factsView);
      return {
        outputs: { id: action.item, url: urlOf(action.item), action: occurrence ? 'commented' : 'none' },
        report: { kind: 'commented', type: type.name, id: action.item, url: urlOf(action.item), occurrence },
      };
    }
    case 'resolve': {
      const items = action.items.map((id) => ({ id, url: urlOf(id) }));
      if (settings.dryRun) {
        const ids = action.items.join(', ');
        return dryRun(log, `resolve ${type.name} ${ids}`, action.items[0], urlOf);
      }
      await Promise.all(action.items.map((id) => resolveItem(writer, id, factsView)));
      return {
        outputs: { id: action.items[0], url: urlOf(action.items[0] ?? 0), action: 'resolved' },
        report: { kind: 'resolved', type: type.name, items },
      };
    }
    case 'create':
      break;
  }

  const htmlFieldsRead = htmlFieldsAhead ?? htmlFields();
  // Uploads go out while the evidence is still being read: both only add to the one create request.
  const attachmentsRead = collectAttachments(
    { host, pipelines, boards, log },
    { settings, context, facts, project, dryRun: settings.dryRun },
  );
  const evidence = wantsEvidence
    ? await (evidenceRead ?? gatherEvidence(pipelines, evidenceRequest, Promise.resolve(facts), warn))
    : NO_EVIDENCE;
  const view: RunView = { ...factsView, evidence };
  const attachments = await attachmentsRead;
  const iteration = await (iterationRead ?? iterationPath(boards, settings, project, warn));
  const history = `${filedHtml(view, fingerprint, settings.resolveOnRecovery)}\n${markerHtml(writer.runKey, 1)}`;
  const { draft, warnings } = workItemDraft(
    settings,
    view,
    {
      type,
      collectionUri: boardsCredentials.url,
      iterationPath: iteration,
      secrets: host.secrets(),
      htmlFields: await htmlFieldsRead,
    },
    { tag: fingerprint.tag, history, attachments },
  );
  warnings.forEach(warn);
  const patch = createPatch(draft);
  const title = String(draft.fields.find(([reference]) => reference === FIELD.title)?.[1] ?? '');
  if (settings.dryRun) {
    log.info(
      `Dry run: would create a ${draft.type} in project '${project}' with this request (nothing is written):`,
    );
    log.info(JSON.stringify(patch, null, 2));
    return {
      outputs: { action: 'none' },
      report: { kind: 'dryRun', plan: `create a ${draft.type} in project ${project}`, title },
    };
  }
  const created = await createItem(writer, patch, {
    fingerprint,
    view,
    settleRaces: settings.onRecurrence !== 'new',
    known: open,
    optional: optionalFields(settings),
  });
  if (created.kind === 'raced') {
    return {
      outputs: { id: created.id, url: urlOf(created.id), action: 'commented' },
      report: {
        kind: 'commented',
        type: type.name,
        id: created.id,
        url: urlOf(created.id),
        occurrence: created.occurrence,
        duplicate: created.duplicate,
      },
    };
  }
  return {
    outputs: { id: created.id, url: urlOf(created.id), action: 'created' },
    report: { kind: 'created', type: type.name, id: created.id, url: urlOf(created.id), title },
  };
}

function dryRun(log: Log, plan: string, id: number | undefined, urlOf: (id: number) => string): Filed {
  log.info(`Dry run: would ${plan} (nothing is written).`);
  return {
    outputs: id === undefined ? { action: 'none' } : { id, url: urlOf(id), action: 'none' },
    report: { kind: 'dryRun', plan },
  };
}

// A read started before it is known to be needed must not end the process as an unhandled rejection.
function quiet<T>(read: Promise<T>): Promise<T> {
  read.catch(() => undefined);
  return read;
}
