import * as assert from 'node:assert/strict';
import { buildVariables, failedYamlRun } from './pipelines';
import { useSession } from './session';

// A create whose answer is lost, and a WIQL index that lists the new item only after the task stopped looking for
// it: the task sends the create again, then finds an older item of the fingerprint carrying its own marker. It
// raced only itself, so it keeps that item, closes the copy, and reports a creation, not a race; also when it
// files whatever is open (`onRecurrence: new`), where it settles no race with other runs.
describe('packaged task: a lost create listed too late for the landed check', function () {
  this.timeout(120_000);
  const session = useSession();

  for (const [id, onRecurrence] of [
    [400, 'comment'],
    [401, 'new'],
  ] as const) {
    it(`keeps the item that landed first, closes its own copy, and reports created with the kept id (onRecurrence ${onRecurrence})`, async () => {
      await keepsTheFirst(id, onRecurrence);
    });
  }

  async function keepsTheFirst(id: number, onRecurrence: string): Promise<void> {
    await session.emulator.seedBuild(failedYamlRun(id));
    // Four WIQL queries: the looks for the lost create. The fifth, after the second create, lists the first item.
    await session.emulator.setWiqlQueryLag(4);
    await session.emulator.injectFaults([
      { method: 'POST', pathRegex: '/_apis/wit/workitems/\\$Bug$', status: 500, after: true },
    ]);

    const run = await session.run({ variables: buildVariables(id), inputs: { onRecurrence } });

    const creates = (await session.writes()).filter((w) => /^POST .*\/workitems\/\$Bug$/i.test(w));
    assert.equal(
      creates.length,
      2,
      'the create was not sent again: the lag did not outlast the landed check',
    );
    const [kept, copy] = await session.items(2, run);
    assert.equal(run.outputs['WorkItemAction'], 'created', run.stdout);
    assert.equal(run.outputs['WorkItemId'], String(kept!.id));
    assert.equal(run.result, 'Succeeded', run.stdout);
    assert.equal(kept!.fields['System.State'], 'New');
    assert.deepEqual(
      [copy!.fields['System.State'], copy!.fields['System.Reason']],
      ['Closed', 'Duplicate'],
      'the second copy stays open',
    );
    // The filing note alone: no recurrence note on its own item.
    assert.equal((await session.emulator.comments(kept!.id)).length, 1);
  }
});
