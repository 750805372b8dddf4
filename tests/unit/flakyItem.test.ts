import * as assert from 'node:assert/strict';
import * as sinon from 'sinon';
import { recordFlaky } from '../../tasks/PipelineWorkItem/src/act/flakyItem';
import type { Acting } from '../../tasks/PipelineWorkItem/src/act/acted';
import { NO_EVIDENCE, NO_FACTS, TestFailures } from '../../tasks/PipelineWorkItem/src/facts/model';
import { runView } from '../../tasks/PipelineWorkItem/src/facts/values';
import { fingerprintOf, flakyFingerprintOf } from '../../tasks/PipelineWorkItem/src/lifecycle/fingerprint';
import { markerHtml } from '../../tasks/PipelineWorkItem/src/lifecycle/marker';
import type { FlakyItem } from '../../tasks/PipelineWorkItem/src/render/summary';
import type { JsonPatchOperation } from '../../tasks/PipelineWorkItem/src/workItem/patch';
import {
  actingOver,
  FAILED_VIEW as view,
  failedTest,
  fakeBoards,
  field,
  filedComment,
  itemUrl,
  PR_VARIABLES,
  RUN_KEY,
  runContext,
  TESTS_URL,
  YAML_CONTEXT as context,
} from './fixtures';

const FLAKY_TAG = flakyFingerprintOf(context).tag;

function withFlaky(...names: string[]): TestFailures {
  const flaky = names.map((name, i) => ({
    ...failedTest(name, `flaked <${i}>`, i + 1),
    standing: 'flaky' as const,
  }));
  return { total: 0, tests: [], flaky, suspects: [], url: TESTS_URL };
}

// The run as the task hands it to the flaky-tests item: its tests in its evidence.
const record = (acting: Acting, tests: TestFailures | undefined): Promise<FlakyItem | undefined> =>
  recordFlaky(acting, runView(context, NO_FACTS, 'failed', { ...NO_EVIDENCE, tests }));

describe('the flaky-tests item', () => {
  it('no flaky results (or no tests read): nothing is asked or written', async () => {
    const boards = fakeBoards();
    const { acting } = actingOver(boards);
    assert.equal(await record(acting, undefined), undefined);
    assert.equal(await record(acting, withFlaky()), undefined);
    sinon.assert.notCalled(boards.queryIds);
  });

  it('comments on the open one, found by the flaky tag, listing the run’s flaky results escaped', async () => {
    const boards = fakeBoards();
    boards.comments.resolves([filedComment(2, 'build-800.1.Test')]);
    const { acting } = actingOver(boards);
    const flaky = await record(acting, withFlaky('Cart.<Adds>', 'Search.Finds'));
    assert.deepEqual(flaky, { type: 'Bug', id: 7, url: itemUrl(7), action: 'commented' });
    const query = String(boards.queryIds.firstCall.args[1]);
    assert.match(query, new RegExp(`\\[System.Tags\\] CONTAINS '${FLAKY_TAG}'`));
    sinon.assert.notCalled(boards.createWorkItem);
    sinon.assert.calledOnce(boards.addComment);
    const [, id, html] = boards.addComment.firstCall.args as [string, number, string];
    assert.equal(id, 7);
    assert.match(html, /^<p>2 flaky test results in <a href="[^"]+">20261129\.3<\/a> on main/);
    assert.ok(html.includes('<li><b>Cart.&lt;Adds&gt;</b>: flaked &lt;0&gt;</li>'), html);
    assert.ok(html.includes('<li><b>Search.Finds</b>: flaked &lt;1&gt;</li>'), html);
    assert.ok(html.endsWith(markerHtml(RUN_KEY, 2)), html);
  });

  it('this job already noted its flakes there (a step run again): nothing added, its first write reported', async () => {
    for (const [occurrence, action] of [
      [3, 'commented'],
      [1, 'created'],
    ] as const) {
      const boards = fakeBoards();
      boards.comments.resolves([{ id: 2, text: `<p>Flaky</p>${markerHtml(RUN_KEY, occurrence)}` }]);
      const { acting } = actingOver(boards);
      const flaky = await record(acting, withFlaky('Cart.Adds'));
      assert.deepEqual(flaky, { type: 'Bug', id: 7, url: itemUrl(7), action });
      sinon.assert.notCalled(boards.addComment);
    }
  });

  it('none open: files it with the flaky tag only (no scope tag a green run would resolve by)', async () => {
    const boards = fakeBoards();
    boards.queryIds.onFirstCall().resolves([]);
    boards.queryIds.resolves([8]);
    const { acting } = actingOver(boards);
    const flaky = await record(acting, withFlaky('Cart.Adds'));
    assert.deepEqual(flaky, { type: 'Bug', id: 8, url: itemUrl(8), action: 'created' });
    const ops = boards.createWorkItem.firstCall.args[2] as JsonPatchOperation[];
    assert.equal(field(ops, 'System.Title'), 'Flaky tests in WebApp-CI');
    const taskTags = String(field(ops, 'System.Tags'))
      .split('; ')
      .filter((tag) => tag.startsWith('pwi:'));
    assert.deepEqual(taskTags, [FLAKY_TAG]);
    const scope = fingerprintOf(undefined, view.values, context).scopeTag;
    assert.ok(!taskTags.includes(scope));
    const body = String(field(ops, 'Microsoft.VSTS.TCM.ReproSteps'));
    assert.match(body, /^<h3>Flaky tests<\/h3>/);
    assert.ok(body.includes('<li><b>Cart.Adds</b>: flaked &lt;0&gt;</li>'), body);
    assert.ok(String(field(ops, 'System.History')).endsWith(markerHtml(RUN_KEY, 1)));
    // The run's files go on the run's item: the flaky-tests item attaches none.
    const attached = ops.filter(
      (op) => op.path === '/relations/-' && (op.value as { rel: string }).rel === 'AttachedFile',
    );
    assert.deepEqual(attached, []);
  });

  it('none open, with fields setting the title and Repro Steps: filed with its own title and body', async () => {
    const boards = fakeBoards();
    boards.queryIds.onFirstCall().resolves([]);
    boards.queryIds.resolves([8]);
    const fields = 'System.Title=Nightly broke\nMicrosoft.VSTS.TCM.ReproSteps=See the run';
    const { acting, warnings } = actingOver(boards, { fields });
    await record(acting, withFlaky('Cart.Adds'));
    const ops = boards.createWorkItem.firstCall.args[2] as JsonPatchOperation[];
    assert.equal(field(ops, 'System.Title'), 'Flaky tests in WebApp-CI');
    assert.match(String(field(ops, 'Microsoft.VSTS.TCM.ReproSteps')), /^<h3>Flaky tests<\/h3>/);
    assert.deepEqual(warnings, []);
  });

  it('none open and the type disabled: nothing filed, a warning says the flaky results go unnoted', async () => {
    const boards = fakeBoards();
    boards.queryIds.resolves([]);
    const { acting, warnings } = actingOver(boards);
    const disabled = { ...acting, type: { ...acting.type, disabled: true } };
    assert.equal(await record(disabled, withFlaky('Cart.Adds')), undefined);
    sinon.assert.notCalled(boards.createWorkItem);
    assert.match(
      warnings.join('\n'),
      /^The 'Bug' work item type is disabled in project 'WebApp': the flaky results/,
    );
  });

  it('one open and the type disabled: commented on as ever', async () => {
    const boards = fakeBoards();
    boards.queryIds.resolves([5]);
    boards.comments.resolves([]);
    const { acting, warnings } = actingOver(boards);
    const disabled = { ...acting, type: { ...acting.type, disabled: true } };
    const flaky = await record(disabled, withFlaky('Cart.Adds'));
    assert.equal(flaky?.action, 'commented');
    sinon.assert.calledOnce(boards.addComment);
    assert.deepEqual(warnings, []);
  });

  it('another run filed it at the same moment: comments on the older one, reported as commented', async () => {
    const boards = fakeBoards();
    boards.queryIds.onFirstCall().resolves([]);
    boards.queryIds.resolves([5, 8]);
    boards.comments.callsFake(async (_project: string, id: number) =>
      id === 5 ? [filedComment(1, 'build-811.1.Test')] : [],
    );
    const { acting } = actingOver(boards);
    const flaky = await record(acting, withFlaky('Cart.Adds'));
    assert.deepEqual(flaky, { type: 'Bug', id: 5, url: itemUrl(5), action: 'commented' });
    sinon.assert.calledOnce(boards.addComment);
    assert.equal(boards.addComment.firstCall.args[1], 5);
    assert.match(String(boards.addComment.firstCall.args[2]), /1 flaky test result in /);
  });

  it('a pull request has its own flaky-tests item', async () => {
    const boards = fakeBoards();
    boards.queryIds.onFirstCall().resolves([]);
    const pr = runContext(PR_VARIABLES);
    const { acting } = actingOver(boards);
    await recordFlaky(
      acting,
      runView(pr, NO_FACTS, 'failed', { ...NO_EVIDENCE, tests: withFlaky('Cart.Adds') }),
    );
    const query = String(boards.queryIds.firstCall.args[1]);
    assert.ok(query.includes(flakyFingerprintOf(pr).tag));
    assert.ok(!query.includes(FLAKY_TAG));
    const ops = boards.createWorkItem.firstCall.args[2] as JsonPatchOperation[];
    assert.equal(field(ops, 'System.Title'), 'Flaky tests in WebApp-CI (pull request 7)');
  });

  it('dry run: plans the comment (names the open item) or the create, writes nothing', async () => {
    const boards = fakeBoards();
    const { acting, infos } = actingOver(boards, { dryRun: 'true' });
    assert.deepEqual(await record(acting, withFlaky('Cart.Adds')), {
      type: 'Bug',
      id: 7,
      url: itemUrl(7),
      action: 'none',
    });
    boards.queryIds.resolves([]);
    assert.equal(await record(acting, withFlaky('Cart.Adds')), undefined);
    for (const write of ['createWorkItem', 'addComment', 'updateWorkItem'] as const) {
      sinon.assert.notCalled(boards[write]);
    }
    assert.equal(infos.length, 2);
    assert.deepEqual(infos, [
      "Dry run: would comment on the pipeline's flaky-tests item, Bug 7 (nothing is written).",
      "Dry run: would file the pipeline's flaky-tests Bug (nothing is written).",
    ]);
  });
});
