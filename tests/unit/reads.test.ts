import { newestTaggedQuery } from '../../tasks/PipelineWorkItem/src/lifecycle/openItems';
import * as assert from 'node:assert/strict';
import * as sinon from 'sinon';
import { chosenType, readsOf } from '../../tasks/PipelineWorkItem/src/act/reads';
import type { RunRecords } from '../../tasks/PipelineWorkItem/src/evidence/records';
import { NO_EVIDENCE, NO_FACTS, RunFacts } from '../../tasks/PipelineWorkItem/src/facts/model';
import { InputName, readSettings } from '../../tasks/PipelineWorkItem/src/inputs/settings';
import type { Boards, Pipelines } from '../../tasks/PipelineWorkItem/src/ports';
import { BUG, inputs, runContext, SCRUM_BUG, withVariables, YAML_VARIABLES } from './fixtures';
import { AdoError } from '../../tasks/PipelineWorkItem/src/errors';
import { loc } from '../../tasks/PipelineWorkItem/src/text/messages';

// The reads that may start before they are known to be needed: which ones this job's own status starts, and
// that each goes out once however many steps ask for it.
function readsFor(
  values: Partial<Record<InputName, string>> = {},
  context = runContext(),
  facts: RunFacts = NO_FACTS,
): {
  reads: ReturnType<typeof readsOf>;
  boards: { [K in keyof Boards]: sinon.SinonStub };
  pipelines: {
    changes: sinon.SinonStub;
    buildLogLineCounts: sinon.SinonStub;
    testRuns: sinon.SinonStub;
    testResults: sinon.SinonStub;
    buildWorkItems: sinon.SinonStub;
    newestBuilds: sinon.SinonStub;
  };
  warnings: string[];
} {
  const warnings: string[] = [];
  const boards = {
    workItemType: sinon.stub().resolves(BUG),
    workItemTypes: sinon.stub().resolves([BUG, SCRUM_BUG]),
    currentIteration: sinon.stub().resolves('WebApp\\Sprint 7'),
    queryIds: sinon.stub(),
    workItemState: sinon.stub(),
    workItemTags: sinon.stub().resolves(new Map()),
    workItemRevision: sinon.stub(),
    stateReasons: sinon.stub(),
    validateWorkItem: sinon.stub(),
    createWorkItem: sinon.stub(),
    updateWorkItem: sinon.stub(),
    comments: sinon.stub(),
    addComment: sinon.stub(),
    fieldTypes: sinon.stub().resolves({ html: ['Custom.Notes'], singleLine: [] }),
    uploadAttachment: sinon.stub(),
  };
  const pipelines = {
    changes: sinon.stub().resolves([]),
    buildLogLineCounts: sinon.stub().resolves(new Map()),
    testRuns: sinon.stub().resolves([]),
    testResults: sinon.stub().resolves([]),
    buildWorkItems: sinon.stub().resolves([]),
    newestBuilds: sinon.stub().resolves([]),
  };
  const settings = readSettings(inputs(values));
  const records: Promise<RunRecords> = Promise.resolve({ facts, readable: true });
  const reads = readsOf(
    {
      boards,
      pipelines: pipelines as unknown as Pipelines,
      settings,
      project: 'WebApp',
      context,
      warn: (message) => {
        warnings.push(message);
      },
    },
    records,
  );
  return { reads, boards, pipelines, warnings };
}

const CURRENT_ITERATION = { iterationPath: '@currentIteration' } as const;

describe('the reads that may start early', () => {
  afterEach(() => sinon.restore());

  it('a job status that files starts the types, the field types, the iteration and the evidence', () => {
    const { reads, boards, pipelines } = readsFor({
      ...CURRENT_ITERATION,
      fields: 'Custom.Notes={{branch}}',
    });
    reads.startEarly('file');
    sinon.assert.calledOnceWithExactly(boards.workItemType, 'WebApp', 'Bug');
    sinon.assert.calledOnceWithExactly(boards.fieldTypes, 'WebApp');
    sinon.assert.calledOnce(boards.currentIteration);
    sinon.assert.calledOnce(pipelines.changes);
  });

  it('a job status that resolves starts only the types, and no Boards read when nothing is resolved', () => {
    const recovering = readsFor(CURRENT_ITERATION);
    recovering.reads.startEarly('recover');
    sinon.assert.calledOnce(recovering.boards.workItemType);
    sinon.assert.notCalled(recovering.boards.currentIteration);
    sinon.assert.notCalled(recovering.pipelines.changes);

    const green = readsFor({ resolveOnRecovery: 'false' });
    green.reads.startEarly('nothing');
    sinon.assert.notCalled(green.boards.workItemType);
  });

  it('a status that does not decide starts the types only when a recovery may resolve', () => {
    const resolving = readsFor();
    resolving.reads.startEarly(undefined);
    sinon.assert.calledOnce(resolving.boards.workItemType);
    sinon.assert.notCalled(resolving.pipelines.changes);

    const notResolving = readsFor({ resolveOnRecovery: 'false' });
    notResolving.reads.startEarly(undefined);
    sinon.assert.notCalled(notResolving.boards.workItemType);
  });

  it('once the records say the run files, starts the evidence and the iteration but not the field types', () => {
    const { reads, boards, pipelines } = readsFor({
      ...CURRENT_ITERATION,
      fields: 'Custom.Notes={{branch}}',
    });
    reads.startFiling();
    sinon.assert.calledOnce(pipelines.changes);
    sinon.assert.calledOnce(boards.currentIteration);
    sinon.assert.notCalled(boards.fieldTypes);
    sinon.assert.notCalled(boards.workItemType);
  });

  it("a rerun's status that may write starts the list of its lane's newest builds, once; a first attempt's none", async () => {
    const rerun = withVariables(YAML_VARIABLES, { 'System.StageAttempt': '2' });
    for (const early of ['file', 'recover', undefined] as const) {
      const { reads, pipelines } = readsFor({}, rerun);
      reads.startEarly(early);
      sinon.assert.calledOnceWithExactly(pipelines.newestBuilds, 'WebApp', {
        definitionId: 12,
        branchRef: 'refs/heads/main',
        top: 2,
      });
      pipelines.newestBuilds.resolves([
        { id: 813, number: '813', branchRef: 'refs/heads/main', url: 'https://x.example/813' },
      ]);
      assert.equal(await reads.newerBuild(), undefined, 'the answer of the one request sent counts');
      sinon.assert.calledOnce(pipelines.newestBuilds);
    }
    const quiet = readsFor({}, rerun);
    quiet.reads.startEarly('nothing');
    sinon.assert.notCalled(quiet.pipelines.newestBuilds);
    const first = readsFor();
    first.reads.startEarly('file');
    assert.equal(await first.reads.newerBuild(), undefined);
    sinon.assert.notCalled(first.pipelines.newestBuilds);
  });

  it('sends each read once, however many steps ask for it', async () => {
    const { reads, boards } = readsFor(CURRENT_ITERATION);
    reads.startEarly('file');
    reads.startFiling();
    assert.equal(await reads.iteration(), 'WebApp\\Sprint 7');
    await reads.types();
    await reads.types();
    sinon.assert.calledOnce(boards.workItemType);
    sinon.assert.calledOnce(boards.currentIteration);
  });

  it("reads a type's state reasons once, only when asked, and an unreadable list as none", async () => {
    const { reads, boards } = readsFor();
    boards.stateReasons.withArgs('WebApp', 'Bug').resolves(['Fixed', 'Duplicate']);
    boards.stateReasons.withArgs('WebApp', 'Task').rejects(new Error('TF400813: not authorized'));
    reads.startEarly('recover');
    sinon.assert.notCalled(boards.stateReasons);
    assert.deepEqual(await reads.stateReasons('Bug'), ['Fixed', 'Duplicate']);
    assert.deepEqual(await reads.stateReasons('Bug'), ['Fixed', 'Duplicate']);
    assert.deepEqual(await reads.stateReasons('Task'), []);
    sinon.assert.calledTwice(boards.stateReasons);
  });

  it('reads no evidence when neither the details nor the related items are asked for', async () => {
    const { reads, pipelines } = readsFor({ includeDetails: 'false' });
    reads.startEarly('file');
    assert.equal(await reads.evidence(), NO_EVIDENCE);
    sinon.assert.notCalled(pipelines.changes);
  });

  it('keeps a failed early read for the step that awaits it', async () => {
    const { reads, boards } = readsFor();
    boards.workItemType.rejects(new Error('TF400813: not authorized'));
    reads.startEarly('recover');
    await new Promise((resolve) => setImmediate(resolve));
    await assert.rejects(reads.types(), /TF400813/);
    sinon.assert.calledOnce(boards.workItemType);
  });

  it('the types: the requested one alone when the project has it, the project’s list only when it has not', async () => {
    const found = readsFor({ workItemType: 'bug' });
    assert.deepEqual(await found.reads.types(), [BUG]);
    sinon.assert.calledOnceWithExactly(found.boards.workItemType, 'WebApp', 'bug');
    sinon.assert.notCalled(found.boards.workItemTypes);

    const missing = readsFor();
    missing.boards.workItemType.resolves(undefined);
    assert.deepEqual(await missing.reads.types(), [BUG, SCRUM_BUG]);
    sinon.assert.calledOnceWithExactly(missing.boards.workItemTypes, 'WebApp');
  });

  it('the iteration: the project’s default, a path as given, or the current one of the default team', async () => {
    const none = readsFor();
    assert.equal(await none.reads.iteration(), undefined);
    const path = readsFor({ iterationPath: 'WebApp\\Release 2' });
    assert.equal(await path.reads.iteration(), 'WebApp\\Release 2');
    sinon.assert.notCalled(none.boards.currentIteration);
    sinon.assert.notCalled(path.boards.currentIteration);
    const current = readsFor(CURRENT_ITERATION);
    assert.equal(await current.reads.iteration(), 'WebApp\\Sprint 7');
    sinon.assert.calledOnceWithExactly(current.boards.currentIteration, 'WebApp', undefined);
  });

  it('no current iteration, or none readable: the default iteration, and a warning saying why', async () => {
    const team = readsFor({ iterationPath: 'Ops @currentIteration' });
    team.boards.currentIteration.resolves(undefined);
    assert.equal(await team.reads.iteration(), undefined);
    sinon.assert.calledOnceWithExactly(team.boards.currentIteration, 'WebApp', 'Ops');
    assert.deepEqual(team.warnings, [loc('NoCurrentIterationTeam', 'Ops')]);
    const defaultTeam = readsFor(CURRENT_ITERATION);
    defaultTeam.boards.currentIteration.resolves(undefined);
    assert.equal(await defaultTeam.reads.iteration(), undefined);
    assert.deepEqual(defaultTeam.warnings, [loc('NoCurrentIterationDefaultTeam', 'WebApp')]);
    const unreadable = readsFor(CURRENT_ITERATION);
    unreadable.boards.currentIteration.rejects(
      new AdoError('Could not read the iteration: team gone', { status: 404 }),
    );
    assert.equal(await unreadable.reads.iteration(), undefined);
    assert.deepEqual(unreadable.warnings, [
      loc('IterationUnreadable', 'Could not read the iteration: team gone'),
    ]);
    const broken = readsFor(CURRENT_ITERATION);
    broken.boards.currentIteration.rejects(new TypeError('a bug'));
    await assert.rejects(broken.reads.iteration(), TypeError);
  });

  it('a read started for a new item says what it could not read only when a step uses it, once', async () => {
    const { reads, pipelines, boards, warnings } = readsFor(CURRENT_ITERATION);
    pipelines.changes.rejects(new AdoError('Could not read the changes: refused', { status: 403 }));
    boards.currentIteration.resolves(undefined);
    reads.startFiling();
    // Every started read has failed or ended, and no step has used one: the run may still stop before its item.
    await new Promise((resolve) => setImmediate(resolve));
    sinon.assert.calledOnce(pipelines.changes);
    sinon.assert.calledOnce(boards.currentIteration);
    assert.deepEqual(warnings, []);
    assert.deepEqual((await reads.evidence()).commits, []);
    await reads.evidence();
    assert.deepEqual(warnings, [loc('WithoutChanges', 'Could not read the changes: refused')]);
    assert.equal(await reads.iteration(), undefined);
    assert.deepEqual(warnings, [
      loc('WithoutChanges', 'Could not read the changes: refused'),
      loc('NoCurrentIterationDefaultTeam', 'WebApp'),
    ]);
  });

  it('reads the run’s test runs once for the details, the run’s tests and the test items’ recovery', async () => {
    const { reads, pipelines } = readsFor({ trackTests: 'perTest' });
    const runs = [{ id: 1, failed: 1, passed: 2, passedOnRerun: 0, flaky: 0 }];
    pipelines.testRuns.resolves(runs);
    pipelines.testResults.callsFake((_p: string, runId: number, outcome: string) =>
      Promise.resolve(
        outcome === 'Passed'
          ? [{ runId, resultId: 2, name: 'Passes', outcome: 'passed' }]
          : [{ runId, resultId: 1, name: 'Breaks', outcome: 'failed', message: 'no' }],
      ),
    );
    reads.startEarly('file');
    await reads.evidence();
    await reads.tests();
    assert.deepEqual([...(await reads.passedTests()).names], ['Passes']);
    sinon.assert.calledOnceWithExactly(pipelines.testRuns, 'WebApp', { kind: 'build', buildId: 812 });
  });

  it('reads at most 20,000 passed results for the test items’ recovery, and says when a run had more', async () => {
    const passedRead = async (passed: number): Promise<{ read: number; complete: boolean }> => {
      const { reads, pipelines } = readsFor({ trackTests: 'perTest' });
      pipelines.testRuns.resolves([{ id: 1, failed: 0, passed, passedOnRerun: 0, flaky: 0 }]);
      const { complete } = await reads.passedTests();
      const pages = pipelines.testResults.args.filter(([, , outcome]) => outcome === 'Passed');
      return { read: pages.reduce((sum, [, , , page]) => sum + (page as { top: number }).top, 0), complete };
    };
    assert.deepEqual(await passedRead(20_000), { read: 20_000, complete: true });
    assert.deepEqual(await passedRead(20_001), { read: 20_000, complete: false });
  });

  it('a job’s runs its rerun superseded are neither the run’s failing tests nor its passed ones', async () => {
    // Job Test ran again as attempt 2 and failed before publishing: its attempt 1 run is not this run's.
    const facts = { ...NO_FACTS, jobAttempts: new Map([['build.test.__default', 2]]) };
    const { reads, pipelines } = readsFor({ trackTests: 'perTest' }, runContext(), facts);
    const publishedBy = { job: 'Build.Test.__default', attempt: 1 };
    pipelines.testRuns.resolves([{ id: 1, failed: 1, passed: 2, passedOnRerun: 0, flaky: 0, publishedBy }]);
    assert.equal(await reads.tests(), undefined);
    assert.deepEqual(await reads.passedTests(), { names: new Set(), complete: true });
    sinon.assert.notCalled(pipelines.testResults);
  });

  it('the run’s tests: the details’ in a filing run, read alone (no logs, no changes, no linked items) in any other', async () => {
    const runs = [{ id: 1, failed: 1, passed: 0, passedOnRerun: 0, flaky: 0 }];
    const failedResult = { runId: 1, resultId: 1, name: 'Breaks', outcome: 'failed', message: 'no' };
    const filing = readsFor();
    filing.pipelines.testRuns.resolves(runs);
    filing.pipelines.testResults.resolves([failedResult]);
    filing.reads.startFiling();
    assert.equal((await filing.reads.tests())?.total, 1);
    assert.equal(await filing.reads.tests(), (await filing.reads.evidence()).tests);
    sinon.assert.calledOnce(filing.pipelines.testResults);
    sinon.assert.calledOnce(filing.pipelines.buildLogLineCounts);

    const recovering = readsFor({ linkWorkItems: 'true' });
    recovering.pipelines.testRuns.resolves(runs);
    recovering.pipelines.testResults.resolves([failedResult]);
    const tests = await recovering.reads.tests();
    assert.deepEqual(
      tests?.tests.map((test) => test.name),
      ['Breaks'],
    );
    sinon.assert.notCalled(recovering.pipelines.buildLogLineCounts);
    sinon.assert.notCalled(recovering.pipelines.changes);
    sinon.assert.notCalled(recovering.pipelines.buildWorkItems);

    const withoutDetails = readsFor({ includeDetails: 'false' });
    withoutDetails.pipelines.testRuns.resolves(runs);
    withoutDetails.pipelines.testResults.resolves([failedResult]);
    withoutDetails.reads.startFiling();
    assert.equal((await withoutDetails.reads.tests())?.total, 1);
    sinon.assert.notCalled(withoutDetails.pipelines.buildLogLineCounts);
  });

  it('a run with neither a build nor a release has no test runs: no passed tests, and complete', async () => {
    const { reads, pipelines } = readsFor({}, withVariables(YAML_VARIABLES, { 'Build.BuildId': undefined }));
    assert.deepEqual(await reads.passedTests(), { names: new Set(), complete: true });
    sinon.assert.notCalled(pipelines.testRuns);
  });

  it('a job status that files starts the types even when a recovery would not resolve', () => {
    const { reads, boards } = readsFor({ resolveOnRecovery: 'false' });
    reads.startEarly('file');
    sinon.assert.calledOnce(boards.workItemType);
  });

  it('the chosen type: the project’s Issue for a Bug in a Basic project, with a warning', async () => {
    const warnings: string[] = [];
    const issue = { ...BUG, name: 'Issue' };
    const settings = readSettings(inputs({}));
    const chosen = await chosenType(Promise.resolve([issue]), settings, 'Starter', (w) => warnings.push(w));
    assert.equal(chosen, issue);
    assert.deepEqual(warnings, [loc('BugFallsBackToIssue', 'Starter', 'Issue')]);
  });

  it('a job status that files reads a recurrence’s comments ahead, with the default fingerprint only', async () => {
    const ahead = readsFor();
    ahead.boards.queryIds.resolves([7]);
    ahead.boards.comments.resolves([{ id: 12, text: '<p>Filed</p>' }]);
    ahead.reads.startEarly('file');
    assert.deepEqual(await ahead.reads.commentsAhead(7), [{ id: 12, text: '<p>Filed</p>' }]);
    sinon.assert.calledOnce(ahead.boards.queryIds);
    for (const [status, values] of [
      ['file', { onRecurrence: 'new' }],
      ['file', { fingerprint: '{{pipeline}}' }],
      ['recover', {}],
    ] as const) {
      const none = readsFor(values);
      none.reads.startEarly(status);
      assert.equal(await none.reads.commentsAhead(7), undefined, `${status} ${JSON.stringify(values)}`);
      sinon.assert.notCalled(none.boards.queryIds);
    }
  });

  it('the item filed before is asked for as soon as a filing run names its tag, and asked once', async () => {
    const { reads, boards } = readsFor({ fingerprint: '{{pipeline}}' });
    boards.queryIds.resolves([9, 4]);
    reads.startEarlierItem({ tag: 'pwi:aaaaaaaaaaaa' });
    sinon.assert.calledOnceWithExactly(
      boards.queryIds,
      'WebApp',
      newestTaggedQuery({ tag: 'pwi:aaaaaaaaaaaa' }),
    );
    assert.equal(await reads.earlierItem({ tag: 'pwi:aaaaaaaaaaaa' }), 9);
    sinon.assert.calledOnce(boards.queryIds);
  });

  it('the item filed before for a tag: one query, shared with the comments read ahead; unreadable, none', async () => {
    const ahead = readsFor();
    ahead.boards.queryIds.resolves([7, 5]);
    ahead.boards.comments.resolves([]);
    ahead.reads.startEarly('file');
    await ahead.reads.commentsAhead(7);
    const [, query] = ahead.boards.queryIds.firstCall.args as [string, string];
    const tag = /CONTAINS '([^']+)'/.exec(query)?.[1] ?? '';
    assert.equal(await ahead.reads.earlierItem({ tag }), 7);
    sinon.assert.calledOnce(ahead.boards.queryIds);
    const other = readsFor({ fingerprint: '{{pipeline}}' });
    other.boards.queryIds.onFirstCall().resolves([]).onSecondCall().rejects(new Error('503'));
    assert.equal(await other.reads.earlierItem({ tag: 'pwi:aaaaaaaaaaaa' }), undefined);
    assert.equal(await other.reads.earlierItem({ tag: 'pwi:bbbbbbbbbbbb' }), undefined);
    sinon.assert.calledWithExactly(
      other.boards.queryIds,
      'WebApp',
      newestTaggedQuery({ tag: 'pwi:aaaaaaaaaaaa' }),
    );
    sinon.assert.calledTwice(other.boards.queryIds);
  });
});
