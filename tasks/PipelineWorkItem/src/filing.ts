import { gatherEvidence } from './evidence/gather';
import { readFacts } from './evidence/records';
import { EnvironmentError } from './errors';
import { isPullRequestRun, RunContext } from './facts/context';
import { NO_EVIDENCE } from './facts/model';
import { jobOutcome, runOutcome } from './facts/outcome';
import { runView } from './facts/values';
import { dryRun, Filed, FilingHost, Log, Outputs } from './filed';
import type { Settings } from './inputs/settings';
import { decide, intentFor, intentFromJobOutcome, needsOpenItems } from './lifecycle/decision';
import { fingerprintOf } from './lifecycle/fingerprint';
import { runKey } from './lifecycle/marker';
import { fileNewItem } from './newItem';
import { readableRun } from './render/readable';
import { chosenType, iterationPath } from './target';
import { loc } from './text/messages';
import type { ResolvedItem } from './render/summary';
import { writerCredentials } from './act/writerCredentials';
import { commentOnRecurrence, openItems, resolveItem, Settled, Writer } from './writes';

export type { Filed, Log };

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
    throw new EnvironmentError(loc('JobTokenMissing'));
  }
  const boardsCredentials = writerCredentials(host, settings, context, jobCredentials);
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
  const evidenceAhead =
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
  const iterationAhead = early === 'file' ? quiet(iterationPath(boards, settings, project, warn)) : undefined;

  const { facts, readable } = await factsRead;
  const outcome = runOutcome(context.jobStatus, facts.othersOutcome);
  const intent = intentFor(settings, outcome);
  if (!readable && early === undefined) {
    const message = loc('OutcomeUndetermined', context.jobStatus);
    return { outputs: { action: 'none' }, report: { kind: 'undetermined', message }, undetermined: true };
  }
  log.info(loc('RunOutcome', outcome, context.jobStatus));
  if (intent === 'nothing') {
    return {
      outputs: { action: 'none' },
      report: { kind: 'notFiled', outcome, createOn: settings.createOn },
    };
  }
  // Known to file only now (the run's records decided): what a new item needs starts together with the open
  // items' query; a recurrence leaves it unused, but a new failure is not kept waiting for it.
  const filing = intent === 'file';
  const evidenceRead =
    evidenceAhead ??
    (filing && wantsEvidence
      ? quiet(gatherEvidence(pipelines, evidenceRequest, Promise.resolve(facts), warn))
      : Promise.resolve(NO_EVIDENCE));
  const iterationRead =
    iterationAhead ??
    (filing ? quiet(iterationPath(boards, settings, project, warn)) : Promise.resolve(undefined));

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
  log.info(loc('Fingerprint', fingerprint.text, fingerprint.tag, fingerprint.scopeTag));
  // A green run recovers everything its scope filed, whatever the fingerprint template made of the run.
  const search = intent === 'recover' ? 'recovery' : 'fingerprint';
  const open = needsOpenItems(intent, settings.onRecurrence)
    ? await openItems(writer, fingerprint, search)
    : [];
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
      if (settings.dryRun)
        return dryRun(log, loc('PlanComment', type.name, action.item), {
          item: { id: action.item, url: urlOf(action.item) },
        });
      const { occurrence } = await commentOnRecurrence(
        writer,
        action.item,
        // The note shows the run with secrets masked and control characters gone, as the item does.
        readableRun(factsView, host.secrets()),
      );
      return {
        outputs: { id: action.item, url: urlOf(action.item), action: occurrence ? 'commented' : 'none' },
        report: { kind: 'commented', type: type.name, id: action.item, url: urlOf(action.item), occurrence },
      };
    }
    case 'resolve': {
      const items = action.items.map((id) => ({ id, url: urlOf(id) }));
      if (settings.dryRun) {
        return dryRun(log, loc('PlanResolve', type.name, action.items.join(', ')), { item: items[0] });
      }
      const shownRun = readableRun(factsView, host.secrets());
      // Each item settles on its own: one refusal or failure does not hide what happened to the others.
      const settled = await Promise.allSettled(action.items.map((id) => resolveItem(writer, id, shownRun)));
      const resolved = items.map((item, index) => resolvedItem(item, settled[index]!));
      const failures = settled.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
      if (failures.length === settled.length) throw failures[0];
      resolved.forEach((item) => {
        if (item.outcome === 'failed') warn(loc('ResolveFailed', type.name, item.id, item.why));
      });
      // The outputs name the item the run ended on: the first resolved, else the first that got the note, else
      // the first one looked at (left as a person left it, or not written).
      const shown =
        resolved.find((item) => item.outcome === 'resolved') ??
        resolved.find((item) => item.outcome === 'commented') ??
        resolved[0]!;
      const outputs: Outputs = {
        id: shown.id,
        url: shown.url,
        action: shown.outcome === 'resolved' || shown.outcome === 'commented' ? shown.outcome : 'none',
      };
      return { outputs, report: { kind: 'resolved', type: type.name, items: resolved } };
    }
    case 'create':
      break;
  }

  return fileNewItem(
    { host, boards, pipelines, log },
    { settings, project, factsView, fingerprint, writer, known: open, urlOf },
    { evidence: evidenceRead, htmlFields: htmlFieldsAhead ?? htmlFields(), iteration: iterationRead },
  );
}

// A read started before it is known to be needed must not end the process as an unhandled rejection.
function quiet<T>(read: Promise<T>): Promise<T> {
  read.catch(() => undefined);
  return read;
}

function resolvedItem(
  item: { id: number; url: string },
  result: PromiseSettledResult<Settled>,
): ResolvedItem {
  if (result.status === 'rejected') {
    return { ...item, outcome: 'failed', why: String((result.reason as Error)?.message ?? result.reason) };
  }
  const settled = result.value;
  switch (settled.kind) {
    case 'changed':
      return { ...item, outcome: 'resolved', state: settled.state, reason: settled.reason };
    case 'commented':
      return { ...item, outcome: 'commented', why: settled.why };
    case 'noted':
      return { ...item, outcome: 'noted', why: settled.why };
    case 'left':
      return { ...item, outcome: 'left', state: settled.state };
    case 'failed':
      return { ...item, outcome: 'failed', why: settled.why };
  }
}
