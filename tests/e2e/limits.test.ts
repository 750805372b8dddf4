import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildVariables, failedYamlRun } from './pipelines';
import { useSession } from './session';

// Names a Linux or macOS file system takes and Windows refuses: a colon, quotes, a bar, a control character.
const LINUX_NAMES = ['shot 10:22:05 "cart".png', 'dump\u0007|1.txt'];

// The project's field list refused to the task: it cannot know which fields are single-line text.
const UNREAD_FIELD_TYPES = { method: 'GET', pathRegex: '/_apis/wit/fields$', status: 403 };

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

  it('a description a macro filled with characters no text field stores: filed without them', async () => {
    await session.emulator.seedBuild(failedYamlRun(9704));
    // description: 'Last commit: $(Build.SourceVersionMessage)', a message holding a vertical tab, a bell, a
    // noncharacter and half a surrogate pair (a Windows agent's environment can hand one over).
    const description = 'Last commit: fix\u000bthe\u0007 build \uffff\ud800!';
    const run = await session.run({ variables: buildVariables(9704), inputs: { description } });
    const [item] = await session.items(1, run);
    const body = String(item?.fields['Microsoft.VSTS.TCM.ReproSteps']);
    assert.ok(body.startsWith('<p>Last commit: fixthe build \ufffd!</p>'), body.slice(0, 200));
    assert.equal(run.outputs['WorkItemAction'], 'created');
    assert.equal(run.result, 'Succeeded');
  });

  it('a multi-line error into a String field: filed on one line, without a warning', async () => {
    const run = await session.runFailed(
      9706,
      { fields: 'Microsoft.VSTS.Build.IntegrationBuild={{firstError}}' },
      ['TypeError: cart is undefined\n    at checkout (cart.js:3:7)\n    at main (app.js:9:1)'],
    );
    const [item] = await session.items(1, run);
    assert.equal(
      item?.fields['Microsoft.VSTS.Build.IntegrationBuild'],
      'TypeError: cart is undefined at checkout (cart.js:3:7) at main (app.js:9:1)',
    );
    assert.deepEqual(run.warnings, []);
    assert.equal(run.result, 'Succeeded');
  });

  it('a fields value longer than its String field holds: filed with its first 255 characters on one line, one request', async () => {
    const run = await session.runFailed(
      9707,
      { fields: 'Microsoft.VSTS.Build.IntegrationBuild={{firstError}}' },
      [`TypeError: ${'x'.repeat(200)}\n     ${'x'.repeat(100)}`],
    );
    const [item] = await session.items(1, run);
    assert.equal(
      item?.fields['Microsoft.VSTS.Build.IntegrationBuild'],
      `TypeError: ${'x'.repeat(200)} ${'x'.repeat(42)}…`,
    );
    assert.deepEqual(run.warnings, [
      "Input 'fields': the value for Microsoft.VSTS.Build.IntegrationBuild is longer than the 255 characters its single-line text field holds, so the item gets its start, cut with …. Shorten the value, or a placeholder in it such as {{firstError}}.",
    ]);
    assert.deepEqual(await session.writes(), ['POST /fabrikam/WebApp/_apis/wit/workitems/$Bug']);
  });

  it("the project's field types unread, a fields value too long for its String field: cut once Azure DevOps refuses it", async () => {
    await session.emulator.seedBuild(
      failedYamlRun(9703, [`TypeError: ${'x'.repeat(200)}     ${'x'.repeat(200)}`]),
    );
    await session.emulator.injectFaults([UNREAD_FIELD_TYPES]);
    const run = await session.run({
      variables: buildVariables(9703),
      inputs: { fields: 'Microsoft.VSTS.Build.IntegrationBuild={{firstError}}' },
    });
    const [item] = await session.items(1, run);
    // White space runs made one space, as on a single line.
    assert.equal(
      item?.fields['Microsoft.VSTS.Build.IntegrationBuild'],
      `TypeError: ${'x'.repeat(200)} ${'x'.repeat(42)}…`,
    );
    assert.equal(run.outputs['WorkItemAction'], 'created');
    assert.deepEqual(run.warnings, [
      "Azure DevOps refused the value for Microsoft.VSTS.Build.IntegrationBuild as too long (TF401324: Value for field 'Microsoft.VSTS.Build.IntegrationBuild' is too long.): the item is filed with its first 255 characters, on one line. Check the value of Microsoft.VSTS.Build.IntegrationBuild in 'fields'.",
    ]);
  });

  it('a dry run, field types unread, with a value too long for its String field: says the run cuts it, not drops it', async () => {
    await session.emulator.seedBuild(failedYamlRun(9705, [`TypeError: ${'x'.repeat(300)}`]));
    await session.emulator.injectFaults([UNREAD_FIELD_TYPES]);
    const run = await session.run({
      variables: buildVariables(9705),
      inputs: { fields: 'Microsoft.VSTS.Build.IntegrationBuild={{firstError}}', dryRun: 'true' },
    });
    assert.match(
      run.stdout,
      /it would be accepted without the full value of Microsoft\.VSTS\.Build\.IntegrationBuild \(the run files its first 255 characters, on one line\), which the run drops with a warning\. It refused: .*TF401324/,
    );
    // Checked again with the value cut, which the service then accepts.
    assert.deepEqual(await session.writes(), [
      'POST /fabrikam/WebApp/_apis/wit/workitems/$Bug (validateOnly)',
      'POST /fabrikam/WebApp/_apis/wit/workitems/$Bug (validateOnly)',
    ]);
    assert.equal(run.outputs['WorkItemAction'], 'none');
  });

  it('a dry run predicts the run that gives up: three values cut, then a refused assignee is one refusal too many', async () => {
    await session.emulator.seedBuild(failedYamlRun(9708, [`TypeError: ${'x'.repeat(300)}`]));
    await session.emulator.injectFaults([{ ...UNREAD_FIELD_TYPES, times: 10 }]);
    const long = ['Build.IntegrationBuild', 'Build.FoundIn', 'Common.ResolvedReason'];
    const inputs = {
      fields: long.map((field) => `Microsoft.VSTS.${field}={{firstError}}`).join('\n'),
      assignTo: 'nobody@elsewhere.example',
      linkBuild: 'false',
    };
    const dry = await session.run({ variables: buildVariables(9708), inputs: { ...inputs, dryRun: 'true' } });
    const real = await session.run({ variables: buildVariables(9708), inputs });
    assert.equal(real.result, 'SucceededWithIssues');
    assert.equal(real.outputs['WorkItemAction'], 'none');
    await session.items(0, real);
    // The refusal the run gives up on, as the check words it too (it validates where the run creates).
    const refusal = /^Could not create the Bug in project 'WebApp': (.*)$/m.exec(real.resultMessage)?.[1];
    assert.ok(refusal, real.resultMessage);
    assert.match(
      dry.stdout,
      /Dry run: Azure DevOps checked the create without saving it \(validateOnly\) and would refuse it/,
    );
    assert.ok(
      dry.warnings.some((warning) => warning.includes(refusal)),
      `${dry.warnings.join('\n')}\n${refusal}`,
    );
    const checks = (await session.emulator.requests()).filter(
      (r) => r.method === 'POST' && r.path.endsWith('/$Bug'),
    );
    assert.equal(checks.length, 8, 'the check sent as often as the create');
  });

  it('files named as Linux allows but Windows and Azure DevOps names do not: attached, those characters as _', async function () {
    // Windows cannot create these names: the test needs a file system that can.
    if (process.platform === 'win32') this.skip();
    await session.emulator.seedBuild(failedYamlRun(9702));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pwi-limits-names-'));
    try {
      for (const name of LINUX_NAMES) fs.writeFileSync(path.join(dir, name), name);
      const run = await session.run({
        variables: buildVariables(9702, {
          'System.DefaultWorkingDirectory': dir,
          'Agent.BuildDirectory': dir,
        }),
        inputs: { attachments: '*.png\n*.txt' },
      });
      const [item] = await session.items(1, run);
      const names = (item?.relations ?? [])
        .filter((relation) => relation.rel === 'AttachedFile')
        .map((relation) => relation.attributes['name']);
      assert.deepEqual(names.sort(), ['dump__1.txt', 'shot 10_22_05 _cart_.png']);
      assert.deepEqual(run.warnings, []);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a link's comment over 255 characters (a long attachments pattern): the item is filed, the comment cut", async () => {
    await session.emulator.seedBuild(failedYamlRun(9705));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pwi-limits-comment-'));
    try {
      fs.writeFileSync(path.join(dir, 'cart.png'), 'png');
      // A character class of 301 letters matches the one file.
      const pattern = `[c${'x'.repeat(300)}]art.png`;
      const run = await session.run({
        variables: buildVariables(9705, {
          'System.DefaultWorkingDirectory': dir,
          'Agent.BuildDirectory': dir,
        }),
        inputs: { attachments: pattern },
      });
      const [item] = await session.items(1, run);
      const comments = (item?.relations ?? [])
        .filter((relation) => relation.rel === 'AttachedFile')
        .map((relation) => String(relation.attributes['comment']));
      assert.equal(comments.length, 1, run.warnings.join('\n'));
      assert.equal(comments[0]?.length, 255);
      assert.ok(comments[0]?.startsWith('Attached by the pipeline ([cxxx') && comments[0].endsWith('x…'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
