import * as assert from 'node:assert/strict';
import {
  COMMITS,
  crossProjectRelease,
  failedMultiStageRun,
  failedReleaseWithEvidence,
  multiStageVariables,
  stepLog,
} from './evidenceRuns';
import { buildVariables, failedYamlRun, releaseVariables, seedClassicRelease } from './pipelines';
import { body, isLogRead, useSession } from './session';

const occurrences = (text: string, part: string): number => text.split(part).length - 1;

// What the filed item says about the failure, from the packaged task run against the emulator.
describe('failure details in the filed item', function () {
  const session = useSession();

  it('multi-stage run: both failed steps with their messages and the last lines of their logs, read alone', async () => {
    const em = session.emulator;
    await em.seedBuild(failedMultiStageRun(901));
    const run = await session.run({ variables: buildVariables(901, multiStageVariables('report')) });
    const item = (await session.items(1, run))[0]!;
    assert.equal(item.fields['System.Title'], 'WebApp-CI failed on main: Build › Unit tests › npm test');
    const html = body(item);
    for (const part of [
      '<li><b>Build › Unit tests › npm test</b>',
      '<li>AssertionError: expected 3 to equal 4</li>',
      '<li><i>Warning:</i> npm WARN deprecated left-pad@1.3.0</li>',
      '<li><b>Lint › Static analysis › eslint</b>',
      '<li>src/cart.ts:12:5 no-unused-vars</li>',
      '<h3>Log excerpt</h3>',
      '<p><b>Build › Unit tests › npm test</b>: the last 30 lines of 1,000</p>',
      '<p><b>Lint › Static analysis › eslint</b>: the last 30 lines of 1,000</p>',
      'npm test line 0971',
      'Error: Bash exited with code 1.</pre>',
      'eslint line 0971',
      '✖ 1 problem (1 error, 0 warnings)</pre>',
    ]) {
      assert.ok(html.includes(part), `missing ${part}:\n${html}`);
    }
    assert.ok(!html.includes('npm test line 0970') && !html.includes('eslint line 0970'), html);
    assert.ok(!html.includes('##[error]') && !html.includes('\u001b'), html);
    // The agent's timestamps, shortened to the time of day.
    assert.match(html, /<pre>\d{2}:\d{2}:\d{2} npm test line 0971\n/);
    assert.ok(html.indexOf('<h3>What failed</h3>') < html.indexOf('<h3>Log excerpt</h3>'), html);

    const requests = await em.requests();
    const tails = requests.filter(isLogRead);
    assert.deepEqual(
      tails
        .map((r) => [r.path.replace(/^.*\/builds\//, ''), r.query['startLine'], r.query['endLine']])
        .sort(),
      [
        ['901/logs/4', '971', '1000'],
        ['901/logs/7', '971', '1000'],
      ],
    );
    assert.equal(requests.filter((r) => /\/timeline$/i.test(r.path)).length, 1);
  });

  it('25 failing tests: 20 listed with their messages, 25 stated, the Tests tab linked; commits by first line, linked', async () => {
    const em = session.emulator;
    await em.seedBuild(failedMultiStageRun(902, { logLength: 40, tests: 25, commits: COMMITS }));
    const run = await session.run({ variables: buildVariables(902, multiStageVariables('report')) });
    const html = body((await session.items(1, run))[0]!);
    const tab = `${em.collectionUrl}WebApp/_build/results?buildId=902&amp;view=ms.vss-test-web.build-test-results-tab`;
    assert.ok(
      html.includes(
        `<p>25 tests failed: 25 new failures; the first 20 are listed below. All results: <a href="${tab}">the run&#39;s Tests tab</a>.</p>`,
      ) ||
        html.includes(
          `<p>25 tests failed: 25 new failures; the first 20 are listed below. All results: <a href="${tab}">the run's Tests tab</a>.</p>`,
        ),
      html,
    );
    assert.equal(occurrences(html, '<li><b>WebApp.Tests.Cart.total_'), 20);
    assert.ok(
      html.includes('<li><b>WebApp.Tests.Cart.total_20</b>: new in this run<br>\nExpected 23 but was 22<br>'),
      html,
    );
    assert.ok(!html.includes('total_21'), html);

    const repo = `${em.collectionUrl}WebApp/_git/WebApp/commit`;
    assert.ok(html.includes('<h3>Changes</h3>'), html);
    assert.ok(
      html.includes(
        `<li><a href="${repo}/9b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c">9b1c2d3e</a> Sam Rivera: Round the cart total</li>`,
      ),
      html,
    );
    assert.ok(
      html.includes(
        `<li><a href="${repo}/1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b">1a2b3c4d</a> Alex Kim: Lint the checkout page</li>`,
      ),
      html,
    );
    assert.ok(!html.includes('truncated instead of rounded') && !html.includes('Signed-off-by'), html);
    const order = ['<h3>Log excerpt</h3>', '<h3>Failing tests</h3>', '<h3>Changes</h3>'].map((h) =>
      html.indexOf(h),
    );
    assert.deepEqual(
      [...order].sort((a, b) => a - b),
      order,
    );
  });

  it('classic release of another project’s build: its changes read in that project, nothing missing', async () => {
    const em = session.emulator;
    const { build, release } = crossProjectRelease(57, 'Mobile');
    await em.seedBuild(build);
    const { webUrl } = await em.seedRelease(release);
    const run = await session.run({ variables: releaseVariables(57, 'Failed', webUrl) });
    const html = body((await session.items(1, run))[0]!);
    assert.ok(html.includes('<h3>Changes</h3>'), html);
    assert.deepEqual(run.warnings, []);
    const reads = (await em.requests()).filter((r) => r.path.includes('/builds/812/'));
    assert.ok(reads.length > 0 && reads.every((r) => r.status === 200), JSON.stringify(reads));
  });

  it('classic release: the failed deploy task, its error, its log tail and the tests of the release', async () => {
    const em = session.emulator;
    const { webUrl } = await seedClassicRelease(em, failedReleaseWithEvidence(57, 2));
    const run = await session.run({ variables: releaseVariables(57, 'Succeeded', webUrl) });
    const html = body((await session.items(1, run))[0]!);
    const step = 'Production › Deploy web › Azure App Service deploy';
    assert.ok(html.includes(`<li><b>${step}</b>`), html);
    assert.ok(html.includes(`<p><b>${step}</b>: the last 30 lines of 200</p>`), html);
    assert.ok(html.includes('deploy line 0171') && !html.includes('deploy line 0170'), html);
    assert.match(html, /Error: Slot (&#39;|')staging(&#39;|') was not found\.<\/pre>/);
    assert.ok(html.includes('<p>2 tests failed: 2 new failures. All results: <a href="'), html);
    assert.ok(html.includes('releaseId=57&amp;environmentId=3'), html);

    // The release does not give the log's line count (as the service converts a job's records): the task reads
    // the whole log once and keeps its end.
    const requests = await em.requests();
    const taskLog = requests.filter((r) => r.path.endsWith('/logs') && r.path.includes('/tasks/'));
    assert.deepEqual(
      taskLog.map((r) => [r.query['startLine'], r.query['endLine']]),
      [[undefined, undefined]],
    );
    const byRelease = requests.find((r) => r.path.endsWith('/_apis/test/runs'));
    assert.equal(byRelease?.query['releaseIds'], '57');
    assert.equal(byRelease?.query['releaseEnvIds'], '3');
  });

  it('classic release with a log of 120,000 lines and no line count: its last lines, counted; too big to attach', async () => {
    const em = session.emulator;
    const { webUrl } = await seedClassicRelease(em, failedReleaseWithEvidence(58, 0, 120_000));
    const run = await session.run({
      variables: releaseVariables(58, 'Succeeded', webUrl),
      inputs: { attachLogs: 'true' },
    });
    const item = (await session.items(1, run))[0]!;
    const html = body(item);
    const step = 'Production › Deploy web › Azure App Service deploy';
    assert.ok(html.includes(`<p><b>${step}</b>: the last 30 lines of 120,000</p>`), html);
    assert.ok(html.includes('deploy line 119971') && !html.includes('deploy line 119970'), html);
    // The log (5 MB with its time stamps) is over the organization's attachment limit: read no further than it.
    assert.deepEqual(run.warnings, [
      "Azure DevOps refuses attachments over 4 MB (on Azure DevOps Server: the collection's maximum attachment size, 4 MB unless raised, up to 2 GB); not attached: 01-Azure-App-Service-deploy.log.",
    ]);
    assert.deepEqual(
      (item.relations ?? []).filter((r) => r.rel === 'AttachedFile'),
      [],
    );
  });

  it('hostile pipeline text is shown as text: no element, no placeholder, secret masked, colours gone', async () => {
    const em = session.emulator;
    const secret = 'hunter2-S3cret';
    const evil = `<img src=x onerror=alert(1)> </pre> {{title}} "double" 'single' ${secret}`;
    const seed = failedYamlRun(903, [`Error: ${evil}`]);
    await em.seedBuild({
      ...seed,
      records: (seed.records ?? []).map((r) => (r.id === 'test' ? { ...r, name: `npm test ${evil}` } : r)),
      logs: { '4': ['before', `\u001b[31m${evil}\u001b[0m`, '##[error]Process completed with exit code 1.'] },
      testResults: [{ testCaseTitle: `cart ${evil}`, outcome: 'Failed', errorMessage: `Expected ${evil}` }],
      changes: [{ id: '9b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c', message: `Fix ${evil}\nsecond line` }],
    });
    const run = await session.run({
      variables: buildVariables(903),
      secretVariables: { 'Deploy.Key': secret },
      inputs: {
        description: 'First error: {{firstError}}',
        fields: 'Microsoft.VSTS.TCM.SystemInfo=Failed: {{firstError}}',
      },
    });
    assert.ok(!(run.stdout + run.stderr).includes(secret), run.stdout);
    const item = (await session.items(1, run))[0]!;
    assert.ok(!JSON.stringify(item).includes(secret), JSON.stringify(item));
    const html = body(item);
    assert.ok(!html.includes('<img') && !html.includes('\u001b') && !html.includes('[31m'), html);
    assert.equal(occurrences(html, '<pre>'), occurrences(html, '</pre>'));
    const shown = '&lt;img src=x onerror=alert(1)&gt; &lt;/pre&gt; {{title}} &quot;double&quot;';
    // The step name (twice: what failed, log excerpt), the error, the log line, the test name and message,
    // the commit message, and the description's {{firstError}}.
    assert.ok(occurrences(html, shown) >= 7, html);
    assert.ok(occurrences(html, '***') >= 7, html);
    assert.ok(html.includes('<p>First error: Error: &lt;img src=x onerror=alert(1)&gt;'), html);
    assert.ok(!html.includes('second line'), html);
    assert.equal(
      item.fields['Microsoft.VSTS.TCM.SystemInfo'],
      `Failed: Error: ${shown} 'single' ***`,
      'a fields value in an HTML field is text',
    );
    assert.match(String(item.fields['System.Title']), /npm test <img src=x onerror=alert\(1\)> .*\*\*\*$/);
  });

  it('an oversized log keeps the body under the field limit and says what was trimmed', async () => {
    const em = session.emulator;
    const long = (name: string): string[] =>
      stepLog(name, 10_000, [`${name} last line`]).map((line) => `${line} ${'x'.repeat(150)}`);
    await em.seedBuild({
      ...failedMultiStageRun(904, { tests: 3 }),
      logs: { '4': long('npm'), '7': long('lint') },
    });
    const run = await session.run({
      variables: buildVariables(904, multiStageVariables('report')),
      inputs: { logLines: '10000' },
    });
    const html = body((await session.items(1, run))[0]!);
    assert.ok(html.length <= 1_000_000, String(html.length));
    assert.ok(html.length > 900_000, `trimmed too much: ${html.length}`);
    assert.match(
      html,
      /Trimmed to fit the work item field \(1,000,000 characters\): the log excerpts show only the last \d+ lines of each step\./,
    );
    assert.ok(html.includes('npm last line') && html.includes('lint last line'), 'the last lines stay');
    assert.ok(!html.includes('npm line 0001'), 'the first lines go');
    assert.equal(
      occurrences(html, '<li><b>WebApp.Tests.Cart.total_'),
      3,
      'tests are trimmed only after logs',
    );
  });

  it('a step whose error is a megabyte: its first 2,000 characters, and the rest of the details whole', async () => {
    const em = session.emulator;
    // A test runner dumping its whole output into one `##[error]` line: the agent keeps a long line whole.
    const huge = `TypeError: cart is undefined at checkout (cart.js:3:7) ${'<x>'.repeat(350_000)}`;
    const seed = failedMultiStageRun(905, { tests: 3, commits: COMMITS });
    const records = (seed.records ?? []).map((record) =>
      record.id === 'test'
        ? { ...record, issues: [{ type: 'error' as const, message: huge }, ...(record.issues ?? [])] }
        : record,
    );
    await em.seedBuild({ ...seed, records });
    const run = await session.run({
      variables: buildVariables(905, multiStageVariables('report')),
      inputs: { description: 'First error: {{firstError}}' },
    });
    const html = body((await session.items(1, run))[0]!);
    const shown = `TypeError: cart is undefined at checkout (cart.js:3:7) ${'&lt;x&gt;'.repeat(648)}…`;
    assert.ok(html.startsWith(`<p>First error: ${shown}</p>`), html.slice(0, 200));
    for (const part of [
      `<li>${shown}</li>\n<li>AssertionError: expected 3 to equal 4</li>`,
      '<p><b>Build › Unit tests › npm test</b>: the last 30 lines of 1,000</p>',
      'npm test line 0971',
      '<li><b>WebApp.Tests.Cart.total_03</b>: new in this run',
      'Sam Rivera: Round the cart total',
    ]) {
      assert.ok(html.includes(part), `missing ${part}`);
    }
    assert.doesNotMatch(html, /cut to fit|Trimmed/);
    assert.equal(run.result, 'Succeeded');
  });

  it('a fingerprint of a megabyte of error: filed, its first comment showing the fingerprint cut', async () => {
    const huge = `TypeError: cart is undefined ${'x'.repeat(1_048_576)}`;
    const run = await session.runFailed(906, { fingerprint: '{{firstError}}' }, [huge]);
    const [item] = await session.items(1, run);
    assert.equal(run.outputs['WorkItemAction'], 'created', run.warnings.join('\n').slice(0, 500));
    const [filed] = await session.emulator.comments(item!.id);
    const text = String(filed?.text);
    assert.ok(text.length < 3_000, String(text.length));
    assert.ok(text.includes(`Fingerprint <i>TypeError: cart is undefined ${'x'.repeat(1_970)}…</i>`), text);
  });
});
