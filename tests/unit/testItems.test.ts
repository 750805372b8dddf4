import * as assert from 'node:assert/strict';
import * as sinon from 'sinon';
import type { PassedTests } from '../../tasks/PipelineWorkItem/src/act/reads';
import {
  MAX_NEW_TEST_ITEMS,
  planTestItems,
  trackTestItems,
} from '../../tasks/PipelineWorkItem/src/act/testItems';
import { AdoError } from '../../tasks/PipelineWorkItem/src/errors';
import type { Acting } from '../../tasks/PipelineWorkItem/src/act/acted';
import { NO_EVIDENCE, NO_FACTS, TestFailures } from '../../tasks/PipelineWorkItem/src/facts/model';
import { runView } from '../../tasks/PipelineWorkItem/src/facts/values';
import { fingerprintOf, testFingerprintOf } from '../../tasks/PipelineWorkItem/src/lifecycle/fingerprint';
import { markerHtml } from '../../tasks/PipelineWorkItem/src/lifecycle/marker';
import type { InputName } from '../../tasks/PipelineWorkItem/src/inputs/settings';
import type { TestItems } from '../../tasks/PipelineWorkItem/src/render/summary';
import type { JsonPatchOperation } from '../../tasks/PipelineWorkItem/src/workItem/patch';
import {
  actingOver,
  FAILED_VIEW as view,
  failedTest,
  fakeBoards,
  FakeBoards,
  field,
  filedComment,
  itemUrl,
  RUN_KEY,
  TESTS_URL,
  withVariables,
  YAML_CONTEXT as context,
  YAML_VARIABLES,
} from './fixtures';
import { maskedRun } from '../../tasks/PipelineWorkItem/src/render/readable';

const tagOf = (test: string): string => testFingerprintOf(context, test).tag;
const TESTS_SCOPE = testFingerprintOf(context, '').scopeTag;

function failures(...tests: ReturnType<typeof failedTest>[]): TestFailures {
  return { total: tests.length, tests, flaky: [], suspects: [], url: TESTS_URL };
}

// The run as the task hands it to the test items: its failing tests in its evidence.
async function track(
  acting: Acting,
  tests: TestFailures | undefined,
  passed: PassedTests,
): Promise<TestItems> {
  const shown = runView(context, NO_FACTS, 'failed', { ...NO_EVIDENCE, tests });
  return trackTestItems(acting, shown, await planTestItems(acting, shown), passed);
}

const passing =
  (...names: string[]): PassedTests =>
  async () => ({ names: new Set(names), complete: true });

/**
 * Boards holding open items with tags: the WIQL finds the items carrying a tag the query names, in any case as
 * Boards matches tags (ids in order),
 * Work Items - List answers their tags, and a create files the next id with the tags it sends (unless `refuse`
 * answers an error for it).
 */
function boardsHolding(
  open: Record<number, string[]>,
  refuse: (ops: readonly JsonPatchOperation[]) => Error | undefined = () => undefined,
): FakeBoards {
  const items = new Map(Object.entries(open).map(([id, tags]) => [Number(id), tags]));
  let next = 100;
  const boards = fakeBoards();
  boards.queryIds.callsFake(async (_project: string, query: string) =>
    [...items]
      .filter(([, tags]) => tags.some((tag) => query.toLowerCase().includes(`'${tag.toLowerCase()}'`)))
      .map(([id]) => id),
  );
  boards.workItemTags.callsFake(
    async (_project: string, ids: number[]) =>
      new Map(ids.flatMap((id) => (items.has(id) ? [[id, items.get(id) ?? []] as const] : []))),
  );
  boards.createWorkItem.callsFake(async (_project: string, _type: string, ops: JsonPatchOperation[]) => {
    const refused = refuse(ops);
    if (refused) throw refused;
    const id = next++;
    items.set(id, String(field(ops, 'System.Tags')).split('; '));
    return { id };
  });
  return boards;
}

const createdOps = (boards: FakeBoards, at = 0): JsonPatchOperation[] =>
  boards.createWorkItem.getCall(at).args[2] as JsonPatchOperation[];

function actingFor(boards: FakeBoards, values: Partial<Record<InputName, string>> = {}) {
  return actingOver(boards, { trackTests: 'perTest', ...values });
}

describe('per-test items: the open items and what is created', () => {
  it('finds the open test items with one WIQL on the tests scope tag and one read of their tags', async () => {
    const boards = boardsHolding({ 7: [tagOf('Checkout.Pays'), TESTS_SCOPE] });
    const { acting } = actingFor(boards);
    await track(acting, failures(failedTest('Checkout.Pays', 'boom')), passing());
    const query = String(boards.queryIds.firstCall.args[1]);
    assert.match(query, new RegExp(`\\[System.Tags\\] CONTAINS '${TESTS_SCOPE}'`));
    assert.match(query, /\[System.WorkItemType\] = 'Bug'/);
    const runScope = fingerprintOf(undefined, view.values, context).scopeTag;
    assert.ok(!query.includes(runScope), 'the run scope tag is not searched');
    sinon.assert.calledOnceWithExactly(boards.workItemTags, 'WebApp', [7]);
  });

  it('nothing open: no tags read, and each failing test gets an item of its own', async () => {
    const boards = boardsHolding({});
    const { acting, warnings } = actingFor(boards);
    const result = await track(
      acting,
      failures(failedTest('Checkout.Pays', 'boom', 11), failedTest('Cart.Adds', 'bang', 12)),
      passing(),
    );
    sinon.assert.notCalled(boards.workItemTags);
    assert.deepEqual(result, {
      type: 'Bug',
      overCap: 0,
      unread: 0,
      created: [
        { id: 100, url: itemUrl(100), name: 'Checkout.Pays' },
        { id: 101, url: itemUrl(101), name: 'Cart.Adds' },
      ],
      commented: [],
      resolved: [],
      failed: 0,
    });
    assert.deepEqual(warnings, []);
  });

  it('the create: the test’s tag and the tests scope tag, not the run scope tag; a link to the test result; the title; the marker', async () => {
    const boards = boardsHolding({});
    const { acting } = actingFor(boards);
    await track(acting, failures(failedTest('Checkout.Pays', 'boom', 42)), passing());
    const ops = createdOps(boards);
    const fingerprint = testFingerprintOf(context, 'Checkout.Pays');
    const tags = String(field(ops, 'System.Tags')).split('; ');
    assert.deepEqual(
      tags.filter((tag) => tag.startsWith('pwi:')),
      [fingerprint.tag, fingerprint.scopeTag],
    );
    assert.ok(!tags.includes(fingerprintOf(undefined, view.values, context).scopeTag), tags.join('; '));
    assert.equal(field(ops, 'System.Title'), 'Checkout.Pays fails in WebApp-CI on main');
    const links = ops.filter((op) => op.path === '/relations/-').map((op) => op.value);
    assert.deepEqual(
      links.filter((link) => String((link as { url: string }).url).startsWith('vstfs:///TestManagement/')),
      [
        {
          rel: 'ArtifactLink',
          url: 'vstfs:///TestManagement/TcmResult/1000.42',
          attributes: { name: 'Test Result' },
        },
      ],
    );
    // The run's files go on the run's item: a test's item attaches none.
    assert.deepEqual(
      links.filter((link) => (link as { rel: string }).rel === 'AttachedFile'),
      [],
    );
    const history = String(field(ops, 'System.History'));
    assert.ok(history.includes(fingerprint.tag), history);
    assert.ok(history.endsWith(markerHtml(RUN_KEY, 1)), history);
  });

  it('a hostile branch: the item shows it masked and cleaned, its tags are those of the branch as the pipeline gave it', async () => {
    const secret = 'Sup3r-s3cret-deploy-key';
    const hostile = withVariables(YAML_VARIABLES, {
      'Build.SourceBranch': `refs/heads/fix/${secret}\u202E\u001b[8m`,
    });
    const name = `Checkout.${'PaysWithCard'.repeat(16)}.Work`;
    const boards = boardsHolding({});
    const { acting } = actingOver(boards, { trackTests: 'perTest' }, [secret]);
    // As the flow hands it over: the run as items show it.
    const shown = maskedRun(
      runView(hostile, NO_FACTS, 'failed', { ...NO_EVIDENCE, tests: failures(failedTest(name, 'boom')) }),
      [secret],
    );
    await trackTestItems(acting, shown, await planTestItems(acting, shown), passing());
    const ops = createdOps(boards);
    const raw = testFingerprintOf(hostile, name);
    assert.deepEqual(String(field(ops, 'System.Tags')).split('; '), [
      'pipeline-failure',
      raw.tag,
      raw.scopeTag,
    ]);
    assert.equal(field(ops, 'System.Title'), `${name} fails in WebApp-CI on fix/***`);
    const texts = ops.map((op) => JSON.stringify(op.value)).join('\n');
    assert.ok(!texts.includes(secret.slice(0, 5)) && !/\\u(202e|001b)|\u202E/i.test(texts), texts);
  });

  it('escapes a hostile test name, message and stack trace in the body, and keeps the title as text', async () => {
    const boards = boardsHolding({});
    const { acting } = actingFor(boards);
    const test = {
      ...failedTest('Evil<script>alert(1)</script>', 'expected <b>"a & b"</b>'),
      stackTrace: 'at <img src=x onerror=alert(2)>',
    };
    await track(acting, failures(test), passing());
    const ops = createdOps(boards);
    const body = String(field(ops, 'Microsoft.VSTS.TCM.ReproSteps'));
    assert.ok(body.includes('Evil&lt;script&gt;alert(1)&lt;/script&gt;'), body);
    assert.ok(body.includes('expected &lt;b&gt;&quot;a &amp; b&quot;&lt;/b&gt;'), body);
    assert.ok(body.includes('at &lt;img src=x onerror=alert(2)&gt;'), body);
    assert.doesNotMatch(body, /<script|<img/);
    assert.equal(field(ops, 'System.Title'), 'Evil<script>alert(1)</script> fails in WebApp-CI on main');
  });

  it('suspects: this run’s changes for a new failure, the earlier build’s for a test failing since then', async () => {
    const boards = boardsHolding({});
    const { acting } = actingFor(boards);
    const earlier = {
      kind: 'build' as const,
      id: 790,
      name: '20261127.2',
      url: 'https://dev.azure.com/fabrikam/WebApp/_build/results?buildId=790',
    };
    const commit = (id: string, message: string) => ({ id, author: 'Dana', message, url: undefined });
    const since = {
      ...failedTest('Old.Fails', 'b', 2),
      standing: 'failingSince' as const,
      since: { run: earlier, date: undefined },
    };
    await track(
      acting,
      {
        ...failures(failedTest('New.Fails', 'a', 1), since),
        // Another build's changes come first: neither test may take them for its own.
        suspects: [
          {
            run: { ...earlier, id: 700, name: '20261120.1' },
            commits: [commit('cccccccc33', 'An unrelated change')],
          },
          { run: undefined, commits: [commit('aaaaaaaa11', 'This run’s change')] },
          { run: earlier, commits: [commit('bbbbbbbb22', 'The earlier change')] },
        ],
      },
      passing(),
    );
    const bodyOf = (title: string): string => {
      const call = boards.createWorkItem
        .getCalls()
        .find((c) => String(field(c.args[2], 'System.Title')).startsWith(title));
      return String(call && field(call.args[2], 'Microsoft.VSTS.TCM.ReproSteps'));
    };
    assert.match(bodyOf('New.Fails'), /the changes of this run, where it began failing[^]*This run’s change/);
    assert.doesNotMatch(bodyOf('New.Fails'), /The earlier change/);
    assert.match(
      bodyOf('Old.Fails'),
      /the changes of <a [^>]+>20261127\.2<\/a>, where it began failing[^]*The earlier change/,
    );
    assert.doesNotMatch(bodyOf('Old.Fails'), /This run’s change/);
    for (const title of ['New.Fails', 'Old.Fails']) assert.doesNotMatch(bodyOf(title), /An unrelated change/);
  });

  it('files one item for a test that failed in several test runs (names differing in case)', async () => {
    const boards = boardsHolding({});
    const { acting } = actingFor(boards);
    const result = await track(
      acting,
      failures(failedTest('Cart.Adds', 'a', 1), failedTest('cart.adds', 'b', 2)),
      passing(),
    );
    sinon.assert.calledOnce(boards.createWorkItem);
    assert.deepEqual(
      result.created.map((item) => item.name),
      ['Cart.Adds'],
    );
  });

  it('files one item for names that differ only in spacing, as their fingerprint does', async () => {
    const boards = boardsHolding({});
    const { acting } = actingFor(boards);
    const result = await track(
      acting,
      failures(failedTest('Data Row (a, b)', 'a', 1), failedTest('Data  Row (a,\tb) ', 'b', 2)),
      passing(),
    );
    sinon.assert.calledOnce(boards.createWorkItem);
    assert.deepEqual(
      result.created.map((item) => item.id),
      [100],
    );
  });

  it('counts the failed results past those read apart: their tests get no item, open or not', async () => {
    const boards = boardsHolding({});
    const { acting } = actingFor(boards);
    const tests = Array.from({ length: 25 }, (_, i) => failedTest(`T.test${i + 1}`, 'boom', i + 1));
    const result = await track(acting, { ...failures(...tests), total: 1500 }, passing());
    assert.equal(result.created.length, MAX_NEW_TEST_ITEMS);
    assert.equal(result.overCap, 5);
    assert.equal(result.unread, 1475);
  });

  it(`files at most ${MAX_NEW_TEST_ITEMS} new items a run, and counts the rest over the cap`, async () => {
    const boards = boardsHolding({});
    const { acting } = actingFor(boards);
    const tests = Array.from({ length: 25 }, (_, i) => failedTest(`T.test${i + 1}`, 'boom', i + 1));
    const result = await track(acting, failures(...tests), passing());
    assert.equal(boards.createWorkItem.callCount, MAX_NEW_TEST_ITEMS);
    assert.equal(result.created.length, MAX_NEW_TEST_ITEMS);
    assert.equal(result.overCap, 5);
    assert.equal(result.unread, 0);
    const titles = boards.createWorkItem
      .getCalls()
      .map((call) => String(field(call.args[2], 'System.Title')));
    assert.deepEqual(
      titles.sort(),
      tests
        .slice(0, MAX_NEW_TEST_ITEMS)
        .map((test) => `${test.name} fails in WebApp-CI on main`)
        .sort(),
      'the first 20 in the order they are listed',
    );
  });

  it('a disabled type: no new item, one warning counting the tests; open items still commented on', async () => {
    const boards = boardsHolding({ 7: [tagOf('T.open'), TESTS_SCOPE] });
    const { acting, warnings } = actingFor(boards);
    const disabled = { ...acting, type: { ...acting.type, disabled: true } };
    const tests = [failedTest('T.open', 'boom'), failedTest('T.new1', 'boom'), failedTest('T.new2', 'boom')];
    const result = await track(disabled, failures(...tests), passing());
    sinon.assert.notCalled(boards.createWorkItem);
    assert.deepEqual([result.created, result.commented.map((item) => item.id), result.failed], [[], [7], 0]);
    assert.deepEqual(warnings, [
      "The 'Bug' work item type is disabled in project 'WebApp': 2 failing tests get no item of their own this run (their open items are still commented on and resolved). Enable the type, or set 'workItemType' to a type that is enabled.",
    ]);
  });

  it('a disabled type with every failing test’s item open: commented on, no warning', async () => {
    const boards = boardsHolding({ 7: [tagOf('T.open'), TESTS_SCOPE] });
    const { acting, warnings } = actingFor(boards);
    const disabled = { ...acting, type: { ...acting.type, disabled: true } };
    const result = await track(disabled, failures(failedTest('T.open', 'boom')), passing());
    assert.deepEqual(
      result.commented.map((item) => item.id),
      [7],
    );
    assert.deepEqual(warnings, []);
  });

  it('fields setting the title and Repro Steps: each test’s item keeps its own title and body', async () => {
    const boards = boardsHolding({});
    const fields = 'System.Title=Nightly broke\nMicrosoft.VSTS.TCM.ReproSteps=See the run';
    const { acting, warnings } = actingFor(boards, { fields });
    await track(acting, failures(failedTest('Checkout.Pays', 'boom')), passing());
    const ops = createdOps(boards);
    assert.match(String(field(ops, 'System.Title')), /Checkout\.Pays/);
    assert.match(String(field(ops, 'Microsoft.VSTS.TCM.ReproSteps')), /boom/);
    assert.doesNotMatch(String(field(ops, 'Microsoft.VSTS.TCM.ReproSteps')), /See the run/);
    assert.deepEqual(warnings, []);
  });

  it('comments on open items do not count against the cap', async () => {
    const open = Object.fromEntries(
      Array.from({ length: 5 }, (_, i) => [i + 1, [tagOf(`T.open${i}`), TESTS_SCOPE]]),
    );
    const boards = boardsHolding(open);
    const { acting } = actingFor(boards);
    const tests = [
      ...Array.from({ length: 5 }, (_, i) => failedTest(`T.open${i}`, 'boom')),
      ...Array.from({ length: 21 }, (_, i) => failedTest(`T.new${i}`, 'boom')),
    ];
    const result = await track(acting, failures(...tests), passing());
    assert.equal(result.commented.length, 5);
    assert.equal(result.created.length, MAX_NEW_TEST_ITEMS);
    assert.equal(result.overCap, 1);
  });
});

describe('per-test items: recurrence', () => {
  it('comments on the test’s oldest open item with the occurrence, the message and this run’s marker', async () => {
    const boards = boardsHolding({
      7: [tagOf('Checkout.Pays'), TESTS_SCOPE],
      9: [TESTS_SCOPE, tagOf('Checkout.Pays')],
    });
    boards.comments.resolves([filedComment(3, 'build-800.1.Test')]);
    const { acting } = actingFor(boards);
    const result = await track(
      acting,
      failures(failedTest('Checkout.Pays', 'expected <1> & got 2')),
      passing(),
    );
    sinon.assert.notCalled(boards.createWorkItem);
    sinon.assert.calledOnce(boards.addComment);
    const [project, id, html] = boards.addComment.firstCall.args as [string, number, string];
    assert.deepEqual([project, id], ['WebApp', 7]);
    assert.match(html, /^<p>Failed again \(occurrence 2\): /);
    assert.ok(html.includes('<pre>expected &lt;1&gt; &amp; got 2</pre>'), html);
    assert.ok(html.endsWith(markerHtml(RUN_KEY, 2)), html);
    assert.deepEqual(result.commented, [{ id: 7, url: itemUrl(7), name: 'Checkout.Pays' }]);
  });

  it('finds the open item by its tag whatever its case', async () => {
    const boards = boardsHolding({ 7: [tagOf('Checkout.Pays').toUpperCase(), TESTS_SCOPE.toUpperCase()] });
    const { acting } = actingFor(boards);
    const result = await track(acting, failures(failedTest('Checkout.Pays', 'b')), passing());
    sinon.assert.notCalled(boards.createWorkItem);
    assert.deepEqual(
      result.commented.map((item) => item.id),
      [7],
    );
  });

  it('this run already commented (a retried job): nothing added, not listed', async () => {
    const boards = boardsHolding({ 7: [tagOf('Checkout.Pays'), TESTS_SCOPE] });
    boards.comments.resolves([{ id: 3, text: `<p>Again</p>${markerHtml(RUN_KEY, 2)}` }]);
    const { acting } = actingFor(boards);
    const result = await track(acting, failures(failedTest('Checkout.Pays', 'b')), passing());
    sinon.assert.notCalled(boards.addComment);
    assert.deepEqual(result.commented, []);
    assert.equal(result.failed, 0);
  });

  it('onRecurrence skip: the open item is left alone and nothing is filed for it', async () => {
    const boards = boardsHolding({ 7: [tagOf('Checkout.Pays'), TESTS_SCOPE] });
    const { acting } = actingFor(boards, { onRecurrence: 'skip' });
    const result = await track(acting, failures(failedTest('Checkout.Pays', 'b')), passing());
    sinon.assert.notCalled(boards.addComment);
    sinon.assert.notCalled(boards.createWorkItem);
    assert.deepEqual([result.created, result.commented], [[], []]);
  });

  it('a run that filed the same test at the same moment: ours is closed as its duplicate; not with onRecurrence new', async () => {
    for (const [onRecurrence, settled] of [
      ['comment', true],
      ['new', false],
    ] as const) {
      const boards = boardsHolding({});
      // Another run's create lands just before ours: the query after ours lists both.
      boards.createWorkItem.callsFake(async () => {
        boards.queryIds.callsFake(async () => [99, 100]);
        return { id: 100 };
      });
      const { acting } = actingFor(boards, { onRecurrence });
      const result = await track(acting, failures(failedTest('Checkout.Pays', 'boom')), passing());
      assert.equal(boards.addComment.calledWith(sinon.match.any, 99), settled, onRecurrence);
      assert.equal(boards.updateWorkItem.calledWith(sinon.match.any, 100), settled, onRecurrence);
      // The run reports what it did: a comment on the other run's item, or its own new item.
      const ids = (items: readonly { id: number }[]) => items.map((item) => item.id);
      assert.deepEqual(
        [ids(result.created), ids(result.commented)],
        settled ? [[], [99]] : [[100], []],
        onRecurrence,
      );
    }
  });

  it('onRecurrence new: a new item even though one is open', async () => {
    const boards = boardsHolding({ 7: [tagOf('Checkout.Pays'), TESTS_SCOPE] });
    const { acting } = actingFor(boards, { onRecurrence: 'new' });
    const result = await track(acting, failures(failedTest('Checkout.Pays', 'b')), passing());
    sinon.assert.notCalled(boards.addComment);
    assert.deepEqual(
      result.created.map((item) => item.id),
      [100],
    );
  });
});

describe('per-test items: resolving on a pass', () => {
  const open = {
    7: [tagOf('Cart.Adds'), TESTS_SCOPE],
    8: [tagOf('Checkout.Pays'), TESTS_SCOPE],
    9: [tagOf('Search.Finds'), TESTS_SCOPE],
  };

  it('resolves the open item of a test that passed, leaves the one of a test that did not run', async () => {
    const boards = boardsHolding(open);
    const { acting } = actingFor(boards);
    const passed = sinon.spy(passing('Cart.Adds', 'Other.Test'));
    const result = await track(acting, failures(failedTest('Checkout.Pays', 'b')), passed);
    sinon.assert.calledOnce(passed);
    sinon.assert.calledOnce(boards.updateWorkItem);
    const [, id, patch] = boards.updateWorkItem.firstCall.args as [string, number, JsonPatchOperation[]];
    assert.equal(id, 7);
    assert.equal(field(patch, 'System.State'), 'Resolved');
    const note = String(field(patch, 'System.History'));
    assert.match(
      note,
      /^<p>The test passed in <a href="[^"]+">20261129\.3<\/a> on main\.<\/p>\n<p>Pipeline Work Items moved this item to Resolved \(Fixed\)\.<\/p>\n/,
    );
    assert.ok(note.endsWith(markerHtml(RUN_KEY, 0)), note);
    assert.deepEqual(result.resolved, [{ id: 7, url: itemUrl(7), name: 'Cart.Adds' }]);
    assert.deepEqual(
      result.commented.map((item) => item.id),
      [8],
      'the failing test’s item is commented on, not resolved',
    );
  });

  it('a pass under another name case still resolves the item', async () => {
    const boards = boardsHolding(open);
    const { acting } = actingFor(boards);
    const result = await track(acting, failures(), passing('cart.adds'));
    assert.deepEqual(
      result.resolved.map((item) => item.id),
      [7],
    );
  });

  it('a test that failed in this run is not resolved even when another result of it passed', async () => {
    const boards = boardsHolding(open);
    const { acting } = actingFor(boards);
    const result = await track(acting, failures(failedTest('Cart.Adds', 'b')), passing('Cart.Adds'));
    sinon.assert.notCalled(boards.updateWorkItem);
    assert.deepEqual(result.resolved, []);
  });

  it('resolveOnRecovery false: nothing is resolved and the passed tests are not read', async () => {
    const boards = boardsHolding(open);
    const { acting } = actingFor(boards, { resolveOnRecovery: 'false' });
    const passed = sinon.spy(passing('Cart.Adds'));
    const result = await track(acting, failures(), passed);
    sinon.assert.notCalled(passed);
    sinon.assert.notCalled(boards.updateWorkItem);
    assert.deepEqual(result.resolved, []);
  });

  it('the passed results could not all be read: warns, and resolves only those read', async () => {
    const boards = boardsHolding(open);
    const { acting, warnings } = actingFor(boards);
    const result = await track(acting, failures(), async () => ({
      names: new Set(['Search.Finds']),
      complete: false,
    }));
    assert.deepEqual(
      result.resolved.map((item) => item.id),
      [9],
    );
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /Not every passed test result/);
  });

  it('an item a person closed meanwhile is left as it is, not listed', async () => {
    const boards = boardsHolding(open);
    boards.workItemRevision.resolves({ state: 'Closed', rev: 4 });
    const { acting } = actingFor(boards);
    const result = await track(acting, failures(), passing('Cart.Adds'));
    sinon.assert.notCalled(boards.updateWorkItem);
    assert.deepEqual(result.resolved, []);
    assert.equal(result.failed, 0);
  });

  it('a resolve the service refuses: the note goes in as a comment, warned about once', async () => {
    const boards = boardsHolding(open);
    boards.updateWorkItem.rejects(new AdoError('TF401320: Rule Error for field Root Cause', { status: 400 }));
    const { acting, warnings } = actingFor(boards);
    const result = await track(acting, failures(), passing('Cart.Adds'));
    sinon.assert.calledOnce(boards.addComment);
    assert.equal(boards.addComment.firstCall.args[1], 7);
    assert.match(String(boards.addComment.firstCall.args[2]), /^<p>The test passed in /);
    assert.deepEqual([result.resolved, result.failed], [[], 0]);
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0], /TF401320.*The note went in as a comment on Bug 7/);
  });

  it('a resolve that cannot be written is warned about and counted as a failed write', async () => {
    const boards = boardsHolding(open);
    boards.updateWorkItem.rejects(new AdoError('TF400813: not authorized', { status: 401 }));
    const { acting, warnings } = actingFor(boards);
    const result = await track(acting, failures(), passing('Cart.Adds'));
    assert.deepEqual([result.resolved, result.failed], [[], 1]);
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0], /A failing test's own Bug could not be written: .*TF400813/);
  });

  it('no test item open: the passed tests are not read', async () => {
    const boards = boardsHolding({});
    const { acting } = actingFor(boards);
    const passed = sinon.spy(passing('Cart.Adds'));
    await track(acting, undefined, passed);
    sinon.assert.notCalled(passed);
  });
});

describe('per-test items: dry run and failing writes', () => {
  it('dry run: plans the creates, comments and resolves, and writes nothing', async () => {
    const boards = boardsHolding({
      7: [tagOf('Cart.Adds'), TESTS_SCOPE],
      8: [tagOf('Checkout.Pays'), TESTS_SCOPE],
    });
    const { acting, infos } = actingFor(boards, { dryRun: 'true' });
    const result = await track(
      acting,
      failures(failedTest('Checkout.Pays', 'b'), failedTest('New.One', 'b'), failedTest('New.Two', 'b')),
      passing('Cart.Adds'),
    );
    for (const write of ['createWorkItem', 'addComment', 'updateWorkItem', 'comments'] as const) {
      sinon.assert.notCalled(boards[write]);
    }
    assert.deepEqual(result, {
      type: 'Bug',
      overCap: 0,
      unread: 0,
      created: [],
      commented: [],
      resolved: [],
      failed: 0,
    });
    assert.ok(
      infos.includes('Dry run: would file 2 test items, comment on 1 and resolve 1 (nothing is written).'),
      infos.join('\n'),
    );
  });

  it('a failing create leaves the other writes done, and is warned about and counted', async () => {
    const boards = boardsHolding({ 7: [tagOf('Cart.Adds'), TESTS_SCOPE] }, (ops) =>
      String(field(ops, 'System.Title')).startsWith('First.Fails')
        ? new AdoError('TF400813: not authorized', { status: 401 })
        : undefined,
    );
    const { acting, warnings } = actingFor(boards);
    const result = await track(
      acting,
      failures(failedTest('First.Fails', 'b'), failedTest('Second.Files', 'b'), failedTest('Cart.Adds', 'b')),
      passing(),
    );
    assert.equal(result.failed, 1);
    assert.deepEqual(
      result.created.map((item) => item.name),
      ['Second.Files'],
    );
    assert.deepEqual(
      result.commented.map((item) => item.id),
      [7],
    );
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /A failing test's own Bug could not be written: .*TF400813/);
  });
});
