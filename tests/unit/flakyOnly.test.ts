import * as assert from 'node:assert/strict';
import type { FailedStep, TestFailures } from '../../tasks/PipelineWorkItem/src/facts/model';
import type { FlakyTests } from '../../tasks/PipelineWorkItem/src/inputs/settings';
import { onlyFlakyFailures } from '../../tasks/PipelineWorkItem/src/lifecycle/flakyOnly';
import { failingTests, step, withFailures } from './fixtures';

describe('flaky-only runs', () => {
  const vstest = step('Run tests', { task: 'VSTest' });
  const publish = step('Publish test results', { task: 'PublishTestResults' });
  const dotnetTest = step('dotnet test', { task: 'DotNetCoreCLI' });
  const dotnetBuild = step('dotnet build', { task: 'DotNetCoreCLI' });
  const script = step('npm test', { task: 'CmdLine' });
  const jobFailed: FailedStep = { ...step(''), errors: ['The job ran longer than 60 minutes.'] };
  // Two failed results, both flaky and so not counted; one flaky result shown apart.
  const onlyFlaky: TestFailures = { ...failingTests(0), flaky: failingTests(1).tests, flakyFailed: 2 };
  const noneFlaky: TestFailures = { ...failingTests(0), flakyFailed: 0 };

  const table: [string, FailedStep[], TestFailures | undefined, FlakyTests, boolean][] = [
    ['a test step whose failed results are all flaky', [vstest], onlyFlaky, 'separate', true],
    ['the same with flaky results ignored', [vstest], { ...onlyFlaky, flaky: [] }, 'ignore', true],
    ['flaky results counted as failures (include)', [vstest], onlyFlaky, 'include', false],
    ['several test steps, every result flaky', [vstest, publish, dotnetTest], onlyFlaky, 'separate', true],
    ['one failed result not flaky', [vstest], { ...onlyFlaky, total: 1 }, 'separate', false],
    ['no failed result at all (a missing results file)', [publish], noneFlaky, 'separate', false],
    ['flaky count unknown', [publish], failingTests(0), 'separate', false],
    ['a build step failed too', [vstest, dotnetBuild], onlyFlaky, 'separate', false],
    ['a script that runs tests is not a test step', [script], onlyFlaky, 'separate', false],
    ['a job that failed without a step', [vstest, jobFailed], onlyFlaky, 'separate', false],
    ['a step whose task is not named', [step('Run tests')], onlyFlaky, 'separate', false],
    ['no failed step', [], onlyFlaky, 'separate', false],
    ['tests that could not be read', [vstest], undefined, 'separate', false],
  ];
  for (const [name, steps, tests, mode, expected] of table) {
    it(`${expected ? 'files no item' : 'files'}: ${name}`, () =>
      assert.equal(onlyFlakyFailures(withFailures(steps), tests, mode), expected));
  }
});
