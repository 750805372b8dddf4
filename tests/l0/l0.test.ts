import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { MockTestRunner } from 'azure-pipelines-task-lib/mock-test';
import { repoRoot } from '../helpers/repo';

describe('L0 (tsc output under MockTestRunner)', () => {
  it('fails on invalid inputs with messages naming each input, and files nothing', async () => {
    const runner = new MockTestRunner(
      path.join(__dirname, 'invalidFields.run.js'),
      path.join(repoRoot(), 'tasks', 'PipelineWorkItem', 'task.json'),
    );
    // A set nodePath and runAsync() without a version keep MockTestRunner from downloading a Node binary
    // (LoadAsync would download one too).
    runner.nodePath = process.execPath;
    await runner.runAsync();
    const output = runner.stdout + runner.stderr;
    assert.ok(runner.failed, output);
    assert.match(
      output,
      /##vso\[task\.complete result=Failed;\]Input 'fields' line 1 \('Custom\.Team Web'\) has no 'Reference\.Name='/,
      output,
    );
    assert.match(output, /Input 'title' uses the unknown placeholder \{\{oops\}\}/, output);
    assert.match(
      output,
      /##vso\[task\.setvariable variable=WorkItemAction;isOutput=true;issecret=false;\]none/,
      output,
    );
    assert.doesNotMatch(
      output,
      /task\.setvariable variable=WorkItemId;isOutput=true;issecret=false;\]\d/,
      output,
    );
  });
});
