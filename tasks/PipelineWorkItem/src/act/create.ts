import { AdoError } from '../errors';
import { collectAttachments } from '../evidence/attachments';
import type { Evidence } from '../facts/model';
import type { RunView } from '../facts/values';
import { Connections, dryRun, Filed } from './acted';
import type { Settings } from '../inputs/settings';
import type { Fingerprint } from '../lifecycle/fingerprint';
import { markerHtml } from '../lifecycle/marker';
import { filedHtml } from '../render/notes';
import { readableRun } from '../render/readable';
import type { Validation } from '../render/summary';
import { loc } from '../text/messages';
import { FIELD, optionalFields, workItemDraft } from '../workItem/draft';
import { createPatch, JsonPatchOperation } from '../workItem/patch';
import { createItem, Writer } from './writes';

/** What the decision knew when it chose to file a new item. */
export interface NewItem {
  readonly settings: Settings;
  readonly project: string;
  /** The run as the decision saw it, before the evidence. */
  readonly factsView: RunView;
  readonly fingerprint: Fingerprint;
  readonly writer: Writer;
  /** The fingerprint's open items seen before the create (onRecurrence new). */
  readonly known: readonly number[];
  readonly urlOf: (id: number) => string;
}

/** Reads the decision started for a new item, so that none of them waits for it. */
export interface ReadsAhead {
  /** NO_EVIDENCE when neither the details nor the related items are asked for. */
  readonly evidence: Promise<Evidence>;
  readonly htmlFields: Promise<string[] | undefined>;
  readonly iteration: Promise<string | undefined>;
}

/**
 * Files the new item (brief §4): evidence, uploads and the project's answers gathered, then one create request
 * carrying everything, and the race with other runs settled. A dry run logs the request instead.
 */
export async function fileNewItem(io: Connections, item: NewItem, ahead: ReadsAhead): Promise<Filed> {
  const { settings, project, fingerprint, writer, urlOf } = item;
  const { context, facts } = item.factsView;
  const { host, log } = io;
  // Uploads go out while the evidence is still being read: both only add to the one create request.
  const attachmentsRead = collectAttachments(io, {
    settings,
    context,
    facts,
    project,
    dryRun: settings.dryRun,
  });
  // The run as the item shows it: secrets masked and control characters gone before anything is escaped.
  const shown = readableRun({ ...item.factsView, evidence: await ahead.evidence }, host.secrets());
  const history = `${filedHtml(shown, fingerprint, settings.resolveOnRecovery)}\n${markerHtml(writer.runKey, 1)}`;
  const { draft, warnings } = workItemDraft(
    settings,
    shown,
    {
      type: writer.type,
      collectionUri: writer.collectionUri,
      iterationPath: await ahead.iteration,
      secrets: host.secrets(),
      htmlFields: await ahead.htmlFields,
    },
    { tags: [fingerprint.tag, fingerprint.scopeTag], history, attachments: await attachmentsRead },
  );
  warnings.forEach(log.warning);
  const patch = createPatch(draft);
  const title = String(draft.fields.find(([reference]) => reference === FIELD.title)?.[1] ?? '');
  if (settings.dryRun) {
    log.info(loc('DryRunRequest', draft.type));
    log.info(JSON.stringify(patch, null, 2));
    const validation = await validated(io, writer, patch, optionalFields(settings));
    return dryRun(log, loc('PlanCreate', draft.type, project), { title, validation });
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
    const stillOpen =
      duplicate.kind === 'commented' || duplicate.kind === 'failed' ? duplicate.why : undefined;
    return {
      outputs: { id: created.id, url, action: 'commented' },
      report: {
        kind: 'commented',
        type,
        id: created.id,
        url,
        occurrence,
        duplicate: duplicate.id,
        ...(stillOpen === undefined ? {} : { duplicateOpen: stillOpen }),
      },
    };
  }
  return {
    outputs: { id: created.id, url, action: 'created' },
    report: { kind: 'created', type, id: created.id, url, title },
  };
}

/**
 * Has the service check the create without saving it (validateOnly): permission, type, fields and rules, as the
 * real create would meet them. A refusal is reported, not thrown: a dry run writes nothing either way. A refusal
 * of optional values only is an acceptance without them, since the real run files the item without them.
 */
async function validated(
  io: Connections,
  writer: Writer,
  patch: readonly JsonPatchOperation[],
  optional: ReadonlyMap<string, string>,
): Promise<Validation> {
  try {
    await io.boards.validateWorkItem(writer.project, writer.type.name, patch);
    io.log.info(loc('DryRunAccepted'));
    return { accepted: true };
  } catch (error) {
    const refusal = (error as Error).message;
    const fields = error instanceof AdoError ? error.refusedFields : [];
    if (fields.length > 0 && fields.every((field) => optional.has(field))) {
      io.log.info(loc('DryRunAcceptedWithout', fields.join(', '), refusal));
      return { accepted: true, without: fields, refusal };
    }
    io.log.warning(loc('DryRunRefused', refusal));
    return { accepted: false, refusal };
  }
}
