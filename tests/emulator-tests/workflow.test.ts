// Workflow rules through the real WorkItemTrackingApi client: transitions per process, reasons, rules an
// administrator sets, read-only fields, optimistic concurrency and a person's edit armed mid-run.
import * as assert from 'node:assert/strict';
import { add, assertOnlyKnownRequests, clients, JOB_TOKEN, PatchOp, rejection, useEmulator } from './helpers';

describe('emulator: workflow', function () {
  this.timeout(20_000);
  const em = useEmulator();
  const wit = () => clients(em()).wit;

  /** A type as the task reads it: alone, by its name. */
  async function typeOf(project: string, name: string) {
    const type = await wit().getWorkItemType(project, name);
    assert.ok(type, `${project} has no type ${name}`);
    return type;
  }

  async function bug(project: string, state?: string): Promise<number> {
    const created = await wit().createWorkItem(null, [add('System.Title', 'CI failed')], project, 'Bug');
    if (state) await wit().updateWorkItem(null, [add('System.State', state)], created.id!, project);
    return created.id!;
  }

  it('lists any-to-any transitions in an inherited process and only the declared ones in an XML process', async () => {
    const agile = await typeOf('WebApp', 'Bug');
    assert.deepEqual(
      agile.transitions?.['New']?.map((t) => t.to),
      ['Active', 'Resolved', 'Closed'],
    );
    const cmmi = await typeOf('Legacy', 'Bug');
    assert.deepEqual(
      Object.fromEntries(
        Object.entries(cmmi.transitions ?? {}).map(([from, to]) => [from, to.map((t) => t.to)]),
      ),
      {
        '': ['Proposed'],
        Proposed: ['Active', 'Closed'],
        Active: ['Proposed', 'Resolved'],
        Resolved: ['Active', 'Closed'],
        Closed: ['Active'],
      },
    );
  });

  it('a disabled type: listed as disabled, its create (validateOnly too) refused, its items still changed', async () => {
    // The Basic process's Epic: no other test here files one, and the emulator is shared by the tests of this file.
    const epic = await wit().createWorkItem(null, [add('System.Title', 'Checkout')], 'Starter', 'Epic');
    await em().disableType({ project: 'Starter', type: 'epic' });
    assert.equal((await typeOf('Starter', 'Epic')).isDisabled, true);
    assert.equal((await typeOf('Starter', 'Issue')).isDisabled, false);
    const listed = await wit().getWorkItemTypes('Starter');
    assert.deepEqual(
      listed.filter((type) => type.isDisabled).map((type) => type.name),
      ['Epic'],
    );
    for (const validateOnly of [false, true]) {
      const refused = await rejection(
        wit().createWorkItem(null, [add('System.Title', 'CI failed')], 'Starter', 'Epic', validateOnly),
      );
      assert.equal(refused.statusCode, 400);
      assert.match(refused.message, /Work item type Epic is disabled in project Starter/);
    }
    const moved = await wit().updateWorkItem(null, [add('System.State', 'Doing')], epic.id!, 'Starter');
    assert.equal(moved.fields?.['System.State'], 'Doing');
    await wit().createWorkItem(null, [add('System.Title', 'still filed')], 'Starter', 'Issue');
    await assert.rejects(em().disableType({ project: 'Legacy', type: 'Bug' }), /XML process/);
    await assertOnlyKnownRequests(em());
  });

  it('a state an inherited process adds: listed in its category, entered only with the reason generated for it', async () => {
    await em().addCustomState({
      project: 'Mobile',
      type: 'Bug',
      name: 'Ready for Test',
      category: 'Resolved',
    });
    const scrum = await typeOf('Mobile', 'Bug');
    assert.deepEqual(
      scrum.states?.map((state) => `${state.name}:${state.category}`),
      [
        'New:Proposed',
        'Approved:Proposed',
        'Committed:InProgress',
        'Ready for Test:Resolved',
        'Done:Completed',
        'Removed:Removed',
      ],
    );
    const reasons = await wit().getWorkItemTypeFieldWithReferences('Mobile', 'Bug', 'System.Reason', 1);
    assert.ok(
      reasons.allowedValues?.includes('Moved to state Ready for Test'),
      String(reasons.allowedValues),
    );
    const id = await bug('Mobile', 'Committed');
    const refused = await rejection(
      wit().updateWorkItem(
        null,
        [add('System.State', 'Ready for Test'), add('System.Reason', 'Work finished')],
        id,
        'Mobile',
      ),
    );
    assert.match(refused.message, /^TF401320: Rule Error for field Reason/);
    const moved = await wit().updateWorkItem(null, [add('System.State', 'Ready for Test')], id, 'Mobile');
    assert.equal(moved.fields?.['System.Reason'], 'Moved to state Ready for Test');
    const back = await wit().updateWorkItem(
      null,
      [add('System.State', 'Committed'), add('System.Reason', 'Moved out of state Ready for Test')],
      id,
      'Mobile',
    );
    assert.equal(back.fields?.['System.State'], 'Committed');
    assert.equal((await typeOf('WebApp', 'Bug')).states?.length, 4, 'other projects keep their process');
  });

  it('answers one type by its name in any case as the list has it, and 404 for one the process lacks', async () => {
    const listed = (await wit().getWorkItemTypes('WebApp')).find((type) => type.name === 'Bug');
    assert.ok(listed?.transitions && listed.states?.length);
    assert.deepEqual(await wit().getWorkItemType('WebApp', 'bug'), listed);
    assert.equal(await wit().getWorkItemType('Starter', 'Bug'), null);
    const missing = await fetch(`${em().collectionUrl}Starter/_apis/wit/workitemtypes/Bug?api-version=7.1`, {
      headers: { authorization: `Bearer ${JOB_TOKEN}` },
    });
    assert.equal(missing.status, 404);
    const { message } = (await missing.json()) as { message: string };
    assert.match(message, /^VS402323: Work item type Bug does not exist in project Starter/);
  });

  it('lists the reasons of every state as the allowed values of System.Reason', async () => {
    const reason = await wit().getWorkItemTypeFieldWithReferences('Mobile', 'Bug', 'System.Reason', 1);
    assert.ok(reason.allowedValues?.includes('Removed from the backlog'));
    assert.ok(!reason.allowedValues?.includes('Duplicate'), 'Scrum has no Duplicate reason');
    const agile = await wit().getWorkItemTypeFieldWithReferences('WebApp', 'Bug', 'System.Reason', 1);
    assert.ok(agile.allowedValues?.includes('Fixed') && agile.allowedValues.includes('Duplicate'));
  });

  it('refuses an undeclared transition in an XML process and a reason the new state does not have', async () => {
    const id = await bug('Legacy');
    const undeclared = await rejection(
      wit().updateWorkItem(null, [add('System.State', 'Resolved')], id, 'Legacy'),
    );
    assert.equal(undeclared.statusCode, 400);
    assert.match(undeclared.message, /^TF401320: Rule Error for field State\. Error code: LimitedToValues/);
    await wit().updateWorkItem(null, [add('System.State', 'Active')], id, 'Legacy');
    const reason = await rejection(
      wit().updateWorkItem(
        null,
        [add('System.State', 'Resolved'), add('System.Reason', 'Verified')],
        id,
        'Legacy',
      ),
    );
    assert.match(reason.message, /^TF401320: Rule Error for field Reason\./);
    const done = await wit().updateWorkItem(
      null,
      [add('System.State', 'Resolved'), add('System.Reason', 'Fixed')],
      id,
      'Legacy',
    );
    assert.equal(done.fields?.['System.Reason'], 'Fixed');
  });

  it('applies the rules a control call sets: a required field in a state, restricted transitions', async () => {
    await em().addRule({
      kind: 'require',
      project: 'WebApp',
      type: 'Bug',
      state: 'Resolved',
      field: 'Microsoft.VSTS.Common.ResolvedReason',
    });
    await em().addRule({ kind: 'restrict', project: 'WebApp', type: 'Bug', from: 'New', to: ['Active'] });
    const listed = await typeOf('WebApp', 'Bug');
    assert.deepEqual(
      listed.transitions?.['New']?.map((t) => t.to),
      ['Active'],
    );
    const id = await bug('WebApp');
    const restricted = await rejection(
      wit().updateWorkItem(null, [add('System.State', 'Closed')], id, 'WebApp'),
    );
    assert.match(restricted.message, /Rule Error for field State/);
    await wit().updateWorkItem(null, [add('System.State', 'Active')], id, 'WebApp');
    const required = await rejection(
      wit().updateWorkItem(null, [add('System.State', 'Resolved')], id, 'WebApp'),
    );
    assert.match(
      required.message,
      /^TF401320: Rule Error for field Resolved Reason\. Error code: Required, InvalidEmpty\.$/,
    );
    const rule = (
      required as unknown as { result: { customProperties: { RuleValidationErrors: unknown[] } } }
    ).result.customProperties.RuleValidationErrors[0] as { fieldReferenceName: string };
    assert.equal(rule.fieldReferenceName, 'Microsoft.VSTS.Common.ResolvedReason');
    const resolved = await wit().updateWorkItem(
      null,
      [add('System.State', 'Resolved'), add('Microsoft.VSTS.Common.ResolvedReason', 'Fixed')],
      id,
      'WebApp',
    );
    assert.equal(resolved.fields?.['System.State'], 'Resolved');
    const bad = await rejection(
      em().addRule({ kind: 'restrict', project: 'WebApp', type: 'Bug', from: 'Nowhere', to: [] }),
    );
    assert.match(bad.message, /has no state 'Nowhere'/);
  });

  it('refuses a read-only field with TF401326 and accepts its current value', async () => {
    const created = await rejection(
      wit().createWorkItem(
        null,
        [add('System.Title', 't'), add('System.BoardColumn', 'Doing')],
        'WebApp',
        'Bug',
      ),
    );
    assert.equal(created.statusCode, 400);
    assert.equal(
      created.message,
      "TF401326: Invalid field status 'ReadOnly' for field 'System.BoardColumn'.",
    );
    const id = await bug('WebApp');
    const current = await wit().getWorkItem(id);
    const same = await wit().updateWorkItem(
      null,
      [add('System.TeamProject', current.fields?.['System.TeamProject'])],
      id,
      'WebApp',
    );
    assert.equal(same.rev, 2);
  });

  it('answers a failed test of /rev with 412 TF26071; a person edit armed by control lands before the next PATCH', async () => {
    const id = await bug('Mobile');
    await em().intervene({ id, fields: { 'System.State': 'Done' } });
    const stale = await rejection(
      wit().updateWorkItem(
        null,
        [{ op: 'test', path: '/rev', value: 1 }, add('System.State', 'Removed')],
        id,
        'Mobile',
      ),
    );
    assert.equal(stale.statusCode, 412);
    assert.match(
      stale.message,
      /^TF26071: This work item has been changed by someone else since you opened it\./,
    );
    const item = await em().workItem(id);
    assert.equal(item?.fields['System.State'], 'Done');
    assert.equal(
      (item?.fields['System.ChangedBy'] as { uniqueName: string }).uniqueName,
      'sam@fabrikam.example',
    );
    const unknown = await rejection(em().intervene({ id: 999, fields: {} }));
    assert.match(unknown.message, /no work item 999/);
    await assertOnlyKnownRequests(em());
  });

  it('compares a test of /rev as a JSON value: the string "1" does not pass for revision 1', async () => {
    const id = await bug('WebApp');
    const test = (value: unknown): PatchOp[] => [
      { op: 'test', path: '/rev', value },
      add('System.Title', 'x'),
    ];
    const text = await rejection(wit().updateWorkItem(null, test('1'), id, 'WebApp'));
    assert.equal(text.statusCode, 412);
    assert.equal((await wit().updateWorkItem(null, test(1), id, 'WebApp')).rev, 2);
  });

  it('refuses every change through the REST API to an item with 10,000 revisions, not a person’s edit', async () => {
    const seeded = await em().seedWorkItem({
      project: 'WebApp',
      type: 'Bug',
      fields: { 'System.Title': 'long-lived' },
      rev: 9_999,
    });
    const id = seeded.id;
    await wit().addComment({ text: 'the 10,000th revision' }, 'WebApp', id);
    const limit = `Work item ${id} has 10000 revisions, but currently, when updating via the API, only work items with up to 10,000 revisions are supported.`;
    const comment = await rejection(wit().addComment({ text: 'one more' }, 'WebApp', id));
    assert.deepEqual([comment.statusCode, comment.message], [500, limit]);
    const update = await rejection(wit().updateWorkItem(null, [add('System.State', 'Active')], id, 'WebApp'));
    assert.deepEqual([update.statusCode, update.message], [500, limit]);
    // A person still changes it in the web portal, armed here to land before the next request.
    await em().intervene({ id, fields: { 'System.State': 'Active' } });
    const after = await rejection(wit().updateWorkItem(null, [add('System.Title', 'x')], id, 'WebApp'));
    assert.equal(after.message, limit.replace('10000 revisions', '10001 revisions'));
    const stored = await em().workItem(id);
    assert.deepEqual([stored?.rev, stored?.fields['System.State']], [10_001, 'Active']);
    await assert.rejects(em().seedWorkItem({ project: 'WebApp', type: 'Bug', fields: {}, rev: 0 }), /rev/);
    await assertOnlyKnownRequests(em());
  });
});
