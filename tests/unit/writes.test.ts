import * as assert from 'node:assert/strict';
import * as sinon from 'sinon';
import { AdoBoards } from '../../tasks/PipelineWorkItem/src/ado/boards';
import type { Rest } from '../../tasks/PipelineWorkItem/src/ado/rest';
import { DEFAULT_LIMITS, RetryPolicy } from '../../tasks/PipelineWorkItem/src/ado/retry';
import { NO_FACTS } from '../../tasks/PipelineWorkItem/src/facts/model';
import { runView } from '../../tasks/PipelineWorkItem/src/facts/values';
import { markerHtml } from '../../tasks/PipelineWorkItem/src/lifecycle/marker';
import type { Boards, Comment } from '../../tasks/PipelineWorkItem/src/ports';
import type { WorkItemTypeInfo } from '../../tasks/PipelineWorkItem/src/workItem/workItemType';
import type { BoardsWrites } from '../../tasks/PipelineWorkItem/src/act/acted';
import { createItem } from '../../tasks/PipelineWorkItem/src/act/writes';
import { runContext } from './fixtures';

const BUG: WorkItemTypeInfo = {
  name: 'Bug',
  fields: [],
  states: [
    { name: 'Active', category: 'InProgress' },
    { name: 'Closed', category: 'Completed' },
  ],
};
const KEY = 'build-812.1.Test';

function writerOver(comments: Record<number, Comment[]>): {
  writer: BoardsWrites;
  boards: { [K in keyof Boards]: sinon.SinonStub };
} {
  const boards = {
    workItemTypes: sinon.stub(),
    currentIteration: sinon.stub(),
    queryIds: sinon.stub().resolves([7, 8]),
    workItemState: sinon.stub().resolves('Closed'),
    workItemRevision: sinon.stub().resolves({ state: 'Active', rev: 2 }),
    stateReasons: sinon.stub().resolves(['Completed', 'Duplicate']),
    validateWorkItem: sinon.stub(),
    createWorkItem: sinon.stub().resolves({ id: 8 }),
    updateWorkItem: sinon.stub().resolves(),
    comments: sinon.stub().callsFake(async (_project: string, id: number) => comments[id] ?? []),
    addComment: sinon.stub().resolves(),
    htmlFields: sinon.stub(),
    uploadAttachment: sinon.stub(),
  };
  const writer: BoardsWrites = {
    boards,
    project: 'WebApp',
    collectionUri: 'https://dev.azure.com/fabrikam/',
    type: BUG,
    runKey: KEY,
    log: { info: () => undefined, warning: () => undefined },
  };
  return { writer, boards };
}

const creation = {
  fingerprint: { text: 'WebApp-CI · main', tag: 'pwi:0123456789ab', scopeTag: 'pwi:scope-0123456789ab' },
  view: runView(runContext(), NO_FACTS, 'failed'),
  settleRaces: true,
  known: [],
  optional: new Map<string, string>(),
};

describe('creating an item and settling races', () => {
  it('a run that raced only itself (its own create, listed late) reports the older item as created', async () => {
    const { writer, boards } = writerOver({ 7: [{ id: 1, text: `<p>Filed</p>${markerHtml(KEY, 1)}` }] });
    assert.deepEqual(await createItem(writer, [], creation), { kind: 'created', id: 7 });
    sinon.assert.calledOnce(boards.updateWorkItem);
    assert.equal(boards.updateWorkItem.firstCall.args[1], 8, 'the later copy is closed as the duplicate');
    sinon.assert.notCalled(boards.addComment);
  });

  it('another run’s older item: comments there and closes this run’s as its duplicate', async () => {
    const { writer, boards } = writerOver({
      7: [{ id: 1, text: `<p>Filed</p>${markerHtml('build-812.1.Lint', 1)}` }],
    });
    assert.deepEqual(await createItem(writer, [], creation), {
      kind: 'raced',
      id: 7,
      duplicate: { kind: 'changed', id: 8, state: 'Closed', reason: 'Duplicate' },
      occurrence: 2,
    });
    sinon.assert.calledOnce(boards.addComment);
    assert.equal(boards.updateWorkItem.firstCall.args[1], 8);
    assert.deepEqual((boards.updateWorkItem.firstCall.args[2] as unknown[])[0], {
      op: 'test',
      path: '/rev',
      value: 2,
    });
  });
});

describe('reading comments page by page', () => {
  const page = (ids: number[], continuationToken?: string) => ({
    comments: ids.map((id) => ({ id, text: `c${id}` })),
    continuationToken,
  });

  function boardsAnswering(...pages: ReturnType<typeof page>[]): {
    boards: AdoBoards;
    json: sinon.SinonStub;
  } {
    const json = sinon.stub();
    pages.forEach((answer, at) => json.onCall(at).resolves(answer));
    // No secrets: the adapter's masking Rest is the fake itself.
    const fake: Record<string, unknown> = { baseUrl: 'https://dev.azure.com/fabrikam/', json };
    fake['masking'] = () => fake;
    const rest = fake as unknown as Rest;
    return { boards: new AdoBoards(rest, new RetryPolicy(DEFAULT_LIMITS), () => []), json };
  }

  it('asks for newest first, 200 a page, and follows the continuation token until the reader has enough', async () => {
    const { boards, json } = boardsAnswering(page([5, 4], 'next'), page([3, 2], 'more'), page([1]));
    const read = await boards.comments('WebApp', 9, (comments) => comments.some((c) => c.id === 3));
    assert.deepEqual(
      read.map((c) => c.id),
      [5, 4, 3, 2],
    );
    assert.deepEqual(
      json.getCalls().map((call) => (call.args[0] as { query: unknown }).query),
      [
        { $top: 200, order: 'desc', continuationToken: undefined },
        { $top: 200, order: 'desc', continuationToken: 'next' },
      ],
    );
  });

  it('reads once when the first page is the last, and to the end when nothing is enough', async () => {
    const one = boardsAnswering(page([2, 1]));
    assert.equal((await one.boards.comments('WebApp', 9, () => false)).length, 2);
    sinon.assert.calledOnce(one.json);
    const all = boardsAnswering(page([3], 'a'), page([2], 'b'), page([1]));
    assert.equal((await all.boards.comments('WebApp', 9, () => false)).length, 3);
    sinon.assert.calledThrice(all.json);
  });
});
