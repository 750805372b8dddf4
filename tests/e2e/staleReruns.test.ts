import * as assert from 'node:assert/strict';
import type { BuildSeed, RecordedRequest } from '../emulator/harness';
import { loc } from '../../tasks/PipelineWorkItem/src/text/messages';
import { buildVariables, failedYamlRun, greenYamlRun } from './pipelines';
import { useSession } from './session';

// A rerun ("Rerun failed jobs", a stage run again) of a build older than the newest build of its pipeline and
// branch: the newer build's outcome is the lane's, so the rerun neither files, comments nor resolves.
describe('packaged task: a rerun of an older build', function () {
  const session = useSession();
  const { state } = session;

  /** Build `id` of WebApp-CI (definition 12), queued `id` minutes after midnight on 1 December 2026. */
  function build(id: number, outcome: 'failed' | 'green', sourceBranch = 'refs/heads/main'): BuildSeed {
    const run = outcome === 'failed' ? failedYamlRun(id) : greenYamlRun(id);
    const queueTime = new Date(Date.UTC(2026, 11, 1) + id * 60_000).toISOString();
    return { ...run, sourceBranch, queueTime, startTime: queueTime };
  }

  /** Seeds build `id` as it stands and runs the task in it, in `attempt` (System.JobAttempt and the like). */
  async function runBuild(
    id: number,
    outcome: 'failed' | 'green',
    attempt: Record<string, string> = {},
    sourceBranch = 'refs/heads/main',
  ): Promise<Awaited<ReturnType<typeof session.run>>> {
    await session.emulator.seedBuild(build(id, outcome, sourceBranch));
    return session.run({
      variables: buildVariables(id, {
        'Agent.JobStatus': outcome === 'failed' ? 'Failed' : 'Succeeded',
        'Build.SourceBranch': sourceBranch,
        ...attempt,
      }),
    });
  }

  const isBuildsList = (request: RecordedRequest): boolean =>
    request.method === 'GET' && /\/_apis\/build\/builds$/i.test(request.path);
  const buildsLists = async (): Promise<RecordedRequest[]> =>
    (await session.emulator.requests()).filter(isBuildsList);
  const results = (id: number): string =>
    `${session.emulator.collectionUrl}WebApp/_build/results?buildId=${id}`;
  const stale = (number: string, branch: string, id: number): string =>
    loc('StaleRerun', number, branch, results(id));

  const ATTEMPTS: Record<string, string>[] = [
    { 'System.JobAttempt': '2', 'System.PhaseAttempt': '2', 'System.StageAttempt': '2' },
    { 'System.StageAttempt': '2' },
  ];
  for (const attempt of ATTEMPTS) {
    const named = Object.keys(attempt).join(', ');
    it(`812 files a Bug; the older 800 rerun green (${named}) leaves it open and names 812`, async () => {
      await session.emulator.seedBuild({ ...build(800, 'failed'), status: 'completed', result: 'failed' });
      const failed = await runBuild(812, 'failed');
      assert.equal(failed.outputs['WorkItemAction'], 'created');
      const bug = failed.outputs['WorkItemId'];
      await session.emulator.clearRequests();

      const rerun = await runBuild(800, 'green', attempt);
      assert.equal(await state(bug), 'New', 'main is still broken at 812');
      assert.deepEqual(rerun.outputs, { WorkItemId: '', WorkItemUrl: '', WorkItemAction: 'none' });
      assert.equal(rerun.result, 'Succeeded');
      assert.equal(rerun.resultMessage, stale('20261129.812', 'main', 812));
      assert.ok(rerun.stdout.includes(stale('20261129.812', 'main', 812)), rerun.stdout);
      assert.ok(
        rerun.summary.includes(`run [20261129\\.812](${results(812)}) on main of the same pipeline`),
        rerun.summary,
      );
      assert.deepEqual(await session.writes(), []);
      const lists = await buildsLists();
      assert.deepEqual(
        lists.map((request) => request.query),
        [
          {
            definitions: '12',
            branchName: 'refs/heads/main',
            queryOrder: 'queueTimeDescending',
            $top: '2',
            'api-version': '6.0',
          },
        ],
      );
      assert.equal(lists[0]?.status, 200);
    });
  }

  it('950 files, 960 resolves it, 950 rerun fails again: no new Bug for a branch that is green', async () => {
    const failed = await runBuild(950, 'failed');
    const bug = failed.outputs['WorkItemId'];
    const green = await runBuild(960, 'green');
    assert.equal(green.outputs['WorkItemAction'], 'resolved');
    const rerun = await runBuild(950, 'failed', { 'System.JobAttempt': '2' });
    await session.items(1, rerun);
    assert.equal(await state(bug), 'Resolved');
    assert.equal(rerun.outputs['WorkItemAction'], 'none');
    assert.equal(rerun.resultMessage, stale('20261129.960', 'main', 960));
    const comments = (await session.emulator.comments(Number(bug))).map((comment) => comment.text);
    assert.ok(!comments.some((text) => text.includes('Failed again')), comments.join('\n'));
  });

  it('a rerun of the newest build asks once and resolves as any run; one that fails again files as any run', async () => {
    const failed = await runBuild(970, 'failed');
    const bug = failed.outputs['WorkItemId'];
    // Another branch's newer build is of another lane.
    await session.emulator.seedBuild(build(980, 'green', 'refs/heads/feature/x'));
    const rerun = await runBuild(970, 'green', { 'System.JobAttempt': '2' });
    assert.equal(rerun.outputs['WorkItemAction'], 'resolved');
    assert.equal(await state(bug), 'Resolved');
    assert.equal((await buildsLists()).length, 1);

    await session.emulator.clearRequests();
    const again = await runBuild(970, 'failed', { 'System.JobAttempt': '3' });
    assert.equal(again.outputs['WorkItemAction'], 'created');
    await session.items(2, again);
    assert.equal((await buildsLists()).length, 1);
  });

  it('a first attempt never lists builds, failing or green; its rerun lists them once', async () => {
    await runBuild(990, 'failed');
    await runBuild(991, 'green');
    assert.deepEqual(await buildsLists(), []);
    await runBuild(990, 'failed', { 'System.JobAttempt': '2' });
    assert.equal((await buildsLists()).length, 1);
  });

  it("a tag's older build rerun green leaves the newer tag's item open: every tag is one lane", async () => {
    await session.emulator.seedBuild({ ...build(1100, 'failed', 'refs/tags/v1.0'), status: 'completed' });
    const failed = await runBuild(1110, 'failed', {}, 'refs/tags/v1.1');
    const bug = failed.outputs['WorkItemId'];
    // Main's builds since do not hide v1.1's.
    await session.emulator.seedBuild(build(1120, 'green'));
    const rerun = await runBuild(1100, 'green', { 'System.JobAttempt': '2' }, 'refs/tags/v1.0');
    assert.equal(await state(bug), 'New');
    assert.equal(rerun.resultMessage, stale('20261129.1110', 'v1.1', 1110));
    const [list] = await buildsLists();
    assert.equal(list?.query['branchName'], undefined);
    assert.equal(list?.query['$top'], '20');
  });

  it('newest builds that cannot be read: a warning, and the rerun resolves as any run does', async () => {
    const failed = await runBuild(1200, 'failed');
    const bug = failed.outputs['WorkItemId'];
    await session.emulator.seedBuild(build(1210, 'failed'));
    await session.emulator.injectFaults([
      {
        method: 'GET',
        pathRegex: '/_apis/build/builds$',
        status: 400,
        body: { message: 'VS402337: refused' },
      },
    ]);
    const rerun = await runBuild(1200, 'green', { 'System.JobAttempt': '2' });
    assert.equal(rerun.outputs['WorkItemAction'], 'resolved');
    assert.equal(await state(bug), 'Resolved');
    const unread = loc(
      'NewerRunUnread',
      loc('CallFailedStatus', loc('ActionListBuilds', 12), 400, 'VS402337: refused'),
    );
    assert.deepEqual(rerun.warnings, [unread]);
    assert.equal(rerun.result, 'Succeeded');
  });
});
