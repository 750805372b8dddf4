import { inParallel } from '../ado/parallel';
import type { FailedTest, Suspects } from '../facts/model';
import type { RunView } from '../facts/values';
import { decide } from '../lifecycle/decision';
import { Fingerprint, testFingerprintOf } from '../lifecycle/fingerprint';
import { markerHtml } from '../lifecycle/marker';
import { openItemsQuery } from '../lifecycle/openItems';
import type { Linked, TestItems } from '../render/summary';
import {
  testFiledHtml,
  testItemHtml,
  testItemTitle,
  testPassedHtml,
  testRecurrenceHtml,
} from '../render/testItems';
import { shownFingerprint } from '../render/readable';
import { loc } from '../text/messages';
import { Content, optionalFields } from '../workItem/draft';
import { draftedPatch } from './create';
import { openStates } from '../workItem/workItemType';
import { Acting, itemLink } from './acted';
import type { PassedTests } from './reads';
import { resolveItem } from './stateChange';
import { commentOnRecurrence, createItem } from './writes';

/** New test items one run files at most; the other failing tests are counted in the run's item. */
export const MAX_NEW_TEST_ITEMS = 20;
/** Test items written at the same time. */
const PARALLEL_WRITES = 4;

interface TestItem {
  readonly test: FailedTest;
  readonly fingerprint: Fingerprint;
}

/**
 * `trackTests: perTest`: each failing test's own item. A test with an open item gets a comment (as
 * `onRecurrence` says), one without gets a new item (at most 20 per run), and an open item whose test passed
 * in this run is resolved. The open test items of the pipeline and branch are found with one query and one read
 * of their tags; each write settles on its own, a failure warned about and counted. The failing tests are those of
 * the run as items show it (`view`: masked and readable before anything cuts or escapes them).
 */
export async function trackTestItems(
  acting: Acting,
  view: RunView,
  planned: TestItemsPlan,
  passed: PassedTests,
): Promise<TestItems> {
  const resolve = acting.settings.resolveOnRecovery
    ? await passedItems(acting, view, { ...planned, passed })
    : [];
  const plan = withoutCreates(acting, { ...planned, resolve });
  const base = { type: acting.type.name, overCap: plan.overCap, unread: plan.unread };
  if (acting.settings.dryRun) {
    const counts = [plan.create.length, plan.comment.length, plan.resolve.length] as const;
    acting.log.info(loc('DryRunWould', loc('PlanTestItems', ...counts)));
    return { ...base, created: [], commented: [], resolved: [], failed: 0 };
  }
  const writes = [
    ...plan.create.map((item) => () => createTestItem(acting, view, item)),
    ...plan.comment.map((item) => () => commentTestItem(acting, view, item).then(tagged('commented'))),
    ...plan.resolve.map((item) => () => resolveTestItem(acting, view, item).then(tagged('resolved'))),
  ];
  const settled = await inParallel(writes, PARALLEL_WRITES, (write) =>
    write().catch((error: unknown) => failedWrite(acting, error)),
  );
  const of = (kind: Written['kind']): Linked[] =>
    settled.flatMap((written) => (written?.kind === kind && written.item ? [written.item] : []));
  const failed = settled.filter((written) => written === undefined).length;
  return { ...base, created: of('created'), commented: of('commented'), resolved: of('resolved'), failed };
}

// A disabled type takes no new item: the tests that would get one are counted in a warning, and the open items of
// the others are still commented on and resolved.
function withoutCreates<Plan extends { readonly create: readonly TestItem[] }>(
  acting: Acting,
  plan: Plan,
): Plan {
  if (plan.create.length === 0 || acting.type.disabled !== true) return plan;
  acting.log.warning(loc('TypeDisabledNoTestItems', acting.type.name, acting.project, plan.create.length));
  return { ...plan, create: [] };
}

/** What the failing tests' items need, before anything is written. */
export interface TestItemsPlan {
  readonly create: readonly TestItem[];
  readonly comment: readonly (TestItem & { id: number })[];
  /** Failing tests without an item that get none: over the cap of new test items per run. */
  readonly overCap: number;
  /** Failed results past those read: their tests get no item, whether they have one open or not. */
  readonly unread: number;
  readonly open: ReadonlyMap<string, number[]>;
  readonly failing: readonly TestItem[];
}

/**
 * What each failing test's item needs (as `onRecurrence` says): found before the run's own item is written,
 * so that it can say how many failing tests get no item of their own.
 */
export async function planTestItems(acting: Acting, view: RunView): Promise<TestItemsPlan> {
  const tests = view.evidence.tests;
  const failing = oneByTest(
    (tests?.tests ?? []).map((test) => ({ test, fingerprint: testFingerprintOf(view.lane, test.name) })),
  );
  const open = await openTestItems(acting, view);
  const actions = failing.map((item) => ({
    item,
    action: decide('file', acting.settings.onRecurrence, open.get(item.fingerprint.tag.toLowerCase()) ?? []),
  }));
  const creates = actions.filter(({ action }) => action.kind === 'create').map(({ item }) => item);
  const comment = actions.flatMap(({ item, action }) =>
    action.kind === 'comment' ? [{ ...item, id: action.item }] : [],
  );
  const create = creates.slice(0, MAX_NEW_TEST_ITEMS);
  const unread = Math.max(0, (tests?.total ?? 0) - (tests?.tests.length ?? 0));
  return { create, comment, overCap: creates.length - create.length, unread, open, failing };
}

interface Written {
  readonly kind: 'created' | 'commented' | 'resolved';
  /** undefined when the write added nothing (already written by this run, or left as a person left it). */
  readonly item: Linked | undefined;
}

const tagged =
  (kind: Written['kind']) =>
  (item: Linked | undefined): Written => ({ kind, item });

function failedWrite(acting: Acting, error: unknown): undefined {
  acting.log.warning(loc('TestItemFailed', acting.type.name, (error as Error).message));
  return undefined;
}

// The same test can fail in several test runs of one pipeline run (configurations, jobs): it has one item, as
// its fingerprint says (names that differ only in case or spacing are one test).
function oneByTest(items: readonly TestItem[]): TestItem[] {
  const seen = new Set<string>();
  return items.filter(({ fingerprint }) => {
    const key = fingerprint.tag.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// The open test items of the run's pipeline and branch (and lane), by their test's tag, oldest first.
async function openTestItems(acting: Acting, view: RunView): Promise<Map<string, number[]>> {
  const scope = testFingerprintOf(view.lane, '').scopeTag;
  const query = openItemsQuery(
    { text: '', tag: scope, scopeTag: scope },
    { name: acting.type.name, openStates: openStates(acting.type) },
  );
  const ids = query ? await acting.boards.queryIds(acting.project, query) : [];
  const byTag = new Map<string, number[]>();
  if (ids.length === 0) return byTag;
  const tags = await acting.boards.workItemTags(acting.project, ids);
  for (const id of ids) {
    for (const tag of tags.get(id) ?? []) {
      const key = tag.toLowerCase();
      if (key === scope.toLowerCase()) continue;
      byTag.set(key, [...(byTag.get(key) ?? []), id]);
    }
  }
  return byTag;
}

/** An open test item whose test passed in this run, and the test's name as the run has it. */
interface Passed {
  readonly id: number;
  readonly name: string;
}

// The open items of tests that did not fail in this run and passed in it. A test that did not run (a skipped
// stage, a filter) keeps its item: only a pass resolves it.
async function passedItems(
  acting: Acting,
  view: RunView,
  {
    open,
    failing,
    passed,
  }: { open: ReadonlyMap<string, number[]>; failing: readonly TestItem[]; passed: PassedTests },
): Promise<Passed[]> {
  const failingTags = new Set(failing.map((item) => item.fingerprint.tag.toLowerCase()));
  const candidates = [...open.keys()].filter((tag) => !failingTags.has(tag));
  if (candidates.length === 0) return [];
  const { names, complete } = await passed();
  if (!complete) acting.log.warning(loc('PassedTestsIncomplete'));
  const passedTags = new Map(
    [...names].map((name) => [testFingerprintOf(view.lane, name).tag.toLowerCase(), name]),
  );
  return candidates.flatMap((tag) => {
    const name = passedTags.get(tag);
    return name === undefined ? [] : (open.get(tag) ?? []).map((id) => ({ id, name }));
  });
}

// A test's new item; or, when another run filed the test's item at the same moment, the comment on that one.
async function createTestItem(
  acting: Acting,
  view: RunView,
  { test, fingerprint }: TestItem,
): Promise<Written> {
  const { settings } = acting;
  const content: Content = {
    title: testItemTitle(test, view),
    body: testItemHtml(test, view, suspectsOf(test, view.evidence.tests?.suspects ?? [])),
    own: true,
  };
  const filed = testFiledHtml(view, shownFingerprint(fingerprint, acting.host.secrets()), settings);
  const history = `${filed}\n${markerHtml(acting.runKey, 1)}`;
  const link = {
    rel: 'ArtifactLink',
    url: `vstfs:///TestManagement/TcmResult/${test.runId}.${test.resultId}`,
    attributes: { name: 'Test Result' },
  };
  const tracking = { tags: [fingerprint.tag, fingerprint.scopeTag], history, attachments: [], links: [link] };
  const { patch } = await draftedPatch(acting, view, tracking, content);
  const created = await createItem(acting, patch, {
    fingerprint,
    recurrence: (occurrence, sameRun) => testRecurrenceHtml(test, view, occurrence, sameRun),
    settleRaces: settings.onRecurrence !== 'new',
    known: [],
    optional: optionalFields(settings),
  });
  const item = { ...itemLink(acting, created.id), name: test.name };
  return { kind: created.kind === 'raced' ? 'commented' : 'created', item };
}

async function commentTestItem(
  acting: Acting,
  view: RunView,
  { test, id }: TestItem & { id: number },
): Promise<Linked | undefined> {
  const { occurrence } = await commentOnRecurrence(acting, id, (n, sameRun) =>
    testRecurrenceHtml(test, view, n, sameRun),
  );
  return occurrence === undefined ? undefined : { ...itemLink(acting, id), name: test.name };
}

async function resolveTestItem(
  acting: Acting,
  view: RunView,
  { id, name }: Passed,
): Promise<Linked | undefined> {
  const settled = await resolveItem(acting, id, testPassedHtml(view));
  // A refused change put the note in as a comment and said so in a warning of its own; a write that failed
  // throws, and is warned about as a failed write.
  return settled.kind === 'changed' ? { ...itemLink(acting, id), name } : undefined;
}

// The suspects of a test: this run's changes for a new failure, the changes of the build where it began failing.
function suspectsOf(test: FailedTest, suspects: readonly Suspects[]): Suspects | undefined {
  const since = test.standing === 'failingSince' ? test.since?.run : undefined;
  return suspects.find((group) =>
    since === undefined
      ? group.run === undefined
      : group.run?.kind === since.kind && group.run.id === since.id,
  );
}
