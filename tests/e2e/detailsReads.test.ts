import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RecordedRequest } from '../emulator/harness';
import { assertStartedTogether, mostInFlight, watchInFlight } from './concurrency';
import {
  COMMITS,
  crossProjectRelease,
  failedMultiStageRun,
  failedReleaseWithEvidence,
  multiStageVariables,
} from './evidenceRuns';
import { buildAccessDenied, notFound, releaseAccessDenied } from '../emulator/errors';
import {
  buildVariables,
  failedYamlRun,
  greenYamlRun,
  JOB_TOKEN,
  PAT,
  releaseVariables,
  seedClassicRelease,
} from './pipelines';
import { body, isLogRead, useSession } from './session';

const isLogsList = (r: RecordedRequest): boolean => /\/_apis\/build\/builds\/\d+\/logs$/.test(r.path);
const isTimeline = (r: RecordedRequest): boolean => /\/timeline$/i.test(r.path);
const isCreate = (r: RecordedRequest): boolean => r.method === 'POST' && /\/wit\/workItems\/\$/i.test(r.path);
const EVIDENCE = [
  /\/build\/builds\/\d+\/(logs(\/\d+)?|changes|workitems)$/i,
  /\/test\/runs(\/\d+\/results)?$/i,
  /\/tasks\/\d+\/logs$/i,
];
const isEvidenceRead = (r: RecordedRequest): boolean =>
  r.method === 'GET' && EVIDENCE.some((pattern) => pattern.test(r.path));

// How the evidence is read: together, only what is needed, and never at the cost of the item.
describe('failure details: how the evidence is read', function () {
  const session = useSession();

  it('reads the log tails of the failed steps together, after the logs list and before the create', async () => {
    const em = session.emulator;
    await em.seedBuild(failedMultiStageRun(911));
    // Each tail read takes 1.5 s: read one after the other, they could never be in flight at once.
    await em.injectFaults([{ method: 'GET', pathRegex: '/builds/911/logs/\\d+$', delayMs: 1500, times: 2 }]);
    const watch = watchInFlight(em, isLogRead);
    const run = await session.run({ variables: buildVariables(911, multiStageVariables('report')) });
    const snapshots = await watch.stop();
    await session.items(1, run);
    assert.equal(mostInFlight(snapshots, isLogRead), 2, 'both tail reads in flight at once');
    const requests = await em.requests();
    const list = requests.find(isLogsList);
    const create = requests.find(isCreate);
    assert.ok(list && create, 'the logs list and the create request');
    assertStartedTogether(requests.filter(isLogRead), { after: list, before: create });
  });

  it("when this job's status decides, the evidence reads start together with the timeline", async () => {
    const em = session.emulator;
    await em.seedBuild(failedMultiStageRun(912, { taskIn: 'lint', tests: 3, commits: COMMITS }));
    await em.injectFaults([{ method: 'GET', pathRegex: '/builds/912/timeline', delayMs: 1500 }]);
    const watch = watchInFlight(em, isTimeline);
    const run = await session.run({ variables: buildVariables(912, multiStageVariables('lint')) });
    const snapshots = await watch.stop();
    await session.items(1, run);
    const during = new Set(snapshots.flat().map((r) => r.path.replace(/^.*\/_apis\//, '')));
    for (const read of ['build/builds/912/logs', 'build/builds/912/changes', 'test/runs']) {
      assert.ok(during.has(read), `${read} was not requested while the timeline was read: ${[...during]}`);
    }
  });

  it('a green run decided by the timeline costs one timeline read, and of the evidence only its test runs', async () => {
    const em = session.emulator;
    await em.seedBuild({ ...greenYamlRun(913), testResults: [], changes: COMMITS });
    const run = await session.run({ variables: buildVariables(913, { 'Agent.JobStatus': 'Succeeded' }) });
    assert.equal(run.outputs['WorkItemAction'], 'none');
    const requests = await em.requests();
    assert.equal(requests.filter(isTimeline).length, 1);
    // The test runs' statistics say whether a result passed only on a rerun, which flakyTests separate notes.
    assert.deepEqual(
      requests.filter(isEvidenceRead).map((r) => r.path.replace(/^.*\/_apis\//, '')),
      ['test/runs'],
    );
  });

  it('a green run with flakyTests ignore reads no evidence at all', async () => {
    const em = session.emulator;
    await em.seedBuild({ ...greenYamlRun(918), testResults: [], changes: COMMITS });
    const run = await session.run({
      variables: buildVariables(918, { 'Agent.JobStatus': 'Succeeded' }),
      inputs: { flakyTests: 'ignore' },
    });
    assert.equal(run.outputs['WorkItemAction'], 'none');
    assert.deepEqual((await em.requests()).filter(isEvidenceRead), []);
  });

  it('includeDetails false reads no evidence but the tests, which flakyTests separate notes apart', async () => {
    const em = session.emulator;
    await em.seedBuild(failedMultiStageRun(914, { tests: 2, commits: COMMITS }));
    const run = await session.run({
      variables: buildVariables(914, multiStageVariables('lint')),
      inputs: { includeDetails: 'false', flakyTests: 'ignore' },
    });
    assert.equal(run.outputs['WorkItemAction'], 'created');
    assert.deepEqual((await em.requests()).filter(isEvidenceRead), []);

    // The default, flakyTests separate: the item lists no flaky results, so the flaky-tests item notes them.
    await em.seedBuild(failedMultiStageRun(919, { tests: 2, commits: COMMITS }));
    const from = (await em.requests()).length;
    const separate = await session.run({
      variables: buildVariables(919, multiStageVariables('lint')),
      inputs: { includeDetails: 'false' },
    });
    // The same pipeline and branch: the second failure comments on the first one's item.
    assert.equal(separate.outputs['WorkItemAction'], 'commented');
    assert.deepEqual(
      (await em.requests())
        .slice(from)
        .filter(isEvidenceRead)
        .map((r) => r.path.replace(/^.*\/_apis\//, '')),
      ['test/runs', 'test/Runs/1919/results'],
    );
  });

  it("linkWorkItems: the run's work items linked as Related in the create request, even without details", async () => {
    const em = session.emulator;
    const story = await em.seedWorkItem({
      project: 'WebApp',
      type: 'User Story',
      fields: { 'System.Title': 'Cart' },
    });
    await em.seedBuild({
      ...failedMultiStageRun(917, { tests: 2, commits: COMMITS }),
      workItemRefs: [story.id],
    });
    const run = await session.run({
      variables: buildVariables(917, multiStageVariables('lint')),
      inputs: { includeDetails: 'false', linkWorkItems: 'true', flakyTests: 'ignore' },
    });
    assert.deepEqual(
      (await em.requests()).filter(isEvidenceRead).map((r) => r.path.replace(/^.*\/_apis\//, '')),
      ['build/builds/917/workitems'],
    );
    const create = (await em.requests()).find(isCreate);
    const related = (create?.body as { path: string; value: { rel?: string; url?: string } }[]).filter(
      (op) => op.path === '/relations/-' && op.value.rel === 'System.LinkTypes.Related',
    );
    assert.deepEqual(
      related.map((op) => op.value.url),
      [`${em.collectionUrl}_apis/wit/workItems/${story.id}`],
      run.stdout,
    );
  });

  it('a failed evidence read files the Bug without that part, with a warning naming it', async () => {
    const em = session.emulator;
    await em.seedBuild(failedMultiStageRun(915, { logLength: 50, tests: 3, commits: COMMITS }));
    await em.injectFaults([
      { method: 'GET', pathRegex: '/builds/915/changes$', status: 500, times: 20 },
      { method: 'GET', pathRegex: '/builds/915/logs/7$', status: 500, times: 20 },
    ]);
    const run = await session.run({
      variables: buildVariables(915, {
        ...multiStageVariables('report'),
        'PipelineWorkItem.RetryBudget': '2',
      }),
    });
    const html = body((await session.items(1, run))[0]!);
    assert.equal(run.outputs['WorkItemAction'], 'created');
    assert.ok(!html.includes('<h3>Changes</h3>'), html);
    assert.ok(html.includes('<p><b>Build › Unit tests › npm test</b>: the last 30 lines of 50</p>'), html);
    assert.ok(!html.includes('eslint line'), html);
    assert.ok(html.includes('<h3>Failing tests</h3>'), html);
    assert.equal(run.warnings.length, 2, run.warnings.join('\n'));
    assert.match(run.warnings.join('\n'), /changes of build 915.*filed without the changes\./);
    assert.match(run.warnings.join('\n'), /log 7 of build 915.*filed without those log excerpts/);
  });

  it("a read of the run's records refused (403) names the permission that read needs, not the area's", async () => {
    const em = session.emulator;
    await em.seedBuild(failedMultiStageRun(917, { tests: 3, commits: COMMITS }));
    const who = 'WebApp Build Service (fabrikam)';
    await em.injectFaults([
      {
        method: 'GET',
        pathRegex: '/builds/917/changes$',
        status: 403,
        body: buildAccessDenied(who, 'View builds', '1:webapp-ci', 'WebApp').toJSON(),
      },
      { method: 'GET', pathRegex: '/test/runs$', status: 403 },
    ]);
    const run = await session.run({ variables: buildVariables(917, multiStageVariables('report')) });
    assert.equal(run.outputs['WorkItemAction'], 'created');
    const warnings = run.warnings.join('\n');
    assert.equal(run.warnings.length, 2, warnings);
    assert.match(
      warnings,
      /changes of build 917: access denied \(HTTP 403\)\. TF215106: .* Give "WebApp Build Service \(fabrikam\)" .* "View builds" on the pipeline in project 'WebApp' \(Pipelines › the pipeline › … › Manage security\)\. The item is filed without the changes\./,
    );
    assert.match(
      warnings,
      /test runs of build 917: access denied \(HTTP 403\)\. .* Give "WebApp Build Service \(fabrikam\)" .* "View test runs" in project 'WebApp' \(Project settings › Permissions › the identity or a group it is in › View test runs\)\. The item is filed without the failing tests\./,
    );
    assert.doesNotMatch(warnings, /work items in this node/);
  });

  it("a release's log refused (403) names View releases and the release's build service", async () => {
    const em = session.emulator;
    const { webUrl } = await seedClassicRelease(em, failedReleaseWithEvidence(58));
    const who = 'WebApp Build Service (fabrikam)';
    await em.injectFaults([
      { method: 'GET', pathRegex: '/tasks/\\d+/logs$', status: 403, body: releaseAccessDenied(who).toJSON() },
    ]);
    const run = await session.run({ variables: releaseVariables(58, 'Succeeded', webUrl) });
    assert.equal(run.outputs['WorkItemAction'], 'created');
    const warnings = run.warnings.join('\n');
    assert.match(
      warnings,
      /release 58: access denied \(HTTP 403\)\. VS402904: .* Give "WebApp Build Service \(fabrikam\)" \(.*for release pipelines.*\) or "Project Collection Build Service \(fabrikam\)" .* "View releases" on the release pipeline in project 'WebApp' \(Pipelines › Releases › the release pipeline › … › Security\)\. The item is filed without those log excerpts\./,
    );
    assert.doesNotMatch(warnings, /work items in this node/);
  });

  it("the job's token expired (401): the reads name that token and a new job, the connection still files", async () => {
    const em = session.emulator;
    await em.seedBuild(failedYamlRun(918));
    // Only the connection's token is still accepted: the job's is past its lifetime.
    await em.setTokens([{ token: PAT, scheme: 'Basic', identity: 'sam@fabrikam.example' }]);
    const connection = '2c9e4f1a-7b3d-4e6a-9c0b-5d8f1e2a3b47';
    const run = await session.run({
      variables: buildVariables(918),
      inputs: { connection },
      serviceConnections: { [connection]: { url: em.collectionUrl, token: PAT } },
    });
    assert.equal(run.outputs['WorkItemAction'], 'created', run.stdout);
    const warnings = run.warnings.join('\n');
    assert.match(
      warnings,
      /Could not read the timeline of build 918: Azure DevOps rejected the job's access token \(TF400813\): it expired or was revoked\. The task reads the run's records with that token whatever the 'connection' input names.* Run this task in a job of its own that runs after the others/,
    );
    assert.doesNotMatch(warnings, /renew its personal access token|has access to project/);
  });

  it("another project's build the job token may not see (404 VS800075): names that project and the identity", async () => {
    const em = session.emulator;
    const { build, release } = crossProjectRelease(57, 'Mobile');
    await em.seedBuild(build);
    const { webUrl } = await em.seedRelease(release);
    // "Limit job authorization scope to current project for release pipelines": the release's project only.
    await em.setTokens([{ token: JOB_TOKEN, projects: ['WebApp'] }]);
    const run = await session.run({ variables: releaseVariables(57, 'Failed', webUrl) });
    assert.equal(run.outputs['WorkItemAction'], 'created', run.stdout);
    const warnings = run.warnings.join('\n');
    assert.equal(run.warnings.length, 1, warnings);
    assert.match(
      warnings,
      /^Could not read the changes of build 812: VS800075: .* Azure DevOps answers 404, as for what does not exist, when the identity may not see project 'Mobile': the job's access token acts as "WebApp Build Service \(fabrikam\)" \(.*for release pipelines.*\) or "Project Collection Build Service \(fabrikam\)" .*, which was not given that project\. Add it to the Readers group of project 'Mobile' \(there: Project settings › Permissions › Readers › Members › Add\)\. The item is filed without the changes\.$/,
    );
    assert.doesNotMatch(warnings, /'project' input|writing to it/);
  });

  it('a release answered 404 is unread, not one without deployments: a reporting job does not decide success', async () => {
    const em = session.emulator;
    const { webUrl } = await seedClassicRelease(em, failedReleaseWithEvidence(59));
    await em.injectFaults([
      {
        method: 'GET',
        pathRegex: '/_apis/release/releases/59$',
        status: 404,
        times: 10,
        body: notFound(
          'VS402856: Release with id 59 does not exist.',
          'ReleaseNotFoundException',
          'Microsoft.VisualStudio.Services.ReleaseManagement.Data',
        ).toJSON(),
      },
    ]);
    // The job reporting on the release's earlier, failed job succeeded itself: only the release tells the outcome.
    const run = await session.run({ variables: releaseVariables(59, 'Succeeded', webUrl) });
    assert.equal(run.result, 'SucceededWithIssues', run.stdout);
    assert.equal(run.outputs['WorkItemAction'], 'none');
    const warnings = run.warnings.join('\n');
    assert.match(
      warnings,
      /Could not read release 59 \(HTTP 404\): VS402856: Release with id 59 does not exist\./,
    );
    assert.match(warnings, /The run's outcome could not be established/);
  });

  it('attachLogs and attachments: uploaded, then attached with comments in the one create request', async () => {
    const em = session.emulator;
    await em.seedBuild(failedMultiStageRun(916, { logLength: 50 }));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pwi-details-attach-'));
    try {
      fs.mkdirSync(path.join(dir, 'screenshots'));
      fs.writeFileSync(path.join(dir, 'screenshots', 'cart.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
      fs.writeFileSync(path.join(dir, 'report.html'), '<html>report</html>');
      // Sparse: over the 130 MB one upload takes, without writing 131 MB.
      fs.closeSync(fs.openSync(path.join(dir, 'dump.bin'), 'w'));
      fs.truncateSync(path.join(dir, 'dump.bin'), 131 * 1024 * 1024);
      const run = await session.run({
        variables: buildVariables(916, {
          ...multiStageVariables('report'),
          'System.DefaultWorkingDirectory': dir,
          'Agent.BuildDirectory': dir,
        }),
        inputs: {
          attachLogs: 'true',
          attachments: 'screenshots/*.png\nreport.html\nmissing/*.zip\ndump.bin',
        },
      });
      const item = (await session.items(1, run))[0]!;
      const attached = (item.relations ?? []).filter((r) => r.rel === 'AttachedFile');
      assert.deepEqual(attached.map((r) => [r.attributes['name'], r.attributes['comment']]).sort(), [
        ['01-npm-test.log', 'Log of Build › Unit tests › npm test'],
        ['02-eslint.log', 'Log of Lint › Static analysis › eslint'],
        ['cart.png', 'Attached by the pipeline (screenshots/*.png)'],
        ['report.html', 'Attached by the pipeline (report.html)'],
      ]);
      const log = attached.find((r) => r.attributes['name'] === '01-npm-test.log');
      const content = await em.attachment(/attachments\/([0-9a-f-]{36})/i.exec(log?.url ?? '')?.[1] ?? '');
      assert.equal(content?.toString('utf8').split('\n').length, 50);
      assert.match(run.warnings.join('\n'), /no file matches 'missing\/\*\.zip'/);
      assert.match(
        run.warnings.join('\n'),
        /dump\.bin is 131 MB, over the 130 MB the task sends in one upload \(larger files would need a chunked upload\)/,
      );
      const writes = (await em.requests())
        .filter((r) => r.method === 'POST' && !r.path.endsWith('/_apis/wit/wiql'))
        .map((r) => r.path);
      assert.equal(writes.length, 5, writes.join('\n'));
      assert.ok(
        writes.slice(0, 4).every((p) => p.endsWith('/_apis/wit/attachments')),
        writes.join('\n'),
      );
      assert.match(writes[4] ?? '', /\/_apis\/wit\/workitems\/\$Bug$/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
