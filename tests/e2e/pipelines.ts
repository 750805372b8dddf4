import type {
  BuildSeed,
  ChangeSeed,
  Emulator,
  ReleaseEnvironmentSeed,
  ReleaseJobSeed,
  ReleasePhaseSeed,
  ReleaseSeed,
  ReleaseTaskSeed,
  TestResultSeed,
  TimelineRecordSeed,
} from '../emulator/harness';
import { recordId } from '../emulator/buildView';
import { YAML_VARIABLES } from '../helpers/variables';

/** A token the agent hands the task; tests assert it never appears in the task's output. */
export const JOB_TOKEN = 'job-token-7f3c9a1e5b2d4c6e8a0b';
export const PAT = 'pat-4d2e8b6a1c9f3e7d5b0a';

/** The person who requested the runs the e2e tests seed. */
export const ALEX = { displayName: 'Alex Kim', uniqueName: 'alex@fabrikam.example' };
const COMMIT = '4f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39';

/** Variables the agent sets in a YAML (or classic) build job of run `buildId` in project WebApp. */
export function buildVariables(
  buildId: number,
  overrides: Record<string, string> = {},
): Record<string, string> {
  // The collection URL is the emulator's, set by runTask.
  const agent = Object.entries(YAML_VARIABLES).filter(
    ([name]) => name !== 'System.TeamFoundationCollectionUri',
  );
  return {
    ...Object.fromEntries(agent),
    'Build.BuildId': String(buildId),
    'Build.BuildNumber': `20261129.${buildId}`,
    // The agent names the job by its timeline record: the runs below run the task in their job `job`.
    'System.JobId': recordId(buildId, 'job'),
    ...overrides,
  };
}

const TEST_ERRORS = ['AssertionError: expected <Cart total=3> to equal 4', 'Bash exited with code 1.'];

/**
 * A YAML run whose `npm test` step failed in stage Build, job Unit tests, with `errors`; this task runs in
 * that job.
 */
export function failedYamlRun(id: number, errors: readonly string[] = TEST_ERRORS): BuildSeed {
  return {
    project: 'WebApp',
    id,
    buildNumber: `20261129.${id}`,
    // The definition `System.DefinitionId` names in `buildVariables`.
    definition: { id: 12, name: 'WebApp-CI' },
    sourceBranch: 'refs/heads/main',
    sourceVersion: COMMIT,
    requestedFor: ALEX,
    reason: 'individualCI',
    records: [
      { id: 'stage', type: 'Stage', name: 'Build', state: 'inProgress', result: null, order: 1 },
      {
        id: 'phase',
        parentId: 'stage',
        type: 'Phase',
        name: 'Test',
        state: 'inProgress',
        result: null,
        order: 1,
      },
      {
        id: 'job',
        parentId: 'phase',
        type: 'Job',
        name: 'Unit tests',
        state: 'inProgress',
        result: null,
        order: 1,
      },
      { id: 'checkout', parentId: 'job', type: 'Task', name: 'Checkout webapp@main', order: 1 },
      {
        id: 'test',
        parentId: 'job',
        type: 'Task',
        name: 'npm test',
        order: 2,
        result: 'failed',
        logId: 4,
        issues: errors.map((message) => ({ type: 'error' as const, message })),
      },
      {
        id: 'file',
        parentId: 'job',
        type: 'Task',
        name: 'PipelineWorkItem',
        order: 3,
        state: 'inProgress',
        result: null,
      },
    ],
    logs: { '4': ['> webapp@1.0.0 test', '1 failing'] },
  };
}

/** The timeline record of the separate job of `separateJobRun`, the task's job there (`System.JobId`). */
export const REPORT_JOB = 'report-job';

/** Stage Report with its job File bug, in which this task runs, still running: a separate job's records. */
export const REPORT_STAGE: readonly TimelineRecordSeed[] = [
  { id: 'report', type: 'Stage', name: 'Report', order: 2, state: 'inProgress', result: null },
  {
    id: REPORT_JOB,
    parentId: 'report',
    type: 'Job',
    name: 'File bug',
    order: 1,
    state: 'inProgress',
    result: null,
  },
  {
    id: 'self',
    parentId: REPORT_JOB,
    type: 'Task',
    name: 'PipelineWorkItem',
    order: 1,
    state: 'inProgress',
    result: null,
  },
];

/**
 * A YAML run where job Unit tests of stage Build failed and this task runs in a separate job
 * (`dependsOn: Build`, `condition: failed()`) of stage Report, whose own status is Succeeded.
 */
export function separateJobRun(id: number): BuildSeed {
  const run = failedYamlRun(id);
  const records = (run.records ?? []).map((record) =>
    record.id === 'file'
      ? {
          ...record,
          id: 'test-report',
          state: 'completed' as const,
          result: 'succeeded' as const,
          name: 'Publish results',
        }
      : record.id === 'stage' || record.id === 'phase' || record.id === 'job'
        ? { ...record, state: 'completed' as const, result: 'failed' as const }
        : record,
  );
  return {
    ...run,
    records: [...records, ...REPORT_STAGE],
  };
}

/** A classic build definition's run: one implicit stage and job (`__default`, `Job`), a failed MSBuild step. */
export function failedClassicBuild(id: number): BuildSeed {
  return {
    project: 'WebApp',
    id,
    buildNumber: `WebApp-Classic_${id}`,
    definition: { name: 'WebApp-Classic' },
    sourceBranch: 'refs/heads/release/2.1',
    sourceVersion: COMMIT,
    requestedFor: ALEX,
    reason: 'manual',
    records: [
      { id: 'stage', type: 'Stage', name: '__default', state: 'inProgress', result: null, order: 1 },
      {
        id: 'phase',
        parentId: 'stage',
        type: 'Phase',
        name: 'Phase_1',
        state: 'inProgress',
        result: null,
        order: 1,
      },
      { id: 'job', parentId: 'phase', type: 'Job', name: 'Job', state: 'inProgress', result: null, order: 1 },
      {
        id: 'msbuild',
        parentId: 'job',
        type: 'Task',
        name: 'Build solution',
        order: 1,
        result: 'failed',
        issues: [{ type: 'error', message: 'Program.cs(12,5): error CS1002: ; expected' }],
      },
      {
        id: 'file',
        parentId: 'job',
        type: 'Task',
        name: 'Pipeline Work Item',
        order: 2,
        state: 'inProgress',
        result: null,
      },
    ],
  };
}

/** A green YAML run: every finished record succeeded. */
export function greenYamlRun(id: number): BuildSeed {
  const run = failedYamlRun(id);
  return {
    ...run,
    records: (run.records ?? []).map((record) =>
      record.id === 'test' ? { ...record, result: 'succeeded' as const, issues: [] } : record,
    ),
  };
}

/** The timeline record id of the job the task runs in, in the runs that name it (`System.JobId`). */
export const OWN_JOB = '3f6c1a52-9d0e-4b7a-8c21-5e4d3c2b1a09';

/**
 * A green run whose job `Unit tests` (record `OWN_JOB`) runs the task while a matrix leg of the same stage,
 * `Windows`, is as `leg` says (still running, or done).
 */
export function greenBesideLeg(id: number, leg: Pick<TimelineRecordSeed, 'state' | 'result'>): BuildSeed {
  const run = greenYamlRun(id);
  const records = (run.records ?? []).map((record) =>
    record.id === 'job'
      ? { ...record, id: OWN_JOB }
      : record.parentId === 'job'
        ? { ...record, parentId: OWN_JOB }
        : record,
  );
  const windows: TimelineRecordSeed = {
    id: 'windows',
    parentId: 'phase',
    type: 'Job',
    name: 'Windows',
    order: 2,
  };
  return { ...run, records: [...records, { ...windows, ...leg }] };
}

/** Release-57 of WebApp-CD: its Production deployment's job `Deploy web` failed at the App Service deploy. */
/** `environment` with each task of its phases' jobs as `edit` makes it. */
export function withTasks(
  environment: ReleaseEnvironmentSeed,
  edit: (task: ReleaseTaskSeed) => ReleaseTaskSeed,
): ReleaseEnvironmentSeed {
  const phases = (environment.phases ?? []).map((phase) => ({
    ...phase,
    jobs: phase.jobs.map((job) => ({ ...job, tasks: job.tasks.map(edit) })),
  }));
  return { ...environment, phases };
}

/** The timeline record of the release job the task runs in (`System.JobId` in `releaseVariables`). */
export const RELEASE_OWN_JOB = '8d2f4c1a-6b3e-4f70-9a15-2c7e0b9d4e61';

export function classicRelease(id: number, outcome: 'failed' | 'succeeded'): ReleaseSeed {
  return {
    project: 'WebApp',
    id,
    name: `Release-${id}`,
    definition: { name: 'WebApp-CD' },
    artifacts: [
      {
        alias: '_WebApp-CI',
        isPrimary: true,
        buildId: 812,
        buildNumber: '20261129.812',
        definition: { name: 'WebApp-CI' },
        branch: 'refs/heads/main',
      },
    ],
    environments: [
      {
        id: 2,
        name: 'QA',
        status: 'succeeded',
        phases: [
          {
            name: 'Deploy',
            status: 'succeeded',
            jobs: [
              { name: 'Deploy web', status: 'succeeded', tasks: [{ name: 'Deploy', status: 'succeeded' }] },
            ],
          },
        ],
      },
      {
        id: 3,
        name: 'Production',
        status: 'inProgress',
        phases: [
          {
            name: 'Deploy web',
            status: outcome === 'failed' ? 'failed' : 'succeeded',
            jobs: [
              {
                name: 'Deploy web',
                status: outcome,
                tasks: [
                  { name: 'Download artifacts', status: 'succeeded' },
                  outcome === 'failed'
                    ? {
                        name: 'Azure App Service deploy',
                        status: 'failed',
                        issues: [{ issueType: 'Error', message: "Slot 'staging' was not found." }],
                      }
                    : { name: 'Azure App Service deploy', status: 'succeeded' },
                ],
              },
            ],
          },
          {
            name: 'Report',
            status: 'inProgress',
            jobs: [
              {
                name: 'File work item',
                timelineRecordId: RELEASE_OWN_JOB,
                status: 'inProgress',
                tasks: [{ name: 'Pipeline Work Item', status: 'inProgress' }],
              },
            ],
          },
        ],
      },
    ],
  };
}

/** `release` with Production's deploy phase (the one before the task's Report phase) replaced by `phase`. */
export function withProductionDeploy(release: ReleaseSeed, phase: ReleasePhaseSeed): ReleaseSeed {
  return {
    ...release,
    environments: release.environments?.map((environment) =>
      environment.name === 'Production'
        ? { ...environment, phases: [phase, ...(environment.phases ?? []).slice(1)] }
        : environment,
    ),
  };
}

/**
 * Seeds a classic release and, first, the build of its primary artifact (812, as the release variables say): a
 * release deploys a build that exists, whose changes the task reads.
 */
export async function seedClassicRelease(
  emulator: Emulator,
  release: ReleaseSeed,
): Promise<{ id: number; webUrl: string }> {
  await emulator.seedBuild({ ...greenYamlRun(812), project: release.project });
  return emulator.seedRelease(release);
}

/**
 * A release whose Production stage runs a deployment group job: one job per target machine (`targets`), each
 * running the task, the stage still in progress.
 */
export function deploymentGroupRelease(id: number, targets: ReleaseJobSeed[]): ReleaseSeed {
  const release = classicRelease(id, 'succeeded');
  return {
    ...release,
    environments: release.environments?.map((environment) =>
      environment.name === 'Production'
        ? {
            ...environment,
            phases: [
              {
                name: 'Deploy web',
                phaseType: 'machineGroupBasedDeployment',
                status: 'inProgress',
                jobs: targets,
              },
            ],
          }
        : environment,
    ),
  };
}

/** A target of `deploymentGroupRelease`: its deploy step's status, and the task running in it. */
export function deploymentTarget(
  machine: string,
  timelineRecordId: string,
  status: 'failed' | 'succeeded' | 'inProgress',
  deploy: 'failed' | 'succeeded' | 'inProgress' = status,
): ReleaseJobSeed {
  return {
    name: `Deploy web (${machine})`,
    timelineRecordId,
    status,
    tasks: [
      { name: 'Deploy', status: deploy },
      ...(status === 'inProgress' ? [{ name: 'Pipeline Work Item', status: 'inProgress' as const }] : []),
    ],
  };
}

/** The variables of the task's job on `machine`, a target of a deployment group job of release `id`. */
export function onDeploymentTarget(
  id: number,
  webUrl: string,
  machine: string,
  jobId: string,
  status: string,
): Record<string, string> {
  return {
    ...releaseVariables(id, status, webUrl),
    'System.HostType': 'deployment',
    'System.JobId': jobId,
    'System.JobDisplayName': `Deploy web (${machine})`,
  };
}

/** Variables the agent sets in a classic release job deploying `environment` of release `releaseId`. */
export function releaseVariables(
  releaseId: number,
  jobStatus: string,
  webUrl: string,
): Record<string, string> {
  return {
    'System.TeamProject': 'WebApp',
    'System.HostType': 'release',
    'Release.ReleaseId': String(releaseId),
    'Release.ReleaseName': `Release-${releaseId}`,
    'Release.DefinitionName': 'WebApp-CD',
    'Release.DefinitionId': '4',
    'Release.EnvironmentName': 'Production',
    'Release.EnvironmentId': '3',
    'Release.AttemptNumber': '1',
    'Release.ReleaseWebUrl': webUrl,
    'Release.RequestedFor': 'Sam Rivera',
    'Release.RequestedForEmail': 'sam@fabrikam.example',
    'Release.Reason': 'ContinuousIntegration',
    'Build.BuildId': '812',
    'Build.BuildNumber': '20261129.812',
    'Build.SourceBranch': 'refs/heads/main',
    'Build.SourceVersion': COMMIT,
    'System.JobDisplayName': 'File work item',
    'System.JobId': RELEASE_OWN_JOB,
    'Agent.JobStatus': jobStatus,
  };
}

const SAM = { displayName: 'Sam Rivera', uniqueName: 'sam@fabrikam.example' };

/** The commit that came in with the earlier build where `CartTests.rounds_down` began to fail. */
export const EARLIER_CHANGES: ChangeSeed[] = [
  {
    id: '7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b',
    message: 'Round prices half-even\n\nBankers rounding for the invoice totals.',
    author: SAM,
  },
];

/**
 * An earlier run of the same pipeline (WebApp-CI on main), whose `npm test` failed first with
 * `CartTests.rounds_down`: the build a later failing-since result names, with its own changes.
 */
export function earlierFailedRun(id: number): BuildSeed {
  return {
    ...failedYamlRun(id),
    buildNumber: `20261201.${id}`,
    startTime: '2026-12-01T08:00:00.000Z',
    status: 'completed',
    result: 'failed',
    changes: EARLIER_CHANGES,
    testResults: [
      {
        testCaseTitle: 'rounds down',
        automatedTestName: 'WebApp.Tests.CartTests.rounds_down',
        outcome: 'Failed',
        errorMessage: 'Expected 3 but was 4',
      },
    ],
  };
}

/**
 * The test results of a run in which tests fail in every way the task tells apart: a new failure, one failing
 * since the earlier build `since` (see `earlierFailedRun`), one that Azure DevOps flagged flaky, one of
 * `OutcomeConfidence` 0, one that passed only on a rerun, and a test that passed.
 */
export function mixedTestResults(since: number): TestResultSeed[] {
  return [
    {
      testCaseTitle: 'adds tax',
      automatedTestName: 'WebApp.Tests.CartTests.adds_tax',
      outcome: 'Failed',
      errorMessage: 'Expected 10.8 but was 10',
      stackTrace: 'at CartTests.adds_tax() in CartTests.cs:line 42',
      owner: ALEX,
    },
    {
      testCaseTitle: 'rounds down',
      automatedTestName: 'WebApp.Tests.CartTests.rounds_down',
      outcome: 'Failed',
      errorMessage: 'Expected 3 but was 4',
      stackTrace: 'at CartTests.rounds_down() in CartTests.cs:line 57',
      failingSince: { buildId: since },
    },
    {
      testCaseTitle: 'checks out',
      automatedTestName: 'WebApp.Tests.CheckoutTests.checks_out',
      outcome: 'Failed',
      errorMessage: 'Timed out after 30000 ms',
      customFields: [{ fieldName: 'IsTestResultFlaky', value: true }],
    },
    {
      testCaseTitle: 'loads the page',
      automatedTestName: 'WebApp.Tests.CheckoutTests.loads_the_page',
      outcome: 'Failed',
      errorMessage: 'Connection reset',
      customFields: [{ fieldName: 'OutcomeConfidence', value: 0 }],
    },
    {
      testCaseTitle: 'sends the receipt',
      automatedTestName: 'WebApp.Tests.MailTests.sends_the_receipt',
      outcome: 'Passed',
      resultGroupType: 'rerun',
    },
    {
      testCaseTitle: 'lists items',
      automatedTestName: 'WebApp.Tests.CartTests.lists_items',
      outcome: 'Passed',
    },
  ];
}

/**
 * A failed YAML run (`failedYamlRun`) whose tests fail as `mixedTestResults` says, and the earlier build `since`
 * of the same pipeline where `rounds_down` began to fail; seed both.
 */
export function runWithMixedTests(id: number, since: number): { run: BuildSeed; earlier: BuildSeed } {
  return {
    run: { ...failedYamlRun(id), testResults: mixedTestResults(since) },
    earlier: earlierFailedRun(since),
  };
}
