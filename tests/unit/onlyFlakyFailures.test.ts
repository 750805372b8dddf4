import * as assert from 'node:assert/strict';
import type { TestFailures } from '../../tasks/PipelineWorkItem/src/facts/model';
import { onlyFlakyFailures } from '../../tasks/PipelineWorkItem/src/facts/tests';
import { failingTests, step, withFailures } from './fixtures';

// A run whose failed results read were all flaky (`flaky` of them), or also `real` ones.
const results = (flaky: number, real = 0): TestFailures => ({ ...failingTests(real), flakyFailures: flaky });

const VSTEST = step('Run tests', { task: 'VSTest' });

describe('a run that failed only through flaky test results', () => {
  const cases: [name: string, failed: boolean, ...args: Parameters<typeof onlyFlakyFailures>][] = [
    [
      'a test step failed, and every failed result is flaky',
      true,
      withFailures([VSTEST]),
      results(2),
      'separate',
    ],
    ['the same with flakyTests ignore', true, withFailures([VSTEST]), results(2), 'ignore'],
    [
      'test tasks known whatever the case: PublishTestResults, DotNetCoreCLI running tests',
      true,
      withFailures([
        step('Publish results', { task: 'publishtestresults' }),
        step('dotnet test', { task: 'DotNetCoreCLI' }),
      ]),
      results(1),
      'separate',
    ],
    [
      'flakyTests include counts flaky results as failures',
      false,
      withFailures([VSTEST]),
      results(2),
      'include',
    ],
    ['a real failure among them', false, withFailures([VSTEST]), results(2, 1), 'separate'],
    ['no flaky result either', false, withFailures([VSTEST]), results(0), 'separate'],
    ['the tests could not be read', false, withFailures([VSTEST]), undefined, 'separate'],
    ['no failed step', false, withFailures([]), results(2), 'separate'],
    [
      'another step failed too',
      false,
      withFailures([VSTEST, step('Build', { task: 'DotNetCoreCLI' })]),
      results(2),
      'separate',
    ],
    [
      'a script that runs tests is no test task',
      false,
      withFailures([step('npm test', { task: 'CmdLine' })]),
      results(2),
      'separate',
    ],
    [
      'a step whose task the records do not name',
      false,
      withFailures([step('Run tests')]),
      results(2),
      'separate',
    ],
  ];
  for (const [name, expected, ...args] of cases) {
    it(`${name}: ${expected ? 'only flaky' : 'not only flaky'}`, () => {
      assert.equal(onlyFlakyFailures(...args), expected);
    });
  }
});
