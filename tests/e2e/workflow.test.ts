import * as assert from 'node:assert/strict';
import type { RecordedRequest } from '../emulator/harness';
import { buildVariables, failedYamlRun, greenYamlRun, PAT } from './pipelines';
import { isWrite, useSession } from './session';

// State changes follow the type's workflow: a declared transition with its reason, guarded by `test /rev`; a
// change the service refuses leaves the item and adds the note as a comment; a person's decision stands.
describe('packaged task: state changes follow the workflow', function () {
  const session = useSession();

  const { runBuild, comments } = session;

  async function fields(id: number): Promise<Record<string, unknown>> {
    return (await session.emulator.workItem(id))?.fields ?? {};
  }

  /** What a person does in the web UI between runs: saves fields of the item, as Sam Rivera. */
  // The CMMI rule people add most: a Bug cannot be resolved without its root cause.
  function requireRootCauseOnResolved(): Promise<void> {
    return session.emulator.addRule({
      kind: 'require',
      project: 'Legacy',
      type: 'Bug',
      state: 'Resolved',
      field: 'Microsoft.VSTS.CMMI.RootCause',
    });
  }

  async function personSaves(project: string, id: number, values: Record<string, string>): Promise<void> {
    const url = `${session.emulator.collectionUrl}${project}/_apis/wit/workitems/${id}?api-version=7.1`;
    const response = await fetch(url, {
      method: 'PATCH',
      headers: {
        'Content-Type': 'application/json-patch+json',
        Authorization: `Basic ${Buffer.from(`:${PAT}`).toString('base64')}`,
      },
      body: JSON.stringify(
        Object.entries(values).map(([ref, value]) => ({ op: 'add', path: `/fields/${ref}`, value })),
      ),
    });
    assert.equal(response.status, 200, await response.text());
  }

  const patchesOf = async (id: number): Promise<RecordedRequest[]> =>
    (await session.emulator.requests()).filter(
      (r) => r.method === 'PATCH' && r.path.toLowerCase().endsWith(`/workitems/${id}`),
    );

  it('XML process: resolves only through a declared transition, with its reason; else the note is a comment', async () => {
    const failed = await runBuild(1000, 'failed', { project: 'Legacy' });
    const [bug] = await session.items(1, failed);
    assert.equal((await fields(bug!.id))['System.State'], 'Proposed');

    // CMMI declares no Proposed → Resolved: nothing is forced, the note goes in as a comment.
    const early = await runBuild(1001, 'green', { project: 'Legacy' });
    assert.equal((await fields(bug!.id))['System.State'], 'Proposed');
    assert.equal(early.outputs['WorkItemAction'], 'commented');
    assert.equal(early.outputs['WorkItemId'], String(bug!.id));
    assert.match(
      early.warnings.join('\n'),
      /declares no transition that takes work item \d+ from its state 'Proposed'/,
    );
    assert.ok((await comments(bug!.id)).some((text) => /The pipeline recovered/.test(text)));
    assert.match(early.summary, /Could not resolve \[Bug \d+\]/);
    assert.doesNotMatch(early.summary, /The pipeline recovered: resolved/, 'nothing was resolved');

    // Green again with nothing changed: the warning again, but no second note.
    const noted = (await comments(bug!.id)).length;
    const again = await runBuild(1003, 'green', { project: 'Legacy' });
    assert.equal((await comments(bug!.id)).length, noted);
    assert.equal(again.outputs['WorkItemAction'], 'none');
    assert.equal(again.outputs['WorkItemId'], String(bug!.id));
    assert.match(
      again.warnings.join('\n'),
      /an earlier run's recovery note is the newest on it, so nothing was added/,
    );
    assert.match(
      again.resultMessage,
      /Bug \d+ still open \(Azure DevOps refuses the state change; already noted\)/,
    );

    await personSaves('Legacy', bug!.id, { 'System.State': 'Active' });
    await session.emulator.clearRequests();
    const green = await runBuild(1002, 'green', { project: 'Legacy' });
    assert.equal(green.outputs['WorkItemAction'], 'resolved', green.stdout);
    assert.equal(green.outputs['WorkItemId'], String(bug!.id));
    const after = await fields(bug!.id);
    assert.equal(after['System.State'], 'Resolved');
    assert.equal(after['System.Reason'], 'Fixed');
    const [patch] = await patchesOf(bug!.id);
    const ops = patch!.body as { op: string; path: string; value: unknown }[];
    const revision = (await session.emulator.workItem(bug!.id))!.rev;
    assert.deepEqual(
      ops[0],
      { op: 'test', path: '/rev', value: revision - 1 },
      'guarded by the revision read',
    );
    assert.ok(
      ops.some((op) => op.path === '/fields/System.Reason' && op.value === 'Fixed'),
      JSON.stringify(ops),
    );
    assert.equal(green.warnings.length, 0, green.warnings.join('\n'));
  });

  it('a field required on Resolved: commented, truthful outputs, a warning naming the rule and the field', async () => {
    const failed = await runBuild(1010, 'failed', { project: 'Legacy' });
    const [bug] = await session.items(1, failed);
    await personSaves('Legacy', bug!.id, { 'System.State': 'Active' });
    await requireRootCauseOnResolved();
    const green = await runBuild(1011, 'green', { project: 'Legacy' });
    assert.deepEqual(green.outputs, {
      WorkItemId: String(bug!.id),
      WorkItemUrl: `${session.emulator.collectionUrl}Legacy/_workitems/edit/${bug!.id}`,
      WorkItemAction: 'commented',
    });
    assert.equal((await fields(bug!.id))['System.State'], 'Active', 'the item stays as it was');
    const note = (await comments(bug!.id)).find((text) => /The pipeline recovered/.test(text));
    assert.match(
      note ?? '',
      /<p>It stays Active: Azure DevOps refused to move Bug \d+ to Resolved \(Fixed\): TF401320/,
    );
    assert.doesNotMatch(note ?? '', /moved this item/, 'the comment never says the item was moved');
    const warning = green.warnings.find((line) => line.includes('refused to move Bug'));
    assert.ok(warning, green.warnings.join('\n'));
    assert.match(warning, /to Resolved \(Fixed\): TF401320: Rule Error for field Root Cause/);
    assert.match(warning, /\(field: Microsoft\.VSTS\.CMMI\.RootCause\)/);
    assert.doesNotMatch(warning, /Check the inputs/);
    assert.match(green.resultMessage, /Bug \d+ commented \(Azure DevOps refused the state change\)/);
  });

  it('a person who closes the item between the query and the PATCH is not overruled', async () => {
    const failed = await runBuild(1020, 'failed');
    const [bug] = await session.items(1, failed);
    await session.emulator.intervene({
      id: bug!.id,
      fields: { 'System.State': 'Closed', 'System.Reason': 'Verified' },
    });
    const green = await runBuild(1021, 'green');
    const after = await fields(bug!.id);
    assert.equal(after['System.State'], 'Closed');
    assert.equal(after['System.Reason'], 'Verified');
    assert.match(JSON.stringify(after['System.ChangedBy']), /sam@fabrikam\.example/);
    const [refused] = await patchesOf(bug!.id);
    assert.equal(refused!.status, 412, 'the test of /rev stopped the write');
    assert.equal(green.outputs['WorkItemAction'], 'none');
    assert.equal(green.outputs['WorkItemId'], String(bug!.id));
    assert.match(green.summary, /\[Bug \d+\]\(.*\) is no longer open \(Closed\): left as it is\./);
    assert.doesNotMatch(green.summary, /The pipeline recovered: resolved/, 'nothing was resolved');
    assert.ok(!(await comments(bug!.id)).some((text) => /The pipeline recovered/.test(text)));
  });

  it('an edit that keeps the item open: re-read and resolved on the second try', async () => {
    const failed = await runBuild(1025, 'failed');
    const [bug] = await session.items(1, failed);
    await session.emulator.intervene({ id: bug!.id, fields: { 'System.Title': 'Checkout total is wrong' } });
    const green = await runBuild(1026, 'green');
    assert.equal(green.outputs['WorkItemAction'], 'resolved', green.stdout);
    const after = await fields(bug!.id);
    assert.equal(after['System.State'], 'Resolved');
    assert.equal(after['System.Title'], 'Checkout total is wrong', "the person's edit stays");
    assert.deepEqual(
      (await patchesOf(bug!.id)).map((r) => r.status),
      [412, 200],
    );
  });

  it('its own resolution, held past the timeout and every look, refuses the resend: reported resolved', async function () {
    this.timeout(60_000);
    const failed = await runBuild(1027, 'failed');
    const [bug] = await session.items(1, failed);
    // The throttled service holds the resolution past the request timeout (4 s) and the four looks for it (7 s
    // more), then applies it; the resend, held too but answered in time, finds the revision it tests gone: 412.
    const patch = { method: 'PATCH', pathRegex: `/_apis/wit/workitems/${bug!.id}$` };
    await session.emulator.injectFaults([
      { ...patch, delayMs: 14_000 },
      { ...patch, delayMs: 3_500 },
    ]);
    await session.emulator.seedBuild(greenYamlRun(1028));
    const green = await session.run({
      variables: buildVariables(1028, {
        'Agent.JobStatus': 'Succeeded',
        'PipelineWorkItem.RequestTimeout': '4',
      }),
    });
    while ((await patchesOf(bug!.id)).some((r) => r.status === null)) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.deepEqual(
      (await patchesOf(bug!.id)).map((r) => r.status),
      [200, 412],
      'the first resolution landed after the looks, and the resend was refused',
    );
    assert.equal((await fields(bug!.id))['System.State'], 'Resolved');
    assert.equal(green.outputs['WorkItemAction'], 'resolved', green.stdout);
    assert.match(green.summary, /resolved/i);
    assert.doesNotMatch(green.summary, /no longer open/, 'its own resolution is not a person’s');
  });

  it("an inherited process's own Resolved state: resolved into it, with the reason the service gives it", async () => {
    // Scrum has no Resolved state; teams add one ("Ready for Test"), whose transitions carry only the reason the
    // service generates for a custom state. A reason of another state (Done's "Work finished") is refused.
    await session.emulator.addCustomState({
      project: 'Mobile',
      type: 'Bug',
      name: 'Ready for Test',
      category: 'Resolved',
    });
    const failed = await runBuild(1030, 'failed', { project: 'Mobile' });
    const [bug] = await session.items(1, failed);
    await personSaves('Mobile', bug!.id, { 'System.State': 'Committed' });
    const green = await runBuild(1031, 'green', { project: 'Mobile' });
    const after = await fields(bug!.id);
    assert.equal(after['System.State'], 'Ready for Test', green.stdout);
    assert.equal(after['System.Reason'], 'Moved to state Ready for Test');
    assert.equal(green.outputs['WorkItemAction'], 'resolved');
    assert.equal(green.warnings.length, 0, green.warnings.join('\n'));
  });

  it('Scrum: a raced duplicate is Removed, not Done (not counted as finished work)', async () => {
    await session.emulator.seedBuild({ ...failedYamlRun(1030), project: 'Mobile' });
    await session.emulator.seedBuild({ ...failedYamlRun(1031), project: 'Mobile' });
    await session.emulator.injectFaults([
      { method: 'POST', pathRegex: '/_apis/wit/workitems/\\$Bug$', delayMs: 500, times: 2 },
    ]);
    const runs = await Promise.all(
      [1030, 1031].map((id) =>
        session.run({ variables: buildVariables(id, { 'System.TeamProject': 'Mobile' }) }),
      ),
    );
    const items = await session.items(2);
    const winner = Math.min(...items.map((item) => item.id));
    const loser = Math.max(...items.map((item) => item.id));
    assert.equal((await fields(winner))['System.State'], 'New');
    const lost = await fields(loser);
    assert.equal(lost['System.State'], 'Removed');
    assert.equal(lost['System.Reason'], 'Removed from the backlog');
    assert.deepEqual(
      runs.map((run) => run.outputs['WorkItemId']),
      [String(winner), String(winner)],
      'both runs report the item that tracks the failure',
    );
    assert.deepEqual(runs.map((run) => run.outputs['WorkItemAction']).sort(), ['commented', 'created']);
  });

  it('a raced duplicate the workflow will not close: commented, both runs report the open item', async () => {
    // An administrator let new Bugs go only to Active: neither Closed nor Resolved is reachable.
    await session.emulator.addRule({
      kind: 'restrict',
      project: 'WebApp',
      type: 'Bug',
      from: 'New',
      to: ['Active'],
    });
    await session.emulator.seedBuild(failedYamlRun(1035));
    await session.emulator.seedBuild(failedYamlRun(1036));
    await session.emulator.injectFaults([
      { method: 'POST', pathRegex: '/_apis/wit/workitems/\\$Bug$', delayMs: 500, times: 2 },
    ]);
    const runs = await Promise.all([1035, 1036].map((id) => session.run({ variables: buildVariables(id) })));
    const items = await session.items(2);
    const winner = Math.min(...items.map((item) => item.id));
    const loser = Math.max(...items.map((item) => item.id));
    assert.equal((await fields(loser))['System.State'], 'New', 'nothing is forced past the workflow');
    assert.ok((await comments(loser)).some((text) => text.includes(`Duplicate of #${winner}`)));
    const lost = runs.find((run) => run.outputs['WorkItemAction'] === 'commented')!;
    assert.equal(lost.outputs['WorkItemId'], String(winner));
    assert.match(
      lost.summary,
      new RegExp(`Bug ${loser} filed by this run could not be closed as its duplicate`),
    );
    assert.match(
      lost.warnings.join('\n'),
      /declares no transition that takes work item \d+ from its state 'New'/,
    );
    assert.doesNotMatch(lost.warnings.join('\n'), /Check the inputs/);
  });

  it('several items, one refused: each reports on its own', async () => {
    const first = await runBuild(1040, 'failed', { project: 'Legacy' });
    const second = await runBuild(1041, 'failed', { project: 'Legacy', inputs: { onRecurrence: 'new' } });
    const [a, b] = await session.items(2, second);
    assert.equal(first.outputs['WorkItemId'], String(a!.id));
    await personSaves('Legacy', a!.id, {
      'System.State': 'Active',
      'Microsoft.VSTS.CMMI.RootCause': 'Coding Error',
    });
    await personSaves('Legacy', b!.id, { 'System.State': 'Active' });
    await requireRootCauseOnResolved();
    const green = await runBuild(1042, 'green', { project: 'Legacy' });
    assert.equal((await fields(a!.id))['System.State'], 'Resolved');
    assert.equal((await fields(b!.id))['System.State'], 'Active');
    assert.equal(green.outputs['WorkItemAction'], 'resolved');
    assert.equal(green.outputs['WorkItemId'], String(a!.id));
    assert.equal(green.result, 'Succeeded');
    assert.equal(
      green.resultMessage,
      `The pipeline recovered: resolved Bug ${a!.id}; Bug ${b!.id} commented (Azure DevOps refused the state change).`,
    );
    assert.match(green.summary, new RegExp(`The pipeline recovered: resolved \\[Bug ${a!.id}\\]`));
    assert.match(
      green.summary,
      new RegExp(`Could not resolve \\[Bug ${b!.id}\\]\\(.*\\): Azure DevOps refused`),
    );
  });

  it('TF401326 (a read-only field): the field is dropped with a warning, the Bug is filed', async () => {
    const run = await runBuild(1050, 'failed', { inputs: { fields: 'System.BoardColumn=Doing' } });
    const [bug] = await session.items(1, run);
    assert.equal(run.outputs['WorkItemAction'], 'created');
    assert.equal(bug!.fields['System.BoardColumn'], undefined);
    assert.match(
      run.warnings.join('\n'),
      /refused 'Doing' for System\.BoardColumn: .*TF401326: Invalid field status 'ReadOnly' for field 'System\.BoardColumn'/,
    );
    const creates = (await session.emulator.requests()).filter(isWrite);
    assert.deepEqual(
      creates.map((r) => r.status),
      [400, 200],
    );
  });

  describe('dry run: the service validates the create (validateOnly) and nothing is written', () => {
    it('accepted', async () => {
      const run = await runBuild(1060, 'failed', { inputs: { dryRun: 'true' } });
      await session.items(0, run);
      const sent = (await session.emulator.requests()).filter(isWrite);
      assert.deepEqual(
        sent.map((r) => [r.query['validateOnly'], r.status]),
        [['true', 200]],
      );
      assert.match(run.summary, /it would be accepted/);
      assert.equal(run.result, 'Succeeded');
    });

    it('refused: names what the service refused and the fix', async () => {
      const run = await runBuild(1061, 'failed', {
        inputs: { dryRun: 'true', areaPath: 'WebApp\\Restricted' },
      });
      await session.items(0, run);
      const sent = (await session.emulator.requests()).filter(isWrite);
      assert.deepEqual(
        sent.map((r) => [r.query['validateOnly'], r.status]),
        [['true', 403]],
      );
      assert.match(run.summary, /would refuse it: .*TF237111/);
      assert.match(run.summary, /Edit work items in this node/);
      assert.match(run.warnings.join('\n'), /Dry run: .* would refuse it/);
    });

    it('an optional value refused: accepted without it, as the real run files the item', async () => {
      const run = await runBuild(1062, 'failed', {
        inputs: { dryRun: 'true', assignTo: 'nobody@elsewhere.example' },
      });
      await session.items(0, run);
      assert.match(
        run.summary,
        /it would be accepted without System\\\.AssignedTo, which the run drops with a warning\. It refused: .*TF401320/,
      );
    });
  });

  describe('a type an administrator disabled', () => {
    const disableBug = (): Promise<void> => session.emulator.disableType({ project: 'WebApp', type: 'Bug' });

    it('a new failure fails naming workItemType, the fix and the enabled types, before any write', async () => {
      await disableBug();
      const run = await runBuild(1070, 'failed', { inputs: { attachments: '**/*.log' } });
      assert.equal(run.result, 'Failed');
      assert.match(
        run.resultMessage,
        /^Input 'workItemType': the 'Bug' work item type is disabled in project 'WebApp', and Azure Boards files no new item of a disabled type\. Enable it \(Organization settings, or Collection settings on Azure DevOps Server, > Boards > Process > .*\), or set 'workItemType' to a type that is enabled\. The project's enabled types are: Epic, Feature, Issue, Task, Test Case, User Story\.$/,
      );
      assert.deepEqual((await session.emulator.requests()).filter(isWrite), []);
      await session.items(0, run);
    });

    it('a dry run says so too, without asking the service to validate the create', async () => {
      await disableBug();
      const run = await runBuild(1071, 'failed', { inputs: { dryRun: 'true' } });
      assert.equal(run.result, 'Failed');
      assert.match(run.resultMessage, /the 'Bug' work item type is disabled in project 'WebApp'/);
      assert.deepEqual((await session.emulator.requests()).filter(isWrite), []);
    });

    it('its open item is still commented on when the failure recurs, and resolved when the pipeline recovers', async () => {
      const first = await runBuild(1072, 'failed');
      const [item] = await session.items(1, first);
      await disableBug();
      const again = await runBuild(1073, 'failed');
      assert.equal(again.outputs['WorkItemAction'], 'commented');
      assert.equal(again.result, 'Succeeded');
      const green = await runBuild(1074, 'green');
      assert.equal(green.outputs['WorkItemAction'], 'resolved');
      assert.equal((await fields(item.id))['System.State'], 'Resolved');
    });
  });
});
