import * as assert from 'node:assert/strict';
import { Tracking, Destination, workItemDraft } from '../../tasks/PipelineWorkItem/src/workItem/draft';
import { NO_FACTS } from '../../tasks/PipelineWorkItem/src/facts/model';
import { patchOf } from '../../tasks/PipelineWorkItem/src/workItem/patch';
import { InputName, readSettings } from '../../tasks/PipelineWorkItem/src/inputs/settings';
import { runView } from '../../tasks/PipelineWorkItem/src/facts/values';
import { chooseWorkItemType } from '../../tasks/PipelineWorkItem/src/workItem/workItemType';
import { inputs, RELEASE_VARIABLES, runContext, YAML_VARIABLES } from './fixtures';

const BUG = {
  name: 'Bug',
  fields: [
    'System.Title',
    'System.AreaPath',
    'System.IterationPath',
    'System.AssignedTo',
    'System.Tags',
    'Microsoft.VSTS.TCM.ReproSteps',
    'Microsoft.VSTS.Common.Priority',
    'Microsoft.VSTS.Common.Severity',
    'Microsoft.VSTS.Build.FoundIn',
  ],
  states: [],
};
const TASK = {
  name: 'Task',
  fields: ['System.Title', 'System.Description', 'System.Tags', 'Microsoft.VSTS.Common.Priority'],
  states: [],
};

const TRACKING: Tracking = {
  tags: ['pwi:0123456789ab', 'pwi:scope-0123456789ab'],
  history: '<p>Filed</p>',
  attachments: [],
};

function draftFor(
  values: Partial<Record<InputName, string>>,
  destination: Partial<Destination> = {},
  variables = YAML_VARIABLES,
) {
  const context = runContext(variables);
  const settings = readSettings(inputs(values));
  const full: Destination = {
    type: BUG,
    collectionUri: 'https://dev.azure.com/fabrikam/',
    iterationPath: undefined,
    secrets: [],
    ...destination,
  };
  return workItemDraft(settings, runView(context, NO_FACTS, 'failed'), full, TRACKING);
}

describe('work item draft and JSON Patch', () => {
  it('puts every field and relation of a Bug into one patch, in a stable order', () => {
    const { draft, warnings } = draftFor(
      {
        areaPath: 'WebApp\\Frontend',
        assignTo: '@requestor',
        priority: '1',
        severity: '2 - High',
        tags: 'pipeline-failure; nightly',
        fields: 'Custom.Run={{runName}}',
        parentId: '17',
        includeDetails: 'false',
        description: 'Failed.',
      },
      { iterationPath: 'WebApp\\Sprint 2' },
    );
    assert.deepEqual(warnings, []);
    assert.deepEqual(patchOf(draft.fields, draft.relations), [
      { op: 'add', path: '/fields/System.Title', value: 'WebApp-CI failed on main' },
      { op: 'add', path: '/fields/Microsoft.VSTS.TCM.ReproSteps', value: '<p>Failed.</p>' },
      { op: 'add', path: '/fields/System.AreaPath', value: 'WebApp\\Frontend' },
      { op: 'add', path: '/fields/System.IterationPath', value: 'WebApp\\Sprint 2' },
      { op: 'add', path: '/fields/System.AssignedTo', value: 'alex@fabrikam.example' },
      { op: 'add', path: '/fields/Microsoft.VSTS.Common.Priority', value: 1 },
      { op: 'add', path: '/fields/Microsoft.VSTS.Common.Severity', value: '2 - High' },
      {
        op: 'add',
        path: '/fields/System.Tags',
        value: 'pipeline-failure; nightly; pwi:0123456789ab; pwi:scope-0123456789ab',
      },
      { op: 'add', path: '/fields/System.History', value: '<p>Filed</p>' },
      { op: 'add', path: '/fields/Microsoft.VSTS.Build.FoundIn', value: '20261129.3' },
      { op: 'add', path: '/fields/Custom.Run', value: '20261129.3' },
      {
        op: 'add',
        path: '/relations/-',
        value: { rel: 'ArtifactLink', url: 'vstfs:///Build/Build/812', attributes: { name: 'Build' } },
      },
      {
        op: 'add',
        path: '/relations/-',
        value: {
          rel: 'Hyperlink',
          url: 'https://dev.azure.com/fabrikam/WebApp/_build/results?buildId=812',
          attributes: { comment: 'Pipeline run 20261129.3' },
        },
      },
      {
        op: 'add',
        path: '/relations/-',
        value: {
          rel: 'System.LinkTypes.Hierarchy-Reverse',
          url: 'https://dev.azure.com/fabrikam/_apis/wit/workItems/17',
          attributes: {},
        },
      },
    ]);
  });

  it('puts the body in System.Description and skips Bug-only fields for a Task, with warnings', () => {
    const { draft, warnings } = draftFor(
      { severity: '1 - Critical', description: 'x', includeDetails: 'false' },
      { type: TASK },
    );
    const fields = Object.fromEntries(draft.fields);
    assert.equal(fields['System.Description'], '<p>x</p>');
    assert.equal(fields['Microsoft.VSTS.TCM.ReproSteps'], undefined);
    assert.equal(fields['Microsoft.VSTS.Build.FoundIn'], undefined);
    assert.equal(fields['Microsoft.VSTS.Common.Severity'], undefined);
    assert.deepEqual(warnings, [
      "Work item type 'Task' has no Microsoft.VSTS.Common.Severity field; input 'severity' is ignored.",
    ]);
  });

  it('links nothing of the run when linkBuild is false', () => {
    const { draft } = draftFor({ linkBuild: 'false' });
    assert.deepEqual(draft.relations, []);
    assert.equal(Object.fromEntries(draft.fields)['Microsoft.VSTS.Build.FoundIn'], undefined);
  });

  it('does not link a build of another organization when tracking through a connection', () => {
    const { draft } = draftFor({}, { collectionUri: 'https://dev.azure.com/contoso/' });
    assert.deepEqual(
      draft.relations.map((r) => r.rel),
      ['Hyperlink'],
    );
  });

  it('links the release page in a release', () => {
    const { draft } = draftFor({}, {}, RELEASE_VARIABLES);
    assert.deepEqual(
      draft.relations.map((r) => [r.rel, r.url]),
      [
        ['ArtifactLink', 'vstfs:///Build/Build/812'],
        ['Hyperlink', 'https://dev.azure.com/fabrikam/WebApp/_release?releaseId=57'],
      ],
    );
  });

  it('leaves the item unassigned, with a warning, when @requestor is a service identity', () => {
    const scheduled = {
      ...YAML_VARIABLES,
      'Build.RequestedFor': 'Microsoft.VisualStudio.Services.TFS',
      'Build.RequestedForEmail': '',
    };
    const { draft, warnings } = draftFor({ assignTo: '@requestor' }, {}, scheduled);
    assert.equal(Object.fromEntries(draft.fields)['System.AssignedTo'], undefined);
    assert.deepEqual(warnings, [
      "Input 'assignTo' is @requestor, but the run was triggered by 'Microsoft.VisualStudio.Services.TFS' (no email: a service identity); the item is left unassigned.",
    ]);
  });

  it("adds the tags of fields System.Tags to the task's, whatever the case of its name; the own tags stay", () => {
    const { draft } = draftFor({ fields: 'system.tags=mine; PWI:0123456789AB;team-{{branch}}' });
    assert.deepEqual(
      draft.fields.filter(([reference]) => reference.toLowerCase() === 'system.tags'),
      [['System.Tags', 'pipeline-failure; mine; team-main; pwi:0123456789ab; pwi:scope-0123456789ab']],
    );
  });

  it("leaves out people's tags of the task's own form, with a warning: they would move the item to another lane", () => {
    const { draft, warnings } = draftFor({
      tags: 'pwi:9d3027273b35; ok',
      fields: 'System.Tags=PWI:pr-0123456789ab;pwi:0123456789ab',
    });
    assert.deepEqual(
      draft.fields.filter(([reference]) => reference === 'System.Tags'),
      [['System.Tags', 'ok; pwi:0123456789ab; pwi:scope-0123456789ab']],
    );
    assert.deepEqual(warnings, [
      "Left out the tags pwi:9d3027273b35; PWI:pr-0123456789ab: tags starting with 'pwi:' are the task's own, by which it finds its items again.",
    ]);
  });

  it('leaves out the tags beyond 100 that placeholders add, keeping the task’s own', () => {
    const many = Array.from({ length: 120 }, (_, i) => `t${i}`);
    const { draft, warnings } = draftFor(
      { fields: 'System.Tags={{branch}}' },
      {},
      {
        ...YAML_VARIABLES,
        'Build.SourceBranch': `refs/heads/${many.join(';')}`,
      },
    );
    const tags = String(Object.fromEntries(draft.fields)['System.Tags']).split('; ');
    assert.equal(tags.length, 100);
    assert.deepEqual(tags.slice(0, 2), ['pipeline-failure', 't0']);
    assert.deepEqual(tags.slice(-2), ['pwi:0123456789ab', 'pwi:scope-0123456789ab']);
    assert.deepEqual(warnings, [
      `The item would carry 123 tags, but a work item holds at most 100; left out: ${many.slice(97).join('; ')}.`,
    ]);
  });

  it('lets the fields input override another field the task sets, whatever the case of its name', () => {
    const { draft } = draftFor({ fields: 'system.title=Mine' });
    assert.deepEqual(
      draft.fields.filter(([reference]) => reference.toLowerCase() === 'system.title'),
      [['System.Title', 'Mine']],
    );
  });

  it('never puts a secret into a field, and leaves values too short to mask alone', () => {
    const { draft } = draftFor(
      { title: 'token s3cr3t-pw {{branch}}', fields: 'Custom.Note=p%26ss s3cr3t-pw' },
      { secrets: ['s3cr3t-pw', 'p&ss', 'main'] },
    );
    const fields = Object.fromEntries(draft.fields);
    assert.equal(fields['System.Title'], 'token *** main');
    assert.equal(fields['Custom.Note'], 'p%26ss ***');
  });

  it('escapes fields values that go into HTML fields, known or read from the project, as text', () => {
    const fields = [
      'Microsoft.VSTS.TCM.SystemInfo=<b>{{branch}}</b>',
      'custom.notes=Line 1 <i>\\n</i>',
      'Custom.Plain=<b>{{branch}}</b>',
    ].join('\n');
    const { draft } = draftFor({ fields }, { htmlFields: ['Custom.Notes'] });
    const values = Object.fromEntries(draft.fields);
    assert.equal(values['Microsoft.VSTS.TCM.SystemInfo'], '&lt;b&gt;main&lt;/b&gt;');
    assert.equal(values['custom.notes'], 'Line 1 &lt;i&gt;\\n&lt;/i&gt;');
    assert.equal(values['Custom.Plain'], '<b>main</b>', 'a plain text field keeps the text as it is');
  });
});

describe('work item type', () => {
  const types = [
    { name: 'Issue', fields: [], states: [] },
    { name: 'Task', fields: [], states: [] },
    { name: 'Epic', fields: [], states: [] },
  ];

  it('falls back from Bug to Issue with a warning (Basic process)', () => {
    const chosen = chooseWorkItemType('Bug', types, 'Starter');
    assert.ok('type' in chosen);
    assert.equal(chosen.type.name, 'Issue');
    assert.match(
      chosen.warning ?? '',
      /has no 'Bug' work item type \(Basic process\); filing an 'Issue' instead/,
    );
  });

  it("uses the project's spelling of the type", () => {
    const chosen = chooseWorkItemType('task', types, 'Starter');
    assert.ok('type' in chosen);
    assert.equal(chosen.type.name, 'Task');
  });

  it('lists the project types when the type does not exist', () => {
    assert.deepEqual(chooseWorkItemType('Story', types, 'Starter'), {
      problem:
        "Input 'workItemType': project 'Starter' has no work item type 'Story'. Its types are: Epic, Issue, Task.",
    });
  });
});
