import * as assert from 'node:assert/strict';
import * as sinon from 'sinon';
import { AdoError, SettingsError } from '../../tasks/PipelineWorkItem/src/errors';
import type { TimelineRecord } from '../../tasks/PipelineWorkItem/src/facts/model';
import type {
  Boards,
  Credentials,
  Pipelines,
  TaskHost,
  TokenCredentials,
} from '../../tasks/PipelineWorkItem/src/ports';
import type { FederatedConnection } from '../../tasks/PipelineWorkItem/src/inputs/connectionChoice';
import { run } from '../../tasks/PipelineWorkItem/src/run';
import { loc } from '../../tasks/PipelineWorkItem/src/text/messages';
import type { InputName } from '../../tasks/PipelineWorkItem/src/inputs/settings';
import {
  fingerprintOf,
  flakyFingerprintOf,
  successFingerprintOf,
  testFingerprintOf,
} from '../../tasks/PipelineWorkItem/src/lifecycle/fingerprint';
import { inputs, YAML_VARIABLES, BUG, field, runContext, RELEASE_VARIABLES, recordingHost } from './fixtures';

const JOB: TokenCredentials = {
  url: 'https://dev.azure.com/fabrikam/',
  scheme: 'bearer',
  token: 'job-token-123',
};

const FAILED_TIMELINE: TimelineRecord[] = [
  {
    id: 'j',
    parentId: undefined,
    type: 'Job',
    name: 'Build',
    order: 1,
    completed: true,
    result: 'failed',
    issues: [],
    logId: undefined,
  },
  {
    id: 't',
    parentId: 'j',
    type: 'Task',
    name: 'npm ci',
    order: 1,
    completed: true,
    result: 'failed',
    issues: [{ type: 'error', message: 'npm ERR! code E404' }],
    logId: 3,
  },
];

interface Fakes {
  host: TaskHost;
  boards: { [K in keyof Boards]: sinon.SinonStub };
  pipelines: { [K in keyof Pipelines]: sinon.SinonStub };
  outputs: Record<string, string>;
  result: sinon.SinonStub;
  logged: string[];
}

function fakes(
  values: Partial<Record<InputName, string>>,
  variables: Record<string, string> = YAML_VARIABLES,
): Fakes {
  const types = [BUG, { name: 'Task', fields: ['System.Title', 'System.Description'], states: [] }];
  const boards = {
    workItemType: sinon
      .stub()
      .callsFake((_project: string, name: string) =>
        Promise.resolve(types.find((type) => type.name.toLowerCase() === name.toLowerCase())),
      ),
    workItemTypes: sinon.stub().resolves(types),
    currentIteration: sinon.stub().resolves('WebApp\\Sprint 2'),
    queryIds: sinon.stub().resolves([]),
    workItemState: sinon.stub().resolves(undefined),
    workItemTags: sinon.stub().resolves(new Map()),
    workItemRevision: sinon.stub().resolves({ state: 'New', rev: 3 }),
    stateReasons: sinon.stub().resolves(['New', 'Fixed', 'Duplicate']),
    validateWorkItem: sinon.stub().resolves(),
    createWorkItem: sinon.stub().resolves({ id: 42 }),
    updateWorkItem: sinon.stub().resolves(),
    comments: sinon.stub().resolves([]),
    addComment: sinon.stub().resolves(),
    uploadAttachment: sinon.stub().resolves('https://dev.azure.com/fabrikam/_apis/wit/attachments/1'),
    fieldTypes: sinon.stub().resolves({ html: [], singleLine: [] }),
  };
  const pipelines = {
    timeline: sinon.stub().resolves(FAILED_TIMELINE),
    releaseDeployment: sinon.stub().resolves(undefined),
    buildLogLineCounts: sinon.stub().resolves(new Map([[3, 2]])),
    buildLogLines: sinon.stub().resolves(['npm ERR! code E404', 'npm ERR! 404 Not Found']),
    releaseTaskLogLines: sinon.stub().resolves([]),
    releaseTaskLogTail: sinon.stub().resolves({ lines: [], lineCount: 0 }),
    releaseTaskLog: sinon.stub().resolves(''),
    buildLog: sinon.stub().resolves('npm ERR! code E404\nnpm ERR! 404 Not Found'),
    testRuns: sinon.stub().resolves([]),
    testResults: sinon.stub().resolves([]),
    changes: sinon.stub().resolves([]),
    buildWorkItems: sinon.stub().resolves([]),
    newestBuilds: sinon.stub().resolves([]),
  };
  const recording = recordingHost();
  const result = sinon.stub();
  const host: TaskHost = {
    ...recording.host,
    input: inputs(values),
    variable: (name) => variables[name],
    secrets: () => [JOB.token],
    jobCredentials: () => JOB,
    connectionCredentials: sinon
      .stub()
      .returns({ url: 'https://dev.azure.com/contoso/', scheme: 'token', token: 'pat' }),
    federatedCredentials: sinon.stub().callsFake((choice: FederatedConnection) => ({
      url: choice.organizationUrl ?? 'https://dev.azure.com/contoso/',
      scheme: 'federated',
      federation: {
        connection: choice.connection,
        oidcRequestUri: 'https://dev.azure.com/fabrikam/oidc',
        jobToken: JOB.token,
        tenantId: 'tenant',
        clientId: 'client-id',
        authority: 'https://login.microsoftonline.com/',
      },
    })),
    connectBoards: sinon.stub().returns(boards),
    connectPipelines: sinon.stub().returns(pipelines),
    setResult: result,
  };
  return { host, boards, pipelines, outputs: recording.outputs, result, logged: recording.logged };
}

describe('run', () => {
  afterEach(() => sinon.restore());

  it('files a Bug for a failed run and sets the outputs and the summary', async () => {
    const f = fakes({});
    await run(f.host);
    sinon.assert.calledOnceWithExactly(f.pipelines.timeline, 'WebApp', 812);
    sinon.assert.calledOnceWithExactly(f.boards.workItemType, 'WebApp', 'Bug');
    sinon.assert.notCalled(f.boards.workItemTypes);
    sinon.assert.calledOnce(f.boards.createWorkItem);
    const [project, type, patch] = f.boards.createWorkItem.firstCall.args as [
      string,
      string,
      { path: string; value: unknown }[],
    ];
    assert.equal(project, 'WebApp');
    assert.equal(type, 'Bug');
    assert.equal(patch[0]?.value, 'WebApp-CI failed on main: Build › npm ci');
    assert.deepEqual(f.outputs, {
      WorkItemId: '42',
      WorkItemUrl: 'https://dev.azure.com/fabrikam/WebApp/_workitems/edit/42',
      WorkItemAction: 'created',
    });
    sinon.assert.calledOnceWithExactly(
      f.result,
      'Succeeded',
      'Created Bug 42: https://dev.azure.com/fabrikam/WebApp/_workitems/edit/42',
    );
    assert.ok(
      f.logged.some((line) =>
        line.startsWith(
          'summary: ### Pipeline Work Items\n\nCreated [Bug 42](https://dev.azure.com/fabrikam/WebApp/_workitems/edit/42)',
        ),
      ),
    );
  });

  it('files nothing for a green run with createOn failure, and says so', async () => {
    const f = fakes({ resolveOnRecovery: 'false' }, { ...YAML_VARIABLES, 'Agent.JobStatus': 'Succeeded' });
    f.pipelines.timeline.resolves([{ ...FAILED_TIMELINE[0]!, result: 'succeeded' }]);
    await run(f.host);
    for (const read of Object.values(f.boards)) sinon.assert.notCalled(read);
    assert.equal(f.outputs['WorkItemAction'], 'none');
    assert.equal(f.outputs['WorkItemId'], '');
    sinon.assert.calledOnceWithExactly(
      f.result,
      'Succeeded',
      "Nothing filed: the run's outcome is succeeded and createOn is failure.",
    );
  });

  it('files for a failed job elsewhere in the run when this job succeeded', async () => {
    const f = fakes({}, { ...YAML_VARIABLES, 'Agent.JobStatus': 'Succeeded' });
    await run(f.host);
    sinon.assert.calledOnce(f.boards.createWorkItem);
  });

  it("reads the field types together with the current iteration when this job's status did not start them", async () => {
    // This job succeeded and nothing resolves: nothing is read until the run's records say another job failed.
    const f = fakes(
      { resolveOnRecovery: 'false', iterationPath: '@currentIteration', fields: 'Custom.Team=Web' },
      { ...YAML_VARIABLES, 'Agent.JobStatus': 'Succeeded' },
    );
    let typesAsked = false;
    f.boards.currentIteration.callsFake(async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      typesAsked = f.boards.fieldTypes.called;
      return 'WebApp\\Sprint 2';
    });
    await run(f.host);
    sinon.assert.calledOnce(f.boards.createWorkItem);
    assert.ok(typesAsked, 'the field types were asked for only once the iteration was read');
  });

  it("reads the project's HTML fields with the types only when fields is set; unreadable, a value that could hold markup is escaped anywhere", async () => {
    const plain = fakes({});
    await run(plain.host);
    sinon.assert.notCalled(plain.boards.fieldTypes);

    const f = fakes({ fields: 'Custom.Notes=<{{branch}}>\nMicrosoft.VSTS.TCM.SystemInfo=<{{branch}}>' });
    f.boards.fieldTypes.resolves({ html: ['Custom.Notes'], singleLine: [] });
    await run(f.host);
    sinon.assert.calledOnceWithExactly(f.boards.fieldTypes, 'WebApp');
    const patch = f.boards.createWorkItem.firstCall.args[2];
    assert.equal(field(patch, 'Custom.Notes'), '&lt;main&gt;');
    assert.equal(field(patch, 'Microsoft.VSTS.TCM.SystemInfo'), '&lt;main&gt;');

    // Unread types: Custom.Notes may be an HTML field, so a pushed `<img …>` must not reach it as markup.
    const unreadable = fakes({
      fields:
        'Custom.Notes=<{{branch}}>\nMicrosoft.VSTS.TCM.SystemInfo=<{{branch}}>\nCustom.Team=Web {{branch}}\nCustom.Owner=A & B',
    });
    unreadable.boards.fieldTypes.rejects(new Error('no fields'));
    await run(unreadable.host);
    const fallback = unreadable.boards.createWorkItem.firstCall.args[2];
    assert.equal(field(fallback, 'Custom.Notes'), '&lt;main&gt;');
    assert.equal(field(fallback, 'Microsoft.VSTS.TCM.SystemInfo'), '&lt;main&gt;');
    assert.equal(field(fallback, 'Custom.Team'), 'Web main');
    assert.equal(field(fallback, 'Custom.Owner'), 'A &amp; B');
    assert.deepEqual(
      unreadable.logged.filter((line) => line.startsWith('warning:')),
      [`warning: ${loc('FieldTypesUnread', 'Custom.Notes, Custom.Owner')}`],
    );
  });

  it('a fingerprint of a megabyte of error is logged and summarized as the item shows it: its start, masked', async () => {
    const secret = 'hunter2-S3cret';
    const huge = `${'y'.repeat(1_990)}${secret}${'z'.repeat(1024 * 1024)}`;
    const f = fakes({ fingerprint: '{{firstError}}', onRecurrence: 'skip' });
    f.pipelines.timeline.resolves([
      FAILED_TIMELINE[0]!,
      { ...FAILED_TIMELINE[1]!, issues: [{ type: 'error', message: huge }] },
    ]);
    await run({ ...f.host, secrets: () => [JOB.token, secret] });
    const line = f.logged.find((message) => message.startsWith('Fingerprint: '));
    assert.ok(line !== undefined && line.length < 2_200, String(line?.length));
    // Masked, then cut to the 2,000 characters an error shows.
    assert.ok(line.startsWith(`Fingerprint: ${'y'.repeat(1_990)}***zzzzzz… (tag pwi:`), line.slice(1_990));
  });

  it('a green run with nothing open for a megabyte-long fingerprint summarizes its start, masked', async () => {
    const secret = 'hunter2-S3cret';
    const huge = `${'y'.repeat(1_990)}${secret}${'z'.repeat(1024 * 1024)}`;
    const f = fakes({ fingerprint: '{{firstError}}' }, { ...YAML_VARIABLES, 'Agent.JobStatus': 'Succeeded' });
    // A step that failed with continueOnError: the run succeeded with issues, and its error is the fingerprint.
    f.pipelines.timeline.resolves([
      { ...FAILED_TIMELINE[0]!, result: 'succeededWithIssues' },
      { ...FAILED_TIMELINE[1]!, result: 'succeededWithIssues', issues: [{ type: 'error', message: huge }] },
    ]);
    await run({ ...f.host, secrets: () => [JOB.token, secret] });
    const summary = f.logged.find((message) => message.startsWith('summary: ')) ?? '';
    assert.ok(summary.length < 2_500, String(summary.length));
    assert.ok(summary.includes(`${'y'.repeat(1_990)}\\*\\*\\*zzzzzz…`), summary.slice(-200));
  });

  it('fails on bad input before connecting to anything', async () => {
    const f = fakes({ fields: 'oops', parentId: 'x' });
    await run(f.host);
    sinon.assert.notCalled(f.host.connectPipelines as sinon.SinonStub);
    sinon.assert.notCalled(f.host.connectBoards as sinon.SinonStub);
    const [result, message] = f.result.firstCall.args as [string, string];
    assert.equal(result, 'Failed');
    assert.match(message, /^Input 'fields' line 1 \('oops'\) has no 'Reference.Name='/);
    assert.match(message, /Input 'parentId' must be the numeric id/);
    assert.equal(f.outputs['WorkItemAction'], 'none');
  });

  it('writes nothing in a dry run and logs the request', async () => {
    const f = fakes({ dryRun: 'true' });
    await run(f.host);
    sinon.assert.notCalled(f.boards.createWorkItem);
    assert.ok(f.logged.some((line) => line.includes('"path": "/fields/System.Title"')));
    sinon.assert.calledOnceWithExactly(
      f.result,
      'Succeeded',
      'Dry run: would create a Bug in project WebApp.',
    );
    assert.equal(f.outputs['WorkItemAction'], 'none');
  });

  it('warns and succeeds with issues when Azure DevOps refuses, unless failTaskOnError', async () => {
    const refused = new AdoError('Could not create the Bug: TF237111 …', { status: 403, code: 'TF237111' });
    const lenient = fakes({});
    lenient.boards.createWorkItem.rejects(refused);
    await run(lenient.host);
    sinon.assert.calledOnceWithExactly(lenient.result, 'SucceededWithIssues', refused.message);
    // The result is the warning (task-lib logs a succeeded-with-issues result's message as one): not twice.
    assert.ok(!lenient.logged.includes(`warning: ${refused.message}`));

    const strict = fakes({ failTaskOnError: 'true' });
    strict.boards.createWorkItem.rejects(refused);
    await run(strict.host);
    sinon.assert.calledOnceWithExactly(strict.result, 'Failed', refused.message);
  });

  it('a pull request from a fork whose token is refused (401, 403, or the 203 sign-in page) only warns', async () => {
    const fork = {
      ...YAML_VARIABLES,
      'Build.Reason': 'PullRequest',
      'Build.SourceBranch': 'refs/pull/9/merge',
      'System.PullRequest.IsFork': 'True',
    };
    for (const status of [401, 403, 203]) {
      const f = fakes({ includePullRequests: 'true', failTaskOnError: 'true' }, fork);
      f.boards.createWorkItem.rejects(new AdoError('Could not create the Bug: refused', { status }));
      await run(f.host);
      sinon.assert.calledOnceWithMatch(f.result, 'SucceededWithIssues', sinon.match(/comes from a fork/));
    }
  });

  it('still files from the job status when the run records cannot be read', async () => {
    const f = fakes({});
    f.pipelines.timeline.rejects(
      new AdoError('Could not read the timeline of build 812 (HTTP 500): boom', { status: 500 }),
    );
    await run(f.host);
    sinon.assert.calledOnce(f.boards.createWorkItem);
    assert.ok(f.logged.some((line) => line.startsWith('warning: Could not read the timeline of build 812')));
  });

  it('resolves @currentIteration through the team and files through the connection', async () => {
    const f = fakes({
      iterationPath: 'Platform@currentIteration',
      connection: 'other-org',
      project: 'Mobile',
    });
    await run(f.host);
    sinon.assert.calledOnceWithExactly(f.host.connectionCredentials as sinon.SinonStub, 'other-org');
    sinon.assert.calledOnceWithExactly(f.boards.currentIteration, 'Mobile', 'Platform');
    const patch = f.boards.createWorkItem.firstCall.args[2] as { path: string; value: unknown }[];
    assert.ok(
      patch.some((op) => op.path === '/fields/System.IterationPath' && op.value === 'WebApp\\Sprint 2'),
    );
    assert.equal(f.outputs['WorkItemUrl'], 'https://dev.azure.com/contoso/Mobile/_workitems/edit/42');
  });

  it('writes through a federated connection as its service principal; the run is read with the job token', async () => {
    const f = fakes({
      connectionType: 'azureRM',
      azureResourceManagerConnection: 'arm',
      organizationUrl: 'https://dev.azure.com/contoso',
    });
    await run(f.host);
    sinon.assert.calledOnceWithExactly(
      f.host.federatedCredentials as sinon.SinonStub,
      {
        kind: 'azureRM',
        input: 'azureResourceManagerConnection',
        connection: 'arm',
        organizationUrl: 'https://dev.azure.com/contoso/',
      },
      JOB,
    );
    const boardsCredentials = (f.host.connectBoards as sinon.SinonStub).firstCall.args[0] as Credentials;
    assert.equal(boardsCredentials.scheme, 'federated');
    assert.deepEqual(boardsCredentials.identity, {
      kind: 'connection',
      connection: 'arm',
      servicePrincipal: 'client-id',
    });
    // The run's records are read as the build service of the run's project, which a refusal names.
    sinon.assert.calledOnceWithExactly(f.host.connectPipelines as sinon.SinonStub, {
      ...JOB,
      identity: { kind: 'jobToken', runProject: 'WebApp', release: false },
    });
    assert.equal(f.outputs['WorkItemUrl'], 'https://dev.azure.com/contoso/WebApp/_workitems/edit/42');
  });

  it('files in the default iteration, with a warning, when the team has no current iteration', async () => {
    const f = fakes({ iterationPath: '@currentIteration' });
    f.boards.currentIteration.resolves(undefined);
    await run(f.host);
    const patch = f.boards.createWorkItem.firstCall.args[2] as { path: string }[];
    assert.ok(!patch.some((op) => op.path === '/fields/System.IterationPath'));
    assert.ok(
      f.logged.includes(
        "warning: Input 'iterationPath': the default team of project 'WebApp' has no current iteration (check that the team has selected a sprint whose dates include today: Project settings › Boards › Team configuration › Iterations, the dates under Project configuration › Iterations); the item goes to the project's default iteration.",
      ),
      f.logged.join('\n'),
    );
    sinon.assert.calledWith(f.result, 'Succeeded');
  });

  it('files in the default iteration, with a warning, when the team does not exist', async () => {
    const f = fakes({ iterationPath: 'Ghosts@currentIteration' });
    f.boards.currentIteration.rejects(
      new AdoError("Could not read the current iteration of team 'Ghosts': not found.", {}),
    );
    await run(f.host);
    sinon.assert.calledOnce(f.boards.createWorkItem);
    assert.ok(
      f.logged.some((line) =>
        line.startsWith(
          "warning: Input 'iterationPath': Could not read the current iteration of team 'Ghosts'",
        ),
      ),
    );
  });

  it('fails clearly for a type the project does not have, before writing', async () => {
    const f = fakes({ workItemType: 'Incident' });
    await run(f.host);
    sinon.assert.notCalled(f.boards.createWorkItem);
    sinon.assert.calledOnceWithExactly(
      f.result,
      'Failed',
      "Input 'workItemType': project 'WebApp' has no work item type 'Incident'. Its types are: Bug, Task.",
    );
  });

  it('never logs the token, even when an error carries it', async () => {
    const f = fakes({});
    f.boards.createWorkItem.rejects(new Error(`bad header Bearer ${JOB.token}`));
    await run(f.host);
    assert.ok(!f.logged.join('\n').includes(JOB.token), f.logged.join('\n'));
    assert.ok(!String(f.result.firstCall.args[1]).includes(JOB.token));
  });

  it('comments on the open item of a recurring failure instead of filing another', async () => {
    const f = fakes({});
    f.boards.queryIds.resolves([7]);
    f.boards.comments.resolves([
      { text: '<p>Filed</p><p><small>Pipeline Work Items · occurrence 1 · run build-811.1</small></p>' },
    ]);
    await run(f.host);
    sinon.assert.notCalled(f.boards.createWorkItem);
    const [, id, html] = f.boards.addComment.firstCall.args as [string, number, string];
    assert.equal(id, 7);
    assert.match(html, /Failed again \(occurrence 2\)/);
    assert.match(html, /occurrence 2 · run build-812\.1/);
    assert.equal(f.outputs['WorkItemAction'], 'commented');
    assert.equal(f.outputs['WorkItemId'], '7');
  });

  it('writes on the failing tests’ own items their tests as the run shows them: secrets masked, escape codes gone', async () => {
    const f = fakes({ trackTests: 'perTest' });
    const testTag = testFingerprintOf(runContext(), 'Checkout.Pays');
    f.boards.queryIds.callsFake(async (_project: string, query: string) =>
      query.includes(testTag.scopeTag) ? [7] : [],
    );
    f.boards.workItemTags.resolves(new Map([[7, [testTag.tag, testTag.scopeTag]]]));
    f.pipelines.testRuns.resolves([{ id: 5, failed: 1, passed: 0, passedOnRerun: 0, flaky: 0 }]);
    f.pipelines.testResults.resolves([
      {
        runId: 5,
        resultId: 9,
        name: 'Checkout.Pays',
        outcome: 'failed',
        message: `\u001b[31mcheckout refused token ${JOB.token}\u001b[39m`,
        stackTrace: '',
        failingSince: undefined,
        flagged: false,
        rerun: false,
      },
    ]);
    await run(f.host);
    const comment = f.boards.addComment.getCalls().find((call) => call.args[1] === 7);
    assert.ok(comment, 'the test item is commented on');
    const html = String(comment.args[2]);
    assert.ok(html.includes('<pre>checkout refused token ***</pre>'), html);
    assert.ok(!html.includes(JOB.token) && !html.includes('\u001b'), html);
  });

  it('resolves every open item of the fingerprint when the pipeline recovers', async () => {
    const f = fakes({}, { ...YAML_VARIABLES, 'Agent.JobStatus': 'Succeeded' });
    f.pipelines.timeline.resolves([{ ...FAILED_TIMELINE[0]!, result: 'succeeded' }]);
    f.boards.queryIds.resolves([7, 9]);
    await run(f.host);
    sinon.assert.calledTwice(f.boards.updateWorkItem);
    const patch = f.boards.updateWorkItem.firstCall.args[2] as { path: string; value: unknown }[];
    // The revision read is the guard: a person's save in between makes the service refuse the write.
    assert.deepEqual(patch.slice(0, 3), [
      { op: 'test', path: '/rev', value: 3 },
      { op: 'add', path: '/fields/System.State', value: 'Resolved' },
      { op: 'add', path: '/fields/System.Reason', value: 'Fixed' },
    ]);
    sinon.assert.calledOnceWithExactly(f.boards.stateReasons, 'WebApp', 'Bug');
    assert.deepEqual(f.outputs, {
      WorkItemId: '7',
      WorkItemUrl: 'https://dev.azure.com/fabrikam/WebApp/_workitems/edit/7',
      WorkItemAction: 'resolved',
    });
    sinon.assert.calledWith(f.result, 'Succeeded', 'Resolved Bug 7, Bug 9: the pipeline recovered.');
  });

  it('settles each item on its own: one refused, one unreachable, one closed by a person meanwhile', async () => {
    const f = fakes({}, { ...YAML_VARIABLES, 'Agent.JobStatus': 'Succeeded' });
    f.pipelines.timeline.resolves([{ ...FAILED_TIMELINE[0]!, result: 'succeeded' }]);
    f.boards.queryIds.resolves([7, 8, 9]);
    f.boards.workItemRevision.withArgs('WebApp', 9).resolves({ state: 'Closed', rev: 5 });
    const rule = new AdoError('Could not update work item 7: …', {
      status: 400,
      code: 'TF401320',
      refusedFields: ['Microsoft.VSTS.CMMI.RootCause'],
      serviceMessage: 'TF401320: Rule Error for field Root Cause. Error code: Required, InvalidEmpty.',
    });
    f.boards.updateWorkItem.withArgs('WebApp', 7).rejects(rule);
    f.boards.updateWorkItem.withArgs('WebApp', 8).rejects(new AdoError('Could not reach Azure DevOps.', {}));
    await run(f.host);
    sinon.assert.calledOnceWithMatch(f.boards.addComment, 'WebApp', 7, sinon.match(/recovered/));
    assert.deepEqual(f.outputs, {
      WorkItemId: '7',
      WorkItemUrl: 'https://dev.azure.com/fabrikam/WebApp/_workitems/edit/7',
      WorkItemAction: 'commented',
    });
    // One item could not be reached: not everything the run set out to write was written.
    sinon.assert.calledWith(
      f.result,
      'SucceededWithIssues',
      'The pipeline recovered: Bug 7 commented (Azure DevOps refused the state change); Bug 8 not resolved (Could not reach Azure DevOps.); Bug 9 left as Closed.',
    );
    const warnings = f.logged.filter((line) => line.startsWith('warning: '));
    assert.ok(
      warnings.some(
        (line) =>
          line.includes(
            'refused to move Bug 7 to Resolved (Fixed): TF401320: Rule Error for field Root Cause',
          ) &&
          line.includes('(field: Microsoft.VSTS.CMMI.RootCause)') &&
          line.includes('The note went in as a comment on Bug 7'),
      ),
      warnings.join('\n'),
    );
    assert.ok(
      warnings.some((line) => line.includes('Could not resolve Bug 8: Could not reach Azure DevOps.')),
    );
  });

  it('an item it could not resolve beside one it did fails the task with failTaskOnError; the outputs name the one resolved', async () => {
    const f = fakes({ failTaskOnError: 'true' }, { ...YAML_VARIABLES, 'Agent.JobStatus': 'Succeeded' });
    f.pipelines.timeline.resolves([{ ...FAILED_TIMELINE[0]!, result: 'succeeded' }]);
    f.boards.queryIds.resolves([7, 8]);
    f.boards.updateWorkItem.withArgs('WebApp', 7).rejects(new AdoError('Could not reach Azure DevOps.', {}));
    await run(f.host);
    assert.deepEqual(f.outputs, {
      WorkItemId: '8',
      WorkItemUrl: 'https://dev.azure.com/fabrikam/WebApp/_workitems/edit/8',
      WorkItemAction: 'resolved',
    });
    sinon.assert.calledWith(f.result, 'Failed', sinon.match(/Bug 7 not resolved/));
  });

  const failingTest = {
    runId: 5,
    resultId: 9,
    name: 'Checkout.Pays',
    outcome: 'failed',
    message: 'expected 200, got 500',
    stackTrace: '',
    failingSince: undefined,
    flagged: false,
    rerun: false,
  };

  it('perTest: the failed results past those read are counted apart on the run’s item', async () => {
    const f = fakes({ trackTests: 'perTest' });
    f.pipelines.testRuns.resolves([{ id: 5, failed: 1500, passed: 0, passedOnRerun: 0, flaky: 0 }]);
    f.pipelines.testResults.resolves([failingTest]);
    await run(f.host);
    const repro = String(field(f.boards.createWorkItem.firstCall.args[2], 'Microsoft.VSTS.TCM.ReproSteps'));
    assert.ok(
      repro.includes(
        '<p>1,499 failed results past the first 1,000 read have no item of their own: the Tests tab lists them.</p>',
      ),
      repro,
    );
    assert.ok(!repro.includes('a run files at most 20 new test items'), repro);
  });

  // A failing test, and Cart.Adds, which passed only on a rerun: a flaky result.
  const withRerunPass = (f: Fakes): void => {
    f.pipelines.testRuns.resolves([{ id: 5, failed: 1, passed: 1, passedOnRerun: 1, flaky: 0 }]);
    f.pipelines.testResults.callsFake(async (_project: string, _run: number, outcome: string) =>
      outcome === 'Passed'
        ? [{ ...failingTest, name: 'Cart.Adds', outcome: 'passed', message: '', rerun: true }]
        : [failingTest],
    );
  };

  for (const failTaskOnError of ['false', 'true']) {
    it(`a failing test's item that cannot be written leaves the run's item in the outputs (failTaskOnError ${failTaskOnError})`, async () => {
      const f = fakes({ trackTests: 'perTest', failTaskOnError });
      f.pipelines.testRuns.resolves([{ id: 5, failed: 1, passed: 0, passedOnRerun: 0, flaky: 0 }]);
      f.pipelines.testResults.resolves([failingTest]);
      f.boards.createWorkItem.onFirstCall().resolves({ id: 42 });
      f.boards.createWorkItem.onSecondCall().rejects(new AdoError('Could not reach Azure DevOps.', {}));
      await run(f.host);
      assert.deepEqual(f.outputs, {
        WorkItemId: '42',
        WorkItemUrl: 'https://dev.azure.com/fabrikam/WebApp/_workitems/edit/42',
        WorkItemAction: 'created',
      });
      assert.ok(
        f.logged.includes(`warning: ${loc('TestItemFailed', 'Bug', 'Could not reach Azure DevOps.')}`),
        f.logged.join('\n'),
      );
      sinon.assert.calledWith(
        f.result,
        failTaskOnError === 'true' ? 'Failed' : 'SucceededWithIssues',
        sinon.match(/^Created Bug 42/),
      );
    });
  }

  it('the flaky-tests item failing after the run commented keeps the comment in the outputs and the summary', async () => {
    const f = fakes({});
    const flakyTag = flakyFingerprintOf(runContext()).tag;
    f.boards.queryIds.callsFake(async (_project: string, query: string) => {
      if (query.includes(flakyTag))
        throw new AdoError('Could not query work items (HTTP 503): unavailable', { status: 503 });
      return [7];
    });
    withRerunPass(f);
    await run(f.host);
    assert.equal(f.outputs.WorkItemAction, 'commented');
    assert.equal(f.outputs.WorkItemId, '7');
    assert.ok(
      f.logged.includes(
        `warning: ${loc('FlakyItemFailed', 'Could not query work items (HTTP 503): unavailable')}`,
      ),
      f.logged.join('\n'),
    );
    const summary = f.logged.find((line) => line.startsWith('summary: ')) ?? '';
    assert.match(summary, /Bug 7/);
    sinon.assert.calledWith(f.result, 'SucceededWithIssues');
  });

  it('includeDetails false: the flaky results of a run that files are still noted on the flaky-tests item', async () => {
    const f = fakes({ includeDetails: 'false' });
    const flakyTag = flakyFingerprintOf(runContext()).tag;
    f.pipelines.testRuns.resolves([{ id: 5, failed: 0, passed: 1, passedOnRerun: 1, flaky: 0 }]);
    f.pipelines.testResults.resolves([
      { ...failingTest, name: 'Cart.Adds', outcome: 'passed', message: '', rerun: true },
    ]);
    await run(f.host);
    assert.equal(f.outputs.WorkItemAction, 'created');
    const flakyQuery = f.boards.queryIds.getCalls().find((call) => String(call.args[1]).includes(flakyTag));
    assert.ok(flakyQuery, 'the flaky-tests item is looked for');
    assert.equal(f.boards.createWorkItem.callCount, 2, "the run's item and the flaky-tests item");
    sinon.assert.calledWith(f.result, 'Succeeded');
  });

  describe('createOn always, a green run', () => {
    const green = { ...YAML_VARIABLES, 'Agent.JobStatus': 'Succeeded' };
    const failure = fingerprintOf(undefined, {} as never, runContext());
    const withOpenFailure = (values: Partial<Record<InputName, string>>): Fakes => {
      const f = fakes({ createOn: 'always', ...values }, green);
      f.pipelines.timeline.resolves([{ ...FAILED_TIMELINE[0]!, result: 'succeeded' }]);
      // The failure's Bug 7 is open: found by its tag and by its scope tag, never by the success's.
      f.boards.queryIds.callsFake(async (_project: string, query: string) =>
        query.includes(failure.tag) || query.includes(failure.scopeTag) ? [7] : [],
      );
      return f;
    };
    const tagsOf = (f: Fakes): string => {
      const patch = f.boards.createWorkItem.firstCall.args[2] as { path: string; value: unknown }[];
      return String(patch.find((op) => op.path === '/fields/System.Tags')?.value);
    };

    it("files its success apart, never commenting on the failure's open item, and resolves that one", async () => {
      const f = withOpenFailure({});
      await run(f.host);
      sinon.assert.notCalled(f.boards.addComment);
      sinon.assert.calledOnce(f.boards.createWorkItem);
      assert.match(tagsOf(f), /pwi:success-[0-9a-f]{12}/);
      assert.ok(!tagsOf(f).includes(failure.tag), tagsOf(f));
      sinon.assert.calledOnceWithMatch(f.boards.updateWorkItem, 'WebApp', 7);
      assert.equal(f.outputs.WorkItemAction, 'created');
      assert.equal(f.outputs.WorkItemId, '42');
      const summary = f.logged.find((line) => line.startsWith('summary: ')) ?? '';
      assert.match(summary, /The pipeline recovered: resolved \[Bug 7\]/);
      sinon.assert.calledWith(f.result, 'Succeeded');
    });

    it('createOn success: resolves nothing, the failures being another step’s (and an earlier version’s success items carry their tag)', async () => {
      const f = withOpenFailure({ createOn: 'success' });
      await run(f.host);
      sinon.assert.calledOnce(f.boards.createWorkItem);
      sinon.assert.notCalled(f.boards.updateWorkItem);
      sinon.assert.notCalled(f.boards.addComment);
    });

    it('comments on the open success item, saying the run succeeded again', async () => {
      const f = withOpenFailure({});
      const success = successFingerprintOf(failure).tag;
      f.boards.queryIds.callsFake(async (_project: string, query: string) =>
        query.includes(success) ? [11] : query.includes(failure.scopeTag) ? [7] : [],
      );
      await run(f.host);
      sinon.assert.notCalled(f.boards.createWorkItem);
      sinon.assert.calledWithMatch(f.boards.addComment, 'WebApp', 11, sinon.match(/Succeeded again/));
      const summary = f.logged.find((line) => line.startsWith('summary: ')) ?? '';
      assert.match(summary, /Succeeded again: commented on \[Bug 11\]/);
      assert.doesNotMatch(summary, /failure happened again/);
    });

    it('a dry run says in the summary that it would resolve the failure, and writes nothing', async () => {
      const f = withOpenFailure({ dryRun: 'true' });
      await run(f.host);
      sinon.assert.notCalled(f.boards.createWorkItem);
      sinon.assert.notCalled(f.boards.updateWorkItem);
      const summary = f.logged.find((line) => line.startsWith('summary: ')) ?? '';
      assert.match(summary, /Dry run: would resolve Bug 7\./);
    });

    it('a success item the service refuses still leaves the failure resolved, and the run says it filed nothing', async () => {
      const f = withOpenFailure({});
      f.boards.createWorkItem.rejects(
        new AdoError('Could not create the work item: TF401320', { status: 400 }),
      );
      await run(f.host);
      sinon.assert.calledOnceWithMatch(f.boards.updateWorkItem, 'WebApp', 7);
      assert.equal(f.outputs.WorkItemAction, 'none');
      sinon.assert.calledWith(f.result, 'SucceededWithIssues', sinon.match(/TF401320/));
    });

    it('without resolveOnRecovery, leaves the failure open', async () => {
      const f = withOpenFailure({ resolveOnRecovery: 'false' });
      await run(f.host);
      sinon.assert.notCalled(f.boards.updateWorkItem);
      sinon.assert.calledOnce(f.boards.createWorkItem);
    });

    it('the failures’ open items that cannot be looked up are warned about, the success item stays', async () => {
      const f = withOpenFailure({});
      f.boards.queryIds.callsFake(async (_project: string, query: string) => {
        if (query.includes(failure.scopeTag)) throw new AdoError('Could not reach Azure DevOps.', {});
        return [];
      });
      await run(f.host);
      assert.equal(f.outputs.WorkItemId, '42');
      assert.ok(
        f.logged.includes(`warning: ${loc('RecoveryBesideUnread', 'Could not reach Azure DevOps.')}`),
        f.logged.join('\n'),
      );
      sinon.assert.notCalled(f.boards.updateWorkItem);
      sinon.assert.calledWith(f.result, 'SucceededWithIssues');
    });

    it('a failure to resolve it is warned about, the success item stays in the outputs', async () => {
      const f = withOpenFailure({});
      f.boards.updateWorkItem.rejects(new AdoError('Could not reach Azure DevOps.', {}));
      await run(f.host);
      assert.equal(f.outputs.WorkItemId, '42');
      assert.ok(
        f.logged.some((line) => line.startsWith('warning: ') && line.includes('Bug 7')),
        f.logged.join('\n'),
      );
      sinon.assert.calledWith(f.result, 'SucceededWithIssues');
    });
  });

  it('the check for a race after the create failing keeps the item filed in the outputs and the summary', async () => {
    const f = fakes({});
    let openQueries = 0;
    f.boards.queryIds.callsFake(async (_project: string, query: string) => {
      if (query.endsWith('DESC')) return [];
      openQueries += 1;
      if (openQueries > 1)
        throw new AdoError('Could not query work items (HTTP 503): unavailable', { status: 503 });
      return [];
    });
    await run(f.host);
    assert.equal(openQueries, 2, 'the open items before the create, and the check after it');
    assert.deepEqual(f.outputs, {
      WorkItemId: '42',
      WorkItemUrl: 'https://dev.azure.com/fabrikam/WebApp/_workitems/edit/42',
      WorkItemAction: 'created',
    });
    assert.ok(
      f.logged.includes(
        `warning: ${loc('RaceCheckFailed', 'Bug', 42, 'Could not query work items (HTTP 503): unavailable')}`,
      ),
      f.logged.join('\n'),
    );
    sinon.assert.calledWith(f.result, 'SucceededWithIssues', sinon.match(/^Created Bug 42/));
  });

  it("the failing tests' open items that cannot be looked up cost their items, not the run's", async () => {
    const f = fakes({ trackTests: 'perTest' });
    const testsScope = testFingerprintOf(runContext(), 'Checkout.Pays').scopeTag;
    f.boards.queryIds.callsFake(async (_project: string, query: string) => {
      if (query.includes(testsScope))
        throw new AdoError('Could not query work items (HTTP 503): unavailable', { status: 503 });
      return [];
    });
    f.pipelines.testRuns.resolves([{ id: 5, failed: 1, passed: 0, passedOnRerun: 0, flaky: 0 }]);
    f.pipelines.testResults.resolves([failingTest]);
    await run(f.host);
    assert.equal(f.outputs.WorkItemAction, 'created');
    sinon.assert.calledOnce(f.boards.createWorkItem);
    assert.ok(
      f.logged.includes(
        `warning: ${loc('TestItemsFailed', 'Could not query work items (HTTP 503): unavailable')}`,
      ),
      f.logged.join('\n'),
    );
    sinon.assert.calledWith(f.result, 'SucceededWithIssues');
  });

  it('a dry run that would file the item plans no flaky-tests item: the item would list the flaky results', async () => {
    const f = fakes({ dryRun: 'true' });
    const flakyTag = flakyFingerprintOf(runContext()).tag;
    withRerunPass(f);
    await run(f.host);
    assert.ok(
      !f.boards.queryIds.getCalls().some((call) => String(call.args[1]).includes(flakyTag)),
      'no flaky-tests item looked for',
    );
    assert.ok(!f.logged.some((line) => /flaky-tests/.test(line)), f.logged.join('\n'));
  });

  it('re-reads after a conflict and retries once while the item is still open', async () => {
    const f = fakes({}, { ...YAML_VARIABLES, 'Agent.JobStatus': 'Succeeded' });
    f.pipelines.timeline.resolves([{ ...FAILED_TIMELINE[0]!, result: 'succeeded' }]);
    f.boards.queryIds.resolves([7]);
    f.boards.workItemRevision.onSecondCall().resolves({ state: 'Active', rev: 4 });
    f.boards.updateWorkItem.onFirstCall().rejects(new AdoError('TF26071', { status: 412, code: 'TF26071' }));
    await run(f.host);
    sinon.assert.calledTwice(f.boards.updateWorkItem);
    const retry = f.boards.updateWorkItem.secondCall.args[2] as { op: string; value: unknown }[];
    assert.deepEqual(retry[0], { op: 'test', path: '/rev', value: 4 });
    assert.equal(f.outputs['WorkItemAction'], 'resolved');
  });

  it('fails the filing only when every item failed', async () => {
    const f = fakes({}, { ...YAML_VARIABLES, 'Agent.JobStatus': 'Succeeded' });
    f.pipelines.timeline.resolves([{ ...FAILED_TIMELINE[0]!, result: 'succeeded' }]);
    f.boards.queryIds.resolves([7, 9]);
    f.boards.updateWorkItem.rejects(new AdoError('Could not reach Azure DevOps.', {}));
    await run(f.host);
    sinon.assert.calledWith(f.result, 'SucceededWithIssues', 'Could not reach Azure DevOps.');
    assert.equal(f.outputs['WorkItemAction'], 'none');
  });

  it('succeeds with issues, filing nothing, when neither the records nor the job status decide', async () => {
    const f = fakes({}, { ...YAML_VARIABLES, 'Agent.JobStatus': 'Succeeded' });
    f.pipelines.timeline.rejects(new AdoError('Could not read the timeline of build 812 (HTTP 500).', {}));
    await run(f.host);
    sinon.assert.notCalled(f.boards.createWorkItem);
    sinon.assert.notCalled(f.boards.queryIds);
    const [result, message] = f.result.firstCall.args as [string, string];
    assert.equal(result, 'SucceededWithIssues');
    assert.match(message, /The run's outcome could not be established/);
    // Said once, by the result (task-lib logs its message as a warning).
    assert.ok(
      !f.logged.some((line) => line.startsWith("warning: The run's outcome could not be established")),
    );
  });

  it('files nothing and connects to nothing for a pull-request run, unless includePullRequests', async () => {
    const pr = {
      ...YAML_VARIABLES,
      'Build.Reason': 'PullRequest',
      'Build.SourceBranch': 'refs/pull/7/merge',
    };
    const quiet = fakes({}, pr);
    await run(quiet.host);
    sinon.assert.notCalled(quiet.host.connectPipelines as sinon.SinonStub);
    assert.equal(quiet.outputs['WorkItemAction'], 'none');
    const filed = fakes({ includePullRequests: 'true' }, pr);
    await run(filed.host);
    sinon.assert.calledOnce(filed.boards.createWorkItem);
  });

  it('keeps SettingsError problems as the message', () => {
    assert.equal(new SettingsError(['a', 'b']).message, 'a\nb');
  });
});

describe('run: a rerun older than the newest run of its lane', () => {
  afterEach(() => sinon.restore());

  const GREEN = { ...YAML_VARIABLES, 'Agent.JobStatus': 'Succeeded' };
  const NEWER = {
    id: 813,
    number: '20261201.813',
    branchRef: 'refs/heads/main',
    url: 'https://dev.azure.com/fabrikam/WebApp/_build/results?buildId=813',
  };
  const LANE = { definitionId: 12, branchRef: 'refs/heads/main', top: 2 };
  const STALE = loc('StaleRerun', NEWER.number, 'main', NEWER.url);
  const writes = (f: Fakes): sinon.SinonStub[] => [
    f.boards.createWorkItem,
    f.boards.updateWorkItem,
    f.boards.addComment,
    f.boards.uploadAttachment,
    f.boards.validateWorkItem,
  ];

  /** A green run (build 812) whose open Bugs 7 and 9 an older failure filed, in job or stage attempt `attempt`. */
  function greenRerun(attempt: Record<string, string>): Fakes {
    const f = fakes({}, { ...GREEN, ...attempt });
    f.pipelines.timeline.resolves([{ ...FAILED_TIMELINE[0]!, result: 'succeeded' }]);
    f.boards.queryIds.resolves([7, 9]);
    return f;
  }

  const attempts: Record<string, string>[] = [{ 'System.JobAttempt': '2' }, { 'System.StageAttempt': '2' }];
  for (const attempt of attempts) {
    it(`a green rerun (${Object.keys(attempt)[0]} 2) resolves nothing once a newer build of its branch was queued`, async () => {
      const f = greenRerun(attempt);
      f.pipelines.newestBuilds.resolves([NEWER, { ...NEWER, id: 812, number: '20261129.3' }]);
      await run(f.host);
      sinon.assert.calledOnceWithExactly(f.pipelines.newestBuilds, 'WebApp', LANE);
      for (const write of writes(f)) sinon.assert.notCalled(write);
      sinon.assert.notCalled(f.boards.queryIds);
      assert.deepEqual(f.outputs, { WorkItemId: '', WorkItemUrl: '', WorkItemAction: 'none' });
      sinon.assert.calledOnceWithExactly(f.result, 'Succeeded', STALE);
      assert.ok(f.logged.includes(STALE), f.logged.join('\n'));
      const summary = f.logged.find((line) => line.startsWith('summary: ')) ?? '';
      assert.ok(summary.includes(`run [20261201\\.813](${NEWER.url}) on main`), summary);
    });
  }

  it('a failing rerun files and comments on nothing, its test items and flaky results neither', async () => {
    const f = fakes(
      { trackTests: 'perTest', flakyTests: 'separate' },
      { ...YAML_VARIABLES, 'System.JobAttempt': '3' },
    );
    f.boards.queryIds.resolves([7]);
    f.pipelines.newestBuilds.resolves([NEWER]);
    await run(f.host);
    for (const write of writes(f)) sinon.assert.notCalled(write);
    assert.equal(f.outputs['WorkItemAction'], 'none');
    sinon.assert.calledOnceWithExactly(f.result, 'Succeeded', STALE);
  });

  it('a rerun that is the newest of its lane resolves as any run, after one list of the newest builds', async () => {
    const f = greenRerun({ 'System.JobAttempt': '2' });
    f.pipelines.newestBuilds.resolves([
      { ...NEWER, id: 812 },
      { ...NEWER, id: 790 },
    ]);
    await run(f.host);
    sinon.assert.calledOnce(f.pipelines.newestBuilds);
    sinon.assert.calledTwice(f.boards.updateWorkItem);
    sinon.assert.calledWith(f.result, 'Succeeded', 'Resolved Bug 7, Bug 9: the pipeline recovered.');
  });

  it('newest builds that cannot be read: a warning, and the rerun files as any run does', async () => {
    const f = fakes({}, { ...YAML_VARIABLES, 'System.JobAttempt': '2' });
    const unread = 'Could not list the newest builds of pipeline 12 (HTTP 500): boom';
    f.pipelines.newestBuilds.rejects(new AdoError(unread, { status: 500 }));
    await run(f.host);
    sinon.assert.calledOnce(f.boards.createWorkItem);
    assert.equal(f.outputs['WorkItemAction'], 'created');
    assert.deepEqual(
      f.logged.filter((line) => line.startsWith('warning:')),
      [`warning: ${loc('NewerRunUnread', unread)}`],
    );
  });

  it('lists builds for a build’s rerun only: not a first attempt, a classic release’s redeploy, nor a rerun that writes nothing', async () => {
    const rerun = fakes({}, { ...YAML_VARIABLES, 'System.JobAttempt': '2' });
    await run(rerun.host);
    sinon.assert.calledOnce(rerun.pipelines.newestBuilds);
    const first = greenRerun({});
    await run(first.host);
    sinon.assert.calledTwice(first.boards.updateWorkItem);
    const failed = fakes({});
    await run(failed.host);
    sinon.assert.calledOnce(failed.boards.createWorkItem);
    const redeploy = fakes(
      {},
      { ...RELEASE_VARIABLES, 'Release.AttemptNumber': '2', 'System.JobAttempt': '2' },
    );
    await run(redeploy.host);
    sinon.assert.calledOnce(redeploy.boards.createWorkItem);
    // A failed job with createOn success and no recovery: nothing will be written, whatever the other jobs did.
    const quiet = fakes(
      { createOn: 'success', resolveOnRecovery: 'false' },
      { ...YAML_VARIABLES, 'System.JobAttempt': '2' },
    );
    await run(quiet.host);
    assert.equal(quiet.outputs['WorkItemAction'], 'none');
    for (const f of [first, failed, redeploy, quiet]) sinon.assert.notCalled(f.pipelines.newestBuilds);
  });
});
