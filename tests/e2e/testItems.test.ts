import * as assert from 'node:assert/strict';
import type { BuildSeed, TestResultSeed, WorkItemJson } from '../emulator/harness';
import { buildVariables, failedYamlRun, greenYamlRun, JOB_TOKEN } from './pipelines';
import { body, title, useSession } from './session';

const tags = (item: WorkItemJson): string[] =>
  String(item.fields['System.Tags'])
    .split(';')
    .map((tag) => tag.trim());

/** A failed result of test `name` (`WebApp.Tests.<name>`). */
const failing = (name: string, more: Partial<TestResultSeed> = {}): TestResultSeed => ({
  testCaseTitle: name,
  automatedTestName: `WebApp.Tests.${name}`,
  outcome: 'Failed',
  errorMessage: `${name} broke`,
  stackTrace: `at ${name}() in Tests.cs:line 7`,
  ...more,
});
const passing = (name: string): TestResultSeed => ({
  testCaseTitle: name,
  automatedTestName: `WebApp.Tests.${name}`,
  outcome: 'Passed',
});
const flagged = (name: string): TestResultSeed =>
  failing(name, { customFields: [{ fieldName: 'IsTestResultFlaky', value: true }] });

/** A failed run of WebApp-CI on main whose failed step is the VSTest task, with these results. */
function testRun(id: number, results: TestResultSeed[]): BuildSeed {
  const run = failedYamlRun(id);
  return {
    ...run,
    records: run.records?.map((record) => (record.id === 'test' ? { ...record, task: 'VSTest' } : record)),
    testResults: results,
  };
}

// Flaky results and one item per failing test, through the packaged task against the emulator.
describe('packaged task: flaky results and one item per failing test', function () {
  const session = useSession();

  async function run(seed: BuildSeed, inputs: Record<string, string> = {}, status = 'Failed') {
    await session.emulator.setTokens([JOB_TOKEN]);
    await session.emulator.seedBuild(seed);
    return session.run({ variables: buildVariables(seed.id, { 'Agent.JobStatus': status }), inputs });
  }

  describe('a run whose only failures are flaky', () => {
    const flakyOnly = (id: number): BuildSeed =>
      testRun(id, [
        flagged('checks_out'),
        failing('loads_page', { customFields: [{ fieldName: 'OutcomeConfidence', value: 0 }] }),
        passing('lists_items'),
      ]);

    it("separate (the default): no Bug; the pipeline's flaky-tests item notes them, a comment per later run", async () => {
      const first = await run(flakyOnly(960));
      const [flaky] = await session.items(1, first);
      assert.equal(title(flaky!), 'Flaky tests in WebApp-CI');
      assert.ok(
        tags(flaky!).some((tag) => tag.startsWith('pwi:flaky-')),
        tags(flaky!).join('; '),
      );
      assert.ok(!tags(flaky!).some((tag) => tag.startsWith('pwi:scope-')), 'a green run never resolves it');
      assert.match(body(flaky!), /WebApp\.Tests\.checks_out/);
      assert.match(body(flaky!), /WebApp\.Tests\.loads_page/);
      assert.match(
        first.summary,
        /Only flaky test results failed this run \(2\): no item was filed for it\./,
      );
      assert.equal(first.outputs['WorkItemAction'], 'created');
      assert.equal(first.result, 'Succeeded');

      const second = await run(flakyOnly(961));
      await session.items(1, second);
      assert.equal(second.outputs['WorkItemAction'], 'commented');
      assert.equal(second.outputs['WorkItemId'], String(flaky!.id));
      const comments = (await session.emulator.comments(flaky!.id)).map((comment) => comment.text);
      assert.ok(
        comments.some((text) => text.includes('buildId=961') && text.includes('checks_out')),
        comments.join('\n'),
      );

      // A green run of the pipeline leaves the flaky-tests item open.
      await run(greenYamlRun(962), {}, 'Succeeded');
      const item = await session.emulator.workItem(flaky!.id);
      assert.equal(item?.fields['System.State'], 'New');
    });

    it('a green run with a test that passed only on a rerun notes it on the flaky-tests item', async () => {
      const rerun: TestResultSeed = { ...passing('sends_receipt'), resultGroupType: 'rerun' };
      const green = await run(
        { ...greenYamlRun(966), testResults: [rerun, passing('lists_items')] },
        {},
        'Succeeded',
      );
      const [flaky] = await session.items(1, green);
      assert.equal(title(flaky!), 'Flaky tests in WebApp-CI');
      assert.match(body(flaky!), /WebApp\.Tests\.sends_receipt/);
      assert.match(green.summary, /Flaky test results noted on a new flaky-tests item/);
    });

    it('ignore: no Bug and no flaky-tests item', async () => {
      const only = await run(flakyOnly(963), { flakyTests: 'ignore' });
      await session.items(0, only);
      assert.equal(only.outputs['WorkItemAction'], 'none');
      assert.match(only.summary, /Only flaky test results failed this run \(2\)/);
    });

    it('include: the flaky results are failures, and the run files its Bug listing them', async () => {
      const included = await run(flakyOnly(964), { flakyTests: 'include' });
      const [bug] = await session.items(1, included);
      assert.equal(included.outputs['WorkItemAction'], 'created');
      assert.match(title(bug!), /^WebApp-CI failed on main/);
      assert.match(body(bug!), /2 tests failed/);
      assert.match(body(bug!), /<b>WebApp\.Tests\.checks_out<\/b>/);
    });

    it('a test aborted, timed out or in error beside them is a failure: the Bug is filed and lists it', async () => {
      // Azure DevOps records a test's failure under outcomes other than Failed too; its agent counts an
      // Aborted result as a failed test, as it does a Failed one.
      const seed = testRun(967, [
        flagged('checks_out'),
        failing('writes_file', { outcome: 'Aborted', errorMessage: 'The test host process crashed' }),
        failing('waits_for_mail', { outcome: 'Timeout', errorMessage: 'Timed out after 60000 ms' }),
        failing('opens_socket', { outcome: 'Error', errorMessage: 'Socket unavailable' }),
        passing('lists_items'),
        { ...passing('skips_on_linux'), outcome: 'NotExecuted' },
      ]);
      const aborted = await run(seed);
      const [bug] = await session.items(1, aborted);
      assert.match(title(bug!), /^WebApp-CI failed on main/);
      assert.equal(aborted.outputs['WorkItemAction'], 'created');
      const html = body(bug!);
      assert.match(html, /<p>3 tests failed: 3 new failures\./);
      for (const name of ['writes_file', 'waits_for_mail', 'opens_socket']) {
        assert.ok(html.includes(`<b>WebApp.Tests.${name}</b>`), `${name} among the failures:\n${html}`);
      }
      assert.ok(html.includes('The test host process crashed'), html);
      assert.ok(!html.includes('skips_on_linux'), html);
      const flaky = html.indexOf('<h4>Flaky tests</h4>');
      assert.ok(flaky > html.indexOf('writes_file') && html.indexOf('checks_out') > flaky, html);
    });

    it('a failed step that is not a test step still files the Bug, flaky results apart', async () => {
      const seed = { ...flakyOnly(965), records: failedYamlRun(965).records };
      const notOnlyTests = await run(seed);
      const [bug] = await session.items(1, notOnlyTests);
      assert.match(title(bug!), /^WebApp-CI failed on main/);
      const html = body(bug!);
      const flaky = html.indexOf('<h4>Flaky tests</h4>');
      assert.ok(flaky > 0 && html.indexOf('WebApp.Tests.checks_out') > flaky, html);
      assert.match(html, /2 results? Azure DevOps marks flaky|flaky/);
    });
    it('the flaky-tests item says which runs note their flaky results on it: not one that files a Bug listing them', async () => {
      const first = await run(flakyOnly(968));
      const [flaky] = await session.items(1, first);
      const filing = await run({ ...flakyOnly(969), records: failedYamlRun(969).records });
      await session.items(2, filing);
      assert.equal(filing.outputs['WorkItemAction'], 'created');
      const notes = (await session.emulator.comments(flaky!.id)).map((comment) => comment.text);
      assert.ok(!notes.some((text) => text.includes('buildId=969')), notes.join('\n'));
      const promise = /unless it files a new item whose details list them/;
      assert.match(body(flaky!), promise);
      assert.match(notes[0] ?? '', promise);
    });
  });

  describe('trackTests: perTest', () => {
    const perTest = { trackTests: 'perTest' };

    it("a failing test's message of 10 MB (a snapshot's diff): its item shows the first 20,000 characters", async () => {
      // Cut by reading the whole message again for each character kept, it held the task for minutes.
      const errorMessage = `${'x'.repeat(10_000_000)}\nexpected the saved snapshot`;
      const first = await run(testRun(990, [failing('renders_page', { errorMessage })]), perTest);
      const items = await session.items(2, first);
      const own = items.find((item) => title(item).startsWith('WebApp.Tests.renders_page fails'));
      assert.ok(body(own!).includes(`${'x'.repeat(19_999)}…`), body(own!).slice(0, 300));
      assert.equal(first.result, 'Succeeded');
    });

    it('files an item per failing test, comments when it fails again, resolves it when it passes', async () => {
      const first = await run(
        testRun(970, [failing('adds_tax'), failing('rounds_down'), passing('lists_items')]),
        perTest,
      );
      const items = await session.items(3, first);
      const byTitle = new Map(items.map((item) => [title(item), item]));
      const tax = byTitle.get('WebApp.Tests.adds_tax fails in WebApp-CI on main');
      const round = byTitle.get('WebApp.Tests.rounds_down fails in WebApp-CI on main');
      assert.ok(tax && round, [...byTitle.keys()].join('\n'));
      const runBug = items.find((item) => item !== tax && item !== round)!;
      assert.equal(first.outputs['WorkItemId'], String(runBug.id), "the outputs name the run's own item");
      assert.match(body(tax), /Expected|adds_tax broke/);
      assert.match(body(tax), /at adds_tax\(\) in Tests\.cs:line 7/);
      assert.ok(
        tags(tax).some((tag) => tag.startsWith('pwi:test-')),
        tags(tax).join('; '),
      );
      assert.ok(
        tags(tax).some((tag) => tag.startsWith('pwi:tests-')),
        tags(tax).join('; '),
      );
      assert.ok(!tags(tax).some((tag) => tag.startsWith('pwi:scope-')), tags(tax).join('; '));
      const full = await session.emulator.workItem(tax.id);
      const link = full?.relations?.find(
        (relation) => relation.rel === 'ArtifactLink' && relation.attributes?.['name'] === 'Test Result',
      );
      assert.match(String(link?.url), /^vstfs:\/\/\/TestManagement\/TcmResult\/\d+\.\d+$/);
      assert.match(first.summary, /Failing tests, each its own item: filed/);

      // adds_tax fails again, rounds_down passes: a comment on the one, the other resolved.
      const second = await run(testRun(971, [failing('adds_tax'), passing('rounds_down')]), perTest);
      await session.items(3, second);
      const comments = (await session.emulator.comments(tax.id)).map((comment) => comment.text);
      assert.ok(
        comments.some((text) => /Failed again \(occurrence 2\)/.test(text) && text.includes('buildId=971')),
        comments.join('\n'),
      );
      assert.equal((await session.emulator.workItem(round.id))?.fields['System.State'], 'Resolved');
      assert.equal((await session.emulator.workItem(tax.id))?.fields['System.State'], 'New');
      assert.match(second.summary, /Passing again, resolved: \[Bug \d+\]/);

      // A run in which adds_tax does not run leaves its item open; one in which it passes resolves it.
      await run(greenYamlRun(972), perTest, 'Succeeded');
      assert.equal((await session.emulator.workItem(tax.id))?.fields['System.State'], 'New');
      await run({ ...greenYamlRun(973), testResults: [passing('adds_tax')] }, perTest, 'Succeeded');
      assert.equal((await session.emulator.workItem(tax.id))?.fields['System.State'], 'Resolved');
    });

    it("a test item's first entry says what a later failure and a pass will do, as the inputs say", async () => {
      const inputs = { ...perTest, onRecurrence: 'skip', resolveOnRecovery: 'false' };
      const first = await run(testRun(978, [failing('adds_tax')]), inputs);
      const items = await session.items(2, first);
      const tax = items.find((item) => title(item).startsWith('WebApp.Tests.adds_tax fails'));
      assert.ok(tax, items.map(title).join('\n'));
      const [entry] = (await session.emulator.comments(tax.id)).map((comment) => comment.text);
      assert.match(entry ?? '', /the task leaves this item as it is when the test fails again\.<\/p>/);
    });

    it("fields naming the title and Repro Steps set the run's item: each test's item keeps its own", async () => {
      const inputs = {
        ...perTest,
        fields: 'System.Title={{pipeline}} broke on {{branch}}\nMicrosoft.VSTS.TCM.ReproSteps=See the run.',
      };
      const filed = await run(testRun(979, [failing('adds_tax'), failing('rounds_down')]), inputs);
      const items = await session.items(3, filed);
      assert.deepEqual(items.map(title).sort(), [
        'WebApp-CI broke on main',
        'WebApp.Tests.adds_tax fails in WebApp-CI on main',
        'WebApp.Tests.rounds_down fails in WebApp-CI on main',
      ]);
      const tax = items.find((item) => title(item).startsWith('WebApp.Tests.adds_tax'))!;
      assert.match(body(tax), /at adds_tax\(\) in Tests\.cs:line 7/);
      assert.equal(
        filed.warnings.filter((warning) => warning.includes('ReproSteps')).length,
        1,
        filed.warnings.join('\n'),
      );
    });

    it('a secret and a bidi override in the branch: a long test name’s title is cut after the branch is masked', async () => {
      const secret = 'Sup3r-s3cret-deploy-key';
      const branch = `refs/heads/fix/${secret}\u202E`;
      const name = 'WebApp.Tests.Checkout.'.padEnd(206, 'PaysWithCard');
      await session.emulator.setTokens([JOB_TOKEN]);
      await session.emulator.seedBuild({
        ...testRun(976, [failing('pays', { automatedTestName: name })]),
        sourceBranch: branch,
      });
      const hostile = await session.run({
        variables: buildVariables(976, {
          'Agent.JobStatus': 'Failed',
          'Build.SourceBranch': branch,
          'Build.RequestedFor': 'Mallory\u001b[8m\u202Egpj.exe',
        }),
        secretVariables: { 'Deploy.Key': secret },
        inputs: perTest,
      });
      const items = await session.items(2, hostile);
      assert.ok(
        items.some((item) => title(item) === `${name} fails in WebApp-CI on fix/***`),
        items.map(title).join('\n'),
      );
      for (const item of items) {
        const comments = (await session.emulator.comments(item.id)).map((comment) => comment.text);
        const texts = [...Object.values(item.fields).map(String), ...comments].join('\n');
        assert.ok(!texts.includes(secret.slice(0, 5)), texts);
        assert.ok(!/[\u202E\u001B]/.test(texts), texts);
      }
    });

    it('two runs filing the same test’s item at once: the one that lost the race says it commented', async () => {
      await session.emulator.setTokens([JOB_TOKEN]);
      await session.emulator.seedBuild(testRun(976, [failing('adds_tax')]));
      await session.emulator.seedBuild(testRun(977, [failing('adds_tax')]));
      // Every create is held until both runs have looked for open items: the race Boards cannot prevent.
      await session.emulator.injectFaults([
        { method: 'POST', pathRegex: '/_apis/wit/workitems/\\$Bug$', delayMs: 500, times: 4 },
      ]);
      const runs = await Promise.all(
        [976, 977].map((id) => session.run({ variables: buildVariables(id), inputs: perTest })),
      );
      const items = await session.items(4);
      const ofTest = items.filter((item) => title(item).startsWith('WebApp.Tests.adds_tax'));
      const kept = Math.min(...ofTest.map((item) => item.id));
      const filedIt = runs.filter((one) => /each its own item: filed/.test(one.summary));
      assert.equal(filedIt.length, 1, runs.map((one) => one.summary).join('\n---\n'));
      assert.match(filedIt[0]!.summary, new RegExp(`filed \\[Bug ${kept}\\]`));
      const lost = runs.find((one) => one !== filedIt[0])!;
      assert.match(lost.summary, new RegExp(`Failing again, commented on: \\[Bug ${kept}\\]`), lost.summary);
    });

    it('files at most 20 new test items in a run, and counts the others in the summary', async () => {
      const results = Array.from({ length: 23 }, (_, i) => failing(`t${String(i + 1).padStart(2, '0')}`));
      const many = await run(testRun(975, results), perTest);
      const items = await session.items(21, many);
      const testItems = items.filter((item) => title(item).endsWith('fails in WebApp-CI on main'));
      assert.equal(testItems.length, 20);
      const runItem = items.find((item) => !testItems.includes(item))!;
      assert.match(
        body(runItem),
        /3 failing tests have no item of their own yet: a run files at most 20 new test items\./,
      );
      assert.match(
        many.summary,
        /Failing tests without an item of their own: 3 \(a run files at most 20 new test items\)\./,
      );
    });
  });
});
