import * as assert from 'node:assert/strict';
import { buildVariables, failedYamlRun } from './pipelines';
import type { TaskRun } from './agent';
import { useSession } from './session';

// The inputs as the agent hands them over from a YAML step or the classic editor: a value the task cannot use
// fails it before any request, naming the input and the fix.
describe('packaged task: inputs as the agent passes them', function () {
  const session = useSession();

  // The run failed on its inputs alone: each problem in its message, and not one request sent.
  async function refusedBeforeAnyRequest(run: TaskRun, problems: readonly string[]): Promise<void> {
    assert.equal(run.result, 'Failed');
    for (const problem of problems) {
      assert.ok(run.resultMessage.includes(problem), `missing ${problem}: ${run.resultMessage}`);
    }
    assert.deepEqual(await session.emulator.requests(), []);
  }

  it('organizationUrl without a federated connectionType: fails naming both inputs, files nowhere', async () => {
    const run = await session.runFailed(9401, { organizationUrl: 'https://dev.azure.com/contoso/' });
    assert.equal(run.result, 'Failed');
    assert.match(
      run.resultMessage,
      /^Input 'organizationUrl' is set but connectionType is token, so it would not be used: the item would be filed in the organization of the job \(or of the 'connection' input\)\. Set connectionType to azureDevOps or azureRM/,
    );
    assert.deepEqual(await session.emulator.requests(), []);
  });

  it('with the agent’s trimming of inputs turned off: blanks around each value change nothing', async () => {
    await session.emulator.seedBuild(failedYamlRun(9410));
    const run = await session.run({
      variables: buildVariables(9410),
      untrimmedInputs: true,
      inputs: {
        workItemType: ' Bug\n',
        createOn: '\tfailure ',
        project: ' WebApp ',
        areaPath: ' WebApp\\Frontend ',
        onRecurrence: ' comment',
        tags: ' ci ; nightly ',
        dryRun: ' false ',
      },
    });
    assert.equal(run.result, 'Succeeded', run.stdout);
    assert.equal(run.outputs['WorkItemAction'], 'created');
    const [item] = await session.items(1, run);
    assert.equal(item?.fields['System.WorkItemType'], 'Bug');
    assert.equal(item?.fields['System.AreaPath'], 'WebApp\\Frontend');
    const tags = String(item?.fields['System.Tags']).split('; ');
    assert.ok(tags.includes('ci') && tags.includes('nightly'), tags.join('; '));
  });

  it('a System.Title in fields is the title: one line, cut to 255 characters like the title input', async () => {
    const run = await session.runFailed(9402, { fields: 'System.Title={{pipeline}}:\t{{firstError}}' }, [
      `TypeError: ${'x'.repeat(400)}`,
    ]);
    const [item] = await session.items(1, run);
    const title = String(item?.fields['System.Title']);
    assert.equal(title.length, 255);
    assert.ok(title.startsWith('WebApp-CI: TypeError: xxx') && title.endsWith('x…'), title);
    assert.equal(run.result, 'Succeeded');
  });

  it('a $(…) macro whose variable the run lacks: fails naming the variable, before any request', async () => {
    await session.emulator.seedBuild(failedYamlRun(9403));
    // The agent expands $(DryRun) only when the run has that variable; here it has none.
    const run = await session.run({ variables: buildVariables(9403), inputs: { dryRun: '$(DryRun)' } });
    assert.equal(run.result, 'Failed');
    assert.match(
      run.resultMessage,
      /^Input 'dryRun' holds \$\(DryRun\), a macro the agent leaves as written when the run has no variable DryRun\. Define that variable/,
    );
    assert.deepEqual(await session.emulator.requests(), []);
  });

  it('a parentId no item has: files the Bug without a parent, naming the refusal and the input to fix', async () => {
    const run = await session.runFailed(9404, { parentId: '4242' });
    const [item] = await session.items(1, run);
    assert.deepEqual(
      (item?.relations ?? []).filter((relation) => relation.rel.startsWith('System.LinkTypes.Hierarchy')),
      [],
    );
    assert.equal(run.outputs['WorkItemAction'], 'created');
    assert.match(
      run.warnings.join('\n'),
      /refused the link to work item 4242: TF401232: Work item 4242 does not exist.* The item is filed without it\. Set 'parentId' to the id of a work item that exists/,
    );
  });

  it('linkWorkItems with more associated items than the create may be retried for that Azure DevOps does not find: files the Bug, without each', async () => {
    // The job's token reads only its own project by default: items of another project it cannot read are refused
    // as missing, one per answer.
    const missing = [5101, 5102, 5103, 5104, 5105];
    await session.emulator.seedBuild({ ...failedYamlRun(9408), workItemRefs: missing });
    const run = await session.run({ variables: buildVariables(9408), inputs: { linkWorkItems: 'true' } });
    assert.equal(run.outputs['WorkItemAction'], 'created', run.resultMessage);
    const [item] = await session.items(1, run);
    assert.deepEqual(
      (item?.relations ?? []).filter((relation) => relation.rel === 'System.LinkTypes.Related'),
      [],
    );
    for (const id of missing) {
      assert.match(run.warnings.join('\n'), new RegExp(`refused the link to work item ${id}: TF401232`));
    }
  });

  it('a dry run with a parentId no item has: would be accepted without that link', async () => {
    const run = await session.runFailed(9405, { parentId: '4242', dryRun: 'true' });
    assert.match(run.stdout, /it would be accepted without the link to work item 4242, which the run drops/);
    // Checked again without the link, which the service then accepts.
    assert.deepEqual(await session.writes(), [
      'POST /fabrikam/WebApp/_apis/wit/workitems/$Bug (validateOnly)',
      'POST /fabrikam/WebApp/_apis/wit/workitems/$Bug (validateOnly)',
    ]);
  });

  it('a dry run with 3 of its 4 links to items Azure DevOps does not find: names all 3, the ones the run drops', async () => {
    const story = await session.emulator.seedWorkItem({
      project: 'WebApp',
      type: 'User Story',
      fields: { 'System.Title': 'Cart' },
    });
    await session.emulator.seedBuild({ ...failedYamlRun(9410), workItemRefs: [5101, story.id, 5102] });
    const inputs = { parentId: '4242', linkWorkItems: 'true' };
    const dry = await session.run({ variables: buildVariables(9410), inputs: { ...inputs, dryRun: 'true' } });
    const without = 'the link to work item 4242, the link to work item 5101, the link to work item 5102';
    assert.match(dry.stdout, new RegExp(`it would be accepted without ${without}, which the run drops`));
    // The summary is Markdown, its commas escaped.
    assert.match(
      dry.summary,
      new RegExp(`it would be accepted without ${without.replaceAll(',', '\\\\,')}, which`),
    );
    assert.equal(dry.outputs['WorkItemAction'], 'none');
    // One check, then one more for each link refused: none after the service accepts.
    assert.deepEqual(
      await session.writes(),
      Array(4).fill('POST /fabrikam/WebApp/_apis/wit/workitems/$Bug (validateOnly)'),
    );
    const real = await session.run({ variables: buildVariables(9410), inputs });
    const dropped = [...real.warnings.join('\n').matchAll(/refused the link to work item (\d+)/g)].map(
      (m) => m[1],
    );
    assert.deepEqual(dropped, ['4242', '5101', '5102']);
    const [, item] = await session.items(2, real);
    assert.deepEqual(
      (item?.relations ?? [])
        .filter((relation) => relation.rel.startsWith('System.LinkTypes'))
        .map((r) => r.url),
      [`${session.emulator.collectionUrl}_apis/wit/workItems/${story.id}`],
    );
  });

  it('fields setting the field the details go in: the item shows that value, and a warning says the details are gone', async () => {
    const run = await session.runFailed(9406, { fields: 'Microsoft.VSTS.TCM.ReproSteps=See the runbook' });
    const [item] = await session.items(1, run);
    assert.equal(item?.fields['Microsoft.VSTS.TCM.ReproSteps'], 'See the runbook');
    assert.match(
      run.warnings.join('\n'),
      /^Input 'fields' sets Microsoft\.VSTS\.TCM\.ReproSteps, the field of the Bug that holds the description and the run's details: the item shows only the value of 'fields' there\. Put that text in 'description' instead\.$/m,
    );
  });

  it('a $(…) macro left in project, areaPath or iterationPath: fails naming each variable, before any request', async () => {
    // No project, area, iteration or team name holds `$`: the run would be read for a path that names nothing.
    const run = await session.runFailed(9407, {
      project: '$(Target.Project)',
      areaPath: '$(Team.Area)',
      iterationPath: '$(Team.Name)@currentIteration',
    });
    await refusedBeforeAnyRequest(
      run,
      [
        ['project', 'Target.Project'],
        ['areaPath', 'Team.Area'],
        ['iterationPath', 'Team.Name'],
      ].map(
        ([input, variable]) =>
          `Input '${input}' holds $(${variable}), a macro the agent leaves as written when the run has no variable ${variable}.`,
      ),
    );
  });

  it('a $(…) macro left in workItemType: fails listing the types and naming the variable, before any write', async () => {
    const run = await session.runFailed(9408, { workItemType: '$(ItemType)' });
    assert.equal(run.result, 'Failed');
    assert.match(
      run.resultMessage,
      /^Input 'workItemType': project 'WebApp' has no work item type '\$\(ItemType\)'\. Its types are: .*\. \$\(ItemType\) is a macro the agent leaves as written when the run has no variable ItemType/,
    );
    assert.deepEqual(await session.writes(), []);
  });

  it('a fields value refused under a reference name spelled in another case: dropped like any other', async () => {
    const run = await session.runFailed(9409, { fields: 'microsoft.vsts.common.valuearea=Nonsense' });
    const [item] = await session.items(1, run);
    assert.equal(item?.fields['Microsoft.VSTS.Common.ValueArea'], 'Business');
    assert.match(
      run.warnings.join('\n'),
      /refused 'Nonsense' for microsoft\.vsts\.common\.valuearea: .*TF401320.*Check the value of microsoft\.vsts\.common\.valuearea in 'fields'/,
    );
  });

  it('a project, a team or a work item type a URL would resolve away: fails naming each input, before any request', async () => {
    // `..` in a request's path would address the collection's routes instead of a project's or a type's.
    const run = await session.runFailed(9411, {
      project: '..',
      iterationPath: '..@currentIteration',
      workItemType: '..',
    });
    await refusedBeforeAnyRequest(run, [
      "Input 'project' must be the name of a project, not '..': a name of one or two periods would address another URL.",
      "Input 'iterationPath' names the team '..': a name of one or two periods would address another URL.",
      "Input 'workItemType' must be the name of a work item type, e.g. Bug, not '..': a name of one or two periods would address another URL.",
    ]);
  });

  it('an area or iteration path with a node of one or two periods: fails naming the input, before any request', async () => {
    const run = await session.runFailed(9412, { areaPath: 'WebApp\\..', iterationPath: '.' });
    await refusedBeforeAnyRequest(
      run,
      [
        ['areaPath', 'WebApp\\..', '..'],
        ['iterationPath', '.', '.'],
      ].map(
        ([input, path, node]) =>
          `Input '${input}' holds '${path}', a path with a node named '${node}': no area or iteration can be named '.' or '..'. Set '${input}' to a path that exists`,
      ),
    );
  });
});
