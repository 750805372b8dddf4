import * as assert from 'node:assert/strict';
import * as sinon from 'sinon';
import { movedHtml, stayedHtml } from '../../tasks/PipelineWorkItem/src/render/notes';
import { act } from '../../tasks/PipelineWorkItem/src/act/act';
import { AdoError } from '../../tasks/PipelineWorkItem/src/errors';
import { markerHtml } from '../../tasks/PipelineWorkItem/src/lifecycle/marker';
import { loc } from '../../tasks/PipelineWorkItem/src/text/messages';
import {
  actingOver,
  decided,
  fakeBoards,
  FakeBoards,
  filedComment,
  itemUrl as url,
  RUN_KEY,
  runContext,
  step,
  withFailures,
  YAML_VARIABLES,
} from './fixtures';
import { NO_FACTS } from '../../tasks/PipelineWorkItem/src/facts/model';
import { runView } from '../../tasks/PipelineWorkItem/src/facts/values';

// Every Boards call the fake saw, by method name.
const calls = (boards: FakeBoards): string[] =>
  Object.entries(boards).flatMap(([name, stub]) => (stub.called ? [name] : []));

// What a landed check of a write whose answer was lost says, its looks' waits run on a fake clock; and how many
// times it read the item's comments to say it.
async function looked(
  boards: FakeBoards,
  landed: () => Promise<boolean>,
): Promise<{ seen: boolean; reads: number }> {
  const clock = sinon.useFakeTimers();
  try {
    boards.comments.resetHistory();
    const seen = landed();
    await clock.tickAsync(7_000);
    return { seen: await seen, reads: boards.comments.callCount };
  } finally {
    clock.restore();
  }
}

const history = (patch: unknown): string =>
  String(
    (patch as { path: string; value: unknown }[]).find((op) => op.path === '/fields/System.History')?.value,
  );

describe('acting: nothing open, and skip', () => {
  it('nothing open: no Boards call, action none, the fingerprint reported', async () => {
    const boards = fakeBoards();
    const { acting } = actingOver(boards);
    assert.deepEqual(await act(acting, { kind: 'none' }, decided()), {
      outputs: { action: 'none' },
      report: { kind: 'nothingOpen', fingerprint: 'WebApp-CI · main' },
    });
    assert.deepEqual(calls(boards), []);
  });

  it('skip: names the open item, writes nothing', async () => {
    const boards = fakeBoards();
    const { acting } = actingOver(boards, { onRecurrence: 'skip' });
    assert.deepEqual(await act(acting, { kind: 'skip', item: 7 }, decided()), {
      outputs: { id: 7, url: url(7), action: 'none' },
      report: { kind: 'skipped', type: 'Bug', id: 7, url: url(7) },
    });
    assert.deepEqual(calls(boards), []);
  });

  it('skip of an item filed for a success: the report says it is a success', async () => {
    const { acting } = actingOver(fakeBoards(), { onRecurrence: 'skip' });
    const acted = await act(acting, { kind: 'skip', item: 7 }, { ...decided(), success: true });
    assert.deepEqual(acted.report, { kind: 'skipped', type: 'Bug', id: 7, url: url(7), success: true });
  });
});

describe('acting: a comment on the open item', () => {
  it('adds one comment numbering the occurrence after the newest, with this run’s marker', async () => {
    const boards = fakeBoards();
    boards.comments.resolves([
      { id: 12, text: `<p>Again</p>${markerHtml('build-811.1.Test', 3)}` },
      filedComment(11, 'build-800.1.Test'),
    ]);
    const { acting } = actingOver(boards);
    assert.deepEqual(await act(acting, { kind: 'comment', item: 7 }, decided()), {
      outputs: { id: 7, url: url(7), action: 'commented' },
      report: { kind: 'commented', type: 'Bug', id: 7, url: url(7), occurrence: 4 },
    });
    sinon.assert.calledOnce(boards.addComment);
    const [project, item, html] = boards.addComment.firstCall.args as [string, number, string];
    assert.deepEqual([project, item], ['WebApp', 7]);
    assert.ok(html.endsWith(markerHtml(RUN_KEY, 4)), html);
    assert.deepEqual(calls(boards), ['comments', 'addComment']);
  });

  it('another job of this run recorded the failure: a job that failed notes its own, one that did not adds nothing', async () => {
    const byLint = [{ id: 12, text: `<p>Again</p>${markerHtml('build-812.1.Lint', 3)}` }];
    const failing = fakeBoards();
    failing.comments.resolves(byLint);
    const own = await act(actingOver(failing).acting, { kind: 'comment', item: 7 }, decided());
    assert.equal(own.outputs.action, 'commented');
    assert.match(String(failing.addComment.firstCall.args[2]), /Failed again in this run/);

    const green = fakeBoards();
    green.comments.resolves(byLint);
    const reporting = {
      ...decided(),
      view: runView(runContext({ ...YAML_VARIABLES, 'Agent.JobStatus': 'Succeeded' }), NO_FACTS, 'failed'),
    };
    assert.deepEqual(await act(actingOver(green).acting, { kind: 'comment', item: 7 }, reporting), {
      outputs: { id: 7, url: url(7), action: 'none' },
      report: { kind: 'commented', type: 'Bug', id: 7, url: url(7), occurrence: undefined },
    });
    sinon.assert.notCalled(green.addComment);

    // A rerun is news, even to a job that did not fail: the reporting job run again notes the rerun's failure.
    const rerun = fakeBoards();
    rerun.comments.resolves(byLint);
    const again = {
      ...decided(),
      view: runView(
        runContext({ ...YAML_VARIABLES, 'Agent.JobStatus': 'Succeeded', 'System.JobAttempt': '2' }),
        NO_FACTS,
        'failed',
      ),
    };
    const acting = { ...actingOver(rerun).acting, runKey: 'build-812.2.Test' };
    const noted = await act(acting, { kind: 'comment', item: 7 }, again);
    assert.equal(noted.outputs.action, 'commented');
    assert.match(String(rerun.addComment.firstCall.args[2]), /Failed again in this run/);
  });

  it('another job of this run recorded the failure: the report says it failed again in this run', async () => {
    const boards = fakeBoards();
    boards.comments.resolves([{ id: 12, text: `<p>Again</p>${markerHtml('build-812.1.Lint', 3)}` }]);
    const acted = await act(actingOver(boards).acting, { kind: 'comment', item: 7 }, decided());
    assert.deepEqual(acted.report, {
      kind: 'commented',
      type: 'Bug',
      id: 7,
      url: url(7),
      occurrence: 3,
      sameRun: true,
    });
  });

  it('a comment whose answer was lost has landed when this run’s marker is among the comments after the newest', async () => {
    const boards = fakeBoards();
    boards.comments.resolves([{ id: 12, text: `<p>Again</p>${markerHtml('build-811.1.Test', 3)}` }]);
    const { acting } = actingOver(boards);
    await act(acting, { kind: 'comment', item: 7 }, decided());
    const landed = boards.addComment.firstCall.args[3] as () => Promise<boolean>;
    boards.comments.resetHistory();
    boards.comments.resolves([
      { id: 13, text: `<p>Again</p>${markerHtml(RUN_KEY, 4)}` },
      { id: 12, text: `<p>Again</p>${markerHtml('build-811.1.Test', 3)}` },
    ]);
    assert.equal(await landed(), true);
    assert.deepEqual(boards.comments.firstCall.args.slice(0, 2), ['WebApp', 7]);
    boards.comments.resolves([{ id: 12, text: `<p>Again</p>${markerHtml('build-811.1.Test', 3)}` }]);
    // Not there: looked for four times over 7 s before the comment may be sent again.
    assert.deepEqual(await looked(boards, landed), { seen: false, reads: 4 });
  });

  it('a comment the service answered with a 5xx is looked for once: the service is done with it', async () => {
    const boards = fakeBoards();
    boards.comments.resolves([{ id: 12, text: `<p>Again</p>${markerHtml('build-811.1.Test', 3)}` }]);
    const { acting } = actingOver(boards);
    await act(acting, { kind: 'comment', item: 7 }, decided());
    const landed = boards.addComment.firstCall.args[3] as (answered: boolean) => Promise<boolean>;
    assert.deepEqual(await looked(boards, () => landed(true)), { seen: false, reads: 1 });
  });

  it('a comment the service held past the timeout is found when it lands after the first look', async () => {
    const boards = fakeBoards();
    boards.comments.resolves([{ id: 12, text: `<p>Again</p>${markerHtml('build-811.1.Test', 3)}` }]);
    const { acting } = actingOver(boards);
    await act(acting, { kind: 'comment', item: 7 }, decided());
    const landed = boards.addComment.firstCall.args[3] as () => Promise<boolean>;
    boards.comments.onCall(1).resolves([
      { id: 13, text: `<p>Again</p>${markerHtml(RUN_KEY, 4)}` },
      { id: 12, text: `<p>Again</p>${markerHtml('build-811.1.Test', 3)}` },
    ]);
    assert.deepEqual(await looked(boards, landed), { seen: true, reads: 2 });
  });

  it('masks the host’s secrets in the note', async () => {
    const boards = fakeBoards();
    const { acting } = actingOver(boards, {}, ['s3cr3t-value']);
    const facts = withFailures([step('Test', { errors: ['npm ERR! token s3cr3t-value refused'] })]);
    await act(acting, { kind: 'comment', item: 7 }, decided([], facts));
    const html = String(boards.addComment.firstCall.args[2]);
    assert.match(html, /<li><b>[^<]*Test<\/b>: npm ERR! token \*\*\* refused<\/li>/);
  });

  it('this job’s marker already on the item (a retried step): nothing added, the outputs say what it wrote', async () => {
    for (const [occurrence, action] of [
      [2, 'commented'],
      [1, 'created'],
    ] as const) {
      const boards = fakeBoards();
      boards.comments.resolves([
        { id: 13, text: `<p>Again</p>${markerHtml('build-812.1.Lint', occurrence + 1)}` },
        { id: 12, text: `<p>Again</p>${markerHtml(RUN_KEY, occurrence)}` },
      ]);
      const { acting } = actingOver(boards);
      assert.deepEqual(await act(acting, { kind: 'comment', item: 7 }, decided()), {
        outputs: { id: 7, url: url(7), action },
        report: { kind: 'commented', type: 'Bug', id: 7, url: url(7), occurrence: undefined },
      });
      sinon.assert.notCalled(boards.addComment);
    }
  });

  it('a dry run reads the item’s comments and logs the comment it would add, numbered, and the plan', async () => {
    const boards = fakeBoards();
    boards.comments.resolves([{ id: 12, text: `<p>Again</p>${markerHtml('build-811.1.Test', 3)}` }]);
    const { acting, infos } = actingOver(boards, { dryRun: 'true' });
    const plan = loc('PlanComment', 'Bug', 7);
    assert.deepEqual(await act(acting, { kind: 'comment', item: 7 }, decided()), {
      outputs: { id: 7, url: url(7), action: 'none' },
      report: { kind: 'dryRun', plan, title: undefined, validation: undefined },
    });
    assert.equal(infos.length, 3, infos.join('\n'));
    assert.equal(infos[0], loc('DryRunComment', 'Bug', 7));
    assert.match(infos[1] ?? '', /occurrence 4/);
    assert.ok(infos[1]?.endsWith(markerHtml(RUN_KEY, 4)), infos[1]);
    assert.equal(infos[2], loc('DryRunWould', plan));
    assert.deepEqual(
      calls(boards).filter((call) => call !== 'comments'),
      [],
    );
  });

  it('a dry run of a job with nothing to add logs the plan alone', async () => {
    const plan = loc('DryRunWould', loc('PlanComment', 'Bug', 7));
    // Its own write is on the item already (a retried step).
    const retried = fakeBoards();
    retried.comments.resolves([{ id: 12, text: `<p>Again</p>${markerHtml(RUN_KEY, 2)}` }]);
    const again = actingOver(retried, { dryRun: 'true' });
    await act(again.acting, { kind: 'comment', item: 7 }, decided());
    assert.deepEqual(again.infos, [plan]);
    // A job that did not fail, after another job of this run recorded the failure.
    const reporting = fakeBoards();
    reporting.comments.resolves([{ id: 12, text: `<p>Again</p>${markerHtml('build-812.1.Lint', 3)}` }]);
    const green = actingOver(reporting, { dryRun: 'true' });
    const view = runView(
      runContext({ ...YAML_VARIABLES, 'Agent.JobStatus': 'Succeeded' }),
      NO_FACTS,
      'failed',
    );
    await act(green.acting, { kind: 'comment', item: 7 }, { ...decided(), view });
    assert.deepEqual(green.infos, [plan]);
  });
});

describe('acting: resolving recovered items', () => {
  it('moves the item to Resolved with the reason, its note as history, guarded by test /rev', async () => {
    const boards = fakeBoards();
    const { acting } = actingOver(boards);
    assert.deepEqual(await act(acting, { kind: 'resolve', items: [7] }, decided()), {
      outputs: { id: 7, url: url(7), action: 'resolved' },
      report: {
        kind: 'resolved',
        type: 'Bug',
        items: [{ id: 7, url: url(7), outcome: 'resolved', state: 'Resolved', reason: 'Fixed' }],
      },
    });
    sinon.assert.calledOnce(boards.updateWorkItem);
    const [project, item, patch, landed] = boards.updateWorkItem.firstCall.args as [
      string,
      number,
      { op: string; path: string; value: unknown }[],
      () => Promise<boolean>,
    ];
    assert.deepEqual([project, item], ['WebApp', 7]);
    assert.deepEqual(
      patch.map(({ op, path, value }) => [op, path, path === '/fields/System.History' ? '…' : value]),
      [
        ['test', '/rev', 2],
        ['add', '/fields/System.State', 'Resolved'],
        ['add', '/fields/System.Reason', 'Fixed'],
        ['add', '/fields/System.History', '…'],
      ],
    );
    assert.ok(history(patch).endsWith(markerHtml(RUN_KEY, 0)));
    // A write whose answer was lost landed when the item is in the new state.
    assert.equal(await landed(), true);
    sinon.assert.calledWith(boards.workItemState, 'WebApp', 7);
    sinon.assert.notCalled(boards.addComment);
    // One the service answered with a 5xx (it is done with it) and that is not there is looked for once.
    boards.workItemState.resetHistory();
    boards.workItemState.resolves('Active');
    const clock = sinon.useFakeTimers();
    try {
      const seen = (landed as (answered: boolean) => Promise<boolean>)(true);
      await clock.tickAsync(7_000);
      assert.deepEqual([await seen, boards.workItemState.callCount], [false, 1]);
    } finally {
      clock.restore();
    }
  });

  it('without the type’s reasons, the transition’s default reason is left to the service', async () => {
    const boards = fakeBoards();
    boards.stateReasons.rejects(new Error('503'));
    const { acting } = actingOver(boards);
    const acted = await act(acting, { kind: 'resolve', items: [7] }, decided());
    assert.deepEqual(acted.report, {
      kind: 'resolved',
      type: 'Bug',
      items: [{ id: 7, url: url(7), outcome: 'resolved', state: 'Resolved', reason: undefined }],
    });
    const paths = (boards.updateWorkItem.firstCall.args[2] as { path: string }[]).map((op) => op.path);
    assert.deepEqual(paths, ['/rev', '/fields/System.State', '/fields/System.History']);
  });

  it('a person saved the item in between (409): read again and sent once more with the new revision', async () => {
    const boards = fakeBoards();
    boards.workItemRevision.onSecondCall().resolves({ state: 'Active', rev: 5 });
    boards.updateWorkItem
      .onFirstCall()
      .rejects(new AdoError('conflict', { status: 409, code: 'TF26071' }))
      .onSecondCall()
      .resolves();
    const { acting } = actingOver(boards);
    const acted = await act(acting, { kind: 'resolve', items: [7] }, decided());
    assert.equal(acted.outputs.action, 'resolved');
    sinon.assert.calledTwice(boards.workItemRevision);
    sinon.assert.calledTwice(boards.updateWorkItem);
    const revs = boards.updateWorkItem.getCalls().map((call) => (call.args[2] as { value: unknown }[])[0]);
    assert.deepEqual(revs, [
      { op: 'test', path: '/rev', value: 2 },
      { op: 'test', path: '/rev', value: 5 },
    ]);
    sinon.assert.calledOnce(boards.stateReasons);
  });

  it('a conflict with its own change, which the service applied late: resolved, not read again as a person’s', async () => {
    const boards = fakeBoards();
    boards.updateWorkItem.rejects(new AdoError('precondition failed', { status: 412, code: 'TF26071' }));
    boards.comments.resolves([{ id: 20, text: `<p>Recovered</p>${markerHtml(RUN_KEY, 0)}` }]);
    const { acting } = actingOver(boards);
    const acted = await act(acting, { kind: 'resolve', items: [7] }, decided());
    assert.deepEqual(acted.report, {
      kind: 'resolved',
      type: 'Bug',
      items: [{ id: 7, url: url(7), outcome: 'resolved', state: 'Resolved', reason: 'Fixed' }],
    });
    sinon.assert.calledOnce(boards.updateWorkItem);
    sinon.assert.calledOnce(boards.workItemRevision);
    // In another state, or without this run's marker, it is someone else's save: read again.
    for (const [state, marked] of [
      ['Closed', true],
      ['Resolved', false],
    ] as const) {
      const other = fakeBoards();
      other.updateWorkItem.onFirstCall().rejects(new AdoError('changed', { status: 412, code: 'TF26071' }));
      other.workItemState.resolves(state);
      if (marked) other.comments.resolves([{ id: 20, text: `<p>Recovered</p>${markerHtml(RUN_KEY, 0)}` }]);
      const again = await act(actingOver(other).acting, { kind: 'resolve', items: [7] }, decided());
      assert.equal(again.outputs.action, 'resolved');
      sinon.assert.calledTwice(other.updateWorkItem);
    }
  });

  it('a conflict the service names only by its code (TF26071) is read again too', async () => {
    const boards = fakeBoards();
    boards.updateWorkItem
      .onFirstCall()
      .rejects(new AdoError('TF26071: changed by someone else', { status: 400, code: 'TF26071' }))
      .onSecondCall()
      .resolves();
    const { acting } = actingOver(boards);
    assert.equal((await act(acting, { kind: 'resolve', items: [7] }, decided())).outputs.action, 'resolved');
    sinon.assert.calledTwice(boards.updateWorkItem);
    sinon.assert.notCalled(boards.addComment);
  });

  describe('an item a person reopened after the task moved it', () => {
    const moved = (id: number, key: string) => ({
      id,
      text: `<p>The pipeline recovered.</p>\n${movedHtml('Resolved (Fixed)')}\n${markerHtml(key, 0)}`,
    });

    it('is left open while no failure came since: nothing written', async () => {
      const boards = fakeBoards();
      boards.comments.resolves([moved(30, 'build-811.1.Test'), filedComment(12, 'build-810.1.Test')]);
      const { acting } = actingOver(boards);
      assert.deepEqual((await act(acting, { kind: 'resolve', items: [7] }, decided())).report, {
        kind: 'resolved',
        type: 'Bug',
        items: [{ id: 7, url: url(7), outcome: 'left', state: 'Active', reopened: true }],
      });
      sinon.assert.notCalled(boards.updateWorkItem);
      sinon.assert.notCalled(boards.addComment);
    });

    it('is resolved again once a failure was noted on it since', async () => {
      const boards = fakeBoards();
      boards.comments.resolves([filedComment(40, 'build-812.1.Lint'), moved(30, 'build-811.1.Test')]);
      const { acting } = actingOver(boards);
      assert.equal(
        (await act(acting, { kind: 'resolve', items: [7] }, decided())).outputs.action,
        'resolved',
      );
      sinon.assert.calledOnce(boards.updateWorkItem);
    });

    it('a note that the change was refused, or comments that cannot be read, leave the change to be tried', async () => {
      for (const comments of [
        sinon
          .stub()
          .resolves([
            { id: 30, text: `<p>x</p>\n${stayedHtml('Active', 'refused')}\n${markerHtml('b', 0)}` },
          ]),
        sinon.stub().rejects(new Error('503')),
      ]) {
        const boards = { ...fakeBoards(), comments };
        const { acting } = actingOver(boards);
        assert.equal(
          (await act(acting, { kind: 'resolve', items: [7] }, decided())).outputs.action,
          'resolved',
        );
        sinon.assert.calledOnce(boards.updateWorkItem);
      }
    });
  });

  it('an item deleted before the task came to it is left, nothing written', async () => {
    const boards = fakeBoards();
    boards.workItemRevision.resolves(undefined);
    const { acting } = actingOver(boards);
    assert.deepEqual((await act(acting, { kind: 'resolve', items: [7] }, decided())).report, {
      kind: 'resolved',
      type: 'Bug',
      items: [{ id: 7, url: url(7), outcome: 'left', state: undefined }],
    });
    sinon.assert.notCalled(boards.updateWorkItem);
    sinon.assert.notCalled(boards.addComment);
  });

  it('a refused change without a reason names the state alone', async () => {
    const boards = fakeBoards();
    boards.stateReasons.rejects(new Error('503'));
    boards.updateWorkItem.rejects(
      new AdoError('Could not update item 7', { status: 400, serviceMessage: 'The state is locked.' }),
    );
    const { acting, warnings } = actingOver(boards);
    await act(acting, { kind: 'resolve', items: [7] }, decided());
    const why = loc('StateChangeRefused', 'Bug', 7, 'Resolved', 'The state is locked.');
    assert.deepEqual(warnings, [loc('NoteAsComment', why, 'Bug', 7)]);
  });

  it('the re-read finds the item closed by a person: left as they left it, nothing written', async () => {
    const boards = fakeBoards();
    boards.workItemRevision.onSecondCall().resolves({ state: 'Closed', rev: 3 });
    boards.updateWorkItem.rejects(new AdoError('precondition failed', { status: 412 }));
    const { acting } = actingOver(boards);
    assert.deepEqual(await act(acting, { kind: 'resolve', items: [7] }, decided()), {
      outputs: { id: 7, url: url(7), action: 'none' },
      report: {
        kind: 'resolved',
        type: 'Bug',
        items: [{ id: 7, url: url(7), outcome: 'left', state: 'Closed' }],
      },
    });
    sinon.assert.calledOnce(boards.updateWorkItem);
    sinon.assert.notCalled(boards.addComment);
  });

  it('a second conflict ends in the note as a comment, not a third try', async () => {
    const boards = fakeBoards();
    boards.updateWorkItem.rejects(new AdoError('conflict', { status: 409 }));
    const { acting } = actingOver(boards);
    const acted = await act(acting, { kind: 'resolve', items: [7] }, decided());
    assert.equal(acted.outputs.action, 'commented');
    sinon.assert.calledTwice(boards.updateWorkItem);
    sinon.assert.calledOnce(boards.addComment);
  });

  it('a refused change: the note goes in as a comment, with a warning naming the refused fields', async () => {
    const boards = fakeBoards();
    const refusal = new AdoError('Could not update item 7', {
      status: 400,
      code: 'TF401320',
      serviceMessage: 'Rule error for field Custom.RootCause',
      refusedFields: ['Custom.RootCause'],
    });
    boards.updateWorkItem.rejects(refusal);
    const { acting, warnings } = actingOver(boards);
    const acted = await act(acting, { kind: 'resolve', items: [7] }, decided());
    const why = loc(
      'StateChangeRefusedFields',
      'Bug',
      7,
      'Resolved (Fixed)',
      'Rule error for field Custom.RootCause',
      'Custom.RootCause',
    );
    assert.deepEqual(acted, {
      outputs: { id: 7, url: url(7), action: 'commented' },
      report: { kind: 'resolved', type: 'Bug', items: [{ id: 7, url: url(7), outcome: 'commented', why }] },
    });
    sinon.assert.calledOnce(boards.addComment);
    const [, item, html] = boards.addComment.firstCall.args as [string, number, string];
    assert.equal(item, 7);
    // The comment is the note the change would have carried, saying why the item stays instead of where it went.
    const attempted = history(boards.updateWorkItem.firstCall.args[2]);
    assert.ok(attempted.includes(movedHtml('Resolved (Fixed)')), attempted);
    assert.equal(html, attempted.replace(movedHtml('Resolved (Fixed)'), stayedHtml('Active', why)));
    assert.deepEqual(warnings, [loc('NoteAsComment', why, 'Bug', 7)]);
    // A note whose answer was lost has landed when this run's marker is on the item.
    const landed = boards.addComment.firstCall.args[3] as () => Promise<boolean>;
    boards.comments.resolves([{ id: 20, text: `<p>Recovered</p>${markerHtml(RUN_KEY, 0)}` }]);
    assert.equal(await landed(), true);
    boards.comments.resolves([]);
    assert.deepEqual(await looked(boards, landed), { seen: false, reads: 4 });
  });

  it('refused again after an earlier run’s recovery note: nothing added, a warning says so', async () => {
    const boards = fakeBoards();
    boards.comments.resolves([{ id: 30, text: `<p>Recovered</p>${markerHtml('build-811.1.Test', 0)}` }]);
    boards.updateWorkItem.rejects(new AdoError('refused', { status: 400, serviceMessage: 'No' }));
    const { acting, warnings } = actingOver(boards);
    const acted = await act(acting, { kind: 'resolve', items: [7] }, decided());
    const why = loc('StateChangeRefused', 'Bug', 7, 'Resolved (Fixed)', 'No');
    assert.deepEqual(acted.report, {
      kind: 'resolved',
      type: 'Bug',
      items: [{ id: 7, url: url(7), outcome: 'noted', why }],
    });
    assert.equal(acted.outputs.action, 'none');
    sinon.assert.notCalled(boards.addComment);
    assert.deepEqual(warnings, [loc('StillRefused', why, 'Bug', 7)]);
    // The comments were read once, beside the item's state, and serve both questions.
    sinon.assert.calledOnce(boards.comments);
  });

  it('refused again, a person’s comment after the earlier recovery note: still nothing added', async () => {
    const boards = fakeBoards();
    // Newest first, a page at a time, read until the reader has what it needs.
    const pages = [
      [{ id: 31, text: '<p>Looking into the flaky rule</p>' }],
      [{ id: 30, text: `<p>Recovered</p>${markerHtml('build-811.1.Test', 0)}` }],
      [{ id: 20, text: `<p>Filed</p>${markerHtml('build-800.1.Test', 1)}` }],
    ];
    let pagesRead = 0;
    boards.comments.callsFake(
      async (_project: string, _item: number, enough: (read: { text: string }[]) => boolean) => {
        const read: { id: number; text: string }[] = [];
        for (const page of pages) {
          read.push(...page);
          pagesRead += 1;
          if (enough(read)) break;
        }
        return read;
      },
    );
    boards.updateWorkItem.rejects(new AdoError('refused', { status: 400, serviceMessage: 'No' }));
    const { acting, warnings } = actingOver(boards);
    const acted = await act(acting, { kind: 'resolve', items: [7] }, decided());
    const why = loc('StateChangeRefused', 'Bug', 7, 'Resolved (Fixed)', 'No');
    assert.equal(acted.outputs.action, 'none');
    sinon.assert.notCalled(boards.addComment);
    assert.deepEqual(warnings, [loc('StillRefused', why, 'Bug', 7)]);
    // Read back to the task's newest note, not to the item's first comment.
    assert.equal(pagesRead, 2);
  });

  it('a refused change naming several fields names them all in the warning', async () => {
    const boards = fakeBoards();
    boards.updateWorkItem.rejects(
      new AdoError('Could not update item 7', {
        status: 400,
        code: 'TF401320',
        serviceMessage: 'Rule error',
        refusedFields: ['Custom.RootCause', 'Custom.FixedIn'],
      }),
    );
    const { acting, warnings } = actingOver(boards);
    await act(acting, { kind: 'resolve', items: [7] }, decided());
    const why = loc(
      'StateChangeRefusedFields',
      'Bug',
      7,
      'Resolved (Fixed)',
      'Rule error',
      'Custom.RootCause, Custom.FixedIn',
    );
    assert.deepEqual(warnings, [loc('NoteAsComment', why, 'Bug', 7)]);
  });

  it('refused after a recurrence comment (the pipeline failed since): the note goes in as a comment', async () => {
    const boards = fakeBoards();
    boards.comments.resolves([
      { id: 31, text: `<p>Failed again</p>${markerHtml('build-811.1.Test', 3)}` },
      { id: 30, text: `<p>Recovered</p>${markerHtml('build-809.1.Test', 0)}` },
    ]);
    boards.updateWorkItem.rejects(new AdoError('refused', { status: 400, serviceMessage: 'No' }));
    const { acting } = actingOver(boards);
    const acted = await act(acting, { kind: 'resolve', items: [7] }, decided());
    assert.equal(acted.outputs.action, 'commented');
    sinon.assert.calledOnce(boards.addComment);
  });

  it('a type with no way to Resolved from the state: the note as a comment, no update sent', async () => {
    const boards = fakeBoards();
    boards.workItemRevision.resolves({ state: 'New', rev: 1 });
    const { acting } = actingOver(boards);
    const typed = { ...acting, type: { ...acting.type, transitions: { New: ['Active'] } } };
    const acted = await act(typed, { kind: 'resolve', items: [7] }, decided());
    assert.deepEqual(acted.report, {
      kind: 'resolved',
      type: 'Bug',
      items: [{ id: 7, url: url(7), outcome: 'commented', why: loc('NoTransition', 'Bug', 7, 'New') }],
    });
    sinon.assert.notCalled(boards.updateWorkItem);
    sinon.assert.calledOnce(boards.addComment);
  });

  it('several items settle each on their own; the outputs name the first resolved', async () => {
    const boards = fakeBoards();
    boards.workItemRevision.withArgs('WebApp', 9).resolves({ state: 'Closed', rev: 4 });
    boards.updateWorkItem.withArgs('WebApp', 7).rejects(new Error('socket hang up'));
    const { acting, warnings } = actingOver(boards);
    assert.deepEqual(await act(acting, { kind: 'resolve', items: [7, 8, 9] }, decided()), {
      outputs: { id: 8, url: url(8), action: 'resolved' },
      report: {
        kind: 'resolved',
        type: 'Bug',
        items: [
          { id: 7, url: url(7), outcome: 'failed', why: 'socket hang up' },
          { id: 8, url: url(8), outcome: 'resolved', state: 'Resolved', reason: 'Fixed' },
          { id: 9, url: url(9), outcome: 'left', state: 'Closed' },
        ],
      },
      incomplete: true,
    });
    assert.deepEqual(
      boards.updateWorkItem.getCalls().map((call) => call.args[1]),
      [7, 8],
    );
    // The type's reasons are read once for the run, not once per item.
    sinon.assert.calledOnce(boards.stateReasons);
    assert.deepEqual(warnings, [loc('ResolveFailed', 'Bug', 7, 'socket hang up')]);
  });

  it('no item resolved: the outputs name the first that got the note, else the first one', async () => {
    const boards = fakeBoards();
    boards.workItemRevision.withArgs('WebApp', 7).resolves({ state: 'Closed', rev: 4 });
    boards.updateWorkItem.rejects(new AdoError('refused', { status: 400 }));
    const { acting } = actingOver(boards);
    const commented = await act(acting, { kind: 'resolve', items: [7, 8] }, decided());
    assert.deepEqual(commented.outputs, { id: 8, url: url(8), action: 'commented' });
    // A refused change whose note went in as a comment, or an item a person closed, is not a failed write.
    assert.equal(commented.incomplete, undefined);
    boards.workItemRevision.resolves({ state: 'Closed', rev: 4 });
    const left = await act(acting, { kind: 'resolve', items: [7, 8] }, decided());
    assert.deepEqual(left.outputs, { id: 7, url: url(7), action: 'none' });
  });

  it('every item failed: the run fails with the first failure', async () => {
    const boards = fakeBoards();
    const first = new Error('401 Unauthorized');
    boards.workItemRevision.withArgs('WebApp', 7).rejects(first);
    boards.workItemRevision.withArgs('WebApp', 8).rejects(new Error('403'));
    const { acting } = actingOver(boards);
    await assert.rejects(
      act(acting, { kind: 'resolve', items: [7, 8] }, decided()),
      (error) => error === first,
    );
  });

  it('a dry run logs the comment each resolution would carry and the plan for every item, and sends nothing', async () => {
    const boards = fakeBoards();
    const { acting, infos } = actingOver(boards, { dryRun: 'true' });
    const plan = loc('PlanResolve', 'Bug', '7, 8');
    assert.deepEqual(await act(acting, { kind: 'resolve', items: [7, 8] }, decided()), {
      outputs: { id: 7, url: url(7), action: 'none' },
      report: { kind: 'dryRun', plan, title: undefined, validation: undefined },
    });
    assert.equal(infos.length, 3, infos.join('\n'));
    assert.equal(infos[0], loc('DryRunResolveNote', 'Bug', '7, 8'));
    assert.match(infos[1] ?? '', /recovered/i);
    assert.equal(infos[2], loc('DryRunWould', plan));
    assert.deepEqual(calls(boards), []);
  });
});
