import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { ReleaseSeed } from '../emulator/harness';
import {
  buildVariables,
  classicRelease,
  failedYamlRun,
  JOB_TOKEN,
  releaseVariables,
  seedClassicRelease,
} from './pipelines';
import { useSession } from './session';

// Pull-request runs stay in their lane, recovery goes by scope, and `fields`, `description` and `@requestor`
// cannot undo the lifecycle or reach another identity.
describe('packaged task: pull-request lanes, recovery by scope, guarded inputs', function () {
  const session = useSession();

  const PULL_REQUEST = {
    'Build.Reason': 'PullRequest',
    'Build.SourceBranch': 'refs/pull/7/merge',
    'System.PullRequest.PullRequestId': '7',
  };

  const { runBuild, state, comments } = session;

  async function creates(): Promise<number> {
    return (await session.writes()).filter((write) => write.startsWith('POST') && write.includes('/$Bug'))
      .length;
  }

  it('a pull request with a branchless fingerprint never comments on, resolves or is resolved by main’s item', async () => {
    const inputs = { includePullRequests: 'true', fingerprint: '{{pipeline}}' };
    const main = await runBuild(1000, 'failed', { inputs });
    assert.equal(main.outputs['WorkItemAction'], 'created');
    const mainItem = main.outputs['WorkItemId']!;

    const failing = await runBuild(1001, 'failed', { inputs, variables: PULL_REQUEST });
    assert.equal(failing.outputs['WorkItemAction'], 'created', failing.stdout);
    const prItem = failing.outputs['WorkItemId']!;
    assert.notEqual(prItem, mainItem);
    assert.deepEqual(
      (await comments(mainItem)).filter((text) => text.includes('Failed again')),
      [],
      "the pull request wrote nothing on main's item",
    );
    assert.match(
      failing.stdout,
      /Fingerprint: WebApp-CI · pull request 7 \(tag pwi:pr-[0-9a-f]{12}; scope tag pwi:scope-[0-9a-f]{12}\)/,
    );

    const green = await runBuild(1002, 'green', { inputs, variables: PULL_REQUEST });
    assert.equal(green.outputs['WorkItemAction'], 'resolved');
    assert.equal(green.outputs['WorkItemId'], prItem);
    assert.equal(await state(prItem), 'Resolved');
    assert.equal(await state(mainItem), 'New', "a green pull request leaves main's item open");

    // And the reverse: main fails again (a comment on its own item only), then goes green.
    const again = await runBuild(1003, 'failed', { inputs, variables: PULL_REQUEST });
    const reopenedLane = again.outputs['WorkItemId']!;
    const mainAgain = await runBuild(1004, 'failed', { inputs });
    assert.equal(mainAgain.outputs['WorkItemAction'], 'commented');
    assert.equal(mainAgain.outputs['WorkItemId'], mainItem);
    const mainGreen = await runBuild(1005, 'green', { inputs });
    assert.equal(mainGreen.outputs['WorkItemAction'], 'resolved');
    assert.equal(await state(mainItem), 'Resolved');
    assert.equal(await state(reopenedLane), 'New', "main's recovery leaves the pull request's item open");
    assert.deepEqual(
      (await comments(reopenedLane)).filter((text) => /Failed again|recovered/.test(text)),
      [],
    );
    await session.items(3, mainGreen);
  });

  it('main, failing after a pull request filed its item, files its own and never comments on it', async () => {
    const inputs = { includePullRequests: 'true', fingerprint: '{{pipeline}}' };
    const pr = await runBuild(1006, 'failed', { inputs, variables: PULL_REQUEST });
    const main = await runBuild(1007, 'failed', { inputs });
    assert.equal(main.outputs['WorkItemAction'], 'created', main.stdout);
    assert.notEqual(main.outputs['WorkItemId'], pr.outputs['WorkItemId']);
    assert.deepEqual(
      (await comments(pr.outputs['WorkItemId']!)).filter((text) => text.includes('Failed again')),
      [],
    );
    const green = await runBuild(1008, 'green', { inputs });
    assert.equal(green.outputs['WorkItemId'], main.outputs['WorkItemId']);
    assert.equal(await state(pr.outputs['WorkItemId']!), 'New');
  });

  it('a classic release a pull request triggered files nothing unless asked, then only in its pull request’s lane', async () => {
    // A pull request's build deployed by the release's pull-request trigger: the primary artifact's branch is the
    // pull request's merge ref, the release's reason PullRequest.
    const pullRequestRelease = (id: number, outcome: 'failed' | 'succeeded'): ReleaseSeed => {
      const release = classicRelease(id, outcome);
      return {
        ...release,
        reason: 'pullRequest',
        artifacts: release.artifacts?.map((artifact) => ({ ...artifact, branch: 'refs/pull/31/merge' })),
      };
    };
    const run = async (
      id: number,
      pullRequest: boolean,
      outcome: 'failed' | 'succeeded',
      includePullRequests = 'true',
    ) => {
      const { webUrl } = await seedClassicRelease(
        session.emulator,
        pullRequest ? pullRequestRelease(id, outcome) : classicRelease(id, outcome),
      );
      const variables = releaseVariables(id, outcome === 'failed' ? 'Failed' : 'Succeeded', webUrl);
      return session.run({
        variables: pullRequest
          ? { ...variables, 'Release.Reason': 'PullRequest', 'Build.SourceBranch': 'refs/pull/31/merge' }
          : variables,
        inputs: { includePullRequests, fingerprint: '{{pipeline}}' },
      });
    };
    const main = await run(60, false, 'failed');
    assert.equal(main.outputs['WorkItemAction'], 'created', main.stdout);
    const mainItem = main.outputs['WorkItemId']!;

    const quiet = await run(61, true, 'failed', 'false');
    assert.equal(quiet.outputs['WorkItemAction'], 'none');
    assert.match(
      quiet.stdout,
      /Nothing filed for a pull-request validation run \(includePullRequests is false\)/,
    );
    assert.deepEqual(
      (await comments(mainItem)).filter((text) => text.includes('Failed again')),
      [],
      "the pull request's deployment wrote nothing on main's item",
    );

    const filed = await run(62, true, 'failed');
    assert.equal(filed.outputs['WorkItemAction'], 'created', filed.stdout);
    assert.notEqual(filed.outputs['WorkItemId'], mainItem);
    assert.match(filed.stdout, /Fingerprint: WebApp-CD · pull request 31 \(tag pwi:pr-[0-9a-f]{12};/);

    const green = await run(63, true, 'succeeded');
    assert.equal(green.outputs['WorkItemAction'], 'resolved', green.stdout);
    assert.equal(green.outputs['WorkItemId'], filed.outputs['WorkItemId']);
    assert.equal(await state(mainItem), 'New', "a green pull request's deployment leaves main's item open");
    await session.items(2, green);
  });

  it('the runs of tags share one lane: the next tag’s failure comments, its success resolves; main’s item apart', async () => {
    const at = (tag: string) => ({ variables: { 'Build.SourceBranch': `refs/tags/${tag}` } });
    const main = await runBuild(1030, 'failed');
    const first = await runBuild(1031, 'failed', at('v1.2.0'));
    assert.equal(first.outputs['WorkItemAction'], 'created', first.stdout);
    assert.notEqual(first.outputs['WorkItemId'], main.outputs['WorkItemId']);
    assert.match(first.stdout, /Fingerprint: WebApp-CI · every tag \(tag pwi:/);
    const item = await session.emulator.workItem(Number(first.outputs['WorkItemId']));
    assert.match(String(item?.fields['System.Title']), /v1\.2\.0/, 'the title names the tag that failed');

    const next = await runBuild(1032, 'failed', at('v1.2.1'));
    assert.equal(next.outputs['WorkItemAction'], 'commented', next.stdout);
    assert.equal(next.outputs['WorkItemId'], first.outputs['WorkItemId']);

    const green = await runBuild(1033, 'green', at('v1.2.2'));
    assert.equal(green.outputs['WorkItemAction'], 'resolved', green.stdout);
    assert.equal(await state(first.outputs['WorkItemId']!), 'Resolved');
    assert.equal(await state(main.outputs['WorkItemId']!), 'New', "a tag's success leaves main's item open");
    await session.items(2, green);
  });

  it('a branch named main or like the tags’ lane but for a Unicode space is a lane of its own', async () => {
    const main = await runBuild(1034, 'failed');
    const tags = await runBuild(1035, 'failed', { variables: { 'Build.SourceBranch': 'refs/tags/v1.3.0' } });
    // A pusher's branches, green: main with a zero-width no-break space after it (it shows as main), and
    // "every tag" with a no-break space (Git refuses only the ASCII space in a branch's name).
    for (const [id, branch] of [
      [1036, 'main\uFEFF'],
      [1037, 'every\u00A0tag'],
    ] as const) {
      const green = await runBuild(id, 'green', {
        variables: { 'Build.SourceBranch': `refs/heads/${branch}`, 'Build.SourceBranchName': branch },
      });
      assert.equal(green.outputs['WorkItemAction'], 'none', green.stdout);
    }
    assert.equal(await state(main.outputs['WorkItemId']!), 'New');
    assert.equal(await state(tags.outputs['WorkItemId']!), 'New');
  });

  it('a branch named main but for letter case is a lane of its own: never comments on or resolves main’s item', async () => {
    const main = await runBuild(1080, 'failed');
    const mainItem = main.outputs['WorkItemId']!;
    const upper = { 'Build.SourceBranch': 'refs/heads/MAIN', 'Build.SourceBranchName': 'MAIN' };
    const failing = await runBuild(1081, 'failed', { variables: upper });
    assert.equal(failing.outputs['WorkItemAction'], 'created', failing.stdout);
    assert.notEqual(failing.outputs['WorkItemId'], mainItem);
    const green = await runBuild(1082, 'green', { variables: upper });
    assert.equal(green.outputs['WorkItemAction'], 'resolved', green.stdout);
    assert.equal(green.outputs['WorkItemId'], failing.outputs['WorkItemId']);
    assert.equal(await state(mainItem), 'New', "MAIN's recovery leaves main's item open");
    assert.deepEqual(
      (await comments(mainItem)).filter((text) => text.includes('Failed again')),
      [],
      "MAIN wrote nothing on main's item",
    );
    await session.items(2, green);
  });

  it('finds and resolves an item 1.0.0 filed for a branch with capitals, by the tag 1.0.0 wrote', async () => {
    // 1.0.0's tag: the first 12 hex digits of the SHA-256 of the fingerprint's text in lower case.
    const text = 'WebApp-CI · Feature/X'.toLowerCase();
    const tag = `pwi:${createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 12)}`;
    const old = await session.emulator.seedWorkItem({
      project: 'WebApp',
      type: 'Bug',
      fields: { 'System.Title': 'Filed by 1.0.0', 'System.Tags': `pipeline-failure; ${tag}` },
    });
    const branch = { 'Build.SourceBranch': 'refs/heads/Feature/X', 'Build.SourceBranchName': 'X' };
    const failed = await runBuild(1083, 'failed', { variables: branch });
    assert.equal(failed.outputs['WorkItemAction'], 'commented', failed.stdout);
    assert.equal(failed.outputs['WorkItemId'], String(old.id));
    const green = await runBuild(1084, 'green', { variables: branch });
    assert.equal(green.outputs['WorkItemAction'], 'resolved', green.stdout);
    assert.equal(await state(old.id), 'Resolved');
    await session.items(1, green);
  });

  it('a new item on a branch with capitals links the closed item 1.0.0 filed for it, never main’s', async () => {
    const blindTag = (text: string): string =>
      `pwi:${createHash('sha256').update(text.toLowerCase(), 'utf8').digest('hex').slice(0, 12)}`;
    const old = await session.emulator.seedWorkItem({
      project: 'WebApp',
      type: 'Bug',
      fields: {
        'System.Title': 'Filed by 1.0.0',
        'System.State': 'Closed',
        'System.Tags': `pipeline-failure; ${blindTag('WebApp-CI · Feature/X')}`,
      },
    });
    const branch = { 'Build.SourceBranch': 'refs/heads/Feature/X', 'Build.SourceBranchName': 'X' };
    const failed = await runBuild(1085, 'failed', { variables: branch });
    assert.equal(failed.outputs['WorkItemAction'], 'created', failed.stdout);
    const link = (id: number) =>
      `Filed before for this fingerprint: <a href="${session.emulator.collectionUrl}WebApp/_workitems/edit/${id}">#${id}</a>.`;
    assert.ok((await comments(failed.outputs['WorkItemId']!))[0]?.includes(link(old.id)));
    // feature/x's own items carry 1.0.0's tag too (its text in lower case is the same), with their scope tag:
    // they are not Feature/X's.
    await session.emulator.reset();
    await session.emulator.setTokens([JOB_TOKEN]);
    const lower = { 'Build.SourceBranch': 'refs/heads/feature/x', 'Build.SourceBranchName': 'x' };
    const lowerRun = await runBuild(1086, 'failed', { variables: lower });
    assert.equal(lowerRun.outputs['WorkItemAction'], 'created', lowerRun.stdout);
    const upper = await runBuild(1087, 'failed', { variables: branch });
    assert.equal(upper.outputs['WorkItemAction'], 'created', upper.stdout);
    assert.ok(!(await comments(upper.outputs['WorkItemId']!))[0]?.includes('Filed before'));
  });

  it('finds and resolves an item 1.0.0 filed, by its fingerprint tag alone', async () => {
    const old = await session.emulator.seedWorkItem({
      project: 'WebApp',
      type: 'Bug',
      fields: { 'System.Title': 'Filed by 1.0.0', 'System.Tags': 'pipeline-failure; pwi:9d3027273b35' },
    });
    const failed = await runBuild(1010, 'failed');
    assert.equal(failed.outputs['WorkItemAction'], 'commented');
    assert.equal(failed.outputs['WorkItemId'], String(old.id));
    const green = await runBuild(1011, 'green');
    assert.equal(green.outputs['WorkItemAction'], 'resolved');
    assert.equal(await state(old.id), 'Resolved');
    await session.items(1, green);
  });

  it('a {{failedStep}} fingerprint (empty on a green run) still recovers, by the scope tag', async () => {
    const inputs = { fingerprint: '{{pipeline}} {{branch}} {{failedStep}}' };
    const failed = await runBuild(1020, 'failed', { inputs });
    assert.equal(failed.outputs['WorkItemAction'], 'created');
    const green = await runBuild(1021, 'green', { inputs });
    assert.equal(green.outputs['WorkItemAction'], 'resolved', green.stdout);
    assert.equal(await state(failed.outputs['WorkItemId']!), 'Resolved');
  });

  it('a pipeline is its definition: one of the same name in another folder never recovers its items; a rename does', async () => {
    // Two pipelines named WebApp-CI in two folders, each with a fingerprint of its own.
    const teamA = {
      variables: { 'System.DefinitionId': '12' },
      inputs: { fingerprint: 'team A {{branch}}' },
    };
    const teamB = {
      variables: { 'System.DefinitionId': '13' },
      inputs: { fingerprint: 'team B {{branch}}' },
    };
    const failed = await runBuild(1040, 'failed', teamA);
    assert.equal(failed.outputs['WorkItemAction'], 'created');
    const otherFolder = await runBuild(1041, 'green', teamB);
    assert.equal(otherFolder.outputs['WorkItemAction'], 'none', otherFolder.stdout);
    assert.equal(await state(failed.outputs['WorkItemId']!), 'New');
    const renamed = await runBuild(1042, 'green', {
      ...teamA,
      variables: { ...teamA.variables, 'Build.DefinitionName': 'WebApp CI (renamed)' },
    });
    assert.equal(renamed.outputs['WorkItemAction'], 'resolved', renamed.stdout);
    assert.equal(await state(failed.outputs['WorkItemId']!), 'Resolved');
  });

  it('a green run of another branch leaves the item open, whatever the fingerprint', async () => {
    const inputs = { fingerprint: '{{failedStep}}' };
    const failed = await runBuild(1030, 'failed', { inputs });
    const green = await runBuild(1031, 'green', {
      inputs,
      variables: { 'Build.SourceBranch': 'refs/heads/release/2.0' },
    });
    assert.equal(green.outputs['WorkItemAction'], 'none');
    assert.equal(await state(failed.outputs['WorkItemId']!), 'New');
  });

  it('fields System.Tags adds tags and keeps the lifecycle: recurrence comments, recovery resolves', async () => {
    const inputs = { fields: 'System.Tags=team-web; {{branch}}' };
    const first = await runBuild(1040, 'failed', { inputs });
    const [item] = await session.items(1, first);
    const tags = String(item!.fields['System.Tags']).split('; ');
    assert.deepEqual(
      tags.filter((tag) => !tag.startsWith('pwi:')),
      ['main', 'pipeline-failure', 'team-web'],
    );
    assert.equal(
      tags.filter((tag) => /^pwi:([0-9a-f]{12}|scope-[0-9a-f]{12})$/.test(tag)).length,
      2,
      tags.join('; '),
    );
    const again = await runBuild(1041, 'failed', { inputs });
    assert.equal(again.outputs['WorkItemAction'], 'commented');
    assert.equal(again.outputs['WorkItemId'], String(item!.id));
    assert.ok((await comments(item!.id)).some((text) => /occurrence 2/.test(text)));
    const green = await runBuild(1042, 'green', { inputs });
    assert.equal(green.outputs['WorkItemAction'], 'resolved');
    assert.equal(await state(item!.id), 'Resolved');
    await session.items(1, green);
  });

  it('a tag a placeholder value spells after a comma is never of the task’s form: main’s failures stay its own', async () => {
    // The service splits System.Tags at commas too: an error spelling main's fingerprint tag after one.
    const inputs = { fields: 'System.Tags={{firstError}}' };
    const mainTag = 'pwi:9d3027273b35';
    await session.emulator.seedBuild(failedYamlRun(1043, [`flaky,${mainTag}`]));
    const feature = await session.run({
      variables: buildVariables(1043, {
        'Agent.JobStatus': 'Failed',
        'Build.SourceBranch': 'refs/heads/feature/x',
        'Build.SourceBranchName': 'x',
      }),
      inputs,
    });
    assert.equal(feature.outputs['WorkItemAction'], 'created', feature.stdout);
    const [planted] = await session.items(1, feature);
    assert.ok(
      !String(planted!.fields['System.Tags']).includes(mainTag),
      String(planted!.fields['System.Tags']),
    );
    const main = await runBuild(1044, 'failed');
    assert.equal(main.outputs['WorkItemAction'], 'created', main.stdout);
    assert.notEqual(main.outputs['WorkItemId'], String(planted!.id));
  });

  describe('inputs that would undo the lifecycle fail before any request', () => {
    const cases: [name: string, inputs: Record<string, string>, message: RegExp][] = [
      [
        'System.History in fields',
        { fields: 'System.History=<p>hi</p>' },
        /cannot set System\.History: the task sets it/,
      ],
      [
        'System.State in JSON fields, any case',
        { fields: '{"system.STATE": "Closed"}' },
        /cannot set System\.State/,
      ],
      ['System.WorkItemType', { fields: 'System.WorkItemType=Task' }, /use the 'workItemType' input instead/],
      [
        'fields JSON nested 20,000 deep',
        { fields: `{"Custom.A": ${'['.repeat(19_999)}${']'.repeat(19_999)}}` },
        /Input 'fields' nests JSON 20000 levels deep; it may nest at most 10/,
      ],
      [
        'fields longer than 100,000 characters',
        { fields: `Custom.A=${'x'.repeat(100_000)}` },
        /Input 'fields' has 100009 characters; it may have at most 100000\./,
      ],
      [
        '4,000 fields',
        { fields: Array.from({ length: 4000 }, (_, i) => `Custom.F${i}=x`).join('\n') },
        /Input 'fields' sets 4000 fields; it may set at most 100\./,
      ],
      [
        'a placeholder in a style attribute of the description',
        { description: '<p style="background: url({{branch}})">Broken</p>' },
        /the placeholder \{\{branch\}\} stands in the attribute 'style' of <p>/,
      ],
    ];
    for (const [name, inputs, message] of cases) {
      it(name, async () => {
        await session.emulator.clearRequests();
        const run = await session.run({ variables: buildVariables(1050), inputs });
        assert.equal(run.result, 'Failed');
        assert.match(run.resultMessage, message);
        assert.doesNotMatch(run.stdout + run.stderr, /Maximum call stack|unexpected/i);
        assert.deepEqual(await session.emulator.requests(), [], 'no request at all');
      });
    }
  });

  it('several fields the type does not have cost one retry and one warning naming them all', async () => {
    await session.emulator.clearRequests();
    const unknown = ['Custom.Alpha', 'Custom.Beta', 'Custom.Gamma', 'Custom.Delta'];
    const run = await runBuild(1060, 'failed', {
      inputs: {
        fields: [...unknown.map((f) => `${f}=x`), 'Microsoft.VSTS.Common.ValueArea=Business'].join('\n'),
      },
    });
    assert.equal(run.outputs['WorkItemAction'], 'created');
    const [item] = await session.items(1, run);
    assert.equal(item!.fields['Microsoft.VSTS.Common.ValueArea'], 'Business');
    assert.equal(await creates(), 2, 'the first create and one retry');
    const dropped = run.warnings.filter((warning) => warning.includes('TF51535'));
    assert.equal(dropped.length, 1, run.warnings.join('\n'));
    assert.match(dropped[0]!, new RegExp(`does not have: ${unknown.join(', ').replace(/\./g, '\\.')}\\.$`));
  });

  describe('@requestor assigns by unique name alone', () => {
    it('whatever display name the pusher chose', async () => {
      await session.emulator.clearRequests();
      const run = await runBuild(1070, 'failed', {
        inputs: { assignTo: '@requestor' },
        variables: {
          'Build.RequestedFor': 'Mallory <sam@fabrikam.example>',
          'Build.RequestedForEmail': 'alex@fabrikam.example',
        },
      });
      const [item] = await session.items(1, run);
      assert.equal(
        (item!.fields['System.AssignedTo'] as { uniqueName: string }).uniqueName,
        'alex@fabrikam.example',
      );
      const create = (await session.emulator.requests()).find(
        (r) => r.method === 'POST' && r.path.endsWith('/$Bug'),
      );
      const sent = (create?.body as { path: string; value: unknown }[]).find(
        (op) => op.path === '/fields/System.AssignedTo',
      );
      assert.equal(sent?.value, 'alex@fabrikam.example');
    });

    it('leaves the item unassigned, with a warning, when the unique name is not one plain name', async () => {
      const run = await runBuild(1071, 'failed', {
        inputs: { assignTo: '@requestor' },
        variables: { 'Build.RequestedForEmail': 'sam@fabrikam.example> <alex@fabrikam.example' },
      });
      const [item] = await session.items(1, run);
      assert.equal(item!.fields['System.AssignedTo'], undefined);
      assert.equal(run.outputs['WorkItemAction'], 'created');
      assert.ok(
        run.warnings.some((w) => w.includes('is not one plain unique name; the item is left unassigned')),
        run.warnings.join('\n'),
      );
    });
  });
});
