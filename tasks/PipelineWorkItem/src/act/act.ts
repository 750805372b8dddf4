import type { Action } from '../lifecycle/decision';
import { recoveredHtml, recurrenceHtml } from '../render/notes';
import { maskedRun, shownFingerprint } from '../render/readable';
import type { ResolvedItem } from '../render/summary';
import { loc } from '../text/messages';
import { Acted, Acting, actionRecorded, dryRun, itemLink, Outputs } from './acted';
import { Decided, fileNewItem } from './create';
import { resolveItem, Settled } from './stateChange';
import { commentOnRecurrence, RecurrenceNote, recurrenceComment } from './writes';

/** Does what the decision chose (or, in a dry run, logs what it would do) and says what came of it. */
export async function act(acting: Acting, action: Action, decided: Decided): Promise<Acted> {
  const type = acting.type.name;
  switch (action.kind) {
    case 'none':
      return {
        outputs: { action: 'none' },
        report: {
          kind: 'nothingOpen',
          fingerprint: shownFingerprint(decided.fingerprint, acting.host.secrets()).text,
        },
      };
    case 'skip': {
      const item = itemLink(acting, action.item);
      const success = decided.success ? { success: true as const } : {};
      return { outputs: { ...item, action: 'none' }, report: { kind: 'skipped', type, ...item, ...success } };
    }
    case 'comment':
      return comment(acting, action.item, decided);
    case 'resolve':
      return resolve(acting, action.items, decided);
    case 'create':
      return fileNewItem(acting, decided);
  }
}

async function comment(acting: Acting, id: number, decided: Decided): Promise<Acted> {
  const type = acting.type.name;
  const item = itemLink(acting, id);
  // The note shows the run with secrets masked and control characters gone, as the item does.
  const maskedView = maskedRun(decided.view, acting.host.secrets());
  // A job that did not fail itself only reports what other jobs did: once one of them recorded this attempt of
  // the run on the item (a failing leg, a deployment group's failing target), it has nothing to add. A rerun is
  // news: its failure is noted under the same occurrence.
  const reportsOthers = decided.view.context.jobStatus !== 'Failed';
  const note: RecurrenceNote = (n, again, thisAttempt) =>
    thisAttempt && reportsOthers ? undefined : recurrenceHtml(maskedView, n, again);
  if (acting.settings.dryRun) {
    const planned = await recurrenceComment(acting, id, note);
    if (planned.kind === 'comment' && planned.html !== undefined) {
      acting.log.info(loc('DryRunComment', type, id));
      acting.log.info(planned.html);
    }
    return dryRun(acting.log, loc('PlanComment', type, id), { item });
  }
  const { occurrence, sameRun, recorded } = await commentOnRecurrence(acting, id, note);
  const said = { ...(decided.success && { success: true as const }), ...(sameRun && { sameRun }) };
  return {
    outputs: { ...item, action: occurrence ? 'commented' : actionRecorded(recorded) },
    report: { kind: 'commented', type, ...item, occurrence, ...said },
  };
}

async function resolve(acting: Acting, ids: readonly number[], decided: Decided): Promise<Acted> {
  const type = acting.type.name;
  const items = ids.map((id) => itemLink(acting, id));
  const maskedView = maskedRun(decided.view, acting.host.secrets());
  const note = recoveredHtml(maskedView);
  if (acting.settings.dryRun) {
    // Each item's state and reason follow its workflow, read when it is changed; the note is the same for all.
    acting.log.info(loc('DryRunResolveNote', type, ids.join(', ')));
    acting.log.info(note);
    return dryRun(acting.log, loc('PlanResolve', type, ids.join(', ')), { item: items[0] });
  }
  // Each item settles on its own: one refusal or failure does not hide what happened to the others.
  const settled = await Promise.allSettled(ids.map((id) => resolveItem(acting, id, note)));
  const resolved = items.map((item, index) => resolvedItem(item, settled[index]));
  const failures = settled.flatMap((result) =>
    result.status === 'rejected' ? [result.reason as unknown] : [],
  );
  if (failures.length === settled.length) throw failures[0];
  resolved.forEach((item) => {
    if (item.outcome === 'failed') acting.log.warning(loc('ResolveFailed', type, item.id, item.why));
  });
  // The outputs name the item the run ended on: the first resolved, else the first that got the note, else
  // the first one looked at (left as a person left it, or not written).
  const shown =
    resolved.find((item) => item.outcome === 'resolved') ??
    resolved.find((item) => item.outcome === 'commented') ??
    resolved[0];
  const outputs: Outputs = {
    id: shown.id,
    url: shown.url,
    action: shown.outcome === 'resolved' || shown.outcome === 'commented' ? shown.outcome : 'none',
  };
  const report = { kind: 'resolved' as const, type, items: resolved };
  return resolved.some((item) => item.outcome === 'failed')
    ? { outputs, report, incomplete: true }
    : { outputs, report };
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
      return { ...item, outcome: 'left', state: settled.state, ...(settled.reopened && { reopened: true }) };
    case 'failed':
      return { ...item, outcome: 'failed', why: settled.why };
  }
}
