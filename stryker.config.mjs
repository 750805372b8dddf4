// StrykerJS: mutation testing, on demand only (`npm run mutate`; not part of `npm test` or CI), of the
// task's pure core and of the code that talks to Azure DevOps and the agent (ado/, evidence/, act/,
// agentHost.ts), which the unit tests run in process: the HTTP layer faked or a local HTTP server, task-lib
// given the agent's environment. One folder: `npm run mutate -- --mutate "<glob>"`. Stryker copies the
// repository into a sandbox under .stryker-tmp/ (node_modules is linked, not copied), mutates the TypeScript
// sources listed in `mutate`, compiles the sandbox with tsc and runs the unit and property tests on the
// compiled output in out/. The e2e tests are left out: they run the packaged bundle, which never contains a
// mutant. Reports: reports/mutation/index.html and reports/mutation/mutation.json.
import { createRequire } from 'module';

const require = createRequire(import.meta.url);
// Mocha 12 support for the mocha runner, in this process and in each child process (test runners, checker) (see the file).
const mocha12CliPaths = require.resolve('./scripts/mocha12-cli-paths.cjs');
require(mocha12CliPaths);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: [
    'tasks/PipelineWorkItem/src/text/**/*.ts',
    'tasks/PipelineWorkItem/src/inputs/**/*.ts',
    'tasks/PipelineWorkItem/src/facts/**/*.ts',
    'tasks/PipelineWorkItem/src/lifecycle/**/*.ts',
    'tasks/PipelineWorkItem/src/render/**/*.ts',
    'tasks/PipelineWorkItem/src/workItem/**/*.ts',
    'tasks/PipelineWorkItem/src/ado/**/*.ts',
    'tasks/PipelineWorkItem/src/evidence/**/*.ts',
    'tasks/PipelineWorkItem/src/act/**/*.ts',
    'tasks/PipelineWorkItem/src/agentHost.ts',
  ],
  buildCommand: 'tsc -p .',
  testRunner: 'mocha',
  testRunnerNodeArgs: ['--require', mocha12CliPaths],
  checkerNodeArgs: ['--require', mocha12CliPaths],
  mochaOptions: {
    config: '.mocharc.json',
    spec: ['out/tests/unit/**/*.test.js', 'out/tests/property/**/*.test.js'],
    // It reads the TypeScript sources as text to check the loc keys; in the sandbox they hold Stryker's
    // instrumentation, so it would fail the initial run. The messages themselves are checked by every test
    // that expects an exact English message.
    // The system property test runs the whole task against the emulator for half a minute: every mutant it
    // covers (nearly all) would run it. It searches for defects; the unit tests are what measures the code.
    ignore: ['out/tests/unit/messages.test.js', 'out/tests/property/system.property.test.js'],
  },
  coverageAnalysis: 'perTest',
  // A mutant of a module-level table or constant (a static mutant) runs every test: the 589 of them would make
  // a whole run some three hours longer than its 45 minutes. The scores in CONTRIBUTING.md leave them out too.
  ignoreStatic: true,
  // Outputs of other commands; the build command makes out/ anew in the sandbox.
  ignorePatterns: ['/out', '/dist', '/build', '/coverage', '/.emulator-output'],
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  thresholds: { high: 90, low: 80, break: null },
};
