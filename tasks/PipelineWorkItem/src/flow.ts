import { act } from './act/act';
import type { Acted, Acting, ActingHost, Log } from './act/acted';
import { jobTokenIdentity, writerCredentials } from './act/writerCredentials';
import { chosenType, Reads, readsOf } from './act/reads';
import { openItems } from './act/writes';
import { AdoError, EnvironmentError } from './errors';
import { readFacts, RunRecords } from './evidence/records';
import { isPullRequestRun, RunContext, shortBranch } from './facts/context';
import { jobOutcome, runOutcome } from './facts/outcome';
import { fingerprintValues, RunView, runView } from './facts/values';
import { NO_EVIDENCE, QueuedBuild, RunFacts } from './facts/model';
import { isTestStep } from './facts/tests';
import { onlyFlakyFailures } from './lifecycle/flakyOnly';
import { recordFlaky } from './act/flakyItem';
import { planTestItems, trackTestItems, TestItemsPlan } from './act/testItems';
import { maskedRun, shownFingerprint } from './render/readable';
import type { SideItems } from './render/summary';
import type { Settings } from './inputs/settings';
import {
  decide,
  filesForSuccess,
  Intent,
  intentFor,
  intentFromJobOutcome,
  needsOpenItems,
} from './lifecycle/decision';
import { Fingerprint, fingerprintOf, successFingerprintOf } from './lifecycle/fingerprint';
import { runKey } from './lifecycle/marker';
import type { Credentials } from './ports';
import { loc } from './text/messages';

export type { Acted, Log };

/**
 * The task's flow: the run's facts, what it asks for (its intent), the open items of its fingerprint, the
 * decision (file, comment, skip, resolve or nothing), and the act, or in a dry run what it would send. The reads
 * that may start early are started in `reads` alone.
 * @throws SettingsError, EnvironmentError, AdoError
 */
export async function fileWorkItem(
  host: ActingHost,
  settings: Settings,
  context: RunContext,
  log: Log,
): Promise<Acted> {
  const credentials = credentialsOf(host, settings, context);
  if (isPullRequestRun(context) && !settings.includePullRequests) {
    return { outputs: { action: 'none' }, report: { kind: 'pullRequest' } };
  }
  const { connected, records, early } = connect({ host, settings, context, log }, credentials);
  const { facts, readable } = await records;
  const outcome = runOutcome(context.jobStatus, facts.othersOutcome);
  const intent = intentFor(settings, outcome);
  if (!readable && early === undefined) {
    const message = loc('OutcomeUndetermined', context.jobStatus);
    return { outputs: { action: 'none' }, report: { kind: 'undetermined', message }, undetermined: true };
  }
  log.info(loc('RunOutcome', outcome, context.jobStatus));
  const forSuccess = intent === 'file' && filesForSuccess(settings.createOn, outcome);
  const unsettled = unfinished(
    facts.unfinishedJobs,
    forSuccess ? 'file' : intent === 'recover' ? 'recover' : undefined,
  );
  if (unsettled) return unsettled;
  if (intent === 'nothing') {
    return {
      outputs: { action: 'none' },
      report: { kind: 'notFiled', outcome, createOn: settings.createOn },
    };
  }
  const stale = await staleRerun(connected.reads, log);
  if (stale) return stale;
  if (intent === 'file') connected.reads.startFiling();

  const type = await chosenType(connected.reads.types(), settings, connected.project, log.warning);
  return actOn({ ...connected, type }, runView(context, facts, outcome), intent);
}

/**
 * A run that has not failed, with jobs running beside this one, has no outcome yet: a recovery (or a success's
 * item: `waits` says which) now could be followed by one of them failing, and a new item filed a minute after
 * this one was resolved. A problem's item (a failure, issues) is the run's whatever the others do.
 */
function unfinished(
  jobs: readonly string[] | undefined,
  waits: 'file' | 'recover' | undefined,
): Acted | undefined {
  if (!jobs || !waits) return undefined;
  const filing = waits === 'file' ? { filing: true as const } : {};
  return { outputs: { action: 'none' }, report: { kind: 'unfinished', jobs, ...filing } };
}

/**
 * A rerun of a build older than the newest run of its lane writes nothing, neither files, comments nor resolves:
 * the newer run's outcome is the lane's, and the rerun's would undo it (resolve what still fails, file for what
 * has recovered). When the lane's builds cannot be read, the rerun acts as any run does, with a warning.
 */
async function staleRerun(reads: Reads, log: Log): Promise<Acted | undefined> {
  let newer: QueuedBuild | undefined;
  try {
    newer = await reads.newerBuild();
  } catch (error) {
    if (!(error instanceof AdoError)) throw error;
    log.warning(loc('NewerRunUnread', error.message));
    return undefined;
  }
  if (!newer) return undefined;
  const branch = shortBranch(newer.branchRef);
  log.info(loc('StaleRerun', newer.number, branch, newer.url));
  return {
    outputs: { action: 'none' },
    report: { kind: 'stale', number: newer.number, url: newer.url, branch },
  };
}

/** The fingerprint's open items, the decision and the act; then the items of the run's tests. */
async function actOn(acting: Acting, view: RunView, intent: 'file' | 'recover'): Promise<Acted> {
  const { settings, log, reads } = acting;
  const ofRun = fingerprintOf(settings.fingerprint, fingerprintValues(view), view.lane);
  const success = intent === 'file' && filesForSuccess(settings.createOn, view.outcome);
  const fingerprint = success ? successFingerprintOf(ofRun) : ofRun;
  const shown = shownFingerprint(fingerprint, acting.host.secrets()).text;
  log.info(loc('Fingerprint', shown, fingerprint.tag, fingerprint.scopeTag));
  // The open items are asked for while the tests are still being read: a failure decides on both.
  const openRead = openItemsRead(acting, fingerprint, intent);
  // The recovery touches other items than the act: it starts with the open items' read, and settles whatever
  // becomes of the success item.
  const recovering = recoverBeside(acting, view, success ? ofRun : undefined);
  const tests = testsNeeded(settings, intent, view.facts) ? await reads.tests() : undefined;
  // The run with its failing tests as the side items show them: secrets masked, control characters gone.
  const masked = maskedRun({ ...view, evidence: { ...NO_EVIDENCE, tests } }, acting.host.secrets());
  if (intent === 'file' && onlyFlakyFailures(view.facts, tests, settings.flakyTests)) {
    return flakyOnly(acting, masked);
  }
  const testItems = settings.trackTests === 'perTest' ? planTestItems(acting, masked) : undefined;
  testItems?.catch(() => undefined);
  const open = await openRead;
  // The run's item says how many failing tests get no item of their own: none known when they could not be
  // looked up, which the side items warn about without costing the run's item.
  const plan = await testItems?.catch(() => undefined);
  const untrackedTests = plan && { overCap: plan.overCap, unread: plan.unread };
  const decided = { view, fingerprint, known: open, untrackedTests, success };
  const acted = await act(acting, decide(intent, settings.onRecurrence, open), decided).catch(
    async (error: unknown) => {
      await recovering;
      throw error;
    },
  );
  const recovery = await recovering;
  const { side, incomplete } = await sideItems(acting, masked, { acted, testItems });
  const settled = { ...acted, side: { ...side, ...recovery.side } };
  return incomplete || recovery.incomplete ? { ...settled, incomplete: true } : settled;
}

/**
 * The fingerprint's open items, when the decision needs them; a run that files also asks for the item filed
 * before for its fingerprint, which a new item links, so that it goes out with that query (or was read ahead)
 * and never costs the create a round trip of its own.
 */
function openItemsRead(
  acting: Acting,
  fingerprint: Fingerprint,
  intent: 'file' | 'recover',
): Promise<number[]> {
  if (intent === 'file') acting.reads.startEarlierItem(fingerprint);
  if (!needsOpenItems(intent, acting.settings.onRecurrence)) return Promise.resolve([]);
  // A green run recovers everything its scope filed, whatever the fingerprint template made of the run.
  const read = openItems(acting, fingerprint, intent === 'recover' ? 'recovery' : 'fingerprint');
  read.catch(() => undefined);
  return read;
}

type Recovery = { side?: Pick<SideItems, 'recovered' | 'recoveryPlan'>; incomplete?: boolean };

/**
 * A green run that files for its success (`failures`: the fingerprint of the run's failures) under
 * `createOn: always` also recovers: the failures' open items of its scope are resolved, as a run that files
 * nothing resolves them. Their settling is reported beside the run's item (in a dry run, the plan); a failure
 * to resolve is warned about and leaves the run's item as it is. Any other run: nothing.
 */
async function recoverBeside(
  acting: Acting,
  view: RunView,
  failures: Fingerprint | undefined,
): Promise<Recovery> {
  const { log, type, settings } = acting;
  // With `always` one step files both series; with `success` another step files the failures and resolves
  // them, and the open items of this scope may be success items an earlier version filed with a failure's tag.
  if (!failures || settings.createOn !== 'always' || !settings.resolveOnRecovery) return {};
  let open: number[];
  try {
    open = await openItems(acting, failures, 'recovery');
  } catch (error) {
    log.warning(loc('RecoveryBesideUnread', messageOf(error)));
    return { incomplete: true };
  }
  if (open.length === 0) return {};
  try {
    const acted = await act(acting, decide('recover', settings.onRecurrence, open), {
      view,
      fingerprint: failures,
      known: open,
    });
    if (acted.report.kind === 'dryRun') return { side: { recoveryPlan: acted.report.plan } };
    if (acted.report.kind !== 'resolved') return {};
    return { side: { recovered: acted.report }, incomplete: acted.incomplete };
  } catch (error) {
    const items = open.map((id) => `${type.name} ${id}`).join(', ');
    log.warning(loc('RecoveryBesideFailed', items, messageOf(error)));
    return { incomplete: true };
  }
}

/**
 * Whether the run's tests are read for more than the details: for the test items; for a failure, when its
 * details read them anyway, when every failed step runs tests (only then can it be flaky alone) or when flaky
 * results go to the flaky-tests item (which notes them when the run's item does not list them); for a green
 * run, to note results that passed only on a rerun.
 */
function testsNeeded(settings: Settings, intent: 'file' | 'recover', facts: RunFacts): boolean {
  if (settings.trackTests === 'perTest') return true;
  if (settings.flakyTests === 'separate') return true;
  if (intent === 'recover') return false;
  const flakyAlone = facts.failures.length > 0 && facts.failures.every(isTestStep);
  return settings.flakyTests === 'ignore' && (settings.includeDetails || flakyAlone);
}

/** A run whose only failures are flaky test results files no item of its own; its flakes are noted. */
async function flakyOnly(acting: Acting, masked: RunView): Promise<Acted> {
  const tests = masked.evidence.tests;
  const count = tests?.flakyFailed ?? 0;
  acting.log.info(loc('FlakyOnly', count));
  const flaky = acting.settings.flakyTests === 'separate' ? await recordFlaky(acting, masked) : undefined;
  const outputs = flaky
    ? { id: flaky.id, url: flaky.url, action: flaky.action }
    : { action: 'none' as const };
  return { outputs, report: { kind: 'flakyOnly', count }, side: { failing: tests, flaky } };
}

/**
 * Beyond the run's own item: the failing tests' own items (`trackTests: perTest`), and the flaky results on the
 * pipeline's flaky-tests item when no new item of the run lists them. A failure here is warned about and leaves
 * the run's own item, already written, as it is: `incomplete` says that something was not written.
 */
async function sideItems(
  acting: Acting,
  masked: RunView,
  { acted, testItems }: { acted: Acted; testItems: Promise<TestItemsPlan> | undefined },
): Promise<{ side: SideItems; incomplete: boolean }> {
  const { settings, log } = acting;
  // A dry run that plans a create lists them in the item it would file, as the real run does.
  const files =
    acted.outputs.action === 'created' ||
    (acted.report.kind === 'dryRun' && acted.report.title !== undefined);
  const listedInItem = files && settings.includeDetails;
  // The two touch different items: they are written together, and each finishes before a failure is told.
  const [flaky, written] = await Promise.allSettled([
    settings.flakyTests === 'separate' && !listedInItem ? recordFlaky(acting, masked) : undefined,
    testItems?.then((plan) => trackTestItems(acting, masked, plan, acting.reads.passedTests)),
  ]);
  if (flaky.status === 'rejected') log.warning(loc('FlakyItemFailed', messageOf(flaky.reason)));
  if (written.status === 'rejected') log.warning(loc('TestItemsFailed', messageOf(written.reason)));
  const tests = written.status === 'fulfilled' ? written.value : undefined;
  return {
    side: {
      failing: masked.evidence.tests,
      tests,
      flaky: flaky.status === 'fulfilled' ? flaky.value : undefined,
    },
    incomplete: flaky.status === 'rejected' || written.status === 'rejected' || (tests?.failed ?? 0) > 0,
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

interface Run {
  readonly host: ActingHost;
  readonly settings: Settings;
  readonly context: RunContext;
  readonly log: Log;
}

/**
 * Connects to the pipelines and to Boards, starts the read of the run's records and, from this job's own
 * status (the intent it implies, when it implies one), the reads that status already calls for.
 */
function connect(
  run: Run,
  credentials: { job: Credentials; boards: Credentials },
): { connected: Omit<Acting, 'type'>; records: Promise<RunRecords>; early: Intent | undefined } {
  const { host, settings, context, log } = run;
  const pipelines = host.connectPipelines(credentials.job);
  const boards = host.connectBoards(credentials.boards);
  const project = settings.project ?? context.project;
  const early = intentFromJobOutcome(settings, jobOutcome(context.jobStatus));
  const records = readFacts(pipelines, context, log.warning);
  const reads = readsOf({ boards, pipelines, settings, project, context, warn: log.warning }, records);
  reads.startEarly(early);
  const collectionUri = credentials.boards.url;
  const connected = {
    host,
    boards,
    pipelines,
    log,
    settings,
    project,
    collectionUri,
    runKey: runKey(context),
    reads,
  };
  return { connected, records, early };
}

/** The job token, which reads the run's records, and the credentials that write to Boards. */
function credentialsOf(
  host: ActingHost,
  settings: Settings,
  context: RunContext,
): { job: Credentials; boards: Credentials } {
  const job = host.jobCredentials();
  if (!job) throw new EnvironmentError(loc('JobTokenMissing'));
  return {
    job: { ...job, identity: jobTokenIdentity(context) },
    boards: writerCredentials(host, settings, context, job),
  };
}
