import * as assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import * as sinon from 'sinon';
import { fileNewItem } from '../../tasks/PipelineWorkItem/src/act/create';
import { AdoError, SettingsError } from '../../tasks/PipelineWorkItem/src/errors';
import { markerHtml } from '../../tasks/PipelineWorkItem/src/lifecycle/marker';
import { loc } from '../../tasks/PipelineWorkItem/src/text/messages';
import { NO_EVIDENCE, NO_FACTS, type Untracked } from '../../tasks/PipelineWorkItem/src/facts/model';
import {
  actingOver,
  BUG,
  decided,
  failingTests,
  fakeBoards,
  FakeBoards,
  field,
  filedComment,
  itemUrl as url,
  RUN_KEY,
  withVariables,
  YAML_VARIABLES,
} from './fixtures';
import { runView } from '../../tasks/PipelineWorkItem/src/facts/values';
import { fingerprintOf } from '../../tasks/PipelineWorkItem/src/lifecycle/fingerprint';
import type { WorkItemTypeInfo } from '../../tasks/PipelineWorkItem/src/workItem/workItemType';

const TITLE = 'WebApp-CI failed on main';

interface Op {
  readonly op: string;
  readonly path: string;
  readonly value: unknown;
}

const sent = (stub: sinon.SinonStub, call = 0): Op[] => stub.getCall(call).args[2] as Op[];
const paths = (ops: readonly Op[]): string[] => ops.map((op) => op.path);

/** Boards where the create answers 8 and the fingerprint's query then finds `open`. */
function boardsFinding(open: number[]): FakeBoards {
  const boards = fakeBoards();
  boards.queryIds.resolves(open);
  return boards;
}

// What filing reports when the create filed item `id`.
const created = (id: number) => ({
  outputs: { id, url: url(id), action: 'created' },
  report: { kind: 'created', type: 'Bug', id, url: url(id), title: TITLE },
});

// The create's answer is lost: the service saved the item, and the task finds it only by looking for it.
function answerLost(boards: FakeBoards): void {
  boards.createWorkItem.callsFake(async (...args: unknown[]) => {
    const landed = args[3] as () => Promise<number | undefined>;
    return { id: await landed() };
  });
}

/** The service's refusal of a value by a rule of the type, naming the field. */
const ruleBroken = (name: string, reference: string): AdoError =>
  new AdoError(`TF401320: Rule Error for field ${name}`, { status: 400, refusedFields: [reference] });

describe('filing a new item', () => {
  it('sends one create carrying the title, the tags that find it again and the history with the marker', async () => {
    const boards = boardsFinding([8]);
    const { acting } = actingOver(boards);
    assert.deepEqual(await fileNewItem(acting, decided()), created(8));
    sinon.assert.calledOnce(boards.createWorkItem);
    const [project, type, ops] = boards.createWorkItem.firstCall.args as [string, string, Op[]];
    assert.deepEqual([project, type], ['WebApp', 'Bug']);
    assert.ok(ops.every((op) => op.op === 'add'));
    assert.deepEqual(paths(ops), [
      '/fields/System.Title',
      '/fields/Microsoft.VSTS.TCM.ReproSteps',
      '/fields/System.Tags',
      '/fields/System.History',
      '/fields/Microsoft.VSTS.Build.FoundIn',
      '/relations/-',
      '/relations/-',
    ]);
    assert.equal(field(ops, 'System.Title'), TITLE);
    assert.equal(field(ops, 'System.Tags'), 'pipeline-failure; pwi:0123456789ab; pwi:scope-0123456789ab');
    assert.ok(String(field(ops, 'System.History')).endsWith(markerHtml(RUN_KEY, 1)));
    // The race check: one query after the create, nothing written besides; the type is enabled, so the project's
    // list of types is not read.
    sinon.assert.notCalled(boards.workItemTypes);
    sinon.assert.calledOnce(boards.queryIds);
    sinon.assert.callOrder(boards.createWorkItem, boards.queryIds);
    sinon.assert.notCalled(boards.updateWorkItem);
    sinon.assert.notCalled(boards.addComment);
  });

  it('the history says what the task does later: for a failure, and for an item filed for a success', async () => {
    const boards = boardsFinding([8]);
    await fileNewItem(actingOver(boards).acting, decided());
    await fileNewItem(actingOver(boards, { resolveOnRecovery: 'false' }).acting, decided());
    await fileNewItem(actingOver(boards).acting, { ...decided(), success: true });
    const histories = [0, 1, 2].map((call) =>
      String(field(sent(boards.createWorkItem, call), 'System.History')),
    );
    assert.match(
      histories[0] ?? '',
      /comments here when it fails again and resolves it when the pipeline recovers\./,
    );
    assert.match(histories[1] ?? '', /comments here when it fails again\./);
    assert.match(histories[2] ?? '', /comments here when it succeeds again\./);
  });

  it('the history links the item its fingerprint had before, when there is one', async () => {
    const boards = boardsFinding([8]);
    const { acting } = actingOver(boards);
    const filing = decided();
    const earlierItem = sinon.stub().resolves(undefined).withArgs(filing.fingerprint).resolves(5);
    await fileNewItem({ ...acting, reads: { ...acting.reads, earlierItem } }, filing);
    const history = String(field(sent(boards.createWorkItem), 'System.History'));
    assert.ok(
      history.includes(`<p>Filed before for this fingerprint: <a href="${url(5)}">#5</a>.</p>`),
      history,
    );
    await fileNewItem(actingOver(boards).acting, filing);
    assert.ok(!String(field(sent(boards.createWorkItem, 1), 'System.History')).includes('Filed before'));
  });

  it('a hostile branch: the history shows the fingerprint masked and cleaned; the tags are the raw fingerprint’s', async () => {
    const secret = 'Sup3r-s3cret-deploy-key';
    const context = withVariables(YAML_VARIABLES, { 'Build.SourceBranch': `refs/heads/fix/${secret}\u202E` });
    const view = runView(context, NO_FACTS, 'failed');
    const fingerprint = fingerprintOf(undefined, view.values, view.lane);
    const boards = boardsFinding([8]);
    const { acting } = actingOver(boards, { attachLogs: 'false' }, [secret]);
    await fileNewItem(acting, { view, fingerprint, known: [] });
    const ops = sent(boards.createWorkItem);
    assert.equal(field(ops, 'System.Tags'), `pipeline-failure; ${fingerprint.tag}; ${fingerprint.scopeTag}`);
    const history = String(field(ops, 'System.History'));
    assert.ok(history.includes('Fingerprint <i>WebApp-CI · fix/***</i>'), history);
    const texts = JSON.stringify(ops);
    assert.ok(!texts.includes(secret.slice(0, 5)) && !/\u202E|\\u202e/i.test(texts), texts);
  });

  it('onRecurrence new: no race to settle, so no query after the create', async () => {
    const boards = boardsFinding([7, 8]);
    const { acting } = actingOver(boards, { onRecurrence: 'new' });
    const acted = await fileNewItem(acting, decided([7]));
    assert.deepEqual(acted.outputs, { id: 8, url: url(8), action: 'created' });
    sinon.assert.notCalled(boards.queryIds);
  });

  it('a refused assignee costs the value, not the item: sent again without it, with a warning', async () => {
    const boards = boardsFinding([8]);
    const refusal = new AdoError('TF401320: Rule Error for field Assigned To', {
      status: 400,
      code: 'TF401320',
      refusedFields: ['System.AssignedTo'],
    });
    boards.createWorkItem.onFirstCall().rejects(refusal);
    const { acting, warnings } = actingOver(boards, { assignTo: 'ana@fabrikam.com' });
    const acted = await fileNewItem(acting, decided());
    assert.equal(acted.outputs.action, 'created');
    sinon.assert.calledTwice(boards.createWorkItem);
    const [first, second] = [sent(boards.createWorkItem, 0), sent(boards.createWorkItem, 1)];
    assert.equal(field(first, 'System.AssignedTo'), 'ana@fabrikam.com');
    assert.deepEqual(
      paths(second),
      paths(first).filter((path) => path !== '/fields/System.AssignedTo'),
    );
    assert.deepEqual(warnings, [
      loc(
        'FieldValueRefused',
        'ana@fabrikam.com',
        'System.AssignedTo',
        refusal.message,
        loc('FixAssignTo'),
      ).trim(),
    ]);
  });

  // What a run reports when another run filed the same failure first (item 7) and its own item 8 is the duplicate.
  const RACED_REPORT = {
    kind: 'commented',
    type: 'Bug',
    id: 7,
    url: url(7),
    occurrence: 2,
    duplicate: 8,
  } as const;

  it('another run filed the same failure first: comments on its item, closes this one as the duplicate', async () => {
    const boards = boardsFinding([7, 8]);
    boards.comments.withArgs('WebApp', 7).resolves([filedComment(1, 'build-811.1.Test')]);
    const { acting } = actingOver(boards);
    assert.deepEqual(await fileNewItem(acting, decided()), {
      outputs: { id: 7, url: url(7), action: 'commented' },
      report: RACED_REPORT,
    });
    sinon.assert.calledOnce(boards.addComment);
    assert.equal(boards.addComment.firstCall.args[1], 7);
    assert.ok(String(boards.addComment.firstCall.args[2]).endsWith(markerHtml(RUN_KEY, 2)));
    assert.match(String(boards.addComment.firstCall.args[2]), /^<p>[^<]* \(occurrence 2\): /);
    sinon.assert.calledOnce(boards.updateWorkItem);
    // This run's item was just filed: no note of the task's on it is read before it is closed.
    assert.ok(!boards.comments.getCalls().some((call) => call.args[1] === 8));
    const [, item, ops] = boards.updateWorkItem.firstCall.args as [string, number, Op[]];
    assert.equal(item, 8);
    assert.deepEqual(
      ops.filter((op) => op.path !== '/fields/System.History'),
      [
        { op: 'test', path: '/rev', value: 2 },
        { op: 'add', path: '/fields/System.State', value: 'Closed' },
        { op: 'add', path: '/fields/System.Reason', value: 'Duplicate' },
        {
          op: 'add',
          path: '/relations/-',
          value: {
            rel: 'System.LinkTypes.Duplicate-Reverse',
            url: 'https://dev.azure.com/fabrikam/_apis/wit/workItems/7',
            attributes: { comment: 'Filed at the same moment by another run' },
          },
        },
      ],
    );
  });

  it('another run filed the same success first: the report of the comment says it is a success', async () => {
    const boards = boardsFinding([7, 8]);
    const { acting } = actingOver(boards);
    const acted = await fileNewItem(acting, { ...decided(), success: true });
    assert.deepEqual(acted.report, { ...RACED_REPORT, success: true });
  });

  it('this run’s duplicate could not be closed: reported open, with why', async () => {
    const boards = boardsFinding([7, 8]);
    boards.updateWorkItem.rejects(new Error('socket hang up'));
    const { acting, warnings } = actingOver(boards);
    const acted = await fileNewItem(acting, decided());
    assert.deepEqual(acted.report, { ...RACED_REPORT, duplicateOpen: 'socket hang up' });
    assert.deepEqual(warnings, [loc('RaceCloseFailed', 'Bug', 8, 7, 'socket hang up')]);
    // Two items stay open for one failure: the task ends with issues.
    assert.equal(acted.incomplete, true);
  });

  it('this run’s duplicate refused its closing (a rule): reported open, with the service’s words', async () => {
    const boards = boardsFinding([7, 8]);
    boards.updateWorkItem.rejects(
      new AdoError('TF401320: Rule Error for field Closed Reason', { status: 400, refusedFields: [] }),
    );
    const { acting } = actingOver(boards);
    const acted = await fileNewItem(acting, decided());
    const open = (acted.report as { duplicateOpen?: string }).duplicateOpen ?? '';
    assert.match(open, /TF401320: Rule Error for field Closed Reason/);
    assert.equal(acted.outputs.action, 'commented');
    // The workflow's refusal is the service's answer, warned about, not a failed write.
    assert.equal(acted.incomplete, undefined);
    // The note went in as a comment on the duplicate instead.
    assert.ok(boards.addComment.getCalls().some((call) => call.args[1] === 8));
  });

  it('this run’s note on its duplicate, its answer lost: not taken for landed by the marker the item was filed with', async () => {
    const boards = boardsFinding([7, 8]);
    boards.updateWorkItem.rejects(
      new AdoError('TF401320: Rule Error for field Closed Reason', { status: 400, refusedFields: [] }),
    );
    const { acting } = actingOver(boards);
    await fileNewItem(acting, decided());
    const call = boards.addComment.getCalls().find((noted) => noted.args[1] === 8);
    const landed = call?.args[3] as (answered: boolean) => Promise<boolean>;
    // Item 8's only entry is the one this run filed it with: the note is not there.
    boards.comments.resolves([{ id: 1, text: `<p>Filed</p>${markerHtml(RUN_KEY, 1)}` }]);
    assert.equal(await landed(true), false);
    boards.comments.resolves([
      { id: 2, text: `<p>Stays open</p>${markerHtml(RUN_KEY, 0)}` },
      { id: 1, text: `<p>Filed</p>${markerHtml(RUN_KEY, 1)}` },
    ]);
    assert.equal(await landed(true), true);
  });

  it('this run’s duplicate closed as such, or already closed by someone: not reported open', async () => {
    const boards = boardsFinding([7, 8]);
    boards.workItemRevision.resolves({ state: 'Closed', rev: 3 });
    const { acting } = actingOver(boards);
    const acted = await fileNewItem(acting, decided());
    assert.equal((acted.report as { duplicateOpen?: string }).duplicateOpen, undefined);
    assert.equal(acted.outputs.action, 'commented');
  });

  it('the older item cannot hear of the failure: this run’s item stays the one that tracks it', async () => {
    const boards = boardsFinding([7, 8]);
    boards.addComment.rejects(new Error('403 Forbidden'));
    const { acting, warnings } = actingOver(boards);
    const acted = await fileNewItem(acting, decided());
    assert.deepEqual(acted.outputs, { id: 8, url: url(8), action: 'created' });
    sinon.assert.notCalled(boards.updateWorkItem);
    assert.deepEqual(warnings, [loc('RaceCommentFailed', 'Bug', 7, 8, '403 Forbidden')]);
  });

  it('a success whose race cannot be checked: the warning names a success', async () => {
    const boards = fakeBoards();
    boards.queryIds.rejects(new Error('503 unavailable'));
    const { acting, warnings } = actingOver(boards);
    await fileNewItem(acting, { ...decided(), success: true });
    assert.match(warnings.join('\n'), /whether another run filed the same success at the same moment/);
  });

  it('the older item cannot hear of a success filed at the same moment: the warning names a success', async () => {
    const boards = boardsFinding([7, 8]);
    boards.addComment.rejects(new Error('403 Forbidden'));
    const { acting, warnings } = actingOver(boards);
    await fileNewItem(acting, { ...decided(), success: true });
    assert.deepEqual(warnings, [loc('RaceCommentFailedSuccess', 'Bug', 7, 8, '403 Forbidden')]);
    assert.match(warnings[0] ?? '', /filed the same success/);
  });

  it('the older item is this run’s own lost create: reported as created, the later copy closed', async () => {
    const boards = boardsFinding([7, 8]);
    boards.comments.withArgs('WebApp', 7).resolves([filedComment(1, RUN_KEY)]);
    const { acting } = actingOver(boards);
    assert.deepEqual(await fileNewItem(acting, decided()), created(7));
    sinon.assert.notCalled(boards.addComment);
    sinon.assert.calledOnce(boards.updateWorkItem);
    assert.equal(boards.updateWorkItem.firstCall.args[1], 8);
  });

  it('an older item that was open before the create is another’s, even with this run’s marker', async () => {
    const boards = boardsFinding([7, 8]);
    boards.comments
      .withArgs('WebApp', 7)
      .resolves([{ id: 1, text: `<p>Again</p>${markerHtml(RUN_KEY, 3)}` }]);
    const { acting } = actingOver(boards);
    const acted = await fileNewItem(acting, decided([7]));
    assert.deepEqual(acted.outputs, { id: 7, url: url(7), action: 'commented' });
    // This run already wrote on 7 (its marker): nothing more is added there.
    sinon.assert.notCalled(boards.addComment);
    assert.equal(boards.updateWorkItem.firstCall.args[1], 8);
  });

  it('a create whose answer was lost: the item it filed is the new one of the fingerprint with its marker', async () => {
    const boards = boardsFinding([7, 8, 9]);
    boards.comments.withArgs('WebApp', 8).resolves([filedComment(1, 'build-812.1.Lint')]);
    boards.comments.withArgs('WebApp', 9).resolves([filedComment(2, RUN_KEY)]);
    answerLost(boards);
    const { acting } = actingOver(boards, { onRecurrence: 'new' });
    const acted = await fileNewItem(acting, decided([7]));
    assert.deepEqual(acted.outputs, { id: 9, url: url(9), action: 'created' });
    // 7 was open before the create: its comments are never read to find this run's item.
    assert.deepEqual(
      boards.comments.getCalls().map((call) => call.args[1]),
      [8, 9],
    );
  });

  it('a lost create that the query lists only a moment later is still found, not filed twice', async () => {
    const boards = boardsFinding([7]);
    boards.queryIds.onFirstCall().resolves([7]);
    boards.queryIds.onSecondCall().resolves([7, 9]);
    boards.comments.withArgs('WebApp', 9).resolves([filedComment(2, RUN_KEY)]);
    answerLost(boards);
    const { acting } = actingOver(boards, { onRecurrence: 'new' });
    const acted = await fileNewItem(acting, decided([7]));
    assert.deepEqual(acted.outputs, { id: 9, url: url(9), action: 'created' });
    sinon.assert.calledOnce(boards.createWorkItem);
    sinon.assert.calledTwice(boards.queryIds);
  });

  it('counts in its failing tests those that got no item of their own, only when there are some', async () => {
    const repro = async (untrackedTests: Untracked | undefined): Promise<string> => {
      const boards = boardsFinding([8]);
      const { acting } = actingOver(boards);
      const withTests = {
        ...acting,
        reads: { ...acting.reads, evidence: async () => ({ ...NO_EVIDENCE, tests: failingTests(25) }) },
      };
      await fileNewItem(withTests, { ...decided(), untrackedTests });
      return String(field(sent(boards.createWorkItem), 'Microsoft.VSTS.TCM.ReproSteps'));
    };
    assert.match(
      await repro({ overCap: 5, unread: 0 }),
      /<p>5 failing tests have no item of their own yet: a run files at most 20 new test items\.<\/p>/,
    );
    assert.match(
      await repro({ overCap: 0, unread: 7 }),
      /<p>7 failed results past the first 1,000 read have no item of their own: the Tests tab lists them\.<\/p>/,
    );
    assert.doesNotMatch(await repro(undefined), /no item of their own/);
    assert.doesNotMatch(await repro({ overCap: 0, unread: 0 }), /no item of their own/);
  });

  it('a count of untracked tests with no test results read: no failing tests section at all', async () => {
    const boards = boardsFinding([8]);
    const { acting } = actingOver(boards);
    await fileNewItem(acting, { ...decided(), untrackedTests: { overCap: 5, unread: 0 } });
    const repro = String(field(sent(boards.createWorkItem), 'Microsoft.VSTS.TCM.ReproSteps'));
    assert.doesNotMatch(repro, /failing test/i);
  });

  it('uploads the matched files first and attaches them in the one create request', async () => {
    const boards = boardsFinding([8]);
    const { acting } = actingOver(boards, { attachments: 'logs/*.txt' });
    const opened: string[] = [];
    const host = {
      ...acting.host,
      findFiles: () => [
        {
          pattern: 'logs/*.txt',
          files: [
            {
              path: 'logs/test.txt',
              realPath: '/agent/_work/1/s/logs/test.txt',
              size: 5,
              identity: '2049:12',
            },
          ],
          refused: [],
        },
      ],
      openFile: ({ realPath }: { realPath: string }) => {
        opened.push(realPath);
        return Readable.from([Buffer.from('hello')]);
      },
    };
    await fileNewItem({ ...acting, host }, decided());
    sinon.assert.calledOnce(boards.uploadAttachment);
    assert.deepEqual(boards.uploadAttachment.firstCall.args.slice(0, 2), ['WebApp', 'test.txt']);
    (boards.uploadAttachment.firstCall.args[2] as () => unknown)();
    assert.deepEqual(opened, ['/agent/_work/1/s/logs/test.txt']);
    sinon.assert.callOrder(boards.uploadAttachment, boards.createWorkItem);
    assert.deepEqual(
      sent(boards.createWorkItem).filter(
        (op) => op.path === '/relations/-' && (op.value as { rel: string }).rel === 'AttachedFile',
      ),
      [
        {
          op: 'add',
          path: '/relations/-',
          value: {
            rel: 'AttachedFile',
            url: 'https://dev.azure.com/fabrikam/_apis/wit/attachments/1',
            attributes: { comment: 'Attached by the pipeline (logs/*.txt)' },
          },
        },
      ],
    );
  });
});

describe('filing in a type an administrator disabled', () => {
  const TASK: WorkItemTypeInfo = { name: 'Task', fields: [], states: [] };
  const EPIC: WorkItemTypeInfo = { name: 'Epic', fields: [], states: [] };
  const REFUSED =
    "Input 'workItemType': the 'Bug' work item type is disabled in project 'WebApp', and Azure Boards files no new " +
    'item of a disabled type.';

  // Acting with a disabled Bug, attaching the run's files, in a real or a dry run.
  function disabledOver(boards: FakeBoards, values: Record<string, string> = {}) {
    const { acting } = actingOver(boards, { attachments: 'logs/*.txt', ...values });
    const host = { ...acting.host, findFiles: () => assert.fail('nothing is uploaded') };
    return { ...acting, host, type: { ...BUG, disabled: true } };
  }

  // The problems of the settings error `filing` ends on.
  async function refusal(filing: Promise<unknown>): Promise<readonly string[]> {
    const error: unknown = await filing.then(
      () => assert.fail('expected the filing to be refused'),
      (thrown: unknown) => thrown,
    );
    assert.ok(error instanceof SettingsError, String(error));
    return error.problems;
  }

  for (const dryRun of ['false', 'true']) {
    it(`refused before anything is uploaded or sent, naming the enabled types (dryRun ${dryRun})`, async () => {
      const boards = fakeBoards();
      boards.workItemTypes.resolves([TASK, { ...BUG, disabled: true }, EPIC]);
      const problems = await refusal(fileNewItem(disabledOver(boards, { dryRun }), decided()));
      assert.equal(problems.length, 1);
      assert.ok(problems[0]?.startsWith(REFUSED), problems[0]);
      assert.ok(problems[0]?.endsWith(" The project's enabled types are: Epic, Task."), problems[0]);
      sinon.assert.calledOnceWithExactly(boards.workItemTypes, 'WebApp');
      sinon.assert.notCalled(boards.createWorkItem);
      sinon.assert.notCalled(boards.validateWorkItem);
      sinon.assert.notCalled(boards.uploadAttachment);
    });
  }

  it('the project’s types refused by the service: refused all the same, without the list', async () => {
    const boards = fakeBoards();
    boards.workItemTypes.rejects(new AdoError('TF400813: not authorized', { status: 401 }));
    const problems = await refusal(fileNewItem(disabledOver(boards), decided()));
    assert.equal(problems.length, 1);
    assert.ok(problems[0]?.startsWith(REFUSED), problems[0]);
    assert.ok(problems[0]?.endsWith("or set 'workItemType' to a type that is enabled."), problems[0]);
    sinon.assert.notCalled(boards.createWorkItem);
  });

  it('the project’s types not read for a fault of the task itself: that fault, not a refusal', async () => {
    const boards = fakeBoards();
    const fault = new TypeError('types is not iterable');
    boards.workItemTypes.rejects(fault);
    await assert.rejects(fileNewItem(disabledOver(boards), decided()), (error) => error === fault);
    sinon.assert.notCalled(boards.createWorkItem);
  });
});

describe('a dry run of a new item', () => {
  function dryRunOver(boards: FakeBoards, values: Record<string, string> = {}) {
    return actingOver(boards, { dryRun: 'true', ...values });
  }

  it('logs the request, has the service validate exactly that (validateOnly) and writes nothing', async () => {
    const boards = fakeBoards();
    const { acting, infos } = dryRunOver(boards);
    const acted = await fileNewItem(acting, decided());
    sinon.assert.calledOnce(boards.validateWorkItem);
    const [project, type, ops] = boards.validateWorkItem.firstCall.args as [string, string, Op[]];
    assert.deepEqual([project, type], ['WebApp', 'Bug']);
    const title = String(field(ops, 'System.Title'));
    const plan = loc('PlanCreate', 'Bug', 'WebApp');
    assert.deepEqual(acted, {
      outputs: { action: 'none' },
      report: { kind: 'dryRun', plan, title, validation: { accepted: true } },
    });
    assert.deepEqual(infos, [
      loc('DryRunRequest', 'Bug'),
      JSON.stringify(ops, null, 2),
      loc('DryRunAccepted'),
      loc('DryRunWould', plan),
    ]);
    sinon.assert.notCalled(boards.createWorkItem);
    sinon.assert.notCalled(boards.uploadAttachment);
    sinon.assert.notCalled(boards.queryIds);
  });

  it('a refusal is reported, not thrown, even when some of its fields are optional', async () => {
    const boards = fakeBoards();
    const refusal = new AdoError('TF401320: Rule Error for field Custom.Team', {
      status: 400,
      refusedFields: ['System.AssignedTo', 'System.Title'],
    });
    boards.validateWorkItem.rejects(refusal);
    const { acting, warnings } = dryRunOver(boards, { assignTo: 'ana@fabrikam.com' });
    const acted = await fileNewItem(acting, decided());
    assert.deepEqual((acted.report as { validation?: unknown }).validation, {
      accepted: false,
      refusal: refusal.message,
    });
    assert.deepEqual(warnings, [loc('DryRunRefused', refusal.message)]);
  });

  it('a refusal of a plain error (no fields named) is a refusal too', async () => {
    const boards = fakeBoards();
    boards.validateWorkItem.rejects(new Error('connect ECONNREFUSED'));
    const { acting } = dryRunOver(boards);
    const acted = await fileNewItem(acting, decided());
    assert.deepEqual((acted.report as { validation?: unknown }).validation, {
      accepted: false,
      refusal: 'connect ECONNREFUSED',
    });
  });

  it('a refusal of optional values only is an acceptance without them', async () => {
    const boards = fakeBoards();
    const refusal = ruleBroken('Assigned To', 'System.AssignedTo');
    boards.validateWorkItem.onFirstCall().rejects(refusal);
    const { acting, infos, warnings } = dryRunOver(boards, { assignTo: 'ana@fabrikam.com' });
    const acted = await fileNewItem(acting, decided());
    assert.deepEqual((acted.report as { validation?: unknown }).validation, {
      accepted: true,
      without: ['System.AssignedTo'],
      refusal: refusal.message,
    });
    assert.ok(infos.includes(loc('DryRunAcceptedWithout', 'System.AssignedTo', refusal.message)));
    assert.deepEqual(warnings, []);
  });

  it('optional values refused together are named together', async () => {
    const boards = fakeBoards();
    const refused = ['System.AssignedTo', 'Microsoft.VSTS.Common.Priority'];
    const refusal = new AdoError('TF401320: Rule Error', { status: 400, refusedFields: refused });
    boards.validateWorkItem.onFirstCall().rejects(refusal);
    const { acting, infos } = dryRunOver(boards, { assignTo: 'ana@fabrikam.com', priority: '1' });
    await fileNewItem(acting, decided());
    assert.ok(
      infos.includes(loc('DryRunAcceptedWithout', refused.join(', '), refusal.message)),
      infos.join('\n'),
    );
  });

  // The service answers as Azure DevOps does: one refusal, naming the first linked item it cannot find.
  function refusingMissing(
    boards: FakeBoards,
    missing: readonly number[],
    after: (ops: Op[]) => AdoError | undefined = () => undefined,
  ): void {
    boards.validateWorkItem.callsFake(async (_project: string, _type: string, ops: Op[]) => {
      const linked = ops.flatMap(
        (op) => /\/workItems\/(\d+)$/.exec((op.value as { url?: string }).url ?? '')?.slice(1) ?? [],
      );
      const first = linked.find((id) => missing.includes(Number(id)));
      if (first !== undefined) {
        throw new AdoError(`Could not create the Bug: TF401232: Work item ${first} does not exist.`, {
          status: 400,
          code: 'TF401232',
          serviceMessage: `TF401232: Work item ${first} does not exist, or you do not have permissions to read it.`,
        });
      }
      const refusal = after(ops);
      if (refusal) throw refusal;
    });
  }

  // A dry run with linkWorkItems of a run associated with `workItems`.
  function linkingDryRun(boards: FakeBoards, workItems: number[], values: Record<string, string> = {}) {
    const { acting, infos, warnings } = dryRunOver(boards, { linkWorkItems: 'true', ...values });
    const reads = { ...acting.reads, evidence: async () => ({ ...NO_EVIDENCE, workItems }) };
    return { acting: { ...acting, reads }, infos, warnings };
  }

  it('links to several missing items: checked again without each, every link the real run drops named', async () => {
    const boards = fakeBoards();
    refusingMissing(boards, [4242, 5101, 5103]);
    const { acting, infos, warnings } = linkingDryRun(boards, [5101, 5102, 5103], { parentId: '4242' });
    const acted = await fileNewItem(acting, decided());
    const without = [4242, 5101, 5103].map((id) => loc('LinkToItem', id));
    const validation = (acted.report as { validation?: { without?: string[]; refusal?: string } }).validation;
    assert.equal(validation?.without?.join(', '), without.join(', '));
    // The first refusal in full, the others in the service's own words.
    const said = (id: number): string =>
      `TF401232: Work item ${id} does not exist, or you do not have permissions to read it.`;
    assert.equal(
      validation?.refusal,
      `Could not create the Bug: TF401232: Work item 4242 does not exist. ${said(5101)} ${said(5103)}`,
    );
    sinon.assert.callCount(boards.validateWorkItem, 4);
    const linked = (call: number): string[] =>
      sent(boards.validateWorkItem, call).flatMap(
        (op) => /\/workItems\/(\d+)$/.exec((op.value as { url?: string }).url ?? '')?.slice(1) ?? [],
      );
    assert.deepEqual(linked(0), ['4242', '5101', '5102', '5103']);
    assert.deepEqual(linked(3), ['5102']);
    assert.ok(infos.includes(loc('DryRunAcceptedWithout', without.join(', '), validation?.refusal ?? '')));
    assert.deepEqual(warnings, []);
  });

  it('a missing item linked twice (parent and run’s item): both links left out after one refusal, named once', async () => {
    const boards = fakeBoards();
    refusingMissing(boards, [5101]);
    const { acting } = linkingDryRun(boards, [5101, 5102], { parentId: '5101' });
    const acted = await fileNewItem(acting, decided());
    const validation = (acted.report as { validation?: { without?: string[] } }).validation;
    assert.deepEqual(validation?.without, [loc('LinkToItem', 5101)]);
    sinon.assert.calledTwice(boards.validateWorkItem);
    const linked = sent(boards.validateWorkItem, 1).flatMap(
      (op) => /\/workItems\/(\d+)$/.exec((op.value as { url?: string }).url ?? '')?.slice(1) ?? [],
    );
    assert.deepEqual(linked, ['5102']);
  });

  it('a fields value too long for its field (TF401324): checked again with it cut, as the real run sends it', async () => {
    const boards = fakeBoards();
    const tooLong = new AdoError(
      "Could not validate the Bug: TF401324: Value for field 'Custom.Error' is too long.",
      {
        status: 400,
        code: 'TF401324',
        serviceMessage: "TF401324: Value for field 'Custom.Error' is too long.",
        refusedFields: ['Custom.Error'],
      },
    );
    boards.validateWorkItem.onFirstCall().rejects(tooLong);
    const { acting, warnings } = dryRunOver(boards, { fields: `Custom.Error=${'x'.repeat(300)}` });
    const acted = await fileNewItem(acting, decided());
    assert.deepEqual((acted.report as { validation?: unknown }).validation, {
      accepted: true,
      without: ['the full value of Custom.Error (the run files its first 255 characters, on one line)'],
      refusal: tooLong.message,
    });
    sinon.assert.calledTwice(boards.validateWorkItem);
    assert.equal(field(sent(boards.validateWorkItem, 1), 'Custom.Error'), `${'x'.repeat(254)}…`);
    assert.deepEqual(warnings, []);
  });

  // The service as Azure DevOps answers, for the create and its check alike: the first value of a Custom field
  // too long for it, alone (TF401324); once none is, what `after` refuses of the rest.
  function refusing(
    stub: sinon.SinonStub,
    after: (ops: Op[]) => AdoError | undefined = () => undefined,
  ): void {
    stub.callsFake(async (_project: string, _type: string, ops: Op[]) => {
      const long = ops.find((op) => op.path.startsWith('/fields/Custom.') && String(op.value).length > 255);
      const ref = long?.path.slice('/fields/'.length);
      const said = `TF401324: Value for field '${ref}' is too long.`;
      if (ref) {
        throw new AdoError(`Could not create the Bug: ${said}`, {
          status: 400,
          code: 'TF401324',
          serviceMessage: said,
          refusedFields: [ref],
        });
      }
      const refusal = after(ops);
      if (refusal) throw refusal;
      return { id: 8 };
    });
  }

  // The real run and the dry run against the same service: what the real run ends on (the item, or the error it
  // gives up with) and warns, and what the dry run predicts.
  async function bothRuns(values: Record<string, string>, after?: (ops: Op[]) => AdoError | undefined) {
    // The create answers 8, the one open item of the fingerprint after it.
    const real = boardsFinding([8]);
    refusing(real.createWorkItem, after);
    const filing = actingOver(real, values);
    const outcome = await fileNewItem(filing.acting, decided()).then(
      (acted) => ({ filed: acted.outputs.action === 'created', refusal: undefined as string | undefined }),
      (error: Error) => ({ filed: false, refusal: error.message }),
    );
    const dry = fakeBoards();
    refusing(dry.validateWorkItem, after);
    const checking = dryRunOver(dry, values);
    const acted = await fileNewItem(checking.acting, decided());
    const validation = (
      acted.report as { validation: { accepted: boolean; without?: string[]; refusal?: string } }
    ).validation;
    return {
      real: { ...outcome, sends: real.createWorkItem.callCount, warnings: filing.warnings },
      dry: { validation, checks: dry.validateWorkItem.callCount },
    };
  }

  const tooLong = (...names: string[]): string =>
    names.map((name) => `Custom.${name}=${'x'.repeat(300)}`).join('\n');

  it('four fields values too long: the check gives up on the fourth after three cuts, as the real run does', async () => {
    const { real, dry } = await bothRuns({ fields: tooLong('A', 'B', 'C', 'D') });
    assert.equal(real.filed, false);
    assert.match(real.refusal ?? '', /TF401324: Value for field 'Custom\.D' is too long/);
    assert.equal(real.sends, 4);
    assert.equal(dry.validation.accepted, false);
    assert.equal(dry.validation.refusal, real.refusal);
    assert.equal(dry.checks, 4);
  });

  it('three values cut, then an optional value refused: the run gives up, and so does the check', async () => {
    const rule = ruleBroken('Assigned To', 'System.AssignedTo');
    const assignee = (ops: Op[]): AdoError | undefined =>
      field(ops, 'System.AssignedTo') ? rule : undefined;
    const { real, dry } = await bothRuns(
      { fields: tooLong('A', 'B', 'C'), assignTo: 'ana@fabrikam.com' },
      assignee,
    );
    assert.deepEqual([real.filed, real.refusal, real.sends], [false, rule.message, 4]);
    assert.deepEqual([dry.validation.accepted, dry.validation.refusal, dry.checks], [false, rule.message, 4]);
  });

  it('an optional value left out, then a value the item cannot go without: the check names the refusal the run ends on', async () => {
    const assignee = ruleBroken('Assigned To', 'System.AssignedTo');
    const required = ruleBroken('Custom.Team', 'Custom.Team');
    const service = (ops: Op[]): AdoError => (field(ops, 'System.AssignedTo') ? assignee : required);
    const { real, dry } = await bothRuns({ assignTo: 'ana@fabrikam.com' }, service);
    assert.deepEqual([real.filed, real.refusal, real.sends], [false, required.message, 2]);
    assert.deepEqual(
      [dry.validation.accepted, dry.validation.refusal, dry.checks],
      [false, required.message, 2],
    );
  });

  it('values cut and left out within the limit: the check names, in order, what the run warns it files without', async () => {
    const rule = ruleBroken('Assigned To', 'System.AssignedTo');
    const assignee = (ops: Op[]): AdoError | undefined =>
      field(ops, 'System.AssignedTo') ? rule : undefined;
    const { real, dry } = await bothRuns(
      { fields: tooLong('A', 'B'), assignTo: 'ana@fabrikam.com' },
      assignee,
    );
    assert.deepEqual([real.filed, real.sends, real.warnings.length], [true, 4, 3]);
    assert.deepEqual(dry.validation.without, [
      loc('ValueCutTo', 'Custom.A', 255),
      loc('ValueCutTo', 'Custom.B', 255),
      'System.AssignedTo',
    ]);
    assert.deepEqual([dry.validation.accepted, dry.checks], [true, 4]);
  });

  it('a missing link, then a refusal the item cannot go without: refused, as the real run would be', async () => {
    const boards = fakeBoards();
    const rule = ruleBroken('Custom.Team', 'Custom.Team');
    refusingMissing(boards, [5101], () => rule);
    const { acting, warnings } = linkingDryRun(boards, [5101]);
    const acted = await fileNewItem(acting, decided());
    assert.deepEqual((acted.report as { validation?: unknown }).validation, {
      accepted: false,
      refusal: rule.message,
    });
    assert.deepEqual(warnings, [loc('DryRunRefused', rule.message)]);
    sinon.assert.calledTwice(boards.validateWorkItem);
  });

  it('a missing link, then optional values refused: accepted without the link and the values', async () => {
    const boards = fakeBoards();
    const rule = ruleBroken('Assigned To', 'System.AssignedTo');
    // The service refuses the assignee while it is sent.
    refusingMissing(boards, [5101], (ops) => (field(ops, 'System.AssignedTo') ? rule : undefined));
    const { acting } = linkingDryRun(boards, [5101], { assignTo: 'ana@fabrikam.com' });
    const acted = await fileNewItem(acting, decided());
    const validation = (acted.report as { validation?: { without?: string[]; refusal?: string } }).validation;
    assert.deepEqual(validation?.without, [loc('LinkToItem', 5101), 'System.AssignedTo']);
    assert.match(validation?.refusal ?? '', /Work item 5101 does not exist\. TF401320: Rule Error/);
  });
});
