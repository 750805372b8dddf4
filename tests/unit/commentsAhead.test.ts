import * as assert from 'node:assert/strict';
import * as sinon from 'sinon';
import { commentsAheadOf } from '../../tasks/PipelineWorkItem/src/act/commentsAhead';
import { NO_FACTS } from '../../tasks/PipelineWorkItem/src/facts/model';
import { runView } from '../../tasks/PipelineWorkItem/src/facts/values';
import { fingerprintOf } from '../../tasks/PipelineWorkItem/src/lifecycle/fingerprint';
import { markerHtml, runKey } from '../../tasks/PipelineWorkItem/src/lifecycle/marker';
import { newestTaggedQuery, type TaggedBy } from '../../tasks/PipelineWorkItem/src/lifecycle/openItems';
import { runContext, YAML_VARIABLES } from './fixtures';

// A recurrence's comments read ahead: the newest item of the default fingerprint, and its comments.

const CONTEXT = runContext();
const FINGERPRINT = fingerprintOf(undefined, runView(CONTEXT, NO_FACTS, 'failed').values, CONTEXT);
const COMMENTS = [{ id: 12, text: `<p>Again</p>${markerHtml('build-811.1.Test', 3)}` }];

function boards(newest: number[] = [7]) {
  return {
    queryIds: sinon.stub().resolves(newest),
    comments: sinon.stub().resolves(COMMENTS),
  };
}

// The task's reads share the newest-tagged query; here it is the fake's own.
function aheadOf(fake: ReturnType<typeof boards>, context = CONTEXT) {
  const newestTagged = async (fingerprint: TaggedBy) =>
    ((await fake.queryIds('WebApp', newestTaggedQuery(fingerprint))) as number[])[0];
  return commentsAheadOf(fake, 'WebApp', context, newestTagged);
}

describe('comments read ahead', () => {
  it('asks for the newest item with the default fingerprint’s tag and reads its comments, handed over once', async () => {
    const fake = boards();
    const ahead = aheadOf(fake);
    ahead.start();
    assert.deepEqual(await ahead.take(7), COMMENTS);
    sinon.assert.calledOnceWithExactly(fake.queryIds, 'WebApp', newestTaggedQuery(FINGERPRINT));
    const [project, item, enough] = fake.comments.firstCall.args as [
      string,
      number,
      (c: unknown[]) => boolean,
    ];
    assert.deepEqual([project, item], ['WebApp', 7]);
    // Reading stops at the task's newest note: it numbers the occurrence and says whether this run wrote.
    assert.equal(enough([{ id: 13, text: markerHtml(runKey(CONTEXT), 4) }]), true);
    assert.equal(enough([{ id: 14, text: '<p>A person’s note</p>' }]), false);
    assert.equal(await ahead.take(7), undefined, 'handed over once');
  });

  it('asks by the tag of the run’s lane: every tag’s run, one', async () => {
    const fake = boards();
    const tagged = (tag: string) =>
      runContext({ ...YAML_VARIABLES, 'Build.SourceBranch': `refs/tags/${tag}` });
    aheadOf(fake, tagged('v1.2.0')).start();
    aheadOf(fake, tagged('v1.3.0')).start();
    await new Promise((resolve) => setImmediate(resolve));
    const [first, second] = fake.queryIds.getCalls().map((call) => call.args[1] as string);
    assert.equal(first, second);
    assert.notEqual(first, newestTaggedQuery(FINGERPRINT));
  });

  it('none for another item, none when nothing carries the tag, none before it started', async () => {
    const other = aheadOf(boards());
    other.start();
    assert.equal(await other.take(8), undefined);
    assert.deepEqual(await other.take(7), COMMENTS, 'still there for the item it was read for');
    const fake = boards([]);
    const none = aheadOf(fake);
    none.start();
    assert.equal(await none.take(7), undefined);
    sinon.assert.notCalled(fake.comments);
    assert.equal(await aheadOf(boards()).take(7), undefined);
  });

  it('a query or a read that fails is nothing read ahead, never a failure', async () => {
    const failingQuery = boards();
    failingQuery.queryIds.rejects(new Error('503'));
    const query = aheadOf(failingQuery);
    query.start();
    assert.equal(await query.take(7), undefined);
    const failingRead = boards();
    failingRead.comments.rejects(new Error('503'));
    const read = aheadOf(failingRead);
    read.start();
    assert.equal(await read.take(7), undefined);
  });
});
