import { AdoError, SettingsError } from '../errors';
import { collectAttachments } from '../evidence/attachments';
import type { Evidence, Untracked } from '../facts/model';
import type { RunView } from '../facts/values';
import { Acted, Acting, dryRun, itemLink } from './acted';
import type { Fingerprint } from '../lifecycle/fingerprint';
import { markerHtml } from '../lifecycle/marker';
import { filedHtml, recurrenceHtml } from '../render/notes';
import { maskedEvidence, maskedRun, shownFingerprint } from '../render/readable';
import type { Validation } from '../render/summary';
import { loc } from '../text/messages';
import { Content, FIELD, optionalFields, Tracking, workItemDraft } from '../workItem/draft';
import { JsonPatchOperation, patchOf } from '../workItem/patch';
import { creationRefusal } from '../workItem/workItemType';
import { createItem, Created, resendAfter } from './writes';

/** What the decision knew when it chose to file a new item. */
export interface Decided {
  /** The run as the decision saw it, before the evidence. */
  readonly view: RunView;
  readonly fingerprint: Fingerprint;
  /** The fingerprint's open items seen before the create (onRecurrence new). */
  readonly known: readonly number[];
  /** Failing tests that get no item of their own this run (`trackTests: perTest`). */
  readonly untrackedTests?: Untracked;
  /** The item is filed for a success (`filesForSuccess`): a series of its own, told apart in its notes. */
  readonly success?: boolean;
}

/**
 * Files the new item: evidence, uploads and the project's answers gathered, then one create request
 * carrying everything, and the race with other runs settled. A dry run logs the request instead.
 */
export async function fileNewItem(acting: Acting, decided: Decided): Promise<Acted> {
  const { settings, project, log } = acting;
  const refusal = await typeRefusal(acting);
  if (refusal !== undefined) throw new SettingsError([refusal]);
  const { shown, type, patch, title } = await newItem(acting, decided);
  if (settings.dryRun) {
    log.info(loc('DryRunRequest', type));
    log.info(JSON.stringify(patch, null, 2));
    const validation = await validated(acting, patch, optionalFields(settings));
    return dryRun(log, loc('PlanCreate', type, project), { title, validation });
  }
  const created = await createItem(acting, patch, {
    fingerprint: decided.fingerprint,
    recurrence: (occurrence, sameRun) => recurrenceHtml(shown, occurrence, sameRun),
    settleRaces: settings.onRecurrence !== 'new',
    success: decided.success,
    known: decided.known,
    optional: optionalFields(settings),
  });
  return createdOutcome(acting, created, title, decided.success);
}

// Why the type takes no new item (it is disabled), said before anything is uploaded or sent, with the types that
// take one when the project's list can be read; undefined when it takes one.
async function typeRefusal(acting: Acting): Promise<string | undefined> {
  if (acting.type.disabled !== true) return undefined;
  const types = await acting.boards.workItemTypes(acting.project).catch((error: unknown) => {
    if (error instanceof AdoError) return [];
    throw error;
  });
  return creationRefusal(acting.type, types, acting.project);
}

/** The create request of the new item, with the run as it shows it and its title; its warnings logged. */
async function newItem(
  acting: Acting,
  decided: Decided,
): Promise<{ shown: RunView; type: string; patch: JsonPatchOperation[]; title: string }> {
  const { settings, project, host, reads } = acting;
  const { fingerprint } = decided;
  const secrets = host.secrets();
  const earlier = reads.earlierItem(fingerprint);
  // Uploads go out while the evidence is still being read: both only add to the one create request. The logs'
  // file names are cut from the step names, so they are made of the names as the item shows them.
  const masked = maskedRun(decided.view, secrets);
  const attachmentsRead = collectAttachments(acting, {
    settings,
    context: masked.context,
    facts: masked.facts,
    project,
    dryRun: settings.dryRun,
  });
  // The run as the item shows it: secrets masked and control characters gone before anything is escaped.
  const shown = { ...masked, evidence: maskedEvidence(untracked(await reads.evidence(), decided), secrets) };
  // The fingerprint's text is made of the lane's raw values: the item shows it as it shows the rest.
  const earlierId = await earlier;
  const filed = filedHtml(
    shown,
    shownFingerprint(fingerprint, secrets),
    { ...settings, success: decided.success === true },
    earlierId === undefined ? undefined : itemLink(acting, earlierId),
  );
  const history = `${filed}\n${markerHtml(acting.runKey, 1)}`;
  const tracking = {
    tags: [fingerprint.tag, fingerprint.scopeTag],
    history,
    attachments: await attachmentsRead,
  };
  return { shown, ...(await draftedPatch(acting, shown, tracking)) };
}

/**
 * The create request of an item: its content (the run's item's by default), the inputs' fields and the
 * tracking; the draft's warnings logged.
 */
export async function draftedPatch(
  acting: Acting,
  shown: RunView,
  tracking: Tracking,
  content?: Content,
): Promise<{ type: string; patch: JsonPatchOperation[]; title: string }> {
  const { settings, host, reads } = acting;
  // Together: a read the job's status did not start early (the field types) waits for no other.
  const [iterationPath, fieldTypes] = await Promise.all([reads.iteration(), reads.fieldTypes()]);
  const destination = {
    type: acting.type,
    collectionUri: acting.collectionUri,
    iterationPath,
    secrets: host.secrets(),
    fieldTypes,
  };
  const { draft, warnings } = workItemDraft(settings, shown, destination, tracking, content);
  warnings.forEach(acting.log.warning);
  const title = String(draft.fields.find(([reference]) => reference === FIELD.title)?.[1] ?? '');
  return { type: draft.type, patch: patchOf(draft.fields, draft.relations), title };
}

function createdOutcome(acting: Acting, created: Created, title: string, success?: boolean): Acted {
  const type = acting.type.name;
  const { id, url } = itemLink(acting, created.id);
  if (created.kind === 'raced') {
    const { occurrence, duplicate } = created;
    const stillOpen =
      duplicate.kind === 'commented' || duplicate.kind === 'failed' ? duplicate.why : undefined;
    return {
      outputs: { id, url, action: 'commented' },
      report: {
        kind: 'commented',
        type,
        id,
        url,
        occurrence,
        duplicate: duplicate.id,
        ...(stillOpen === undefined ? {} : { duplicateOpen: stillOpen }),
        ...(success && { success: true as const }),
      },
      // This run's item could not be closed: two items stay open for one failure.
      ...(duplicate.kind === 'failed' ? { incomplete: true } : {}),
    };
  }
  return {
    outputs: { id, url, action: 'created' },
    report: { kind: 'created', type, id, url, title },
    ...(created.unsettled === true ? { incomplete: true } : {}),
  };
}

/**
 * Has the service check the create without saving it (validateOnly): permission, type, fields and rules, as the
 * real create would meet them. A refusal is reported, not thrown: a dry run writes nothing either way. After each
 * refusal the check is sent again as the real run sends the create again (`resendAfter`: a value too long cut,
 * links to a missing item or refused optional values left out, within the same limit), so it ends where the real
 * run would: accepted, naming in order what the item would go without, or refused as the real run would give up
 * (one more check for each, none when nothing is refused).
 */
async function validated(
  acting: Acting,
  patch: readonly JsonPatchOperation[],
  optional: ReadonlyMap<string, string>,
): Promise<Validation> {
  const without: string[] = [];
  const refusals: string[] = [];
  let sent = { ops: patch, retries: 0 };
  for (;;) {
    try {
      await acting.boards.validateWorkItem(acting.project, acting.type.name, sent.ops);
      return acceptedWithout(acting, without, refusals);
    } catch (error) {
      const again = resendAfter(acting, sent, optional, error);
      if (!again || !(error instanceof AdoError)) return refused(acting, error);
      without.push(...again.without);
      // The service's own words after the first refusal: the rest of the message says the same each time.
      refusals.push(refusals.length === 0 ? error.message : (error.serviceMessage ?? error.message));
      sent = again;
    }
  }
}

// The check's answer once what it refused is cut or left out: accepted without it, or without nothing.
function acceptedWithout(
  acting: Acting,
  without: readonly string[],
  refusals: readonly string[],
): Validation {
  if (without.length === 0) {
    acting.log.info(loc('DryRunAccepted'));
    return { accepted: true };
  }
  const refusal = refusals.join(' ');
  acting.log.info(loc('DryRunAcceptedWithout', without.join(', '), refusal));
  return { accepted: true, without, refusal };
}

// The refusal the real run would end on.
function refused(acting: Acting, error: unknown): Validation {
  const refusal = (error as Error).message;
  acting.log.warning(loc('DryRunRefused', refusal));
  return { accepted: false, refusal };
}

// The evidence with the count of failing tests that get no item of their own, for the failing tests' section.
function untracked(evidence: Evidence, { untrackedTests }: Decided): Evidence {
  if (!untrackedTests || !evidence.tests) return evidence;
  return { ...evidence, tests: { ...evidence.tests, untracked: untrackedTests } };
}
