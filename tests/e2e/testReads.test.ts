import * as assert from 'node:assert/strict';
import type { RecordedRequest, TopologyKind } from '../emulator/harness';
import { requestTimeline } from '../emulator/harness';
import { failedReleaseWithEvidence } from './evidenceRuns';
import {
  buildVariables,
  JOB_TOKEN,
  releaseVariables,
  runWithMixedTests,
  seedClassicRelease,
} from './pipelines';
import { body, useSession } from './session';

const isTestRead = (r: RecordedRequest): boolean => /\/_apis\/test\/runs(\/\d+\/results)?$/i.test(r.path);

// The failing tests are read on the collection's host on every server: the build's test runs, then the failed
// results of the runs that have some, then the changes of the earlier build where a failure began.
describe('packaged task: failing tests read on the collection, on every server', function () {
  const session = useSession();

  const SERVERS: Array<{ kind: TopologyKind; version: string }> = [
    { kind: 'server2020', version: '6.0' },
    { kind: 'server2022', version: '6.0' },
    { kind: 'services', version: '6.0' },
  ];

  for (const [index, server] of SERVERS.entries()) {
    it(`${server.kind}: lists the new failure before the one failing since an earlier build, flaky ones apart`, async () => {
      const em = session.emulator;
      await em.setTopology(server.kind);
      await em.setTokens([JOB_TOKEN]);
      const id = 940 + index;
      const since = 930 + index;
      const { run: failed, earlier } = runWithMixedTests(id, since);
      await em.seedBuild(earlier);
      await em.seedBuild(failed);
      const run = await session.run({ variables: buildVariables(id) });
      const html = body((await session.items(1, run))[0]!);
      // Four failed, two of them flagged flaky: two are counted, the new one first, since when each fails said.
      assert.match(
        html,
        /<p>2 tests failed: 1 new failure, 1 failing since <a href="[^"]*buildId=\d+">20261201\.\d+<\/a> \(2026-12-01 08:00 UTC\)\./,
      );
      const newOne = html.indexOf('<b>WebApp.Tests.CartTests.adds_tax</b>');
      const older = html.indexOf('<b>WebApp.Tests.CartTests.rounds_down</b>');
      assert.ok(newOne > 0 && older > newOne, html);
      assert.ok(html.includes('Expected 3 but was 4'), html);
      // The suspects: the earlier build's commit for the failure that began there, listed, never assigned.
      const suspectsAt = html.indexOf('Suspects');
      assert.ok(suspectsAt > older && html.indexOf('Round prices half-even') > suspectsAt, html);
      assert.ok(!html.includes('System.AssignedTo'), html);
      // The flaky ones (and the one that passed on a rerun) are listed apart, after the failures.
      const flaky = html.indexOf('<h4>Flaky tests</h4>');
      assert.ok(flaky > older, html);
      for (const name of ['checks_out', 'loads_the_page', 'sends_the_receipt']) {
        assert.ok(html.indexOf(name) > flaky, `${name} under Flaky tests:\n${html}`);
      }

      const requests = await em.requests();
      const tests = requests.filter(isTestRead);
      const results = `test/Runs/${1000 + id}/results`;
      assert.deepEqual(
        tests
          .map((r) => {
            const page = r.query['outcomes']
              ? `${r.query['outcomes']} ${r.query['$skip']}+${r.query['$top']}`
              : '';
            return [r.path.replace(/^.*\/_apis\//, ''), page, r.apiVersion, r.status];
          })
          .sort(),
        [
          // The statistics count 4 failed and 2 passed, one of them on a rerun: that one is looked for too.
          [results, 'Failed,Aborted,Timeout,Error 0+4', server.version, 200],
          [results, 'Passed 0+2', server.version, 200],
          ['test/runs', '', server.version, 200],
        ],
        requestTimeline(requests),
      );
      assert.equal(tests[0]?.query['buildUri'], `vstfs:///Build/Build/${id}`);
      // The earlier build's changes are read once its failure is known: the suspects of `rounds_down`.
      const failedRead = tests.find((r) => r.query['outcomes']?.startsWith('Failed,'));
      const suspects = requests.find((r) => r.path.endsWith(`/build/builds/${since}/changes`));
      assert.ok(suspects && suspects.startMs >= (failedRead?.endMs ?? Infinity), requestTimeline(requests));
      assert.ok(
        requests.every((r) => r.host === 'main' && r.status === 200),
        requestTimeline(requests),
      );
    });
  }

  it('runs listed without their statistics: each one’s are read, and what passed on a rerun is still listed', async () => {
    const em = session.emulator;
    await em.setTopology('services');
    await em.setTokens([JOB_TOKEN]);
    await em.setRunStatisticsListed(false);
    const { run: failed, earlier } = runWithMixedTests(945, 935);
    await em.seedBuild(earlier);
    await em.seedBuild(failed);
    const run = await session.run({ variables: buildVariables(945) });
    const html = body((await session.items(1, run))[0]!);
    assert.match(html, /<p>2 tests failed: 1 new failure, 1 failing since/);
    const flaky = html.indexOf('<h4>Flaky tests</h4>');
    assert.ok(flaky > 0, html);
    for (const name of ['checks_out', 'loads_the_page', 'sends_the_receipt']) {
      assert.ok(html.indexOf(name) > flaky, `${name} under Flaky tests:\n${html}`);
    }
    const requests = await em.requests();
    const reads = requests
      .filter((r) => /\/_apis\/test\//i.test(r.path))
      .map((r) => `${r.path.replace(/^.*\/_apis\//, '')} ${r.query['outcomes'] ?? ''}`.trim())
      .sort();
    assert.deepEqual(
      reads,
      [
        'test/Runs/1945/results Failed,Aborted,Timeout,Error',
        'test/Runs/1945/results Passed',
        'test/runs',
        'test/runs/1945/Statistics',
      ],
      requestTimeline(requests),
    );
  });

  it("server2020: a classic release's test runs are queried on the collection in a window the server accepts", async () => {
    const em = session.emulator;
    await em.setTopology('server2020');
    await em.setTokens([JOB_TOKEN]);
    const { webUrl } = await seedClassicRelease(em, failedReleaseWithEvidence(61, 3));
    const run = await session.run({ variables: releaseVariables(61, 'Failed', webUrl) });
    const html = body((await session.items(1, run))[0]!);
    assert.ok(html.includes('<p>3 tests failed: 3 new failures. All results: <a href="'), html);
    assert.ok(html.includes('<b>WebApp.Tests.Cart.total_03</b>'), html);
    const requests = await em.requests();
    const query = requests.find((r) => r.path.endsWith('/_apis/test/runs'));
    assert.deepEqual(
      [query?.query['releaseIds'], query?.query['releaseEnvIds'], query?.apiVersion, query?.status],
      ['61', '3', '6.0', 200],
      requestTimeline(requests),
    );
    const window =
      Date.parse(query?.query['maxLastUpdatedDate'] ?? '') -
      Date.parse(query?.query['minLastUpdatedDate'] ?? '');
    assert.equal(window, 7 * 24 * 3_600_000);
  });
});
