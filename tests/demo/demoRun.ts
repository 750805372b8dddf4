// The run `npm start` and `npm run screenshot` file a Bug for: the multi-stage run of the e2e tests (npm test failed
// in stage Build, eslint in stage Lint, where the task runs), with logs and test results that read like a real
// run's: the agent's step header, npm's install output, the TypeScript build, mocha's report and eslint's. One
// failing test is new, the other has failed since an earlier build of the pipeline, and one passed on a rerun.
import type { BuildSeed, ChangeSeed, TestResultSeed } from '../emulator/harness';
import { COMMITS, failedMultiStageRun, multiStageVariables } from '../e2e/evidenceRuns';
import { buildVariables, failedYamlRun } from '../e2e/pipelines';

export const DEMO_BUILD_ID = 812;
/** The earlier build of the same pipeline where the checkout test began to fail. */
export const DEMO_EARLIER_BUILD_ID = 805;

/** The inputs of the demo's task step. */
export const DEMO_INPUTS: Readonly<Record<string, string>> = {
  assignTo: '@requestor',
  iterationPath: '@currentIteration',
  priority: '2',
  logLines: '10',
};

// The agent's colour codes, as a real log has them (the task strips them).
const RED = '\u001b[31m';
const YELLOW = '\u001b[33m';
const DIM = '\u001b[2m';
const RESET = '\u001b[0m';

/** What the agent writes around a Bash step's script. */
function bashStep(name: string, script: string, output: readonly string[]): string[] {
  return [
    `##[section]Starting: ${name}`,
    '==============================================================================',
    'Task         : Bash',
    'Description  : Run a Bash script on macOS, Linux, or Windows',
    'Version      : 3.250.1',
    'Author       : Microsoft Corporation',
    'Help         : https://docs.microsoft.com/azure/devops/pipelines/tasks/utility/bash',
    '==============================================================================',
    'Generating script.',
    'Script contents:',
    script,
    '========================== Starting Command Output ===========================',
    '/usr/bin/bash /home/vsts/work/_temp/6f1d0b2e-3c4a-4e8b-9d7f-2a5c8e1b4d90.sh',
    ...output,
    "##[error]Bash exited with code '1'.",
    `##[section]Finishing: ${name}`,
  ];
}

const INSTALL = [
  'npm WARN deprecated left-pad@1.3.0: use String.prototype.padStart()',
  'npm WARN deprecated inflight@1.0.6: This module is not supported, and leaks memory.',
  'npm WARN deprecated glob@7.2.3: Glob versions prior to v9 are no longer supported',
  '',
  'added 612 packages, and audited 613 packages in 14s',
  '',
  '148 packages are looking for funding',
  '  run `npm fund` for details',
  '',
  'found 0 vulnerabilities',
];

// Mocha's spec reporter: suites and their passing tests, with the two failures numbered in place.
const SUITES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['Address', ['parses a street and number', 'keeps the postcode as text', 'refuses an empty city']],
  [
    'Cart',
    [
      'adds an item',
      'adds the same item twice as quantity 2',
      'removes an item',
      '1) rounds the total',
      'applies a percentage discount',
      'keeps the currency of the first item',
    ],
  ],
  [
    'Checkout',
    [
      'asks for an address first',
      '2) charges the rounded total',
      'sends one confirmation email',
      'retries a declined card once',
    ],
  ],
  ['Currency', ['formats euros with a comma', 'formats dollars with a point', 'rounds half to even']],
  ['Inventory', ['reserves stock on checkout', 'releases stock after 30 minutes', 'never goes below zero']],
  ['Search', ['finds by name', 'finds by tag', 'ranks exact matches first', 'ignores case and accents']],
];

function mochaReport(): string[] {
  const lines = [''];
  for (const [suite, tests] of SUITES) {
    lines.push(`  ${suite}`);
    // A failed test shows as its number in the summary below, in red.
    for (const test of tests) lines.push(/^\d\)/.test(test) ? `    ${RED}${test}${RESET}` : `    ✔ ${test}`);
    lines.push('');
  }
  const passing = SUITES.reduce((sum, [, tests]) => sum + tests.length, 0) - 2;
  return [
    ...lines,
    '',
    `  ${passing} passing (1s)`,
    '  2 failing',
    '',
    '  1) Cart',
    '       rounds the total:',
    '',
    '      AssertionError: expected 3 to equal 4',
    '      + expected - actual',
    '',
    '      -3',
    '      +4',
    '',
    '      at Context.<anonymous> (test/cart.test.ts:18:12)',
    '      at process.processImmediate (node:internal/timers:483:21)',
    '',
    '  2) Checkout',
    '       charges the rounded total:',
    '',
    '      AssertionError: expected 9.99 to equal 10',
    '      at Context.<anonymous> (test/checkout.test.ts:31:7)',
    '      at process.processImmediate (node:internal/timers:483:21)',
    '',
  ];
}

/** The Build stage's `npm test` step: install, the TypeScript build and bundle, then mocha with two failures. */
export function npmTestLog(): string[] {
  return bashStep('npm test', 'npm ci && npm run build && npm test', [
    ...INSTALL,
    '',
    '> webapp@2.4.0 build',
    '> tsc -p tsconfig.json && esbuild src/main.ts --bundle --minify --outfile=dist/app.js',
    '',
    '',
    '  dist/app.js  182.4kb',
    '',
    '⚡ Done in 41ms',
    '',
    '> webapp@2.4.0 test',
    "> mocha --require ts-node/register 'test/**/*.test.ts'",
    ...mochaReport(),
  ]);
}

/** The Lint stage's `eslint` step: one error and two warnings in two files. */
export function eslintLog(): string[] {
  const problem = (at: string, level: 'error' | 'warning', text: string, rule: string): string =>
    `  ${DIM}${at}${RESET}  ${level === 'error' ? RED : YELLOW}${level}${RESET}  ${text}  ${DIM}${rule}${RESET}`;
  return bashStep('eslint', 'npm ci && npm run lint', [
    ...INSTALL,
    '',
    '> webapp@2.4.0 lint',
    '> eslint src --max-warnings 0',
    '',
    '/home/vsts/work/1/s/src/cart.ts',
    problem('12:5', 'error', "'rounded' is assigned a value but never used", 'no-unused-vars'),
    problem(
      '40:18',
      'warning',
      'Unexpected any. Specify a different type',
      '@typescript-eslint/no-explicit-any',
    ),
    '',
    '/home/vsts/work/1/s/src/checkout/page.tsx',
    problem(
      '7:1',
      'warning',
      "eslint-plugin-react's rule 'jsx-no-target-blank' is deprecated",
      'react/jsx-no-target-blank',
    ),
    '',
    `${RED}✖ 3 problems (1 error, 2 warnings)${RESET}`,
    '',
  ]);
}

const CHECKOUT_FAILED: TestResultSeed = {
  testCaseTitle: 'charges the rounded total',
  automatedTestName: 'Checkout charges the rounded total',
  outcome: 'Failed',
  errorMessage: 'AssertionError: expected 9.99 to equal 10',
  stackTrace: 'at Context.<anonymous> (test/checkout.test.ts:31:7)',
};

/**
 * The two failures of the mocha report, as the pipeline's test results hold them: the cart's new in this run, the
 * checkout's failing since the earlier build.
 */
export const DEMO_TESTS: readonly TestResultSeed[] = [
  {
    testCaseTitle: 'rounds the total',
    automatedTestName: 'Cart rounds the total',
    outcome: 'Failed',
    errorMessage: 'AssertionError: expected 3 to equal 4',
    stackTrace: 'at Context.<anonymous> (test/cart.test.ts:18:12)',
  },
  { ...CHECKOUT_FAILED, failingSince: { buildId: DEMO_EARLIER_BUILD_ID } },
];

/** A test of the mocha report that failed once and passed when mocha ran it again: flaky. */
export const DEMO_FLAKY: readonly TestResultSeed[] = [
  {
    testCaseTitle: 'retries a declined card once',
    automatedTestName: 'Checkout retries a declined card once',
    outcome: 'Passed',
    resultGroupType: 'rerun',
  },
];

/** The change the earlier build came with: the suspect of the checkout test. */
const EARLIER_COMMITS: ChangeSeed[] = [
  {
    id: '5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d',
    message: 'Charge the cart total at checkout\n\nThe payment used the total before rounding.',
    author: { displayName: 'Alex Kim', uniqueName: 'alex@fabrikam.example' },
  },
];

/** The earlier run of the pipeline where the checkout test failed first, with its own change. */
export function demoEarlierBuild(): BuildSeed {
  return {
    ...failedYamlRun(DEMO_EARLIER_BUILD_ID),
    buildNumber: '20261127.3',
    startTime: '2026-11-27T16:42:00.000Z',
    status: 'completed',
    result: 'failed',
    changes: EARLIER_COMMITS,
    testResults: [CHECKOUT_FAILED],
  };
}

/** The demo's failed run, with the two commits it built, and the task in the failed Lint job. */
export function demoBuild(): BuildSeed {
  return {
    ...failedMultiStageRun(DEMO_BUILD_ID, { commits: COMMITS, taskIn: 'lint' }),
    logs: { '4': npmTestLog(), '7': eslintLog() },
    testResults: [...DEMO_TESTS, ...DEMO_FLAKY],
  };
}

/** The agent variables of the task's job in the demo run. */
export function demoVariables(): Record<string, string> {
  return buildVariables(DEMO_BUILD_ID, multiStageVariables('lint'));
}
