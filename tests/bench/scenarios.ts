// The runs the benchmark measures, seeded from the e2e pipelines. Each one states the action the task must
// report: a run that does something else is an error of the benchmark, not a figure.
import type { AgentJob } from '../e2e/agent';
import { COMMITS, failedMultiStageRun, multiStageVariables } from '../e2e/evidenceRuns';
import { buildVariables, greenYamlRun } from '../e2e/pipelines';
import type { Emulator } from '../emulator/harness';

/** A job as a scenario gives it: the collection URL and the job token are the benchmark's. */
export type Job = Omit<AgentJob, 'collectionUrl' | 'jobToken'>;

export type ScenarioId = 'newFailure' | 'recurrence' | 'recovery' | 'successNothingOpen' | 'dryRun';

/** What a scenario may use to set the organization up: the emulator, and the task to leave an open item. */
export interface Setup {
  readonly emulator: Emulator;
  /** Runs the packaged task for `job` at zero latency; returns its WorkItemAction. */
  runTask(job: Job): Promise<string>;
}

export interface Scenario {
  readonly id: ScenarioId;
  readonly title: string;
  /** The WorkItemAction the measured run must report. */
  readonly action: string;
  /**
   * Targets: sequential round trips and requests at most, and the wall time at zero latency at most this many
   * times the floor's (floor.ts: task-lib loaded, one input read, the result set).
   */
  readonly targets: {
    readonly roundTrips?: number;
    readonly requests?: number;
    readonly timesFloor?: number;
  };
  /** Seeds the organization and returns the job to measure. */
  prepare(setup: Setup): Promise<Job>;
}

const FIRST = 8801;
const AGAIN = 8802;

/**
 * Two failed steps in two stages (npm test, eslint) with 1000-line logs, 5 failing tests and 2 commits; the
 * task runs as the last step of the failed Lint job (`condition: failed()`), with default inputs.
 */
async function seedFailure(emulator: Emulator, id: number): Promise<Job> {
  await emulator.seedBuild(failedMultiStageRun(id, { tests: 5, commits: COMMITS, taskIn: 'lint' }));
  return { variables: buildVariables(id, multiStageVariables('lint')) };
}

/** The new-failure run, seeded: the job to measure with other inputs. */
export const seedFailedRun = (emulator: Emulator): Promise<Job> => seedFailure(emulator, FIRST);

/** A green run of the same pipeline and branch: this job succeeded, so did the others. */
async function seedGreen(emulator: Emulator, id: number): Promise<Job> {
  await emulator.seedBuild(greenYamlRun(id));
  return { variables: buildVariables(id, { 'Agent.JobStatus': 'Succeeded' }) };
}

/** Files the first failure's item with the task itself, so the measured run finds it open. */
async function leaveOpenItem(setup: Setup): Promise<void> {
  const action = await setup.runTask(await seedFailure(setup.emulator, FIRST));
  if (action !== 'created') throw new Error(`setting up an open item: the task reported '${action}'`);
}

export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'newFailure',
    title: 'new failure, full details',
    action: 'created',
    targets: { roundTrips: 4, requests: 14, timesFloor: 1.8 },
    prepare: ({ emulator }) => seedFailure(emulator, FIRST),
  },
  {
    id: 'recurrence',
    title: 'recurrence (comment)',
    action: 'commented',
    targets: { roundTrips: 3 },
    prepare: async (setup) => {
      await leaveOpenItem(setup);
      return seedFailure(setup.emulator, AGAIN);
    },
  },
  {
    id: 'recovery',
    title: 'recovery (resolve)',
    action: 'resolved',
    targets: {},
    prepare: async (setup) => {
      await leaveOpenItem(setup);
      return seedGreen(setup.emulator, AGAIN);
    },
  },
  {
    id: 'successNothingOpen',
    title: 'success, nothing open',
    action: 'none',
    targets: { roundTrips: 2, requests: 6 },
    prepare: ({ emulator }) => seedGreen(emulator, FIRST),
  },
  {
    id: 'dryRun',
    title: 'dry run (new failure)',
    action: 'none',
    targets: {},
    prepare: async ({ emulator }) => {
      const job = await seedFailure(emulator, FIRST);
      return { ...job, inputs: { dryRun: 'true' } };
    },
  },
];

/**
 * The cold-start run: the least work through the real entry point that still ends the normal way. A failed
 * pull-request validation run (includePullRequests defaults to false): the task loads, reads its inputs, the
 * run's variables and the job token, decides to file nothing, writes the run summary, its outputs and its result
 * (Succeeded), and sends no request. A green run would have to read the run's timeline (another job may have
 * failed); an input error ends as Failed through the error path.
 */
export const COLD_START: { readonly job: Job; readonly action: string } = {
  job: {
    variables: buildVariables(FIRST, {
      'Build.Reason': 'PullRequest',
      'Build.SourceBranch': 'refs/pull/7/merge',
      'System.PullRequest.PullRequestId': '7',
    }),
  },
  action: 'none',
};
