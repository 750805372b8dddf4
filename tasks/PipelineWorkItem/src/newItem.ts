import { collectAttachments } from './evidence/attachments';
import { gatherEvidence } from './evidence/gather';
import type { RunContext } from './facts/context';
import { Evidence, NO_EVIDENCE, RunFacts } from './facts/model';
import type { RunView } from './facts/values';
import { Connections, dryRun, Filed } from './filed';
import type { Settings } from './inputs/settings';
import type { Fingerprint } from './lifecycle/fingerprint';
import { markerHtml } from './lifecycle/marker';
import { filedHtml } from './render/notes';
import { readableRun } from './render/readable';
import { iterationPath } from './target';
import { loc } from './text/messages';
import { FIELD, optionalFields, workItemDraft } from './workItem/draft';
import { createPatch } from './workItem/patch';
import { createItem, Writer } from './writes';

/** What the decision knew when it chose to file a new item. */
export interface NewItem {
  readonly settings: Settings;
  readonly context: RunContext;
  readonly project: string;
  readonly facts: RunFacts;
  readonly factsView: RunView;
  readonly fingerprint: Fingerprint;
  readonly writer: Writer;
  /** The fingerprint's open items seen before the create (onRecurrence new). */
  readonly known: readonly number[];
  readonly urlOf: (id: number) => string;
}

/** Reads started before the decision, when the job's status already said the run files. */
export interface ReadsAhead {
  readonly evidence: Promise<Evidence> | undefined;
  readonly htmlFields: Promise<string[] | undefined>;
  readonly iteration: Promise<string | undefined> | undefined;
}

/**
 * Files the new item (brief §4): evidence, uploads and the project's answers gathered, then one create request
 * carrying everything, and the race with other runs settled. A dry run logs the request instead.
 */
export async function fileNewItem(io: Connections, item: NewItem, ahead: ReadsAhead): Promise<Filed> {
  const { settings, context, project, facts, fingerprint, writer, urlOf } = item;
  const { host, boards, pipelines, log } = io;
  const warn = log.warning;
  // Uploads go out while the evidence is still being read: both only add to the one create request.
  const attachmentsRead = collectAttachments(io, {
    settings,
    context,
    facts,
    project,
    dryRun: settings.dryRun,
  });
  const wantsEvidence = settings.includeDetails || settings.linkWorkItems;
  const evidenceRequest = { project: context.project, context, settings };
  const evidence = wantsEvidence
    ? await (ahead.evidence ?? gatherEvidence(pipelines, evidenceRequest, Promise.resolve(facts), warn))
    : NO_EVIDENCE;
  const view: RunView = { ...item.factsView, evidence };
  const shown = readableRun(view, host.secrets());
  const history = `${filedHtml(shown, fingerprint, settings.resolveOnRecovery)}\n${markerHtml(writer.runKey, 1)}`;
  const { draft, warnings } = workItemDraft(
    settings,
    view,
    {
      type: writer.type,
      collectionUri: writer.collectionUri,
      iterationPath: await (ahead.iteration ?? iterationPath(boards, settings, project, warn)),
      secrets: host.secrets(),
      htmlFields: await ahead.htmlFields,
    },
    { tag: fingerprint.tag, history, attachments: await attachmentsRead },
  );
  warnings.forEach(warn);
  const patch = createPatch(draft);
  const title = String(draft.fields.find(([reference]) => reference === FIELD.title)?.[1] ?? '');
  if (settings.dryRun) {
    log.info(loc('DryRunRequest', draft.type));
    log.info(JSON.stringify(patch, null, 2));
    return dryRun(log, loc('PlanCreate', draft.type, project), { title });
  }
  const created = await createItem(writer, patch, {
    fingerprint,
    view: shown,
    settleRaces: settings.onRecurrence !== 'new',
    known: item.known,
    optional: optionalFields(settings),
  });
  const type = writer.type.name;
  const url = urlOf(created.id);
  if (created.kind === 'raced') {
    const { occurrence, duplicate } = created;
    return {
      outputs: { id: created.id, url, action: 'commented' },
      report: { kind: 'commented', type, id: created.id, url, occurrence, duplicate },
    };
  }
  return {
    outputs: { id: created.id, url, action: 'created' },
    report: { kind: 'created', type, id: created.id, url, title },
  };
}
