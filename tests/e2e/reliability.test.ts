import * as assert from 'node:assert/strict';
import { requestTimeline } from '../emulator/harness';
import {
  buildVariables,
  classicRelease,
  failedYamlRun,
  greenYamlRun,
  JOB_TOKEN,
  releaseVariables,
  seedClassicRelease,
  REPORT_JOB,
  separateJobRun,
} from './pipelines';
import { Job, useSession } from './session';

// An optional value never costs the item, every refusal says what to change, nothing ends silently
// green, and the task works against Azure DevOps Server 2020 and 2022 and the Services topology.
describe('packaged task: fallbacks, messages and server versions', function () {
  const session = useSession();

  async function failure(id: number, job: Job = {}): Promise<Awaited<ReturnType<typeof session.run>>> {
    await session.emulator.seedBuild(failedYamlRun(id));
    return session.run({ ...job, variables: { ...buildVariables(id), ...job.variables } });
  }

  describe('an optional value the service refuses is dropped with a warning naming it and the fix', () => {
    const cases: [string, Record<string, string>, string, RegExp][] = [
      [
        'an assignee the organization does not know',
        { assignTo: 'nobody@elsewhere.example' },
        'System.AssignedTo',
        /refused 'nobody@elsewhere\.example' for System\.AssignedTo: .*TF401320.*Set 'assignTo' to the email/,
      ],
      [
        'an iteration path that does not exist',
        { iterationPath: 'WebApp\\Sprint 99' },
        'System.IterationPath',
        /refused 'WebApp\\Sprint 99' for System\.IterationPath: .*TF401347.*Set 'iterationPath' to an iteration that exists/,
      ],
      [
        'a fields value the field does not allow',
        { fields: 'Microsoft.VSTS.Common.ValueArea=Nonsense' },
        'Microsoft.VSTS.Common.ValueArea',
        /refused 'Nonsense' for Microsoft\.VSTS\.Common\.ValueArea: .*TF401320.*Check the value of Microsoft\.VSTS\.Common\.ValueArea in 'fields'/,
      ],
      [
        'a field the type does not have',
        { fields: 'Custom.Team=Web' },
        'Custom.Team',
        /TF51535: Cannot find field Custom\.Team\..*The item is filed without the fields work item type 'Bug' does not have: Custom\.Team\./,
      ],
    ];
    for (const [name, inputs, field, warning] of cases) {
      it(name, async () => {
        const run = await failure(830, { inputs });
        const [item] = await session.items(1, run);
        assert.equal(run.outputs['WorkItemAction'], 'created');
        assert.equal(run.result, 'Succeeded');
        assert.match(run.warnings.join('\n'), warning);
        if (field === 'System.IterationPath') assert.equal(item!.fields[field], 'WebApp');
        else if (field === 'Microsoft.VSTS.Common.ValueArea') assert.equal(item!.fields[field], 'Business');
        else assert.equal(item!.fields[field], undefined);
      });
    }
  });

  it('a token the service rejects (401, TF400813): says so and what to check, succeeds with issues', async () => {
    await session.emulator.setTokens(['another-token']);
    const run = await failure(831);
    assert.equal(run.result, 'SucceededWithIssues');
    assert.match(run.resultMessage, /rejected the credentials \(TF400813\)/);
    assert.match(run.resultMessage, /check that the job has access to project 'WebApp'/);
    await session.items(0, run);
  });

  it('a throttled run says it waits, and how long, instead of sitting silent', async () => {
    await session.emulator.injectFaults([
      {
        method: 'POST',
        pathRegex: '/_apis/wit/workitems/\\$Bug$',
        status: 429,
        headers: { 'Retry-After': '2' },
      },
      { method: 'POST', pathRegex: '/_apis/wit/wiql$', headers: { 'Retry-After': '1' } },
    ]);
    const run = await failure(841);
    assert.equal(run.outputs['WorkItemAction'], 'created', run.stdout);
    const said = (seconds: number): RegExp =>
      new RegExp(
        `^Azure DevOps asked the task to slow down \\(Retry-After\\): waiting ${seconds} s before its next request\\.$`,
        'm',
      );
    assert.match(run.stdout, said(2));
    assert.match(run.stdout, said(1));
  });

  it('a 429 asking for a wait longer than the retry budget: says how long, and names the budget to raise', async () => {
    await session.emulator.injectFaults([
      {
        method: 'POST',
        pathRegex: '/_apis/wit/workitems/\\$Bug$',
        status: 429,
        headers: { 'Retry-After': '90' },
      },
    ]);
    const run = await failure(839, { variables: { 'PipelineWorkItem.RetryBudget': '30' } });
    assert.equal(run.result, 'SucceededWithIssues');
    assert.match(run.resultMessage, /rate-limiting this pipeline \(HTTP 429\)/);
    assert.match(run.resultMessage, /asked to wait 90 seconds/, run.resultMessage);
    assert.match(run.resultMessage, /PipelineWorkItem\.RetryBudget/, run.resultMessage);
    await session.items(0, run);
  });

  it('a Retry-After on a successful answer: no request goes out before the wait it asks for has passed', async () => {
    // Azure DevOps asks a client nearing its rate limit to slow down on answers that still succeed; here the
    // create's, which nothing else is in flight beside.
    await session.emulator.injectFaults([
      { method: 'POST', pathRegex: '/_apis/wit/workitems/\\$Bug$', headers: { 'Retry-After': '2' } },
    ]);
    const run = await failure(840);
    assert.equal(run.outputs['WorkItemAction'], 'created', run.stdout);
    const requests = (await session.emulator.requests()).filter((request) => request.kind === 'rest');
    const asked = requests.find((request) => request.fault)!;
    const after = requests.filter((request) => request.seq > asked.seq);
    assert.ok(after.length > 0, 'no request after the answer that asked to wait');
    for (const request of after) {
      // The emulator stamps an answer's end just after writing it: the task may read it a moment before.
      const waited = request.startMs - asked.endMs!;
      assert.ok(
        waited >= 1950,
        `${request.method} ${request.path} went out ${Math.round(waited)} ms after the answer asking to wait 2 s`,
      );
    }
  });

  it('a pull request from a fork (read-only token): warns and skips, even with failTaskOnError', async () => {
    await session.emulator.setTokens(['another-token']);
    const run = await failure(832, {
      inputs: { includePullRequests: 'true', failTaskOnError: 'true' },
      variables: {
        'Build.Reason': 'PullRequest',
        'Build.SourceBranch': 'refs/pull/9/merge',
        'System.PullRequest.IsFork': 'True',
      },
    });
    assert.equal(run.result, 'SucceededWithIssues');
    assert.match(run.resultMessage, /this pull request comes from a fork/);
  });

  it('a value too long for a field the item cannot go without (TF401324): fails the filing naming it once', async () => {
    // A Description over the service's 1M characters, from a first error of 200 repeated by the fields input: a
    // title would be cut to fit, as the title input's is.
    const run = await session.runFailed(
      833,
      { fields: `System.Description=${'{{firstError}}'.repeat(7000)}` },
      [`Error: ${'x'.repeat(193)}`],
    );
    assert.equal(run.result, 'SucceededWithIssues');
    assert.match(run.resultMessage, /is too long\. .*shorten the value the 'fields' input gives it/);
    assert.equal(run.resultMessage.match(/System\.Description/g)?.length, 1, run.resultMessage);
    await session.items(0, run);
  });

  it('a field a rule of the process requires, which no input sets: the fields input named, and it files with it', async () => {
    await session.emulator.addRule({
      kind: 'require',
      project: 'WebApp',
      type: 'Bug',
      state: 'New',
      field: 'Microsoft.VSTS.Scheduling.StoryPoints',
    });
    const refused = await failure(837);
    assert.equal(refused.result, 'SucceededWithIssues');
    assert.match(
      refused.resultMessage,
      /require a value the task does not set \(Microsoft\.VSTS\.Scheduling\.StoryPoints\).*Set it with the 'fields' input, e\.g\. Microsoft\.VSTS\.Scheduling\.StoryPoints=<value>\.$/,
    );
    const filed = await failure(838, { inputs: { fields: 'Microsoft.VSTS.Scheduling.StoryPoints=1' } });
    assert.equal(filed.outputs['WorkItemAction'], 'created', filed.resultMessage);
  });

  it('an unknown project and an unknown team say which input to fix (never "undefined")', async () => {
    const project = await failure(834, { inputs: { project: 'Nope' } });
    assert.match(
      project.resultMessage,
      /Project 'Nope' was not found, or the identity writing to it cannot read it\. Give "WebApp Build Service \(fabrikam\)" .* access to project 'Nope' .*, or check the 'project' input/,
    );
    const team = await failure(835, { inputs: { iterationPath: 'Ghosts@currentIteration' } });
    assert.match(team.warnings.join('\n'), /Team 'Ghosts' was not found/i);
    assert.doesNotMatch([...team.warnings, team.resultMessage].join('\n'), /undefined/);
    await session.items(1, team);
  });

  it('never a silent green: a reporting job whose run records stay unreadable succeeds with issues', async () => {
    await session.emulator.seedBuild(separateJobRun(836));
    await session.emulator.injectFaults([
      { method: 'GET', pathRegex: '/_apis/build/builds/836/timeline', status: 500, times: 100 },
    ]);
    const run = await session.run({
      variables: buildVariables(836, {
        'Agent.JobStatus': 'Succeeded',
        'System.JobId': REPORT_JOB,
        'PipelineWorkItem.RetryBudget': '3',
      }),
    });
    assert.equal(run.result, 'SucceededWithIssues');
    assert.match(run.warnings.join('\n'), /The run's outcome could not be established/);
    assert.equal(run.outputs['WorkItemAction'], 'none');
    await session.items(0, run);
  });

  for (const [topology, version] of [
    ['server2020', '6.0'],
    ['server2022', '7.0'],
  ] as const) {
    it(`files a failure on Azure DevOps Server ${topology.slice(-4)} (REST ${version})`, async () => {
      await session.emulator.setTopology(topology);
      await session.emulator.setTokens([JOB_TOKEN]);
      const run = await failure(840);
      assert.equal(run.outputs['WorkItemAction'], 'created', run.stdout);
      const sent = (await session.emulator.requests())
        .filter((r) => r.kind === 'rest')
        .map((r) => r.apiVersion);
      assert.ok(sent.length > 0);
      // The task asks every server for REST 6.0 (Server 2020's), which newer servers serve as well.
      for (const apiVersion of sent) {
        assert.ok(Number.parseFloat(apiVersion ?? '') <= Number(version), `${apiVersion} on ${topology}`);
      }
      const again = await failure(841);
      assert.equal(again.outputs['WorkItemAction'], 'commented', again.stdout);
    });
  }

  it('Azure DevOps Server 2019 (REST 5.0): says the server is older than the task needs, and what it needs', async () => {
    await session.emulator.setTopology('server2019');
    await session.emulator.setTokens([JOB_TOKEN]);
    const run = await failure(843);
    assert.equal(run.result, 'SucceededWithIssues');
    const needs =
      /Azure DevOps at http:\/\/127\.0\.0\.1:\d+\/fabrikam\/ serves REST API versions up to 5\.0, older than the REST API 6\.0 this task calls \(Azure DevOps Server 2020 and later serve it\)\. The task supports Azure DevOps Services and Azure DevOps Server 2020 or later, with an agent of version 3\.232\.1 or later: upgrade the server\./;
    assert.match(
      run.resultMessage,
      /^Could not read the work item types of project 'WebApp': Azure DevOps at /,
    );
    assert.match(run.resultMessage, needs);
    // Every read the run started was refused alike: each warning names the fix.
    assert.ok(run.warnings.length > 1);
    for (const warning of run.warnings) assert.match(warning, needs);
    await session.items(0, run);
  });

  it('a Server collection below a virtual directory, of a project named with spaces and beyond ASCII: files, comments, resolves', async () => {
    await session.emulator.setTopology('server2020');
    await session.emulator.setTokens([JOB_TOKEN]);
    const project = 'Fabrikam Fiber Café';
    const collection = session.emulator.collectionUrl.replace('/fabrikam/', '/tfs/fabrikam/');
    const run = async (id: number, outcome: 'failed' | 'green') => {
      const seed = outcome === 'failed' ? failedYamlRun(id) : greenYamlRun(id);
      await session.emulator.seedBuild({ ...seed, project });
      return session.run({
        variables: buildVariables(id, {
          'System.TeamFoundationCollectionUri': collection,
          'System.TeamProject': project,
          'Agent.JobStatus': outcome === 'failed' ? 'Failed' : 'Succeeded',
        }),
        inputs: { iterationPath: '@currentIteration' },
        jobConnectionUrl: collection,
      });
    };
    const first = await run(844, 'failed');
    assert.equal(first.outputs['WorkItemAction'], 'created', first.stdout);
    assert.equal(first.outputs['WorkItemUrl'], `${collection}Fabrikam%20Fiber%20Caf%C3%A9/_workitems/edit/1`);
    const [item] = await session.items(1, first);
    assert.equal(item!.fields['System.IterationPath'], 'Fabrikam Fiber Café\\Sprint 1');
    assert.equal((await run(845, 'failed')).outputs['WorkItemAction'], 'commented');
    assert.equal((await run(846, 'green')).outputs['WorkItemAction'], 'resolved');
    const requests = (await session.emulator.requests()).filter((r) => r.kind === 'rest');
    // Every call went to the collection below its virtual directory, and reached a route of the project.
    assert.ok(requests.length > 10);
    for (const r of requests) {
      assert.match(
        r.path,
        /^\/tfs\/fabrikam\/Fabrikam Fiber Café\/(Fabrikam Fiber Café Team\/)?_apis\//,
        r.path,
      );
      assert.ok((r.status ?? 0) >= 200 && (r.status ?? 0) < 300, `${r.method} ${r.path}: ${r.status}`);
    }
  });

  it('Services: reads the release from its own host, found through resource areas, and the tests from the collection', async () => {
    await session.emulator.setTopology('services');
    await session.emulator.setTokens([JOB_TOKEN]);
    const { webUrl } = await seedClassicRelease(session.emulator, classicRelease(57, 'failed'));
    const run = await session.run({ variables: releaseVariables(57, 'Failed', webUrl) });
    await session.items(1, run);
    const requests = await session.emulator.requests();
    assert.ok(
      requests.some((r) => r.host === 'release' && /\/_apis\/release\/releases\/57$/i.test(r.path)),
      requestTimeline(requests),
    );
    assert.ok(
      requests.some((r) => r.host === 'main' && r.path.endsWith('/_apis/test/runs')),
      requestTimeline(requests),
    );
    assert.ok(
      requests.every((r) => r.host !== 'testResults'),
      requestTimeline(requests),
    );
    assert.deepEqual(
      requests.filter((r) => (r.status ?? 0) >= 400).map((r) => `${r.status} ${r.path}`),
      [],
      'every read answered',
    );
    assert.deepEqual(run.warnings, []);
  });
});
