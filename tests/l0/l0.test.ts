import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MockTestRunner } from 'azure-pipelines-task-lib/mock-test';
import { repoRoot } from '../helpers/repo';

describe('L0 (tsc output under MockTestRunner)', () => {
  // task-lib writes its key files (.taskkey, and the proxy/certificate secrets) into Agent.TempDirectory, else
  // into the working directory: give each run its own folder, so that runs of the suite in other checkouts
  // or at the same time never share one, and nothing lands in the repository.
  let agentTemp: string;
  let saved: string | undefined;

  beforeEach(() => {
    agentTemp = fs.mkdtempSync(path.join(os.tmpdir(), 'pwi-l0-'));
    saved = process.env['AGENT_TEMPDIRECTORY'];
    // MockTestRunner starts the task with this process's environment.
    process.env['AGENT_TEMPDIRECTORY'] = agentTemp;
  });

  afterEach(() => {
    if (saved === undefined) delete process.env['AGENT_TEMPDIRECTORY'];
    else process.env['AGENT_TEMPDIRECTORY'] = saved;
    fs.rmSync(agentTemp, { recursive: true, force: true });
  });

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
    assert.ok(fs.existsSync(path.join(agentTemp, '.taskkey')), `task-lib kept its key in ${agentTemp}`);
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
