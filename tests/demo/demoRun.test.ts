import * as assert from 'node:assert/strict';
import { demoBuild, demoEarlierBuild, DEMO_FLAKY, DEMO_TESTS, eslintLog, npmTestLog } from './demoRun';

// The demo shows what the task makes of a real run's output, so its logs must read like one.
describe('the demo run', () => {
  it('has logs of tool output, with no numbered filler line', () => {
    const logs = Object.values(demoBuild().logs ?? {});
    assert.equal(logs.length, 2);
    for (const log of logs) {
      assert.ok(log.length > 30, 'a step log long enough for the excerpt to be a tail');
      assert.deepEqual(
        log.filter((line) => /\bline \d+$/.test(line)),
        [],
      );
      assert.match(log.at(-1) ?? '', /^##\[section\]Finishing: /);
    }
  });

  it('reports in mocha the failing tests the pipeline holds, with their messages', () => {
    const log = npmTestLog().join('\n');
    for (const test of DEMO_TESTS) {
      assert.ok(log.includes(`${test.testCaseTitle}:`), test.testCaseTitle);
      assert.ok(log.includes(test.errorMessage ?? '?'), test.errorMessage);
    }
    assert.match(log, new RegExp(`\\n {2}${DEMO_TESTS.length} failing\\n`));
    assert.match(log, /> tsc -p tsconfig\.json/);
  });

  it('shows the flaky test passing in mocha’s report, and the earlier build failing the test that fails since', () => {
    const log = npmTestLog().join('\n');
    for (const test of DEMO_FLAKY) assert.ok(log.includes(`✔ ${test.testCaseTitle}\n`), test.testCaseTitle);
    const since = DEMO_TESTS.filter((test) => test.failingSince?.buildId === demoEarlierBuild().id);
    assert.deepEqual(
      since.map((test) => test.automatedTestName),
      demoEarlierBuild().testResults?.map((test) => test.automatedTestName),
    );
  });

  it('counts in eslint’s summary the problems it lists', () => {
    // eslint colours its output; the counts are read without the codes.
    const plain = eslintLog().map((line) => line.replace(/\u001b\[\d+m/g, ''));
    const errors = plain.filter((line) => /^ {2}\d+:\d+ {2}error /.test(line)).length;
    const warnings = plain.filter((line) => /^ {2}\d+:\d+ {2}warning /.test(line)).length;
    assert.ok(plain.includes(`✖ ${errors + warnings} problems (${errors} error, ${warnings} warnings)`));
  });
});
