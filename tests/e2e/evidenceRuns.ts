// Runs with evidence: long logs, failing tests and commits, for the failure-details tests and the demo.
import type {
  BuildSeed,
  ChangeSeed,
  ReleaseSeed,
  TestResultSeed,
  TimelineRecordSeed,
} from '../emulator/harness';
import { ALEX, classicRelease, failedYamlRun, withTasks } from './pipelines';

const SAM = { displayName: 'Sam Rivera', uniqueName: 'sam@fabrikam.example' };
/** A step's log of `count` lines, `<name> line 0001` …, ending with `last` (which counts towards `count`). */
export function stepLog(name: string, count: number, last: readonly string[] = []): string[] {
  const numbered = Array.from(
    { length: count - last.length },
    (_, i) => `${name} line ${String(i + 1).padStart(4, '0')}`,
  );
  return [...numbered, ...last];
}

/** `count` failing tests of the cart, each with a two-line message and a stack trace. */
export function failingTests(count: number): TestResultSeed[] {
  return Array.from({ length: count }, (_, i) => ({
    testCaseTitle: `Cart total ${String(i + 1).padStart(2, '0')}`,
    automatedTestName: `WebApp.Tests.Cart.total_${String(i + 1).padStart(2, '0')}`,
    outcome: 'Failed',
    errorMessage: `Expected ${i + 4} but was ${i + 3}\nat Cart.total (cart.ts:${i + 10})\nthird line`,
    stackTrace: 'at Object.<anonymous> (cart.test.ts:12:5)',
  }));
}

/** Two commits with multi-line messages: only their first lines belong in the item. */
export const COMMITS: ChangeSeed[] = [
  {
    id: '9b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c',
    message: 'Round the cart total\n\nThe total was truncated instead of rounded.',
    author: SAM,
  },
  {
    id: '1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b',
    message: 'Lint the checkout page\n\nSigned-off-by: Alex Kim',
    author: ALEX,
  },
];

export interface MultiStageOptions {
  /** Lines in each failed step's log. */
  readonly logLength?: number;
  readonly tests?: number;
  readonly commits?: readonly ChangeSeed[];
  /** Where this task runs: a separate Report stage (status Succeeded), or the failed Lint job. */
  readonly taskIn?: 'report' | 'lint';
}

/**
 * A multi-stage YAML run: `npm test` failed in stage Build (job Unit tests) and `eslint` in stage Lint (job Static
 * analysis), each with errors, warnings and a long log (logs 4 and 7).
 */
export function failedMultiStageRun(id: number, options: MultiStageOptions = {}): BuildSeed {
  const { logLength = 1000, tests = 0, commits = [], taskIn = 'report' } = options;
  const base = failedYamlRun(id, ['AssertionError: expected 3 to equal 4', 'Bash exited with code 1.']);
  const done = { state: 'completed' as const, result: 'failed' as const };
  const build = (base.records ?? [])
    .filter((record) => record.id !== 'file')
    .map((record): TimelineRecordSeed => {
      if (record.id === 'stage' || record.id === 'phase' || record.id === 'job')
        return { ...record, ...done };
      if (record.id !== 'test') return record;
      const warning = { type: 'warning' as const, message: 'npm WARN deprecated left-pad@1.3.0' };
      return { ...record, issues: [...(record.issues ?? []), warning] };
    });
  const lintRunning = taskIn === 'lint';
  const lintState = lintRunning ? { state: 'inProgress' as const, result: null } : done;
  const lint: TimelineRecordSeed[] = [
    { id: 'lint', type: 'Stage', name: 'Lint', order: 2, ...lintState },
    { id: 'lint-phase', parentId: 'lint', type: 'Phase', name: 'Analysis', order: 1, ...lintState },
    { id: 'lint-job', parentId: 'lint-phase', type: 'Job', name: 'Static analysis', order: 1, ...lintState },
    { id: 'lint-checkout', parentId: 'lint-job', type: 'Task', name: 'Checkout webapp@main', order: 1 },
    {
      id: 'eslint',
      parentId: 'lint-job',
      type: 'Task',
      name: 'eslint',
      order: 2,
      result: 'failed',
      logId: 7,
      issues: [
        { type: 'error', message: 'src/cart.ts:12:5 no-unused-vars' },
        { type: 'warning', message: 'eslint-plugin-react is deprecated' },
      ],
    },
  ];
  const running = { state: 'inProgress' as const, result: null };
  const self: TimelineRecordSeed[] = lintRunning
    ? [{ id: 'self', parentId: 'lint-job', type: 'Task', name: 'PipelineWorkItem', order: 3, ...running }]
    : [
        { id: 'report', type: 'Stage', name: 'Report', order: 3, ...running },
        { id: 'report-job', parentId: 'report', type: 'Job', name: 'File bug', order: 1, ...running },
        {
          id: 'self',
          parentId: 'report-job',
          type: 'Task',
          name: 'PipelineWorkItem',
          order: 1,
          ...running,
        },
      ];
  return {
    ...base,
    records: [...build, ...lint, ...self],
    logs: {
      '4': stepLog('npm test', logLength, ['##[error]Bash exited with code 1.']),
      '7': stepLog('eslint', logLength, ['\u001b[31m✖ 1 problem (1 error, 0 warnings)\u001b[39m']),
    },
    testResults: failingTests(tests),
    changes: [...commits],
  };
}

/** Agent variables of the job this task runs in, for `failedMultiStageRun(id, { taskIn })`. */
export function multiStageVariables(taskIn: 'report' | 'lint' = 'report'): Record<string, string> {
  return taskIn === 'lint'
    ? {
        'System.StageName': 'Lint',
        'System.StageDisplayName': 'Lint',
        'System.JobDisplayName': 'Static analysis',
        'Agent.JobStatus': 'Failed',
      }
    : {
        'System.StageName': 'Report',
        'System.StageDisplayName': 'Report',
        'System.JobDisplayName': 'File bug',
        'Agent.JobStatus': 'Succeeded',
      };
}

/** Release `id` whose Production deploy task failed with a long log, and `tests` failing tests published there. */
export function failedReleaseWithEvidence(id: number, tests = 0, logLength = 200): ReleaseSeed {
  const release = classicRelease(id, 'failed');
  const environments = (release.environments ?? []).map((environment) => {
    if (environment.name !== 'Production') return environment;
    const edited = withTasks(environment, (task) =>
      task.name === 'Azure App Service deploy'
        ? { ...task, logLines: stepLog('deploy', logLength, ["##[error]Slot 'staging' was not found."]) }
        : task,
    );
    return { ...edited, testResults: failingTests(tests) };
  });
  return { ...release, environments };
}

/** Failed release `id` deploying build 812 of project `project`, which is seeded there with two commits. */
export function crossProjectRelease(id: number, project: string): { build: BuildSeed; release: ReleaseSeed } {
  const release = classicRelease(id, 'failed');
  return {
    build: { ...failedYamlRun(812), project, changes: COMMITS.slice(0, 2) },
    release: {
      ...release,
      artifacts: release.artifacts?.map((artifact) => ({ ...artifact, project })),
    },
  };
}
