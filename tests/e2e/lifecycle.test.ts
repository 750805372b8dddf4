import * as assert from 'node:assert/strict';
import { ReleaseSeed, requestTimeline, WorkItemJson } from '../emulator/harness';
import { sequentialChain } from '../bench/stats';
import {
  buildVariables,
  classicRelease,
  deploymentGroupRelease,
  deploymentTarget,
  failedYamlRun,
  greenBesideLeg,
  greenYamlRun,
  JOB_TOKEN,
  onDeploymentTarget,
  OWN_JOB,
  RELEASE_OWN_JOB,
  releaseVariables,
  seedClassicRelease,
  withProductionDeploy,
} from './pipelines';
import { Job, useSession } from './session';

// Lifecycle: one open item per failure, a comment per recurrence, resolved on recovery.
describe('packaged task: one open item per failure, resolved on recovery', function () {
  const session = useSession();

  const { runBuild, state, comments: commentTexts } = session;

  /** What a person saves on item `id` between runs, through the REST API (as the web portal does). */
  async function saveByHand(id: number, fields: Record<string, string>): Promise<void> {
    const url = `${session.emulator.collectionUrl}WebApp/_apis/wit/workitems/${id}?api-version=7.1`;
    const response = await fetch(url, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json-patch+json', Authorization: `Bearer ${JOB_TOKEN}` },
      body: JSON.stringify(
        Object.entries(fields).map(([field, value]) => ({ op: 'add', path: `/fields/${field}`, value })),
      ),
    });
    assert.equal(response.status, 200, await response.text());
  }

  /** What a person does between runs: edits the title and description and adds a tag. */
  async function editByHand(item: WorkItemJson): Promise<void> {
    await saveByHand(item.id, {
      'System.Title': 'Checkout total is wrong (flaky?)',
      'Microsoft.VSTS.TCM.ReproSteps': '<p>Rewritten by Sam.</p>',
      'System.Tags': `${String(item.fields['System.Tags'])}; triaged`,
    });
  }

  it('Agile: fail → Bug; fail → the same Bug commented; success → Resolved with a comment; fail → a new Bug', async () => {
    const first = await runBuild(900, 'failed');
    const [bug] = await session.items(1, first);
    assert.equal(first.outputs['WorkItemAction'], 'created');
    assert.equal(state(bug!.id) !== undefined, true);
    assert.equal(await state(bug!.id), 'New');

    const again = await runBuild(901, 'failed');
    await session.items(1, again);
    assert.deepEqual(again.outputs, {
      WorkItemId: String(bug!.id),
      WorkItemUrl: `${session.emulator.collectionUrl}WebApp/_workitems/edit/${bug!.id}`,
      WorkItemAction: 'commented',
    });
    const recurrence = (await commentTexts(bug!.id)).find((text) => text.includes('Failed again'));
    assert.ok(recurrence, (await commentTexts(bug!.id)).join('\n'));
    assert.match(recurrence, /occurrence 2/);
    assert.match(recurrence, /buildId=901">20261129\.901<\/a> on main/);
    assert.match(recurrence, /<b>Build › Unit tests › npm test<\/b>: AssertionError/);
    assert.match(
      again.summary,
      /The failure happened again: commented on \[Bug \d+\]\(.*\) \(occurrence 2\)/,
    );

    const green = await runBuild(902, 'green');
    assert.equal(green.outputs['WorkItemAction'], 'resolved');
    assert.equal(green.outputs['WorkItemId'], String(bug!.id));
    assert.equal(await state(bug!.id), 'Resolved');
    assert.ok(
      (await commentTexts(bug!.id)).some((text) =>
        /The pipeline recovered: .*20261129\.902<\/a> on main succeeded/.test(text),
      ),
    );
    assert.match(green.summary, /The pipeline recovered: resolved \[Bug \d+\]/);

    const later = await runBuild(903, 'failed');
    const items = await session.items(2, later);
    assert.equal(later.outputs['WorkItemAction'], 'created');
    assert.notEqual(later.outputs['WorkItemId'], String(bug!.id));
    assert.equal(await state(bug!.id), 'Resolved', 'a resolved item is never reopened');
    assert.equal((await commentTexts(bug!.id)).filter((t) => t.includes('Failed again')).length, 1);
    assert.ok(items.some((item) => String(item.id) === later.outputs['WorkItemId']));
    // The new item's first entry links the one that tracked the failure before.
    const [filed] = await commentTexts(Number(later.outputs['WorkItemId']));
    assert.ok(
      filed?.includes(
        `Filed before for this fingerprint: <a href="${session.emulator.collectionUrl}WebApp/_workitems/edit/${bug!.id}">#${bug!.id}</a>.`,
      ),
      filed,
    );
  });

  // The item filed before is asked for with the open items: a new failure does not wait for it after them. The
  // chain: the reads that need only the run; the tails and results with the open items' query (none with
  // `onRecurrence: new`); the create; with a fingerprint, the query that settles a race.
  const asked: [Record<string, string>, number][] = [
    [{ fingerprint: '{{pipeline}} {{branch}}' }, 4],
    [{ onRecurrence: 'new' }, 3],
  ];
  for (const [inputs, roundTrips] of asked) {
    it(`a new item's link to the item filed before costs no round trip (${JSON.stringify(inputs)})`, async () => {
      await session.emulator.seedBuild(failedYamlRun(940));
      await session.emulator.setLatency(40);
      let run: Awaited<ReturnType<typeof session.run>>;
      try {
        run = await session.run({ variables: buildVariables(940, { 'Agent.JobStatus': 'Failed' }), inputs });
      } finally {
        await session.emulator.setLatency(0);
      }
      assert.equal(run.outputs['WorkItemAction'], 'created');
      const requests = await session.emulator.requests();
      assert.equal(sequentialChain(requests).length, roundTrips, requestTimeline(requests));
    });
  }

  it('Scrum and Basic: success moves the item to Done (their Completed state: no Resolved category)', async () => {
    for (const [project, type] of [
      ['Mobile', 'Bug'],
      ['Starter', 'Issue'],
    ] as const) {
      await session.emulator.reset();
      await session.emulator.setTokens([JOB_TOKEN]);
      const failed = await runBuild(910, 'failed', { project });
      const [item] = await session.items(1, failed);
      assert.equal(item!.fields['System.WorkItemType'], type);
      const green = await runBuild(911, 'green', { project });
      assert.equal(green.outputs['WorkItemAction'], 'resolved', green.stdout);
      assert.equal(await state(item!.id), 'Done', `${project}: ${green.stdout}`);
    }
  });

  it('finds the item again after a person edited its title and description and added a tag', async () => {
    await runBuild(920, 'failed');
    const [bug] = await session.items(1);
    await editByHand(bug!);
    const again = await runBuild(921, 'failed');
    await session.items(1, again);
    assert.equal(again.outputs['WorkItemAction'], 'commented');
    assert.equal(again.outputs['WorkItemId'], String(bug!.id));
  });

  it('another branch files its own item; a classic release files one item per environment', async () => {
    await runBuild(930, 'failed');
    const other = await runBuild(931, 'failed', {
      variables: { 'Build.SourceBranch': 'refs/heads/release/2.0' },
    });
    assert.equal(other.outputs['WorkItemAction'], 'created');
    await session.items(2, other);

    await session.emulator.reset();
    await session.emulator.setTokens([JOB_TOKEN]);
    const { webUrl } = await seedClassicRelease(session.emulator, classicRelease(57, 'failed'));
    const production = await session.run({ variables: releaseVariables(57, 'Failed', webUrl) });
    const qa = await session.run({
      variables: {
        ...releaseVariables(57, 'Failed', webUrl),
        'Release.EnvironmentName': 'QA',
        'Release.EnvironmentId': '2',
      },
    });
    const productionAgain = await session.run({ variables: releaseVariables(57, 'Failed', webUrl) });
    const items = await session.items(2, qa);
    assert.deepEqual(items.map((item) => item.fields['System.Title']).sort(), [
      'Release-57 failed in Production',
      'Release-57 failed in QA',
    ]);
    assert.equal(production.outputs['WorkItemAction'], 'created');
    assert.equal(qa.outputs['WorkItemAction'], 'created');
    // The same job of the same deployment again (a step retried on failure): nothing added, and the outputs say
    // what its first run did.
    assert.equal(productionAgain.outputs['WorkItemId'], production.outputs['WorkItemId']);
    assert.equal(productionAgain.outputs['WorkItemAction'], 'created');
    assert.equal((await session.emulator.comments(Number(production.outputs['WorkItemId']))).length, 1);
  });

  it('a release whose deploy phase failed before its jobs ran (no agent): a failure, never the recovery', async () => {
    const first = await seedClassicRelease(session.emulator, classicRelease(57, 'failed'));
    const failed = await session.run({ variables: releaseVariables(57, 'Succeeded', first.webUrl) });
    assert.equal(failed.outputs['WorkItemAction'], 'created', failed.stdout);
    const noAgent =
      'No agent found in pool Default which satisfies the specified demands: Agent.OS -equals Linux';
    const { webUrl } = await seedClassicRelease(
      session.emulator,
      withProductionDeploy(classicRelease(58, 'succeeded'), {
        name: 'Deploy web',
        status: 'failed',
        errorLog: noAgent,
        jobs: [],
      }),
    );
    const again = await session.run({ variables: releaseVariables(58, 'Succeeded', webUrl) });
    assert.equal(again.outputs['WorkItemAction'], 'commented', again.stdout);
    assert.equal(again.outputs['WorkItemId'], failed.outputs['WorkItemId']);
    const [item] = await session.items(1, again);
    assert.equal(item?.fields['System.State'], 'New');
    const comments = await session.emulator.comments(item!.id);
    assert.match(comments.at(-1)?.text ?? '', /Release-58/);
    assert.ok(comments.at(-1)?.text.includes('Production › Deploy web'), comments.at(-1)?.text);
    assert.ok(comments.at(-1)?.text.includes(noAgent), comments.at(-1)?.text);
  });

  it('createOn failureOrIssues in a release: the item names the task that failed and let the deployment go on', async () => {
    const { webUrl } = await seedClassicRelease(
      session.emulator,
      withProductionDeploy(classicRelease(57, 'succeeded'), {
        name: 'Deploy web',
        status: 'partiallySucceeded',
        jobs: [
          {
            name: 'Deploy web',
            status: 'partiallySucceeded',
            tasks: [
              {
                name: 'Azure App Service deploy',
                status: 'partiallySucceeded',
                issues: [{ issueType: 'Warning', message: "Slot 'staging' was not found." }],
              },
            ],
          },
        ],
      }),
    );
    const run = await session.run({
      variables: releaseVariables(57, 'Succeeded', webUrl),
      inputs: { createOn: 'failureOrIssues' },
    });
    const [item] = await session.items(1, run);
    assert.equal(item?.fields['System.Title'], 'Release-57 succeeded with issues in Production');
    const body = String(item?.fields['Microsoft.VSTS.TCM.ReproSteps']);
    assert.ok(
      body.includes(
        '<b>Production › Deploy web › Azure App Service deploy</b> (failed, and the run went on: succeeded with issues)',
      ),
      body,
    );
    assert.ok(body.includes("Slot 'staging' was not found."), body);
  });

  it('an item at the 10,000 revisions the REST API may change: each write tried once, the fix named', async () => {
    const old = await session.emulator.seedWorkItem({
      project: 'WebApp',
      type: 'Bug',
      fields: { 'System.Title': 'Failing for months', 'System.Tags': 'pipeline-failure; pwi:9d3027273b35' },
      rev: 10_000,
    });
    const writes = async (): Promise<string[]> =>
      (await session.emulator.requests())
        .filter((r) => r.kind === 'rest' && r.method !== 'GET' && !r.path.includes('/wiql'))
        .map((r) => `${r.method} ${r.status}`);

    const failed = await runBuild(930, 'failed');
    assert.deepEqual(await writes(), ['POST 500'], 'the comment, sent once and never looked for');
    assert.equal(failed.result, 'SucceededWithIssues');
    assert.match(
      failed.warnings.join('\n'),
      new RegExp(`comment on work item ${old.id}: the item has as many revisions`),
    );
    assert.match(
      failed.warnings.join('\n'),
      /Open it in Azure Boards, where people can still change it, and close or remove it/,
    );
    assert.deepEqual(await commentTexts(old.id), []);

    await session.emulator.reset();
    await session.emulator.setTokens([JOB_TOKEN]);
    const stuck = await session.emulator.seedWorkItem({
      project: 'WebApp',
      type: 'Bug',
      fields: { 'System.Title': 'Failing for months', 'System.Tags': 'pipeline-failure; pwi:9d3027273b35' },
      rev: 10_000,
    });
    const green = await runBuild(931, 'green');
    assert.deepEqual(await writes(), ['PATCH 500'], 'the state change, sent once');
    assert.equal(await state(stuck.id), 'New');
    assert.match(
      green.warnings.join('\n'),
      new RegExp(`update work item ${stuck.id}: the item has as many revisions`),
    );
  });

  it('a green job beside jobs still to finish resolves nothing and says where to run the task; once they are done, it resolves', async () => {
    const failed = await runBuild(940, 'failed');
    const bug = failed.outputs['WorkItemId']!;
    const job = (id: number): Job => ({
      variables: buildVariables(id, {
        'Agent.JobStatus': 'Succeeded',
        'System.JobId': OWN_JOB.toUpperCase(),
      }),
    });

    await session.emulator.seedBuild(greenBesideLeg(941, { state: 'inProgress', result: null }));
    const early = await session.run(job(941));
    assert.equal(early.outputs['WorkItemAction'], 'none');
    assert.equal(early.result, 'Succeeded');
    assert.match(
      early.warnings.join('\n'),
      /Nothing resolved: other jobs of this run were still running \(Build › Windows\), so the run's outcome is not known yet\. To resolve on recovery, run the task in a job that runs after all the others whatever their result: in YAML, a job or stage that depends on all the others, with condition always\(\); in a classic release, an agent job after them set to run even if a previous job has failed\./,
    );
    assert.match(early.summary, /Nothing resolved: other jobs of this run were still running/);
    assert.equal(await state(Number(bug)), 'New');

    // Once the leg is done, a job that has not started (it may depend on this one) is not waited for.
    const done942 = greenBesideLeg(942, { state: 'completed', result: 'succeeded' });
    await session.emulator.seedBuild({
      ...done942,
      records: [
        ...(done942.records ?? []),
        {
          id: 'publish-phase',
          parentId: 'stage',
          type: 'Phase',
          name: 'Publish',
          order: 3,
          state: 'pending',
          result: null,
        },
        {
          id: 'publish',
          parentId: 'publish-phase',
          type: 'Job',
          name: 'Publish',
          order: 1,
          state: 'pending',
          result: null,
        },
      ],
    });
    const done = await session.run(job(942));
    assert.equal(done.outputs['WorkItemAction'], 'resolved', done.stdout);
    assert.equal(await state(Number(bug)), 'Resolved');
  });

  it('a green job filing for its success beside jobs still running files nothing; a failing one files at once', async () => {
    const job = (id: number, status: string, inputs: Record<string, string>): Job => ({
      variables: buildVariables(id, { 'Agent.JobStatus': status, 'System.JobId': OWN_JOB }),
      inputs,
    });
    await session.emulator.seedBuild(greenBesideLeg(945, { state: 'inProgress', result: null }));
    for (const createOn of ['success', 'always']) {
      const early = await session.run(job(945, 'Succeeded', { createOn, workItemType: 'Task' }));
      assert.equal(early.outputs['WorkItemAction'], 'none', early.stdout);
      assert.match(
        early.warnings.join('\n'),
        /Nothing filed: other jobs of this run were still running \(Build › Windows\), so the run's outcome is not known yet/,
      );
    }
    await session.items(0);

    // A failure is the run's outcome whatever the others do.
    const failing = await session.run(job(945, 'Failed', {}));
    assert.equal(failing.outputs['WorkItemAction'], 'created', failing.stdout);

    await session.emulator.seedBuild(greenBesideLeg(946, { state: 'completed', result: 'succeeded' }));
    const done = await session.run(job(946, 'Succeeded', { createOn: 'success', workItemType: 'Task' }));
    assert.equal(done.outputs['WorkItemAction'], 'created', done.stdout);

    // Issues are a problem of the run whatever the others do: noted at once, on the failure's open item.
    await session.emulator.seedBuild(greenBesideLeg(947, { state: 'inProgress', result: null }));
    const issues = await session.run(job(947, 'SucceededWithIssues', { createOn: 'failureOrIssues' }));
    assert.equal(issues.outputs['WorkItemAction'], 'commented', issues.stdout);
    assert.equal(issues.outputs['WorkItemId'], failing.outputs['WorkItemId']);
  });

  it('a deployment group target green beside another still deploying resolves nothing; once it is done, it resolves', async () => {
    const { webUrl } = await seedClassicRelease(session.emulator, classicRelease(57, 'failed'));
    const failed = await session.run({ variables: releaseVariables(57, 'Failed', webUrl) });
    const bug = Number(failed.outputs['WorkItemId']);
    // A deployment group job runs once per target: each target is a job of the deployment, the task in each.
    const deployment = (id: number, other: 'inProgress' | 'succeeded'): ReleaseSeed =>
      deploymentGroupRelease(id, [
        deploymentTarget('WEB01', RELEASE_OWN_JOB, 'inProgress', 'succeeded'),
        deploymentTarget('WEB02', 'web02-job', other),
      ]);
    const onTarget = (id: number, url: string) => ({
      variables: onDeploymentTarget(id, url, 'WEB01', RELEASE_OWN_JOB, 'Succeeded'),
    });

    const early = await seedClassicRelease(session.emulator, deployment(58, 'inProgress'));
    const first = await session.run(onTarget(58, early.webUrl));
    assert.equal(first.outputs['WorkItemAction'], 'none', first.stdout);
    assert.match(
      first.warnings.join('\n'),
      /Nothing resolved: other jobs of this run were still running \(Production › Deploy web \(WEB02\)\)/,
    );
    assert.equal(await state(bug), 'New');

    const done = await seedClassicRelease(session.emulator, deployment(59, 'succeeded'));
    const last = await session.run(onTarget(59, done.webUrl));
    assert.equal(last.outputs['WorkItemAction'], 'resolved', last.stdout);
    assert.equal(await state(bug), 'Resolved');
  });

  it('a deployment group: the failing target files, a green target of the same deployment adds nothing', async () => {
    const { webUrl } = await seedClassicRelease(
      session.emulator,
      deploymentGroupRelease(60, [
        deploymentTarget('WEB01', 'web01-job', 'failed'),
        deploymentTarget('WEB02', RELEASE_OWN_JOB, 'inProgress', 'succeeded'),
      ]),
    );
    const on = (machine: string, jobId: string, status: string) => ({
      variables: onDeploymentTarget(60, webUrl, machine, jobId, status),
    });
    const failing = await session.run(on('WEB01', 'web01-job', 'Failed'));
    assert.equal(failing.outputs['WorkItemAction'], 'created', failing.stdout);
    const green = await session.run(on('WEB02', RELEASE_OWN_JOB, 'Succeeded'));
    assert.equal(green.outputs['WorkItemAction'], 'none', green.stdout);
    assert.equal(green.outputs['WorkItemId'], failing.outputs['WorkItemId']);
    assert.match(green.summary, /already recorded/);
    assert.equal((await session.emulator.comments(Number(failing.outputs['WorkItemId']))).length, 1);
  });

  it('an item a person reopened after a recovery stays open until the pipeline fails again', async () => {
    const failed = await runBuild(950, 'failed');
    const bug = Number(failed.outputs['WorkItemId']);
    assert.equal((await runBuild(951, 'green')).outputs['WorkItemAction'], 'resolved');
    assert.match(
      (await commentTexts(bug)).at(-1)!,
      /<p>Pipeline Work Items moved this item to Resolved \(Fixed\)\.<\/p>/,
    );
    // Sam reopens it in the web portal: not fixed after all.
    await saveByHand(bug, { 'System.State': 'Active' });
    const green = await runBuild(952, 'green');
    assert.equal(green.outputs['WorkItemAction'], 'none');
    assert.equal(await state(bug), 'Active', 'the person’s reopening stands');
    assert.match(
      green.summary,
      /is open again \(Active\): a person reopened it after Pipeline Work Items moved it/,
    );
    assert.equal((await runBuild(953, 'failed')).outputs['WorkItemAction'], 'commented');
    assert.equal((await runBuild(954, 'green')).outputs['WorkItemAction'], 'resolved');
    assert.equal(await state(bug), 'Resolved');
  });

  it('onRecurrence skip writes nothing and reports the open item; new files another one', async () => {
    const first = await runBuild(940, 'failed');
    await session.emulator.clearRequests();
    const skipped = await runBuild(941, 'failed', { inputs: { onRecurrence: 'skip' } });
    assert.deepEqual(await session.writes(), []);
    assert.equal(skipped.outputs['WorkItemAction'], 'none');
    assert.equal(skipped.outputs['WorkItemId'], first.outputs['WorkItemId']);
    assert.match(skipped.summary, /already tracked by \[Bug \d+\].*onRecurrence is skip/);

    const fresh = await runBuild(942, 'failed', { inputs: { onRecurrence: 'new' } });
    assert.equal(fresh.outputs['WorkItemAction'], 'created');
    await session.items(2, fresh);
  });

  it("a new item's first entry says what a recurrence and a recovery will do, as onRecurrence and resolveOnRecovery say", async () => {
    const renewed = await runBuild(943, 'failed', { inputs: { onRecurrence: 'new' } });
    const [renewedEntry] = await commentTexts(Number(renewed.outputs['WorkItemId']));
    assert.match(
      renewedEntry ?? '',
      /the task files a new item when it fails again and resolves this one when the pipeline recovers\./,
    );
    const left = await runBuild(944, 'failed', {
      inputs: { onRecurrence: 'skip', resolveOnRecovery: 'false', fingerprint: '{{pipeline}} left alone' },
    });
    const [leftEntry] = await commentTexts(Number(left.outputs['WorkItemId']));
    assert.match(leftEntry ?? '', /the task leaves this item as it is when it fails again\.<\/p>/);
  });

  it('resolveOnRecovery false leaves the item open', async () => {
    const failed = await runBuild(950, 'failed');
    await session.emulator.clearRequests();
    const green = await runBuild(951, 'green', { inputs: { resolveOnRecovery: 'false' } });
    assert.equal(green.outputs['WorkItemAction'], 'none');
    assert.equal(await state(Number(failed.outputs['WorkItemId'])), 'New');
    assert.deepEqual(await session.writes(), []);
  });

  it('a failing pull-request run files nothing by default, and its own item with includePullRequests', async () => {
    await runBuild(960, 'failed');
    const pullRequest = {
      'Build.Reason': 'PullRequest',
      'Build.SourceBranch': 'refs/pull/7/merge',
      'System.PullRequest.PullRequestId': '7',
    };
    await session.emulator.clearRequests();
    const quiet = await runBuild(961, 'failed', { variables: pullRequest });
    assert.equal(quiet.outputs['WorkItemAction'], 'none');
    assert.deepEqual(await session.emulator.requests(), [], 'a pull-request run makes no request at all');
    assert.match(quiet.resultMessage, /pull-request validation run/);

    const filed = await runBuild(962, 'failed', {
      variables: pullRequest,
      inputs: { includePullRequests: 'true' },
    });
    assert.equal(filed.outputs['WorkItemAction'], 'created', 'the PR branch has its own fingerprint');
    await session.items(2, filed);
  });

  it('two runs failing at the same moment end with one open item', async () => {
    await session.emulator.seedBuild(failedYamlRun(970));
    await session.emulator.seedBuild(failedYamlRun(971));
    // Both creates are held until both runs have looked for an open item: the race Boards cannot prevent.
    await session.emulator.injectFaults([
      { method: 'POST', pathRegex: '/_apis/wit/workitems/\\$Bug$', delayMs: 500, times: 2 },
    ]);
    const [a, b] = await Promise.all([970, 971].map((id) => session.run({ variables: buildVariables(id) })));
    const items = await session.items(2);
    const open = [];
    for (const item of items) if (['New', 'Active'].includes(await state(item.id))) open.push(item.id);
    assert.equal(open.length, 1, `open items: ${open.join(', ')}`);
    const winner = open[0]!;
    assert.equal(winner, Math.min(...items.map((item) => item.id)), 'the oldest item wins');
    const loser = items.find((item) => item.id !== winner)!;
    assert.equal(await state(loser.id), 'Closed');
    assert.equal((await session.emulator.workItem(loser.id))?.fields['System.Reason'], 'Duplicate');
    const duplicateOf = (await session.emulator.workItem(loser.id))?.relations?.find(
      (r) => r.rel === 'System.LinkTypes.Duplicate-Reverse',
    );
    assert.ok(duplicateOf?.url.endsWith(`/_apis/wit/workItems/${winner}`), JSON.stringify(duplicateOf));
    const actions = [a!, b!].map((run) => run.outputs['WorkItemAction']).sort();
    assert.deepEqual(actions, ['commented', 'created']);
    assert.deepEqual(
      [a!, b!].map((run) => run.outputs['WorkItemId']),
      [String(winner), String(winner)],
      'both runs report the item that tracks the failure',
    );
    assert.ok((await commentTexts(winner)).some((text) => /occurrence 2/.test(text)));
  });

  it('two runs filing their success at the same moment: the duplicate and the summary name a success, not a failure', async () => {
    const inputs = { createOn: 'success' };
    await session.emulator.seedBuild(greenYamlRun(972));
    await session.emulator.seedBuild(greenYamlRun(973));
    await session.emulator.injectFaults([
      { method: 'POST', pathRegex: '/_apis/wit/workitems/\\$Bug$', delayMs: 500, times: 2 },
    ]);
    const runs = await Promise.all(
      [972, 973].map((id) =>
        session.run({ variables: buildVariables(id, { 'Agent.JobStatus': 'Succeeded' }), inputs }),
      ),
    );
    const items = await session.items(2);
    const loser = Math.max(...items.map((item) => item.id));
    const raced = runs.find((run) => run.outputs['WorkItemAction'] === 'commented');
    assert.match(raced?.summary ?? '', /Another run filed the same success at the same moment: commented on/);
    const notes = await commentTexts(loser);
    assert.ok(
      notes.some((text) => /another run filed the same success at the same moment/.test(text)),
      notes.join('\n'),
    );
  });
});
