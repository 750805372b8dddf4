import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { INPUT_NAMES, readSettings } from '../../tasks/PipelineWorkItem/src/inputs/settings';
import { renderTemplate } from '../../tasks/PipelineWorkItem/src/text/templates';
import { inputs, problemsOf } from './fixtures';
import { repoRoot } from '../helpers/repo';

interface TaskInput {
  name: string;
  defaultValue?: string;
  type: string;
  options?: Record<string, string>;
}
const taskJson = JSON.parse(
  fs.readFileSync(path.join(repoRoot(), 'tasks/PipelineWorkItem/task.json'), 'utf8'),
) as { inputs: TaskInput[] };

describe('settings', () => {
  it('reads exactly the inputs task.json declares', () => {
    assert.deepEqual([...INPUT_NAMES].sort(), taskJson.inputs.map((input) => input.name).sort());
  });

  it('declares every pickList option the settings accept', () => {
    const options = (name: string): string[] =>
      Object.keys(taskJson.inputs.find((i) => i.name === name)?.options ?? {});
    assert.deepEqual(options('createOn'), ['failure', 'failureOrIssues', 'success', 'always']);
    assert.deepEqual(options('onRecurrence'), ['comment', 'new', 'skip']);
  });

  it('gives the defaults of task.json when the agent passes them', () => {
    const defaults = Object.fromEntries(
      taskJson.inputs.map((input) => [input.name, input.defaultValue ?? '']),
    );
    assert.deepEqual(readSettings(inputs(defaults)), readSettings(inputs({})));
  });

  it('defaults to filing a Bug on failure, with details, the run linked and the pipeline-failure tag', () => {
    const settings = readSettings(inputs());
    assert.equal(settings.workItemType, 'Bug');
    assert.equal(settings.createOn, 'failure');
    assert.equal(settings.includeDetails, true);
    assert.equal(settings.logLines, 30);
    assert.equal(settings.linkBuild, true);
    assert.equal(settings.onRecurrence, 'comment');
    assert.equal(settings.resolveOnRecovery, true);
    assert.equal(settings.dryRun, false);
    assert.equal(settings.failTaskOnError, false);
    assert.deepEqual(settings.tags, ['pipeline-failure']);
    assert.deepEqual(settings.iterationPath, { kind: 'default' });
    assert.deepEqual(settings.assignTo, { kind: 'none' });
  });

  it('rejects a boolean typo instead of reading it as false', () => {
    assert.deepEqual(problemsOf({ dryRun: 'ture' }), ["Input 'dryRun' must be true or false, not 'ture'."]);
  });

  it('accepts pickList values in any case and rejects others naming the options', () => {
    assert.equal(readSettings(inputs({ createOn: 'FailureOrIssues' })).createOn, 'failureOrIssues');
    assert.deepEqual(problemsOf({ createOn: 'failed' }), [
      "Input 'createOn' must be one of failure, failureOrIssues, success, always, not 'failed'.",
    ]);
  });

  it('rejects a non-numeric parent id and an out-of-range priority', () => {
    const problems = problemsOf({ parentId: '#12', priority: '5' });
    assert.deepEqual(problems, [
      "Input 'priority' must be a priority from 1 (highest) to 4, not '5'.",
      "Input 'parentId' must be the numeric id of the parent work item, e.g. 1234, not '#12'.",
    ]);
  });

  it('names the unknown placeholder and lists the valid ones', () => {
    const [problem] = problemsOf({ title: 'Broken: {{pipline}}' });
    assert.match(
      problem ?? '',
      /^Input 'title' uses the unknown placeholder \{\{pipline\}\}\. Valid placeholders: \{\{pipeline\}\}, \{\{runName\}\}/,
    );
  });

  it('reports every problem at once', () => {
    assert.equal(
      problemsOf({ title: '{{x}}', fingerprint: '{{y}}', logLines: '-1', linkBuild: 'yes' }).length,
      4,
    );
  });

  it('reads fields as lines or as one JSON object, with templates in values', () => {
    const lines = readSettings(
      inputs({ fields: 'Custom.Team = Web\n# a comment\n\nCustom.Run={{runName}}' }),
    );
    assert.deepEqual(
      lines.fields.map((f) => [f.reference, f.value.source]),
      [
        ['Custom.Team', 'Web'],
        ['Custom.Run', '{{runName}}'],
      ],
    );
    const json = readSettings(
      inputs({ fields: '{"Microsoft.VSTS.Scheduling.Effort": 3, "Custom.Flag": true}' }),
    );
    assert.deepEqual(
      json.fields.map((f) => [f.reference, f.value.source]),
      [
        ['Microsoft.VSTS.Scheduling.Effort', '3'],
        ['Custom.Flag', 'true'],
      ],
    );
  });

  it('explains a malformed fields input', () => {
    assert.match(
      problemsOf({ fields: 'Custom.Team: Web' })[0] ?? '',
      /^Input 'fields' line 1 \('Custom.Team: Web'\) has no 'Reference.Name='/,
    );
    assert.match(problemsOf({ fields: '{"Custom.Team": ' })[0] ?? '', /^Input 'fields' is not valid JSON/);
    assert.match(
      problemsOf({ fields: 'Team=Web' })[0] ?? '',
      /^Input 'fields' line 1: 'Team' is not a field reference name/,
    );
    assert.match(
      problemsOf({ fields: '{"Custom.A": {"b": 1}}' })[0] ?? '',
      /the value of Custom.A must be a string, number or boolean/,
    );
    assert.match(problemsOf({ fields: 'Custom.A=1\ncustom.a=2' })[0] ?? '', /sets custom.a twice/);
  });

  it('understands @currentIteration with and without a team', () => {
    assert.deepEqual(readSettings(inputs({ iterationPath: '@currentIteration' })).iterationPath, {
      kind: 'current',
      team: undefined,
    });
    assert.deepEqual(readSettings(inputs({ iterationPath: 'Web Team@CurrentIteration' })).iterationPath, {
      kind: 'current',
      team: 'Web Team',
    });
    assert.deepEqual(readSettings(inputs({ iterationPath: 'WebApp\\Sprint 2' })).iterationPath, {
      kind: 'path',
      path: 'WebApp\\Sprint 2',
    });
  });

  it('splits tags on ; and drops empty and repeated ones', () => {
    assert.deepEqual(readSettings(inputs({ tags: 'ci; nightly;;CI ; flaky' })).tags, [
      'ci',
      'nightly',
      'flaky',
    ]);
  });

  it('keeps the description multi-line and renders its placeholders', () => {
    const settings = readSettings(inputs({ description: '  Run {{runName}}\nfailed.\n\n' }));
    const values = { runName: '42' } as Parameters<typeof renderTemplate>[1];
    assert.equal(renderTemplate(settings.description!, values), '  Run 42\nfailed.');
  });
});
