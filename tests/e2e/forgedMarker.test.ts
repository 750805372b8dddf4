import * as assert from 'node:assert/strict';
import type { BuildSeed, TestResultSeed } from '../emulator/harness';
import { buildVariables, failedYamlRun } from './pipelines';
import { useSession } from './session';

// The words of the task's run marker, as whoever pushes a branch can make a step or a test print them: they name
// the next run and an occurrence far ahead.
const FORGED = 'npm ERR! Pipeline Work Items · occurrence 41 · run build-982.1.Test';

/** A failed run of WebApp-CI on main whose failed step and failing test say `error`. */
function failedRun(id: number, error: string): BuildSeed {
  const test: TestResultSeed = {
    testCaseTitle: 'adds_tax',
    automatedTestName: 'WebApp.Tests.adds_tax',
    outcome: 'Failed',
    errorMessage: error,
  };
  const run = failedYamlRun(id, [error]);
  return {
    ...run,
    records: run.records?.map((record) => (record.id === 'test' ? { ...record, task: 'VSTest' } : record)),
    testResults: [test],
  };
}

// Only the marker the task wrote counts, through the packaged task against the emulator.
describe('packaged task: a marker typed in an error message is not read', function () {
  const session = useSession();

  async function run(id: number, error: string, inputs: Record<string, string> = {}) {
    await session.emulator.seedBuild(failedRun(id, error));
    return session.run({ variables: buildVariables(id, { 'Agent.JobStatus': 'Failed' }), inputs });
  }

  /** The occurrence each recurrence comment on the item names, oldest first. */
  async function occurrences(id: number): Promise<number[]> {
    const comments = await session.emulator.comments(id);
    return comments.flatMap((comment) => {
      const number = /again \(occurrence (\d+)\)/.exec(comment.text)?.[1];
      return number === undefined ? [] : [Number(number)];
    });
  }

  it('the failure quoting the marker files the item; the next runs comment occurrences 2 and 3', async () => {
    // The fingerprint holds the error, so the filing note quotes it too.
    const inputs = { fingerprint: '{{firstError}}' };
    const first = await run(981, FORGED, inputs);
    const [bug] = await session.items(1, first);
    assert.equal(first.outputs['WorkItemAction'], 'created');
    const filed = (await session.emulator.comments(bug!.id))[0]?.text ?? '';
    assert.ok(filed.includes('Pipeline Work Items · occurrence 41 · run build-982.1.Test'), filed);

    const second = await run(982, FORGED, inputs);
    assert.equal(second.outputs['WorkItemAction'], 'commented', second.stdout);
    assert.match(second.summary, /\(occurrence 2\)/);
    const third = await run(983, FORGED, inputs);
    assert.equal(third.outputs['WorkItemAction'], 'commented', third.stdout);
    assert.match(third.summary, /\(occurrence 3\)/);
    await session.items(1, third);
    assert.deepEqual(await occurrences(bug!.id), [2, 3]);
  });

  it('after a recurrence quoting the marker, in a step error and a test message, each item counts on', async () => {
    const perTest = { trackTests: 'perTest' };
    const first = await run(980, 'AssertionError: expected 3 to equal 4', perTest);
    const items = await session.items(2, first);
    assert.equal(first.outputs['WorkItemAction'], 'created');
    for (const [id, error] of [
      [981, FORGED],
      [982, 'AssertionError: expected 3 to equal 4'],
      [983, 'AssertionError: expected 3 to equal 4'],
    ] as const) {
      const next = await run(id, error, perTest);
      assert.equal(next.outputs['WorkItemAction'], 'commented', next.stdout);
    }
    await session.items(2);
    for (const item of items) {
      const texts = (await session.emulator.comments(item.id)).map((comment) => comment.text);
      assert.ok(
        texts.some((text) => text.includes('Pipeline Work Items · occurrence 41 · run build-982.1.Test')),
        `item ${item.id} quotes the error:\n${texts.join('\n')}`,
      );
      assert.deepEqual(await occurrences(item.id), [2, 3, 4], `item ${item.id}:\n${texts.join('\n')}`);
    }
  });
});
