import * as assert from 'node:assert/strict';
import * as sinon from 'sinon';
import { AdoBoards } from '../../tasks/PipelineWorkItem/src/ado/boards';
import type { Rest } from '../../tasks/PipelineWorkItem/src/ado/rest';
import { DEFAULT_LIMITS, RetryPolicy } from '../../tasks/PipelineWorkItem/src/ado/retry';
import { NO_FACTS } from '../../tasks/PipelineWorkItem/src/facts/model';
import { runView } from '../../tasks/PipelineWorkItem/src/facts/values';
import { recurrenceHtml } from '../../tasks/PipelineWorkItem/src/render/notes';
import type { Boards, Comment } from '../../tasks/PipelineWorkItem/src/ports';
import type { BoardsWrites } from '../../tasks/PipelineWorkItem/src/act/acted';
import { commentOnRecurrence, createItem, Creation } from '../../tasks/PipelineWorkItem/src/act/writes';
import { markerHtml } from '../../tasks/PipelineWorkItem/src/lifecycle/marker';
import { BUG, filedComment, inputs, readsOver, runContext } from './fixtures';
import { AdoError } from '../../tasks/PipelineWorkItem/src/errors';
import { optionalFields } from '../../tasks/PipelineWorkItem/src/workItem/draft';
import { patchOf } from '../../tasks/PipelineWorkItem/src/workItem/patch';
import { loc } from '../../tasks/PipelineWorkItem/src/text/messages';
import { readSettings } from '../../tasks/PipelineWorkItem/src/inputs/settings';

const KEY = 'build-812.1.Test';

function writerOver(comments: Record<number, Comment[]>): {
  writer: BoardsWrites;
  boards: { [K in keyof Boards]: sinon.SinonStub };
} {
  const boards = {
    workItemType: sinon.stub(),
    workItemTypes: sinon.stub(),
    currentIteration: sinon.stub(),
    queryIds: sinon.stub().resolves([7, 8]),
    workItemState: sinon.stub().resolves('Closed'),
    workItemTags: sinon.stub().resolves(new Map()),
    workItemRevision: sinon.stub().resolves({ state: 'Active', rev: 2 }),
    stateReasons: sinon.stub().resolves(['Completed', 'Duplicate']),
    validateWorkItem: sinon.stub(),
    createWorkItem: sinon.stub().resolves({ id: 8 }),
    updateWorkItem: sinon.stub().resolves(),
    comments: sinon.stub().callsFake(async (_project: string, id: number) => comments[id] ?? []),
    addComment: sinon.stub().resolves(),
    fieldTypes: sinon.stub(),
    uploadAttachment: sinon.stub(),
  };
  const writer: BoardsWrites = {
    boards,
    project: 'WebApp',
    collectionUri: 'https://dev.azure.com/fabrikam/',
    type: BUG,
    runKey: KEY,
    log: { info: () => undefined, warning: () => undefined },
    reads: readsOver(boards),
  };
  return { writer, boards };
}

const creation = {
  fingerprint: { text: 'WebApp-CI · main', tag: 'pwi:0123456789ab', scopeTag: 'pwi:scope-0123456789ab' },
  recurrence: (occurrence: number) => recurrenceHtml(runView(runContext(), NO_FACTS, 'failed'), occurrence),
  settleRaces: true,
  known: [],
  optional: new Map<string, string>(),
};

// createItem with the waits of its looks for a lost answer run on a fake clock.
async function createdOnFakeClock(writer: BoardsWrites, settling: Creation): Promise<unknown> {
  const clock = sinon.useFakeTimers({ toFake: ['setTimeout'] });
  try {
    const created = createItem(writer, [], settling);
    await clock.runAllAsync();
    return await created;
  } finally {
    clock.restore();
  }
}

describe('creating an item and settling races', () => {
  it('a run that raced only itself (its own create, listed late) reports the older item as created', async () => {
    const { writer, boards } = writerOver({ 7: [filedComment(1, KEY)] });
    assert.deepEqual(await createItem(writer, [], creation), { kind: 'created', id: 7 });
    sinon.assert.calledOnce(boards.updateWorkItem);
    assert.equal(boards.updateWorkItem.firstCall.args[1], 8, 'the later copy is closed as the duplicate');
    sinon.assert.notCalled(boards.addComment);
    // Its own item holds no recurrence to number: its comments are read once, to find the marker.
    assert.equal(boards.comments.getCalls().filter((call) => call.args[1] === 7).length, 1);
  });

  it('onRecurrence new: a create sent again after its lost answer keeps its own older item, if it landed', async () => {
    const files = { ...creation, settleRaces: false };
    // The looks before sending it again did not list it (the index lagged); once sent again, it is listed.
    const lostThenSent = (
      boards: { createWorkItem: sinon.SinonStub; queryIds: sinon.SinonStub },
      listed = [7, 8],
    ): void => {
      let sent = false;
      boards.queryIds.callsFake(async () => (sent ? listed : []));
      boards.createWorkItem.callsFake(
        async (_project: string, _type: string, _ops: unknown, landed: () => Promise<number | undefined>) => {
          assert.equal(await landed(), undefined);
          sent = true;
          return { id: 8 };
        },
      );
    };
    const landed = writerOver({ 7: [filedComment(1, KEY)] });
    lostThenSent(landed.boards);
    assert.deepEqual(await createdOnFakeClock(landed.writer, files), { kind: 'created', id: 7 });
    assert.equal(landed.boards.updateWorkItem.firstCall.args[1], 8, 'the copy sent again is closed');
    sinon.assert.notCalled(landed.boards.addComment);
    // Another run's older item is no concern of a run that files whatever is open.
    const other = writerOver({ 7: [filedComment(1, 'build-811.1.Test')] });
    lostThenSent(other.boards);
    assert.deepEqual(await createdOnFakeClock(other.writer, files), { kind: 'created', id: 8 });
    sinon.assert.notCalled(other.boards.updateWorkItem);
    // The index lists only the copy, which carries this run's marker as every item it files: nothing to close.
    const alone = writerOver({ 8: [filedComment(1, KEY)] });
    lostThenSent(alone.boards, [8]);
    assert.deepEqual(await createdOnFakeClock(alone.writer, files), { kind: 'created', id: 8 });
    sinon.assert.notCalled(alone.boards.updateWorkItem);
    // An item open before the create is never this run's lost one, whatever it carries (an earlier attempt's).
    const known = writerOver({ 7: [filedComment(1, KEY)] });
    lostThenSent(known.boards);
    assert.deepEqual(await createdOnFakeClock(known.writer, { ...files, known: [7] }), {
      kind: 'created',
      id: 8,
    });
    sinon.assert.notCalled(known.boards.updateWorkItem);
    // An answer that was not lost: no query at all.
    const plain = writerOver({});
    assert.deepEqual(await createItem(plain.writer, [], files), { kind: 'created', id: 8 });
    sinon.assert.notCalled(plain.boards.queryIds);
  });

  it('the race cannot be checked: the item is reported created, unsettled, with a warning', async () => {
    const { writer, boards } = writerOver({});
    boards.queryIds.rejects(new Error('503 Service Unavailable'));
    const warnings: string[] = [];
    const log = { info: () => undefined, warning: (message: string) => warnings.push(message) };
    assert.deepEqual(await createItem({ ...writer, log }, [], creation), {
      kind: 'created',
      id: 8,
      unsettled: true,
    });
    assert.deepEqual(warnings, [loc('RaceCheckFailed', 'Bug', 8, '503 Service Unavailable')]);
    sinon.assert.notCalled(boards.updateWorkItem);
  });

  it('the older item cannot be commented on: this run’s item is reported created, nothing closed', async () => {
    const { writer, boards } = writerOver({ 7: [filedComment(1, 'build-811.1.Test')] });
    boards.addComment.rejects(new Error('403 Forbidden'));
    assert.deepEqual(await createItem(writer, [], creation), { kind: 'created', id: 8 });
    sinon.assert.notCalled(boards.updateWorkItem);
  });

  it('a type with no open state has no open item to race: no query, the item is created', async () => {
    const { writer, boards } = writerOver({});
    const closedOnly = { ...BUG, states: [{ name: 'Closed', category: 'Completed' as const }] };
    assert.deepEqual(await createItem({ ...writer, type: closedOnly }, [], creation), {
      kind: 'created',
      id: 8,
    });
    sinon.assert.notCalled(boards.queryIds);
    sinon.assert.notCalled(boards.comments);
    sinon.assert.notCalled(boards.updateWorkItem);
  });

  it('another run’s older item: comments there and closes this run’s as its duplicate', async () => {
    const { writer, boards } = writerOver({
      7: [filedComment(1, 'build-811.1.Test')],
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

describe('a recurrence in several jobs of one run', () => {
  // A note with its marker of `key` at `occurrence`; ids fall with age, as comments read newest first.
  const noted = (id: number, occurrence: number, key: string): Comment => ({
    id,
    text: `<p>note</p>${markerHtml(key, occurrence)}`,
  });
  const note = (occurrence: number, sameRun: boolean) =>
    `<p>${sameRun ? 'same run' : 'again'} ${occurrence}</p>`;

  it('another job of the run that recorded the occurrence notes it under the same number', async () => {
    const { writer, boards } = writerOver({
      7: [noted(9, 2, 'build-812.1.Lint'), noted(5, 1, 'build-811.1.Test')],
    });
    assert.deepEqual(await commentOnRecurrence(writer, 7, note), { occurrence: 2, sameRun: true });
    assert.equal(boards.addComment.firstCall.args[2], `<p>same run 2</p>\n${markerHtml(KEY, 2)}`);
  });

  it('another attempt of the run (a rerun), another job or a 1.0.0 marker of the run: the same number', async () => {
    for (const key of ['build-812.2.Test', 'build-812.2.Lint', 'build-812.1']) {
      const { writer } = writerOver({ 7: [noted(9, 2, key)] });
      assert.deepEqual(await commentOnRecurrence(writer, 7, note), { occurrence: 2, sameRun: true }, key);
    }
  });

  it('another build, a 1.0.0 marker of another build, or a release counts one more', async () => {
    for (const key of ['build-81.1.Test', 'build-8120.1.Test', 'build-811.1', 'release-812.1.1.Test']) {
      const { writer, boards } = writerOver({ 7: [noted(9, 2, key)] });
      assert.deepEqual(await commentOnRecurrence(writer, 7, note), { occurrence: 3 }, key);
      assert.equal(boards.addComment.firstCall.args[2], `<p>again 3</p>\n${markerHtml(KEY, 3)}`, key);
    }
  });

  it('the run of the highest occurrence decides, not a newer note of another run', async () => {
    // A recovery note (occurrence 0) of this run after an older filing of another run.
    const { writer } = writerOver({
      7: [noted(9, 0, 'build-812.1.Lint'), noted(5, 4, 'build-811.1.Test')],
    });
    assert.deepEqual(await commentOnRecurrence(writer, 7, note), { occurrence: 5 });
  });
});

describe('reading comments page by page', () => {
  const page = (ids: number[], continuationToken?: string) => ({
    comments: ids.map((id) => ({ id, text: `c${id}` })),
    continuationToken,
  });

  function boardsAnswering(...pages: ReturnType<typeof page>[]): {
    boards: AdoBoards;
    answered: sinon.SinonStub;
  } {
    const answered = sinon.stub();
    pages.forEach((answer, at) => answered.onCall(at).resolves(answer));
    // No secrets: the adapter's masking Rest is the fake itself.
    const fake: Record<string, unknown> = { baseUrl: 'https://dev.azure.com/fabrikam/', answered };
    fake['masking'] = () => fake;
    const rest = fake as unknown as Rest;
    return { boards: new AdoBoards(rest, new RetryPolicy(DEFAULT_LIMITS), () => []), answered };
  }

  it('asks for newest first, 200 a page, and follows the continuation token until the reader has enough', async () => {
    const { boards, answered } = boardsAnswering(page([5, 4], 'next'), page([3, 2], 'more'), page([1]));
    const read = await boards.comments('WebApp', 9, (comments) => comments.some((c) => c.id === 3));
    assert.deepEqual(
      read.map((c) => c.id),
      [5, 4, 3, 2],
    );
    assert.deepEqual(
      answered.getCalls().map((call) => (call.args[0] as { query: unknown }).query),
      [
        { $top: 200, order: 'desc', continuationToken: undefined },
        { $top: 200, order: 'desc', continuationToken: 'next' },
      ],
    );
  });

  it('an item of 10,000 comments: the reader looks at each comment once, not at every page read so far', async () => {
    const pages = Array.from({ length: 50 }, (_, p) =>
      page(
        Array.from({ length: 200 }, (_, i) => 10_000 - p * 200 - i),
        p < 49 ? `page${p + 1}` : undefined,
      ),
    );
    const { boards } = boardsAnswering(...pages);
    let looked = 0;
    const read = await boards.comments('WebApp', 9, (comments) => {
      looked += comments.length;
      return comments.some((c) => c.id === 1);
    });
    assert.equal(read.length, 10_000);
    // The last page is not asked about: nothing is left to read after it.
    assert.equal(looked, 9_800);
  });

  it('reads once when the first page is the last, and to the end when nothing is enough', async () => {
    const one = boardsAnswering(page([2, 1]));
    assert.equal((await one.boards.comments('WebApp', 9, () => false)).length, 2);
    sinon.assert.calledOnce(one.answered);
    const all = boardsAnswering(page([3], 'a'), page([2], 'b'), page([1]));
    assert.equal((await all.boards.comments('WebApp', 9, () => false)).length, 3);
    sinon.assert.calledThrice(all.answered);
  });
});

describe('a create refused for its fields', () => {
  const type = { name: 'Bug', fields: ['System.Title', 'System.Tags', 'Custom.Known'], states: [] };

  function writerFor(createWorkItem: sinon.SinonStub): { writer: BoardsWrites; warnings: string[] } {
    const warnings: string[] = [];
    const boards = { createWorkItem, queryIds: sinon.stub().resolves([]) } as Partial<Boards> as Boards;
    const writer: BoardsWrites = {
      boards,
      project: 'WebApp',
      collectionUri: 'https://dev.azure.com/fabrikam/',
      type,
      runKey: 'build-812.1',
      log: { info: () => undefined, warning: (message) => warnings.push(message) },
      reads: readsOver(boards),
    };
    return { writer, warnings };
  }

  function creation(fieldsInput: string) {
    return {
      fingerprint: { text: 'x', tag: 'pwi:0123456789ab', scopeTag: 'pwi:scope-0123456789ab' },
      recurrence: () => assert.fail('no race to settle'),
      settleRaces: false,
      known: [],
      optional: optionalFields(readSettings(inputs({ fields: fieldsInput }))),
    };
  }

  /**
   * A create of a title and `field`'s value (one of `fields`' entries) that the service refuses once with
   * `refusal` and files as item 9 the second time: what the task reported, what it sent again, what it warned.
   */
  async function refusedOnce(
    refusal: AdoError,
    [field, value]: readonly [string, string | number],
    fieldsInput = `${field}=x`,
  ): Promise<{ created: unknown; resent: { path: string; value: unknown }[]; warnings: string[] }> {
    const create = sinon.stub();
    create.onFirstCall().rejects(refusal);
    create.onSecondCall().resolves({ id: 9 });
    const { writer, warnings } = writerFor(create);
    const patch = patchOf([
      ['System.Title', 't'],
      [field, value],
    ]);
    const created = await createItem(writer, patch, creation(fieldsInput));
    return { created, resent: create.secondCall.args[2] as { path: string; value: unknown }[], warnings };
  }

  /** A create of `patch` that fails with `refusal` as it came: sent once, nothing warned. */
  async function refusalStands(
    refusal: Error,
    patch: ReturnType<typeof patchOf>,
    fieldsInput = '',
  ): Promise<void> {
    const create = sinon.stub().rejects(refusal);
    const { writer, warnings } = writerFor(create);
    await assert.rejects(createItem(writer, patch, creation(fieldsInput)), (error) => error === refusal);
    sinon.assert.calledOnce(create);
    assert.deepEqual(warnings, []);
  }

  const pathsOf = (ops: readonly { path: string }[]): string[] => ops.map((op) => op.path);

  const unknown = (field: string): AdoError =>
    new AdoError(`Could not create the Bug: TF51535: Cannot find field ${field}.`, {
      status: 400,
      code: 'TF51535',
      refusedFields: [field],
    });

  it('drops every field the type does not have in one retry, with one warning naming them', async () => {
    const fields = Array.from({ length: 50 }, (_, i) => `Custom.F${i}`);
    const patch = patchOf([
      ['System.Title', 't'],
      ['Custom.Known', 'k'],
      ...fields.map((field) => [field, 'x'] as const),
    ]);
    const create = sinon.stub();
    create.onFirstCall().rejects(unknown('Custom.F0'));
    create.onSecondCall().resolves({ id: 5 });
    const { writer, warnings } = writerFor(create);
    const created = await createItem(
      writer,
      patch,
      creation([...fields, 'Custom.Known'].map((f) => `${f}=x`).join('\n')),
    );
    assert.deepEqual(created, { kind: 'created', id: 5 });
    sinon.assert.calledTwice(create);
    const retried = (create.secondCall.args[2] as { path: string }[]).map((op) => op.path);
    assert.deepEqual(retried, ['/fields/System.Title', '/fields/Custom.Known']);
    assert.deepEqual(warnings, [
      `Could not create the Bug: TF51535: Cannot find field Custom.F0. The item is filed without the fields work item type 'Bug' does not have: ${fields.join(', ')}.`,
    ]);
  });

  it('a refused value is left out with a warning naming it, its field, the refusal and the fix, if any', async () => {
    const refusal = new AdoError('Could not create the Bug: TF401326: Invalid field value.', {
      status: 400,
      code: 'TF401326',
      refusedFields: ['Microsoft.VSTS.Build.FoundIn'],
    });
    const { created, resent, warnings } = await refusedOnce(
      refusal,
      ['Microsoft.VSTS.Build.FoundIn', '20261206.3'],
      '',
    );
    assert.deepEqual(created, { kind: 'created', id: 9 });
    assert.deepEqual(pathsOf(resent), ['/fields/System.Title']);
    // Found In has no fix to name: the line ends with the sentence before it.
    assert.deepEqual(warnings, [
      "Azure DevOps refused '20261206.3' for Microsoft.VSTS.Build.FoundIn: Could not create the Bug: TF401326: " +
        'Invalid field value. The item is filed without it.',
    ]);
  });

  const tooLong = (field: string): AdoError =>
    new AdoError(`Could not create the Bug: TF401324: Value for field '${field}' is too long.`, {
      status: 400,
      code: 'TF401324',
      serviceMessage: `TF401324: Value for field '${field}' is too long.`,
      refusedFields: [field],
    });

  // A rule can refuse one value per answer, and a value too long is cut one per answer: three times at most.
  const ruleBroken = (field: string): AdoError =>
    new AdoError(`Could not create the Bug: TF401320 rule broken by ${field}`, {
      status: 400,
      code: 'TF401320',
      refusedFields: [field],
    });
  for (const [what, refusalOf] of [
    ['refused values', ruleBroken],
    ['values cut', tooLong],
  ] as const) {
    it(`stops after 3 ${what}, reporting the fourth refusal as it came`, async () => {
      const names = ['Custom.A', 'Custom.B', 'Custom.C', 'Custom.D'];
      const patch = patchOf([
        ['System.Title', 't'],
        ...names.map((field) => [field, 'v'.repeat(300)] as const),
      ]);
      const create = sinon.stub();
      const refusals = names.map(refusalOf);
      refusals.forEach((refusal, index) => create.onCall(index).rejects(refusal));
      create.resolves({ id: 9 });
      const { writer, warnings } = writerFor(create);
      await assert.rejects(
        createItem(writer, patch, creation(names.map((f) => `${f}=x`).join('\n'))),
        (error) => error === refusals[3],
      );
      sinon.assert.callCount(create, 4);
      assert.equal(warnings.length, 3);
    });
  }

  it('a value too long for its field (TF401324) is sent again with its first 255 characters, on one line', async () => {
    const value = `\n  Error:\n  ${'e'.repeat(300)}`;
    const { created, resent, warnings } = await refusedOnce(tooLong('custom.error'), ['Custom.Error', value]);
    assert.deepEqual(created, { kind: 'created', id: 9 });
    assert.deepEqual(
      resent.map((op) => op.value),
      ['t', `Error: ${'e'.repeat(247)}…`],
    );
    assert.deepEqual(warnings, [
      "Azure DevOps refused the value for custom.error as too long (TF401324: Value for field 'custom.error' is too long.): the item is filed with its first 255 characters, on one line. Check the value of Custom.Error in 'fields'.",
    ]);
  });

  it('a value too long is cut as plain text, as a single-line value known beforehand is: no control characters', async () => {
    const value = `Error\u202E\u0085:\u0007 ${'e'.repeat(300)}`;
    const { resent } = await refusedOnce(tooLong('Custom.Error'), ['Custom.Error', value]);
    assert.deepEqual(
      resent.map((op) => op.value),
      ['t', `Error: ${'e'.repeat(247)}…`],
    );
  });

  it('a value too long that is short already, or longer than any field but a long-text one, is left out', async () => {
    for (const value of ['short', 'x'.repeat(255), 'x'.repeat(1_000_001)]) {
      const { created, resent, warnings } = await refusedOnce(tooLong('Custom.Error'), [
        'Custom.Error',
        value,
      ]);
      assert.deepEqual(created, { kind: 'created', id: 9 });
      assert.deepEqual(pathsOf(resent), ['/fields/System.Title']);
      assert.equal(warnings.length, 1);
    }
  });

  it('a value of 256 characters, or as long as a long-text field holds, is cut to 255', async () => {
    for (const value of ['x'.repeat(256), 'x'.repeat(1_000_000)]) {
      const { resent } = await refusedOnce(tooLong('Custom.Error'), ['Custom.Error', value]);
      const sent = resent.map((op) => op.value);
      assert.deepEqual(sent, ['t', `${'x'.repeat(254)}…`], `${value.length} characters`);
    }
  });

  it('a Found In too long: cut, the warning ending on its sentence, as Found In has no fix to name', async () => {
    const { warnings } = await refusedOnce(
      tooLong('Microsoft.VSTS.Build.FoundIn'),
      ['Microsoft.VSTS.Build.FoundIn', 'b'.repeat(300)],
      '',
    );
    assert.deepEqual(warnings, [
      "Azure DevOps refused the value for Microsoft.VSTS.Build.FoundIn as too long (TF401324: Value for field 'Microsoft.VSTS.Build.FoundIn' is too long.): the item is filed with its first 255 characters, on one line.",
    ]);
  });

  it('a value too long refused by another rule (not TF401324) is left out, not cut', async () => {
    const refusal = new AdoError('Could not create the Bug: TF401320: Rule Error for field Custom.Error.', {
      status: 400,
      code: 'TF401320',
      refusedFields: ['Custom.Error'],
    });
    const { resent } = await refusedOnce(refusal, ['Custom.Error', 'e'.repeat(300)]);
    assert.deepEqual(pathsOf(resent), ['/fields/System.Title']);
  });

  it('a value too long that is no text (a number) is left out, not cut', async () => {
    const { created, resent, warnings } = await refusedOnce(
      tooLong('Microsoft.VSTS.Common.Priority'),
      ['Microsoft.VSTS.Common.Priority', 2],
      '',
    );
    assert.deepEqual(created, { kind: 'created', id: 9 });
    assert.deepEqual(pathsOf(resent), ['/fields/System.Title']);
    assert.match(warnings.join('\n'), /^Azure DevOps refused '2' for Microsoft\.VSTS\.Common\.Priority: /);
  });

  // Refusals the create is not sent again for: a too-long one naming no field, or a field the create did not
  // send, and a failure that is no answer of the service's.
  const standing: [what: string, refusal: Error][] = [
    [
      'a too-long refusal naming no field',
      new AdoError('Could not create the Bug: TF401324: Value is too long.', {
        status: 400,
        code: 'TF401324',
        refusedFields: [],
      }),
    ],
    ['a too-long refusal naming a field the create did not send', tooLong('Custom.Other')],
    ['a create that fails for anything but the service’s answer', new Error('socket hang up')],
  ];
  for (const [what, refusal] of standing) {
    it(`${what}: fails with that error, not sent again`, async () => {
      const patch = patchOf([
        ['System.Title', 't'],
        ['Custom.Error', 'e'.repeat(300)],
      ]);
      await refusalStands(refusal, patch, 'Custom.Error=x\nCustom.Other=y');
    });
  }

  it('a refused value holding a macro the agent left as written: the warning says so, then names the fix', async () => {
    const refusal = new AdoError('Could not create the Bug: TF401320 rule broken', {
      status: 400,
      code: 'TF401320',
      refusedFields: ['Custom.Known'],
    });
    const { warnings } = await refusedOnce(
      refusal,
      ['Custom.Known', '$(Team.Name)'],
      'Custom.Known=$(Team.Name)',
    );
    assert.deepEqual(warnings, [
      "Azure DevOps refused '$(Team.Name)' for Custom.Known: Could not create the Bug: TF401320 rule broken The item is filed without it. $(Team.Name) is a macro the agent leaves as written when the run has no variable Team.Name: define that variable, or correct its name. Check the value of Custom.Known in 'fields'.",
    ]);
  });

  it('an optional value refused with a field the create did not send: sent again without the value', async () => {
    const refusal = new AdoError('Could not create the Bug: TF401320 rule broken', {
      status: 400,
      code: 'TF401320',
      refusedFields: ['Custom.Known', 'Custom.Team'],
    });
    const { created, resent } = await refusedOnce(refusal, ['Custom.Known', 'k']);
    assert.deepEqual(created, { kind: 'created', id: 9 });
    assert.deepEqual(pathsOf(resent), ['/fields/System.Title']);
  });

  it('an unknown field the create did not send is none to leave out: the refusal stands', async () => {
    const refusal = unknown('Custom.Other');
    await refusalStands(
      refusal,
      patchOf([
        ['System.Title', 't'],
        ['Custom.Gone', 'g'],
      ]),
      'Custom.Gone=g',
    );
  });

  it('a title too long is no value to cut or leave out: the refusal stands', async () => {
    const refusal = tooLong('System.Title');
    await refusalStands(refusal, patchOf([['System.Title', 't'.repeat(300)]]));
  });

  const missing = (id: number): AdoError =>
    new AdoError(`Could not create the Bug: TF401232: Work item ${id} does not exist.`, {
      status: 400,
      code: 'TF401232',
      serviceMessage: `TF401232: Work item ${id} does not exist, or you do not have permissions to read it.`,
    });
  const link = (rel: string, id: number) => ({
    rel,
    url: `https://dev.azure.com/fabrikam/_apis/wit/workItems/${id}`,
    attributes: {},
  });

  it('a link to a work item the service cannot find (a parent, a run’s item) is left out, naming the fix', async () => {
    const create = sinon.stub();
    create.onFirstCall().rejects(missing(77));
    create.onSecondCall().resolves({ id: 8 });
    const { writer, warnings } = writerFor(create);
    const patch = patchOf(
      [['System.Title', 't']],
      [
        link('System.LinkTypes.Hierarchy-Reverse', 77),
        link('System.LinkTypes.Related', 77),
        link('System.LinkTypes.Related', 78),
      ],
    );
    assert.deepEqual(await createItem(writer, patch, creation('')), { kind: 'created', id: 8 });
    assert.deepEqual(
      (create.secondCall.args[2] as { value: { url: string } }[]).slice(1).map((op) => op.value.url),
      ['https://dev.azure.com/fabrikam/_apis/wit/workItems/78'],
    );
    const said = 'TF401232: Work item 77 does not exist, or you do not have permissions to read it.';
    assert.deepEqual(warnings, [
      `Azure DevOps refused the link to work item 77: ${said} The item is filed without it. Set 'parentId' to the id of a work item that exists and that the writing identity can read.`,
      `Azure DevOps refused the link to work item 77: ${said} The item is filed without it. The run is associated with it ('linkWorkItems'), but it was deleted or is in a project the writing identity cannot read.`,
    ]);
  });

  it('links left out do not count against the retries for refused values', async () => {
    const refused = new AdoError('Could not create the Bug: TF401320 rule broken', {
      status: 400,
      code: 'TF401320',
      refusedFields: ['Custom.Known'],
    });
    const create = sinon.stub();
    [missing(77), missing(78), missing(79), refused].forEach((refusal, at) =>
      create.onCall(at).rejects(refusal),
    );
    create.resolves({ id: 8 });
    const { writer } = writerFor(create);
    const patch = patchOf(
      [
        ['System.Title', 't'],
        ['Custom.Known', 'k'],
      ],
      [
        link('System.LinkTypes.Hierarchy-Reverse', 77),
        link('System.LinkTypes.Related', 78),
        link('System.LinkTypes.Related', 79),
      ],
    );
    assert.deepEqual(await createItem(writer, patch, creation('Custom.Known=k')), { kind: 'created', id: 8 });
    sinon.assert.callCount(create, 5);
    assert.deepEqual(
      (create.lastCall.args[2] as { path: string }[]).map((op) => op.path),
      ['/fields/System.Title'],
    );
  });

  // Links the create sends that a refusal does not take away: each refusal stands as it came.
  const STANDING_LINK_REFUSALS: [string, () => AdoError, ReturnType<typeof link>][] = [
    [
      'a refusal that names a work item but is no missing one (not TF401232) leaves the link in',
      () =>
        new AdoError('Could not create the Bug: TF237124: Work item 77 is not ready to save.', {
          status: 400,
          code: 'TF237124',
          serviceMessage: 'TF237124: Work item 77 is not ready to save.',
        }),
      link('System.LinkTypes.Hierarchy-Reverse', 77),
    ],
    [
      'a missing item the service names in no words the task reads',
      () =>
        new AdoError('Could not create the Bug: TF401232: not found.', {
          status: 400,
          code: 'TF401232',
          serviceMessage: 'TF401232: not found.',
        }),
      link('System.LinkTypes.Hierarchy-Reverse', 77),
    ],
    [
      'a missing item linked by a link the item cannot go without',
      () => missing(77),
      link('System.LinkTypes.Dependency-Forward', 77),
    ],
    [
      'a work item not found that the create does not link to is no link to leave out',
      () => missing(90),
      link('System.LinkTypes.Hierarchy-Reverse', 9),
    ],
  ];
  for (const [name, refusal, relation] of STANDING_LINK_REFUSALS) {
    it(`${name}: the refusal stands`, () =>
      refusalStands(refusal(), patchOf([['System.Title', 't']], [relation])));
  }

  it('a refused field the service names in its own case is the fields entry as spelled, dropped and named so', async () => {
    const refusal = new AdoError('Could not create the Bug: TF401320 rule broken', {
      status: 400,
      code: 'TF401320',
      refusedFields: ['Custom.Known'],
    });
    const create = sinon.stub();
    create.onFirstCall().rejects(refusal);
    create.onSecondCall().resolves({ id: 9 });
    const { writer, warnings } = writerFor(create);
    const patch = patchOf([
      ['System.Title', 't'],
      ['custom.known', 'k'],
    ]);
    assert.deepEqual(await createItem(writer, patch, creation('custom.known=k')), { kind: 'created', id: 9 });
    assert.deepEqual(
      (create.secondCall.args[2] as { path: string }[]).map((op) => op.path),
      ['/fields/System.Title'],
    );
    assert.deepEqual(warnings, [
      "Azure DevOps refused 'k' for custom.known: Could not create the Bug: TF401320 rule broken The item is filed without it. Check the value of custom.known in 'fields'.",
    ]);
  });

  it('a refusal of an optional field together with one the item cannot go without is not retried', async () => {
    const refusal = new AdoError('Could not create the Bug: TF401320 rule broken', {
      status: 400,
      code: 'TF401320',
      refusedFields: ['Custom.Known', 'System.Title'],
    });
    await refusalStands(
      refusal,
      patchOf([
        ['System.Title', 't'],
        ['Custom.Known', 'k'],
      ]),
      'Custom.Known=k',
    );
  });

  it('does not retry a refusal of a field the item cannot go without', async () => {
    const create = sinon.stub().rejects(unknown('System.Title'));
    const { writer, warnings } = writerFor(create);
    await assert.rejects(createItem(writer, patchOf([['System.Title', 't']]), creation('')));
    sinon.assert.calledOnce(create);
    assert.deepEqual(warnings, []);
  });
});
