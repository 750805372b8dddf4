import type { RunView } from '../facts/values';
import { Fingerprint, flakyFingerprintOf } from '../lifecycle/fingerprint';
import { markerHtml } from '../lifecycle/marker';
import type { FlakyItem } from '../render/summary';
import { flakyFiledHtml, flakyItemHtml, flakyItemTitle, flakyRunHtml } from '../render/testItems';
import { loc } from '../text/messages';
import { optionalFields } from '../workItem/draft';
import { draftedPatch } from './create';
import { Acting, actionRecorded, itemLink } from './acted';
import { commentOnRecurrence, createItem, openItems } from './writes';

/**
 * `flakyTests: separate` when the run files no item of its own: the run's flaky results go on the pipeline's
 * flaky-tests item, one open item per pipeline (and lane) that every run with flaky results comments on. It is
 * never resolved by the task: flaky tests stay flaky until people fix them. undefined when the run saw none. The
 * flaky results are those of the run as items show it (`view`: masked and readable before anything cuts them).
 */
export async function recordFlaky(acting: Acting, view: RunView): Promise<FlakyItem | undefined> {
  const tests = view.evidence.tests;
  if (!tests || tests.flaky.length === 0) return undefined;
  const type = acting.type.name;
  const fingerprint = flakyFingerprintOf(view.lane);
  const [open] = await openItems(acting, fingerprint);
  if (open === undefined && acting.type.disabled === true) {
    acting.log.warning(loc('TypeDisabledNoFlakyItem', type, acting.project));
    return undefined;
  }
  if (acting.settings.dryRun) {
    const plan = open === undefined ? loc('PlanFlakyCreate', type) : loc('PlanFlakyComment', type, open);
    acting.log.info(loc('DryRunWould', plan));
    return open === undefined ? undefined : { type, ...itemLink(acting, open), action: 'none' };
  }
  if (open !== undefined) {
    const { occurrence, recorded } = await commentOnRecurrence(acting, open, () => flakyRunHtml(view));
    return {
      type,
      ...itemLink(acting, open),
      action: occurrence === undefined ? actionRecorded(recorded) : 'commented',
    };
  }
  return fileFlakyItem(acting, view, fingerprint);
}

// The pipeline's first flaky-tests item; when another run filed it at the same moment, the comment on that one.
async function fileFlakyItem(acting: Acting, view: RunView, fingerprint: Fingerprint): Promise<FlakyItem> {
  const history = `${flakyFiledHtml(view)}\n${markerHtml(acting.runKey, 1)}`;
  const { patch } = await draftedPatch(
    acting,
    view,
    { tags: [fingerprint.tag], history, attachments: [] },
    { title: flakyItemTitle(view), body: flakyItemHtml(view), own: true },
  );
  const created = await createItem(acting, patch, {
    fingerprint,
    recurrence: () => flakyRunHtml(view),
    settleRaces: true,
    known: [],
    optional: optionalFields(acting.settings),
  });
  return {
    type: acting.type.name,
    ...itemLink(acting, created.id),
    action: created.kind === 'created' ? 'created' : 'commented',
  };
}
