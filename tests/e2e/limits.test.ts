import * as assert from 'node:assert/strict';
import { buildVariables, failedYamlRun } from './pipelines';
import { useSession } from './session';

// What the task writes to Azure Boards, at the limits the service documents for each value.
describe('packaged task: values at the limits of Azure Boards', function () {
  const session = useSession();

  it('a title with a control character and an accent at the cut: filed, cut between whole characters', async () => {
    await session.emulator.seedBuild(failedYamlRun(9701));
    // A macro the agent expanded (a commit subject, say) can bring a terminal's colour code; the letter with its
    // combining accent straddles the 255th code unit.
    const title = `Nightly \u001b[31m${'x'.repeat(241)}e\u0301 and more`;
    const run = await session.run({ variables: buildVariables(9701), inputs: { title } });
    const [item] = await session.items(1, run);
    assert.equal(item?.fields['System.Title'], `Nightly [31m${'x'.repeat(241)}…`);
    assert.equal(run.outputs['WorkItemAction'], 'created');
    assert.equal(run.result, 'Succeeded');
  });
});
