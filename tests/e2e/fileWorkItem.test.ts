import * as assert from 'node:assert/strict';
import type { BuildSeed, WorkItemJson } from '../emulator/harness';
import type { TaskRun } from './agent';
import {
  buildVariables,
  classicRelease,
  failedClassicBuild,
  failedYamlRun,
  greenBesideLeg,
  greenYamlRun,
  OWN_JOB,
  PAT,
  releaseVariables,
  seedClassicRelease,
  REPORT_JOB,
  separateJobRun,
} from './pipelines';
import { Job, useSession } from './session';

const CONNECTION_ID = '6f1c2b9e-3a47-4d8e-9b0c-2e5f7a1d4c83';

// The packaged task, run as the agent runs it (`node <target>` from the unzipped VSIX) against the session.emulator.
describe('packaged task against the Azure DevOps emulator', function () {
  const session = useSession();
  const runJob = (job: Job): Promise<TaskRun> => session.run(job);
  const onlyItem = async (run: TaskRun): Promise<WorkItemJson> => (await session.items(1, run))[0]!;
  const writes = (): Promise<string[]> => session.writes();

  it('YAML step after a failed step: files a Bug with every field, the run linked, outputs and summary', async () => {
    await session.emulator.seedBuild(failedYamlRun(812));
    const run = await runJob({
      variables: buildVariables(812),
      inputs: {
        assignTo: '@requestor',
        areaPath: 'WebApp\\Frontend',
        iterationPath: '@currentIteration',
        priority: '2',
        severity: '2 - High',
        tags: 'pipeline-failure; nightly',
        fields: 'Microsoft.VSTS.Common.ValueArea=Architectural',
        description: 'Broken by **{{requestedFor}}** in {{runName}}.',
      },
    });
    const item = await onlyItem(run);
    const fields = item.fields;
    assert.equal(fields['System.WorkItemType'], 'Bug');
    assert.equal(fields['System.Title'], 'WebApp-CI failed on main: Build › Unit tests › npm test');
    assert.equal(fields['System.AreaPath'], 'WebApp\\Frontend');
    assert.equal(fields['System.IterationPath'], 'WebApp\\Sprint 2');
    assert.equal((fields['System.AssignedTo'] as { uniqueName: string }).uniqueName, 'alex@fabrikam.example');
    assert.equal(fields['Microsoft.VSTS.Common.Priority'], 2);
    assert.equal(fields['Microsoft.VSTS.Common.Severity'], '2 - High');
    assert.match(
      String(fields['System.Tags']),
      /^nightly; pipeline-failure; pwi:[0-9a-f]{12}; pwi:scope-[0-9a-f]{12}$/,
    );
    assert.equal(fields['Microsoft.VSTS.Common.ValueArea'], 'Architectural');
    assert.equal(fields['Microsoft.VSTS.Build.FoundIn'], '20261129.812');
    const body = String(fields['Microsoft.VSTS.TCM.ReproSteps']);
    assert.ok(body.startsWith('<p>Broken by <strong>Alex Kim</strong> in 20261129.812.</p>'), body);
    assert.ok(
      body.includes(
        `<a href="${session.emulator.collectionUrl}WebApp/_build/results?buildId=812">20261129.812</a>`,
      ),
      body,
    );
    assert.ok(body.includes('<li><b>Build › Unit tests › npm test</b>'), body);
    assert.ok(body.includes('<li>AssertionError: expected &lt;Cart total=3&gt; to equal 4</li>'), body);
    assert.deepEqual(
      (item.relations ?? []).map((r) => [r.rel, r.url, r.attributes['name'] ?? r.attributes['comment']]),
      [
        ['ArtifactLink', 'vstfs:///Build/Build/812', 'Build'],
        [
          'Hyperlink',
          `${session.emulator.collectionUrl}WebApp/_build/results?buildId=812`,
          'Pipeline run 20261129.812',
        ],
      ],
    );
    const url = `${session.emulator.collectionUrl}WebApp/_workitems/edit/${item.id}`;
    assert.deepEqual(run.outputs, {
      WorkItemId: String(item.id),
      WorkItemUrl: url,
      WorkItemAction: 'created',
    });
    assert.equal(run.result, 'Succeeded', run.stdout);
    assert.match(
      run.summary,
      new RegExp(
        `Created \\[Bug ${item.id}\\]\\(${url.replace(/[.?]/g, '\\$&')}\\): WebApp\\\\-CI failed on main`,
      ),
    );
    assert.deepEqual(await writes(), ['POST /fabrikam/WebApp/_apis/wit/workitems/$Bug']);
  });

  it('tags the service refuses cost those tags, never the Bug; a comma separates tags as the service reads them', async () => {
    await session.emulator.seedBuild(failedYamlRun(814));
    const long = `component-${'x'.repeat(400)}`;
    const run = await runJob({
      variables: buildVariables(814),
      inputs: {
        tags: `pipeline-failure; ${long}; nightly,ci; zero\u200Bwidth`,
        fields: 'System.Tags=owner,pwi:0123456789ab',
      },
    });
    const item = await onlyItem(run);
    assert.match(
      String(item.fields['System.Tags']),
      /^ci; nightly; owner; pipeline-failure; pwi:[0-9a-f]{12}; pwi:scope-[0-9a-f]{12}$/,
    );
    assert.doesNotMatch(String(item.fields['System.Tags']), /pwi:0123456789ab/);
    const warnings = run.warnings.join('\n');
    assert.match(warnings, /Left out the tags pwi:0123456789ab/);
    assert.match(warnings, new RegExp(`Left out the tags ${long}`));
    assert.match(warnings, /zero.?width/);
    assert.equal(run.outputs['WorkItemAction'], 'created');
  });

  it('separate job with condition failed(): files for the failed job of another stage', async () => {
    await session.emulator.seedBuild(separateJobRun(813));
    const run = await runJob({
      variables: buildVariables(813, {
        'System.StageName': 'Report',
        'System.StageDisplayName': 'Report',
        'System.JobDisplayName': 'File bug',
        'System.JobId': REPORT_JOB,
        'Agent.JobStatus': 'Succeeded',
      }),
    });
    const item = await onlyItem(run);
    assert.equal(item.fields['System.Title'], 'WebApp-CI failed on main: Build › Unit tests › npm test');
    assert.equal(run.outputs['WorkItemAction'], 'created');
  });

  it('a separate job run again with its stage notes the rerun’s failure on the item it filed', async () => {
    await session.emulator.seedBuild(separateJobRun(816));
    const reporting = (attempt: string) =>
      runJob({
        variables: buildVariables(816, {
          'System.JobDisplayName': 'File bug',
          'System.JobId': REPORT_JOB,
          'System.JobAttempt': attempt,
          'System.StageAttempt': attempt,
          'Agent.JobStatus': 'Succeeded',
        }),
      });
    const first = await reporting('1');
    assert.equal(first.outputs['WorkItemAction'], 'created', first.stdout);
    const rerun = await reporting('2');
    assert.equal(rerun.outputs['WorkItemAction'], 'commented', rerun.stdout);
    const notes = await session.emulator.comments(Number(first.outputs['WorkItemId']));
    assert.equal(notes.length, 2);
    assert.match(notes[notes.length - 1]!.text, /Failed again in this run/);
  });

  it('a final job after a job canceled for running past its timeout: files it as timed out', async () => {
    const timeout =
      'The job running on agent Hosted Agent 7 ran longer than the maximum time of 60 minutes. For more information, see https://go.microsoft.com/fwlink/?linkid=2077134';
    const run = separateJobRun(814);
    await session.emulator.seedBuild({
      ...run,
      records: (run.records ?? []).map((record) =>
        record.id === 'stage' || record.id === 'phase' || record.id === 'test'
          ? { ...record, result: 'canceled' as const, issues: [] }
          : record.id === 'job'
            ? {
                ...record,
                result: 'canceled' as const,
                issues: [{ type: 'error' as const, message: timeout }],
              }
            : record,
      ),
    });
    const filed = await runJob({
      variables: buildVariables(814, {
        'System.JobDisplayName': 'File bug',
        'System.JobId': REPORT_JOB,
        'Agent.JobStatus': 'Succeeded',
      }),
    });
    assert.equal(filed.outputs['WorkItemAction'], 'created', filed.stdout);
    const html = String((await onlyItem(filed)).fields['Microsoft.VSTS.TCM.ReproSteps']);
    assert.ok(html.includes('<li><b>Build › Unit tests</b> (timed out)'), html);
    assert.ok(html.includes('ran longer than the maximum time of 60 minutes'), html);
  });

  it('a stage refused by its approval before any job ran: the stage is what failed, with the approval’s words', async () => {
    const green = greenYamlRun(815);
    await session.emulator.seedBuild({
      ...green,
      records: [
        ...(green.records ?? []).map((record) =>
          ['stage', 'phase', 'job'].includes(record.id ?? '')
            ? { ...record, state: 'completed' as const, result: 'succeeded' as const }
            : record,
        ),
        { id: 'prod', type: 'Stage', name: 'Deploy prod', order: 2, state: 'completed', result: 'failed' },
        {
          id: 'approval',
          parentId: 'prod',
          type: 'Checkpoint',
          name: 'Checkpoint',
          state: 'completed',
          result: 'failed',
          issues: [{ type: 'error', message: 'Approval rejected by Sam Rivera: not this week.' }],
        },
        { id: 'report', type: 'Stage', name: 'Report', order: 3, state: 'inProgress', result: null },
      ],
    });
    const run = await runJob({
      variables: buildVariables(815, { 'System.StageName': 'Report', 'Agent.JobStatus': 'Succeeded' }),
    });
    const item = await onlyItem(run);
    assert.equal(item.fields['System.Title'], 'WebApp-CI failed on main: Deploy prod');
    assert.match(
      String(item.fields['Microsoft.VSTS.TCM.ReproSteps']),
      /<b>Deploy prod<\/b> \(the stage failed\)\n<ul>\n<li>Approval rejected by Sam Rivera: not this week\.<\/li>/,
    );
  });

  it('createOn failureOrIssues: a step that failed and let the run go on is what the item names', async () => {
    const run = failedYamlRun(816);
    await session.emulator.seedBuild({
      ...run,
      records: (run.records ?? []).map((record) =>
        record.id === 'test' ? { ...record, result: 'succeededWithIssues' as const } : record,
      ),
    });
    const filed = await runJob({
      variables: buildVariables(816, { 'Agent.JobStatus': 'SucceededWithIssues' }),
      inputs: { createOn: 'failureOrIssues' },
    });
    const item = await onlyItem(filed);
    assert.equal(item.fields['System.Title'], 'WebApp-CI succeeded with issues on main (20261129.816)');
    assert.match(
      String(item.fields['Microsoft.VSTS.TCM.ReproSteps']),
      /<b>Build › Unit tests › npm test<\/b> \(failed, and the run went on: succeeded with issues\)\n<ul>\n<li>AssertionError: expected &lt;Cart total=3&gt; to equal 4<\/li>/,
    );
  });

  it('classic build: leaves the implicit stage and job names out', async () => {
    await session.emulator.seedBuild(failedClassicBuild(814));
    const run = await runJob({
      variables: buildVariables(814, {
        'Build.DefinitionName': 'WebApp-Classic',
        'Build.BuildNumber': 'WebApp-Classic_814',
        'Build.SourceBranch': 'refs/heads/release/2.1',
        'System.StageName': '__default',
        'System.StageDisplayName': '__default',
        'System.JobName': 'Job',
        'System.JobDisplayName': 'Job',
        'Build.Reason': 'Manual',
      }),
    });
    const item = await onlyItem(run);
    assert.equal(item.fields['System.Title'], 'WebApp-Classic failed on release/2.1: Build solution');
    assert.equal(item.fields['Microsoft.VSTS.Build.FoundIn'], 'WebApp-Classic_814');
    assert.ok(String(item.fields['Microsoft.VSTS.TCM.ReproSteps']).includes('error CS1002: ; expected'));
  });

  it('classic release: files a Bug naming release and environment, with the failed deployment step', async () => {
    const { webUrl } = await seedClassicRelease(session.emulator, classicRelease(57, 'failed'));
    const run = await runJob({ variables: releaseVariables(57, 'Succeeded', webUrl) });
    const item = await onlyItem(run);
    assert.equal(item.fields['System.Title'], 'Release-57 failed in Production');
    // A deployment group job of the same release (System.HostType deployment) is the release's, not a build's.
    await seedClassicRelease(session.emulator, classicRelease(59, 'failed'));
    const group = await runJob({
      variables: { ...releaseVariables(59, 'Succeeded', webUrl), 'System.HostType': 'deployment' },
    });
    assert.equal(group.outputs['WorkItemAction'], 'commented', group.stdout);
    assert.equal(group.outputs['WorkItemId'], String(item.id));
    const body = String(item.fields['Microsoft.VSTS.TCM.ReproSteps']);
    assert.ok(body.includes('<td><b>Environment</b></td><td>Production</td>'), body);
    assert.ok(body.includes('_WebApp-CI 20261129.812'), body);
    assert.ok(body.includes('<li><b>Production › Deploy web › Azure App Service deploy</b>'), body);
    assert.ok(
      body.includes('Slot &#39;staging&#39; was not found.') ||
        body.includes("Slot 'staging' was not found."),
      body,
    );
    assert.deepEqual(
      (item.relations ?? []).map((r) => [r.rel, r.url]),
      [
        ['ArtifactLink', 'vstfs:///Build/Build/812'],
        ['Hyperlink', webUrl],
      ],
    );
    assert.equal(run.result, 'Succeeded');
  });

  it('classic release: {{stage}} is the environment, and the reason row says it is the release’s', async () => {
    const { webUrl } = await seedClassicRelease(session.emulator, classicRelease(57, 'failed'));
    const run = await runJob({
      variables: {
        ...releaseVariables(57, 'Failed', webUrl),
        'Release.AttemptNumber': '2',
        'Release.Deployment.RequestedFor': 'Alex Kim',
        'Release.Deployment.RequestedForEmail': 'alex@fabrikam.example',
      },
      inputs: { title: '{{pipeline}} broke in stage {{stage}}' },
    });
    const item = await onlyItem(run);
    assert.equal(item.fields['System.Title'], 'WebApp-CD broke in stage Production');
    const body = String(item.fields['Microsoft.VSTS.TCM.ReproSteps']);
    // A redeploy: Alex started this deployment; the release was created by continuous integration.
    assert.ok(body.includes('<td><b>Triggered by</b></td><td>Alex Kim</td>'), body);
    assert.ok(body.includes('<td><b>Release reason</b></td><td>Continuous integration</td>'), body);
  });

  it('createOn success: files a Task to verify a release that deployed', async () => {
    const { webUrl } = await seedClassicRelease(session.emulator, classicRelease(58, 'succeeded'));
    const run = await runJob({
      variables: releaseVariables(58, 'Succeeded', webUrl),
      inputs: {
        createOn: 'success',
        workItemType: 'Task',
        title: 'Verify {{runName}} in {{environment}}',
        tags: 'release-verification',
        assignTo: '@requestor',
      },
    });
    const item = await onlyItem(run);
    assert.equal(item.fields['System.WorkItemType'], 'Task');
    assert.equal(item.fields['System.Title'], 'Verify Release-58 in Production');
    assert.equal(
      (item.fields['System.AssignedTo'] as { uniqueName: string }).uniqueName,
      'sam@fabrikam.example',
    );
    assert.ok(String(item.fields['System.Description']).includes('<b>Succeeded</b>'));
    assert.equal(item.fields['Microsoft.VSTS.Build.FoundIn'], undefined);
    assert.equal(run.outputs['WorkItemAction'], 'created');
  });

  it('createOn success with onRecurrence skip: a success already tracked is said to be one, not a failure', async () => {
    const inputs = { createOn: 'success', workItemType: 'Task', onRecurrence: 'skip' };
    const first = await seedClassicRelease(session.emulator, classicRelease(60, 'succeeded'));
    const filed = await runJob({ variables: releaseVariables(60, 'Succeeded', first.webUrl), inputs });
    const task = await onlyItem(filed);
    const again = await seedClassicRelease(session.emulator, classicRelease(61, 'succeeded'));
    const skipped = await runJob({ variables: releaseVariables(61, 'Succeeded', again.webUrl), inputs });
    assert.equal(skipped.outputs['WorkItemId'], String(task.id));
    assert.equal(skipped.outputs['WorkItemAction'], 'none');
    assert.match(
      skipped.summary,
      /This success is already tracked by \[Task \d+\]\(.*\); onRecurrence is skip, so nothing was written\./,
    );
  });

  it('Basic process: files an Issue instead of a Bug, with a warning', async () => {
    await session.emulator.seedBuild(failedYamlRun(815));
    const run = await runJob({ variables: buildVariables(815), inputs: { project: 'Starter' } });
    const item = await onlyItem(run);
    assert.equal(item.fields['System.WorkItemType'], 'Issue');
    assert.equal(item.fields['System.TeamProject'], 'Starter');
    assert.ok(String(item.fields['System.Description']).includes('npm test'));
    assert.deepEqual(run.warnings, [
      "Project 'Starter' has no 'Bug' work item type (Basic process); filing an 'Issue' instead. Set 'workItemType' to choose another type.",
    ]);
    assert.equal(
      run.outputs['WorkItemUrl'],
      `${session.emulator.collectionUrl}Starter/_workitems/edit/${item.id}`,
    );
    assert.equal(run.result, 'Succeeded');
  });

  it('dryRun: decides and renders, logs the request, writes nothing', async () => {
    await session.emulator.seedBuild(failedYamlRun(816));
    const run = await runJob({ variables: buildVariables(816), inputs: { dryRun: 'true' } });
    assert.deepEqual(await session.emulator.workItems(), []);
    // The one write is the service's check of the create, which saves nothing.
    assert.deepEqual(await session.writes(), [
      'POST /fabrikam/WebApp/_apis/wit/workitems/$Bug (validateOnly)',
    ]);
    assert.match(run.summary, /checked the create without saving it \(validateOnly\): it would be accepted/);
    assert.ok(run.stdout.includes('"path": "/fields/System.Title"'), run.stdout);
    assert.ok(
      run.stdout.includes('"value": "WebApp-CI failed on main: Build › Unit tests › npm test"'),
      run.stdout,
    );
    assert.equal(run.outputs['WorkItemAction'], 'none');
    assert.match(run.summary, /Dry run: would create a Bug in project WebApp/);
    assert.equal(run.result, 'Succeeded');
  });

  it('dryRun with an open item: logs the comment, then the resolution’s, it would add; writes nothing', async () => {
    await session.emulator.seedBuild(failedYamlRun(8161));
    const filed = await runJob({ variables: buildVariables(8161) });
    const id = Number(filed.outputs['WorkItemId']);
    await session.emulator.seedBuild(failedYamlRun(8162));
    const before = (await session.emulator.comments(id)).length;
    const again = await runJob({ variables: buildVariables(8162), inputs: { dryRun: 'true' } });
    assert.ok(again.stdout.includes(`Dry run: the comment that would be added to Bug ${id}:`), again.stdout);
    assert.match(again.stdout, /Failed again \(occurrence 2\)/);
    assert.equal(again.outputs['WorkItemId'], String(id));
    assert.equal(again.outputs['WorkItemAction'], 'none');
    await session.emulator.seedBuild(greenYamlRun(8163));
    const green = await runJob({
      variables: buildVariables(8163, { 'Agent.JobStatus': 'Succeeded' }),
      inputs: { dryRun: 'true' },
    });
    assert.ok(
      green.stdout.includes(`Dry run: the comment that would go with the resolution of Bug ${id}`),
      green.stdout,
    );
    assert.match(green.summary, /the request is in the task log/);
    assert.equal((await session.emulator.comments(id)).length, before);
    assert.equal((await session.emulator.workItem(id))?.fields['System.State'], 'New');
  });

  it('invalid fields input: fails naming the input, before any request', async () => {
    await session.emulator.seedBuild(failedYamlRun(817));
    const run = await runJob({ variables: buildVariables(817), inputs: { fields: 'ValueArea: Business' } });
    assert.equal(run.result, 'Failed');
    assert.match(
      run.resultMessage,
      /^Input 'fields' line 1 \('ValueArea: Business'\) has no 'Reference.Name='/,
    );
    assert.deepEqual(await session.emulator.requests(), []);
    assert.equal(run.outputs['WorkItemAction'], 'none');
  });

  it("createOn always: a green run files its success apart and resolves the failure's Bug; the next failure files anew", async () => {
    const em = session.emulator;
    await em.seedBuild(failedYamlRun(840));
    const failed = await runJob({ variables: buildVariables(840), inputs: { createOn: 'always' } });
    assert.equal(failed.outputs['WorkItemAction'], 'created');
    const bug = Number(failed.outputs['WorkItemId']);

    await em.seedBuild(greenYamlRun(841));
    const green = await runJob({
      variables: buildVariables(841, { 'Agent.JobStatus': 'Succeeded' }),
      inputs: { createOn: 'always' },
    });
    assert.equal(green.outputs['WorkItemAction'], 'created');
    const success = Number(green.outputs['WorkItemId']);
    assert.notEqual(success, bug);
    const items = await em.workItems();
    const byId = (id: number): WorkItemJson | undefined => items.find((item) => item.id === id);
    assert.match(String(byId(success)?.fields['System.Title']), /succeeded/);
    assert.match(String(byId(success)?.fields['System.Tags']), /pwi:success-[0-9a-f]{12}/);
    assert.equal(byId(bug)?.fields['System.State'], 'Resolved');
    assert.ok(
      !(await em.comments(bug)).some((comment) => /Succeeded again/.test(comment.text)),
      'no success note on the failure',
    );
    assert.match(green.summary, new RegExp(`The pipeline recovered: resolved \\[Bug ${bug}\\]`));
    assert.equal(green.result, 'Succeeded');

    await em.seedBuild(failedYamlRun(842));
    const again = await runJob({ variables: buildVariables(842), inputs: { createOn: 'always' } });
    // The failure's Bug is resolved and the success item is of another series: a new Bug, no comment on either.
    assert.equal(again.outputs['WorkItemAction'], 'created');
    assert.ok(![bug, success].includes(Number(again.outputs['WorkItemId'])));
    assert.ok(!(await em.comments(success)).some((comment) => /Failed again/.test(comment.text)));
  });

  it('createOn always: a green job beside jobs still to finish neither files its success nor resolves a failure yet', async () => {
    const em = session.emulator;
    await em.seedBuild(failedYamlRun(845));
    const bug = Number(
      (await runJob({ variables: buildVariables(845), inputs: { createOn: 'always' } })).outputs[
        'WorkItemId'
      ],
    );
    await em.seedBuild(greenBesideLeg(846, { state: 'inProgress', result: null }));
    const green = await runJob({
      variables: buildVariables(846, { 'Agent.JobStatus': 'Succeeded', 'System.JobId': OWN_JOB }),
      inputs: { createOn: 'always' },
    });
    assert.equal(green.outputs['WorkItemAction'], 'none');
    assert.equal((await em.workItem(bug))?.fields['System.State'], 'New');
    await session.items(1, green);
    assert.match(
      green.warnings.join('\n'),
      /Nothing filed: other jobs of this run were still running \(Build › Windows\)/,
    );
    assert.match(green.summary, /Nothing filed: other jobs/);
  });

  it('a green run with createOn failure: files nothing, WorkItemAction none', async () => {
    await session.emulator.seedBuild(greenYamlRun(818));
    const run = await runJob({ variables: buildVariables(818, { 'Agent.JobStatus': 'Succeeded' }) });
    assert.deepEqual(await session.emulator.workItems(), []);
    assert.deepEqual(await writes(), []);
    assert.deepEqual(run.outputs, { WorkItemId: '', WorkItemUrl: '', WorkItemAction: 'none' });
    assert.match(run.summary, /The run succeeded and nothing is open for WebApp\\-CI · main\./);
    assert.equal(run.result, 'Succeeded');
  });

  it('no permission on the area: warns with the fix and succeeds with issues; fails with failTaskOnError', async () => {
    await session.emulator.seedBuild(failedYamlRun(819));
    const lenient = await runJob({
      variables: buildVariables(819),
      inputs: { areaPath: 'WebApp\\Restricted' },
    });
    assert.equal(lenient.result, 'SucceededWithIssues');
    assert.match(lenient.resultMessage, /TF237111/);
    assert.match(lenient.resultMessage, /"WebApp Build Service \(fabrikam\)"/);
    assert.match(lenient.resultMessage, /"View work items in this node" and "Edit work items in this node"/);
    assert.equal(lenient.outputs['WorkItemAction'], 'none');

    const strict = await runJob({
      variables: buildVariables(819),
      inputs: { areaPath: 'WebApp\\Restricted', failTaskOnError: 'true' },
    });
    assert.equal(strict.result, 'Failed');
    assert.deepEqual(await session.emulator.workItems(), []);
  });

  it('no permission, reported as 404 (the client drops the body): still names TF237111 and the fix', async () => {
    await session.emulator.seedBuild(failedYamlRun(823));
    await session.emulator.injectFaults([
      {
        method: 'POST',
        pathRegex: '/_apis/wit/workItems/',
        status: 404,
        body: {
          message:
            'TF237111: The current user does not have permissions to save work items under the specified area path.',
        },
      },
    ]);
    const run = await runJob({ variables: buildVariables(823) });
    assert.equal(run.result, 'SucceededWithIssues');
    assert.match(run.resultMessage, /answered 404.*\(TF237111\)\. Give "WebApp Build Service \(fabrikam\)"/);
    assert.deepEqual(await session.emulator.workItems(), []);
  });

  it('an area path that does not exist: files in the default area, naming TF401347 and the input to fix', async () => {
    await session.emulator.seedBuild(failedYamlRun(824));
    const run = await runJob({ variables: buildVariables(824), inputs: { areaPath: 'WebApp\\Backend' } });
    const item = await onlyItem(run);
    assert.equal(item.fields['System.AreaPath'], 'WebApp');
    assert.equal(run.outputs['WorkItemAction'], 'created');
    const warning = run.warnings.join('\n');
    assert.match(
      warning,
      /refused 'WebApp\\Backend' for System\.AreaPath: .*TF401347.* The item is filed without it\./,
    );
    assert.match(
      warning,
      /Set 'areaPath' to an area that exists \(Project settings › Boards › Project configuration › Areas\)/,
    );
  });

  it('a team without a current iteration: files in the default iteration and warns', async () => {
    await session.emulator.seedBuild(failedYamlRun(825));
    const run = await runJob({
      variables: buildVariables(825),
      inputs: { project: 'Starter', workItemType: 'Task', iterationPath: '@currentIteration' },
    });
    const item = await onlyItem(run);
    assert.equal(item.fields['System.IterationPath'], 'Starter');
    assert.match(run.warnings.join('\n'), /the default team of project 'Starter' has no current iteration/);
    assert.equal(run.result, 'Succeeded');
  });

  it('a long first error in the title template: the title is cut to 255 characters', async () => {
    await session.emulator.seedBuild(failedYamlRun(826, [`TypeError: ${'x'.repeat(400)}`]));
    const run = await runJob({
      variables: buildVariables(826),
      inputs: { title: '{{pipeline}}: {{firstError}}' },
    });
    const title = String((await onlyItem(run)).fields['System.Title']);
    assert.equal(title.length, 255);
    assert.ok(title.startsWith('WebApp-CI: TypeError: xxx') && title.endsWith('x…'), title);
  });

  // The YAML run whose job failed in each of `steps` (and not in npm test).
  const failedIn = (id: number, steps: readonly string[]): BuildSeed => {
    const run = failedYamlRun(id);
    const failed = steps.map((name, i) => ({
      id: `step-${i}`,
      parentId: 'job',
      type: 'Task' as const,
      name,
      order: 10 + i,
      result: 'failed' as const,
      issues: [{ type: 'error' as const, message: `${name} failed` }],
    }));
    return { ...run, records: [...(run.records ?? []).filter((record) => record.id !== 'test'), ...failed] };
  };
  const checks = (...numbers: number[]): string[] => numbers.map((n) => `check ${n}`);

  it('{{failedSteps}} of a run with 300 failed steps: the first five and how many more, in the title and a field', async () => {
    const all = Array.from({ length: 300 }, (_, i) => i + 1);
    await session.emulator.seedBuild(failedIn(827, checks(...all)));
    const run = await runJob({
      variables: buildVariables(827),
      inputs: {
        title: 'Failed in {{failedSteps}}',
        fields: 'Microsoft.VSTS.Build.IntegrationBuild={{failedSteps}}',
      },
    });
    const item = await onlyItem(run);
    const listed = `${checks(1, 2, 3, 4, 5)
      .map((step) => `Build › Unit tests › ${step}`)
      .join(', ')} and 295 more`;
    assert.equal(item.fields['System.Title'], `Failed in ${listed}`);
    assert.equal(item.fields['Microsoft.VSTS.Build.IntegrationBuild'], listed);
    assert.deepEqual(run.warnings, []);
    assert.equal(run.result, 'Succeeded');
  });

  it('a {{failedSteps}} fingerprint tells apart runs that differ past the fifth failed step', async () => {
    const inputs = { fingerprint: '{{pipeline}} {{failedSteps}}' };
    await session.emulator.seedBuild(failedIn(828, checks(1, 2, 3, 4, 5, 6, 7)));
    const first = await runJob({ variables: buildVariables(828), inputs });
    await session.emulator.seedBuild(failedIn(829, checks(1, 2, 3, 4, 5, 8, 9)));
    const other = await runJob({ variables: buildVariables(829), inputs });
    await session.emulator.seedBuild(failedIn(830, checks(1, 2, 3, 4, 5, 6, 7)));
    const again = await runJob({ variables: buildVariables(830), inputs });
    assert.deepEqual(
      [first, other, again].map((run) => run.outputs['WorkItemAction']),
      ['created', 'created', 'commented'],
    );
    assert.equal(again.outputs['WorkItemId'], first.outputs['WorkItemId']);
    await session.items(2, again);
  });

  it('an unknown work item type: fails listing the project types, before any write', async () => {
    await session.emulator.seedBuild(failedYamlRun(820));
    const run = await runJob({ variables: buildVariables(820), inputs: { workItemType: 'Incident' } });
    assert.equal(run.result, 'Failed');
    assert.match(
      run.resultMessage,
      /^Input 'workItemType': project 'WebApp' has no work item type 'Incident'\. Its types are: Bug, Epic, Feature, Issue, Task, Test Case, User Story/,
    );
    assert.deepEqual(await writes(), []);
  });

  it('files through a service connection with its PAT, as that identity', async () => {
    await session.emulator.seedBuild(failedYamlRun(821));
    const run = await runJob({
      variables: buildVariables(821),
      // The agent passes the connection's id as the input and exports ENDPOINT_*_<ID> in upper case.
      inputs: { connection: CONNECTION_ID, project: 'Mobile' },
      serviceConnections: { [CONNECTION_ID]: { url: session.emulator.collectionUrl, token: PAT } },
    });
    const item = await onlyItem(run);
    assert.equal(item.fields['System.TeamProject'], 'Mobile');
    assert.equal(
      (item.fields['System.CreatedBy'] as { uniqueName: string }).uniqueName,
      'sam@fabrikam.example',
    );
    const create = (await session.emulator.requests()).find((r) => r.method === 'POST');
    assert.equal(create?.authScheme, 'Basic');
    assert.equal(run.result, 'Succeeded');
  });

  it('keeps secret variable values out of the item and the output, even with System.Debug', async () => {
    const secret = 's3cr3t-db-password';
    await session.emulator.seedBuild(failedYamlRun(822, [`login failed for password ${secret}`]));
    const run = await runJob({
      variables: buildVariables(822, { 'System.Debug': 'true' }),
      secretVariables: { 'Db.Password': secret },
    });
    assert.ok(!(run.stdout + run.stderr).includes(secret), 'the secret was printed, debug output included');
    assert.ok(run.stdout.includes('##vso[task.debug]'), 'System.Debug should turn on debug output');
    const item = await onlyItem(run);
    const text = JSON.stringify(item);
    assert.ok(!text.includes(secret), text);
    assert.ok(String(item.fields['Microsoft.VSTS.TCM.ReproSteps']).includes('login failed for password ***'));
  });

  it('prints no debug line without System.Debug, task-lib’s own included: the agent would not show them', async () => {
    await session.emulator.seedBuild(failedYamlRun(829));
    const run = await runJob({ variables: buildVariables(829) });
    assert.equal(run.outputs['WorkItemAction'], 'created', run.stdout);
    assert.deepEqual(
      run.commands.filter((command) => command.command === 'task.debug'),
      [],
    );
  });
});
