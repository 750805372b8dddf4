import * as assert from 'node:assert/strict';
import {
  htmlFieldTest,
  optionalFields,
  Relation,
  Tracking,
  workItemDraft,
} from '../../tasks/PipelineWorkItem/src/workItem/draft';
import { NO_FACTS } from '../../tasks/PipelineWorkItem/src/facts/model';
import { runView } from '../../tasks/PipelineWorkItem/src/facts/values';
import { patchOf } from '../../tasks/PipelineWorkItem/src/workItem/patch';
import { readSettings } from '../../tasks/PipelineWorkItem/src/inputs/settings';
import { WorkItemTypeInfo } from '../../tasks/PipelineWorkItem/src/workItem/workItemType';
import {
  inputs,
  RELEASE_VARIABLES,
  runContext,
  YAML_VARIABLES,
  BUG,
  TRACKING,
  draftFor,
  settingsOf,
} from './fixtures';

const TASK = {
  name: 'Task',
  fields: ['System.Title', 'System.Description', 'System.Tags', 'Microsoft.VSTS.Common.Priority'],
  states: [],
};

// A Bug with only the fields every draft may set (no Found In, area, iteration, assignee or severity).
const LEAN_BUG: WorkItemTypeInfo = {
  name: 'Bug',
  fields: ['System.Title', 'System.Tags', 'Microsoft.VSTS.TCM.ReproSteps', 'Microsoft.VSTS.Common.Priority'],
  states: [],
};
// A custom type with neither a body field nor Priority.
const NOTE: WorkItemTypeInfo = { name: 'Note', fields: ['System.Title', 'System.Tags'], states: [] };
const RUN_URL = 'https://dev.azure.com/fabrikam/WebApp/_build/results?buildId=812';

const fieldsOf = (draft: { fields: readonly (readonly [string, string | number])[] }) =>
  draft.fields.map(([reference]) => reference);
const relationsOf = (relations: readonly Relation[]) => relations.map((r) => [r.rel, r.url, r.attributes]);

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
      { destination: { iterationPath: 'WebApp\\Sprint 2' } },
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
      { destination: { type: TASK } },
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

  it('does not link a build of another organization when filing through a connection', () => {
    const { draft } = draftFor({}, { destination: { collectionUri: 'https://dev.azure.com/contoso/' } });
    assert.deepEqual(
      draft.relations.map((r) => r.rel),
      ['Hyperlink'],
    );
  });

  it('links the build and the run’s work items when a connection names the run’s organization by its other host', () => {
    // One organization answers at dev.azure.com/<org>/ and at <org>.visualstudio.com: the connection may spell
    // either, whichever the run's collection URI spells.
    for (const collectionUri of ['https://fabrikam.visualstudio.com/', 'https://DEV.azure.com/Fabrikam']) {
      const { draft } = draftFor(
        { linkWorkItems: 'true' },
        { workItems: [5], destination: { collectionUri } },
      );
      assert.deepEqual(
        draft.relations.map((r) => r.rel),
        ['ArtifactLink', 'Hyperlink', 'System.LinkTypes.Related'],
        collectionUri,
      );
      assert.equal(Object.fromEntries(draft.fields)['Microsoft.VSTS.Build.FoundIn'], '20261129.3');
    }
  });

  it('links the release page in a release', () => {
    const { draft } = draftFor({}, { context: runContext(RELEASE_VARIABLES) });
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
    const { draft, warnings } = draftFor({ assignTo: '@requestor' }, { context: runContext(scheduled) });
    assert.equal(Object.fromEntries(draft.fields)['System.AssignedTo'], undefined);
    assert.deepEqual(warnings, [
      "Input 'assignTo' is @requestor, but the run was triggered by 'Microsoft.VisualStudio.Services.TFS' (no email: a service identity); the item is left unassigned.",
    ]);
  });

  it("adds the tags of fields System.Tags to the task's, whatever the case of its name, no empty one; the own tags stay", () => {
    const { draft } = draftFor({ fields: 'system.tags=mine;; PWI:0123456789AB;team-{{branch}}; ' });
    assert.deepEqual(
      draft.fields.filter(([reference]) => reference.toLowerCase() === 'system.tags'),
      [['System.Tags', 'pipeline-failure; mine; team-main; pwi:0123456789ab; pwi:scope-0123456789ab']],
    );
  });

  it('a System.Title of fields, in any case, is a title: one line, masked, then cut to 255 characters', () => {
    const secret = 'hunter2-token';
    const { draft } = draftFor(
      { fields: `system.title=Run {{runName}}\u202e:\t${secret} ${'y'.repeat(300)}` },
      { destination: { secrets: [secret] } },
    );
    const title = String(draft.fields.find(([reference]) => reference === 'System.Title')?.[1]);
    assert.equal(title.length, 255);
    assert.ok(title.startsWith('Run 20261129.3: *** yyy') && title.endsWith('y…'), title);
  });

  it('a fields value for the field the body goes in replaces it with a warning; System.Description on a Bug does not', () => {
    const onTask = draftFor({ fields: 'System.Description=Runbook' }, { destination: { type: TASK } });
    assert.equal(Object.fromEntries(onTask.draft.fields)['System.Description'], 'Runbook');
    assert.deepEqual(onTask.warnings, [
      "Input 'fields' sets System.Description, the field of the Task that holds the description and the run's details: the item shows only the value of 'fields' there. Put that text in 'description' instead.",
    ]);
    assert.deepEqual(draftFor({ fields: 'System.Description=Runbook' }).warnings, []);
    const nothingReplaced = draftFor(
      { includeDetails: 'false', fields: 'System.Description=Runbook' },
      { destination: { type: TASK } },
    );
    assert.deepEqual(
      nothingReplaced.warnings,
      [],
      'no description and no details: the value replaces nothing',
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

  it('masks a secret in a fields value for an HTML field before its spaces and lines are written as HTML', () => {
    // Two spaces, a tab and a line break become &nbsp; and <br>: what is left would no longer match the secret.
    const secret = 'Sup3r  s3cret\tdeploy\nkey-2026';
    const { draft } = draftFor(
      { fields: JSON.stringify({ 'System.Description': `key: ${secret}` }) },
      { destination: { secrets: [secret] } },
    );
    assert.equal(Object.fromEntries(draft.fields)['System.Description'], 'key: ***');
  });

  it("masks a secret in the description's own text before Markdown and HTML render it", () => {
    // Rendered first, `*ss*` became emphasis and `&` an entity: what was left no longer matched the secrets.
    const [stars, markup] = ['p*ss*word-2026', 'tok<en>&123'];
    const { draft } = draftFor(
      { description: `Deploy key ${stars} and ${markup} done` },
      { destination: { secrets: [stars, markup] } },
    );
    const body = String(Object.fromEntries(draft.fields)['Microsoft.VSTS.TCM.ReproSteps']);
    assert.ok(body.startsWith('<p>Deploy key *** and *** done</p>'), body.slice(0, 200));
  });

  it('masks a secret in a tag before its bidi controls go, and in fields System.Tags before it is split', () => {
    // Without the mark, or cut at the semicolon, what is left of each would no longer match its secret.
    const marked = 'Sup3r\u200es3cret-key';
    const separated = 'P4ss;w0rd-2026';
    const { draft } = draftFor(
      { tags: `key-${marked}`, fields: `System.Tags=db-${separated}` },
      { destination: { secrets: [marked, separated] } },
    );
    assert.equal(
      Object.fromEntries(draft.fields)['System.Tags'],
      'key-***; db-***; pwi:0123456789ab; pwi:scope-0123456789ab',
    );
  });

  it('masks a secret in the tags input before it is split into tags at its separators', () => {
    // Split first, the secret's pieces would each be too unlike it to match, and be filed as tags.
    const secret = 'Tr0ub4dor; 3,horse';
    const { draft } = draftFor({ tags: `nightly; ${secret}; ok` }, { destination: { secrets: [secret] } });
    assert.equal(
      Object.fromEntries(draft.fields)['System.Tags'],
      'nightly; ***; ok; pwi:0123456789ab; pwi:scope-0123456789ab',
    );
  });

  it('reads a comma as a tag separator and leaves out, with a warning, tags Azure Boards refuses', () => {
    const long = 'x'.repeat(401);
    const { draft, warnings } = draftFor({
      tags: `a,b; ${'y'.repeat(400)}; ${long}`,
      fields: 'System.Tags=line\tbreak,c,pwi:fedcba987654',
    });
    assert.deepEqual(
      draft.fields.filter(([reference]) => reference === 'System.Tags'),
      [['System.Tags', `a; b; ${'y'.repeat(400)}; c; pwi:0123456789ab; pwi:scope-0123456789ab`]],
    );
    assert.deepEqual(warnings, [
      "Left out the tags pwi:fedcba987654: tags starting with 'pwi:' are the task's own, by which it finds its items again.",
      `Left out the tags ${long}; line\tbreak: Azure Boards refuses a work item whose tag is longer than 400 characters or holds a control or invisible formatting character.`,
    ]);
  });

  it('counts a tag in UTF-16 code units, as Azure Boards does: 200 emoji fit, one letter more does not', () => {
    const fits = '😀'.repeat(200);
    const over = `${fits}a`;
    const { draft, warnings } = draftFor({ tags: `${fits}; ${over}` });
    assert.deepEqual(
      draft.fields.filter(([reference]) => reference === 'System.Tags'),
      [['System.Tags', `${fits}; pwi:0123456789ab; pwi:scope-0123456789ab`]],
    );
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /^Left out the tags (?:😀)+a: .*longer than 400 characters/u);
  });

  it('leaves out the tags beyond 100 that placeholders add, keeping the task’s own', () => {
    const many = Array.from({ length: 120 }, (_, i) => `t${i}`);
    const { draft, warnings } = draftFor(
      { fields: 'System.Tags={{branch}}' },
      { context: runContext({ ...YAML_VARIABLES, 'Build.SourceBranch': `refs/heads/${many.join(';')}` }) },
    );
    const tags = String(Object.fromEntries(draft.fields)['System.Tags']).split('; ');
    assert.equal(tags.length, 100);
    assert.deepEqual(tags.slice(0, 2), ['pipeline-failure', 't0']);
    assert.deepEqual(tags.slice(-2), ['pwi:0123456789ab', 'pwi:scope-0123456789ab']);
    assert.deepEqual(warnings, [
      `The item would carry 123 tags, but a work item holds at most 100; left out: ${many.slice(97).join('; ')}.`,
    ]);
  });

  it('keeps 98 tags of the tags input with the task’s two, and refuses a 99th before anything is drafted', () => {
    const tags = (count: number): string[] => Array.from({ length: count }, (_, i) => `tag${i}`);
    const fit = draftFor({ tags: tags(98).join(';') });
    assert.equal(String(Object.fromEntries(fit.draft.fields)['System.Tags']).split('; ').length, 100);
    assert.deepEqual(fit.warnings, []);
    assert.throws(
      () => draftFor({ tags: tags(99).join(';') }),
      /Input 'tags' \(with the System.Tags of 'fields'\) has 99 tags; with the task's own 2 a work item would hold more than 100\./,
    );
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
      { destination: { secrets: ['s3cr3t-pw', 'p&ss', 'main'] } },
    );
    const fields = Object.fromEntries(draft.fields);
    assert.equal(fields['System.Title'], 'token *** main');
    assert.equal(fields['Custom.Note'], 'p%26ss ***');
  });

  it('cuts the title to 255 characters only once it is masked: no part of a secret at the cut', () => {
    const secret = 's3cr3t-deploy-key-value';
    const { draft } = draftFor(
      { title: `${'b'.repeat(240)} ${secret} ${'c'.repeat(20)}` },
      { destination: { secrets: [secret] } },
    );
    const title = String(Object.fromEntries(draft.fields)['System.Title']);
    assert.equal(title, `${'b'.repeat(240)} *** ${'c'.repeat(9)}…`);
    assert.equal(title.length, 255);
  });

  it('escapes fields values that go into HTML fields, known or read from the project, as text', () => {
    const fields = [
      'Microsoft.VSTS.TCM.SystemInfo=<b>{{branch}}</b>',
      'custom.notes=Line 1 <i>\\n</i>',
      'Custom.Plain=<b>{{branch}}</b>',
    ].join('\n');
    const { draft } = draftFor(
      { fields },
      { destination: { fieldTypes: { html: ['Custom.Notes'], singleLine: [] } } },
    );
    const values = Object.fromEntries(draft.fields);
    assert.equal(values['Microsoft.VSTS.TCM.SystemInfo'], '&lt;b&gt;main&lt;/b&gt;');
    assert.equal(values['custom.notes'], 'Line 1 &lt;i&gt;\\n&lt;/i&gt;');
    assert.equal(values['Custom.Plain'], '<b>main</b>', 'a plain text field keeps the text as it is');
  });

  it('makes a fields value for a single-line text field one line, as a title is; other fields keep their lines', () => {
    // The JSON form of the input can hold a line break, as can a placeholder's value (`{{firstError}}`).
    const error = 'TypeError: x\n  at  main.js:1';
    const fields = JSON.stringify({ 'Custom.Summary': error, 'Custom.Notes': error });
    const fieldTypes = { html: [], singleLine: ['custom.summary'] };
    const { draft, warnings } = draftFor({ fields }, { destination: { fieldTypes } });
    const values = Object.fromEntries(draft.fields);
    assert.equal(values['Custom.Summary'], 'TypeError: x at main.js:1');
    assert.equal(values['Custom.Notes'], error);
    assert.deepEqual(warnings, []);
    const unread = Object.fromEntries(draftFor({ fields }).draft.fields);
    assert.equal(unread['Custom.Summary'], error, 'types unread: sent as rendered');
  });

  it('cuts a fields value for a single-line text field to 255 characters once masked, with one warning', () => {
    const secret = 's3cr3t-deploy-key-value';
    const fields = `Custom.Summary=${'b'.repeat(240)} ${secret} ${'c'.repeat(20)}\nCustom.Notes=${'d'.repeat(300)}`;
    const { draft, warnings } = draftFor(
      { fields },
      { destination: { secrets: [secret], fieldTypes: { html: [], singleLine: ['Custom.Summary'] } } },
    );
    const values = Object.fromEntries(draft.fields);
    assert.equal(values['Custom.Summary'], `${'b'.repeat(240)} *** ${'c'.repeat(9)}…`);
    assert.equal(values['Custom.Notes'], 'd'.repeat(300), 'a long-text field keeps it whole');
    assert.deepEqual(warnings, [
      "Input 'fields': the value for Custom.Summary is longer than the 255 characters its single-line text field holds, so the item gets its start, cut with …. Shorten the value, or a placeholder in it such as {{firstError}}.",
    ]);
    const full = `Custom.Summary=${'e'.repeat(255)}`;
    const fits = draftFor(
      { fields: full },
      { destination: { fieldTypes: { html: [], singleLine: ['Custom.Summary'] } } },
    );
    assert.equal(
      Object.fromEntries(fits.draft.fields)['Custom.Summary'],
      'e'.repeat(255),
      '255 characters fit',
    );
    assert.deepEqual(fits.warnings, []);
  });

  it('sets only the fields when there are no relations', () => {
    assert.deepEqual(patchOf([['System.State', 'Resolved']]), [
      { op: 'add', path: '/fields/System.State', value: 'Resolved' },
    ]);
  });
});

describe('work item draft at its edges', () => {
  describe('fields', () => {
    it('sets no body field when there is neither description nor details', () => {
      const { draft, warnings } = draftFor({ includeDetails: 'false' }, { destination: { type: LEAN_BUG } });
      assert.deepEqual(fieldsOf(draft), ['System.Title', 'System.Tags', 'System.History']);
      assert.deepEqual(warnings, []);
    });

    it('warns when the type has no field for the body, and for a priority it cannot take', () => {
      const { draft, warnings } = draftFor({ priority: '2' }, { destination: { type: NOTE } });
      assert.deepEqual(fieldsOf(draft), ['System.Title', 'System.Tags', 'System.History']);
      assert.deepEqual(warnings, [
        "Work item type 'Note' has no Repro Steps or Description field; the description and details are left out.",
        "Work item type 'Note' has no Microsoft.VSTS.Common.Priority field; input 'priority' is ignored.",
      ]);
    });

    it('does not warn about the body of a type without body field when there is none', () => {
      assert.deepEqual(draftFor({ includeDetails: 'false' }, { destination: { type: NOTE } }).warnings, []);
    });

    it('sets the priority of a type that has the field, in any case', () => {
      const type = { ...BUG, fields: [...BUG.fields, 'microsoft.vsts.common.priority'] };
      const { draft, warnings } = draftFor({ priority: '4' }, { destination: { type } });
      assert.deepEqual(
        draft.fields.find(([reference]) => reference === 'Microsoft.VSTS.Common.Priority'),
        ['Microsoft.VSTS.Common.Priority', 4],
      );
      assert.deepEqual(warnings, []);
    });

    const assignees: [
      name: string,
      assignTo: string,
      variables: Record<string, string>,
      value: string | undefined,
      warnings: string[],
    ][] = [
      ['nobody when not asked', '', YAML_VARIABLES, undefined, []],
      [
        'the identity as written',
        'Sam Rivera <sam@fabrikam.example>',
        YAML_VARIABLES,
        'Sam Rivera <sam@fabrikam.example>',
        [],
      ],
      ['the requestor by unique name alone', '@requestor', YAML_VARIABLES, 'alex@fabrikam.example', []],
      [
        'the requestor by unique name, whatever display name the pusher chose',
        '@requestor',
        { ...YAML_VARIABLES, 'Build.RequestedFor': 'Mallory <ceo@fabrikam.example>' },
        'alex@fabrikam.example',
        [],
      ],
      [
        'the release requestor by Release.RequestedForEmail',
        '@requestor',
        {
          ...YAML_VARIABLES,
          'System.HostType': 'release',
          'Release.ReleaseId': '57',
          'Release.RequestedFor': 'Dana <ceo@fabrikam.example>',
          'Release.RequestedForEmail': 'dana@fabrikam.example',
        },
        'dana@fabrikam.example',
        [],
      ],
      ...[
        'ceo@fabrikam.example> <dana@fabrikam.example',
        'a@x.example, b@x.example',
        'a@x.example;b',
        'a b@x',
        'a@x\tb',
      ].map((email): [string, string, Record<string, string>, undefined, string[]] => [
        `nobody when the unique name is not one plain name: ${JSON.stringify(email)}`,
        '@requestor',
        { ...YAML_VARIABLES, 'Build.RequestedForEmail': email },
        undefined,
        [
          `Input 'assignTo' is @requestor, but the requester's unique name '${email}' is not one plain unique name; the item is left unassigned.`,
        ],
      ]),
      [
        'nobody when no one triggered the run',
        '@requestor',
        { ...YAML_VARIABLES, 'Build.RequestedFor': '', 'Build.RequestedForEmail': '' },
        undefined,
        ["Input 'assignTo' is @requestor, but the run was triggered by nobody; the item is left unassigned."],
      ],
    ];
    for (const [name, assignTo, variables, value, warnings] of assignees) {
      it(`assigns ${name}`, () => {
        const result = draftFor({ assignTo }, { context: runContext(variables) });
        assert.equal(Object.fromEntries(result.draft.fields)['System.AssignedTo'], value);
        assert.deepEqual(result.warnings, warnings);
      });
    }
  });

  describe('relations', () => {
    const hyperlinks: [name: string, runUrl: string, linked: boolean][] = [
      ['an https run page', RUN_URL, true],
      [
        'an http run page (Azure DevOps Server)',
        'http://tfs.fabrikam.example/tfs/DefaultCollection/WebApp/_build',
        true,
      ],
      ['a run page in capitals', 'HTTPS://DEV.AZURE.COM/x', true],
      ['no web page', 'vstfs:///Build/Build/812', false],
      ['a URL later in the text', 'run at https://dev.azure.com/x', false],
    ];
    for (const [name, runUrl, linked] of hyperlinks) {
      it(`${linked ? 'links' : 'does not link'} ${name}`, () => {
        const { draft } = draftFor({}, { context: { ...runContext(), runUrl } });
        assert.deepEqual(
          draft.relations.filter((r) => r.rel === 'Hyperlink').map((r) => r.url),
          linked ? [runUrl] : [],
        );
      });
    }

    it('links the release page with the release named', () => {
      const { draft } = draftFor({}, { context: runContext(RELEASE_VARIABLES) });
      assert.deepEqual(draft.relations.find((r) => r.rel === 'Hyperlink')?.attributes, {
        comment: 'Release Release-57',
      });
    });

    it("links the run's work items as Related when asked, after the parent", () => {
      const { draft } = draftFor(
        { linkWorkItems: 'true', parentId: '17', linkBuild: 'false' },
        { workItems: [5, 6] },
      );
      assert.deepEqual(relationsOf(draft.relations), [
        ['System.LinkTypes.Hierarchy-Reverse', 'https://dev.azure.com/fabrikam/_apis/wit/workItems/17', {}],
        [
          'System.LinkTypes.Related',
          'https://dev.azure.com/fabrikam/_apis/wit/workItems/5',
          { comment: 'Associated with run 20261129.3' },
        ],
        [
          'System.LinkTypes.Related',
          'https://dev.azure.com/fabrikam/_apis/wit/workItems/6',
          { comment: 'Associated with run 20261129.3' },
        ],
      ]);
    });

    it('says the work items of a release came with its build', () => {
      const { draft } = draftFor(
        { linkWorkItems: 'true', linkBuild: 'false' },
        { context: runContext(RELEASE_VARIABLES), workItems: [5] },
      );
      assert.deepEqual(relationsOf(draft.relations), [
        [
          'System.LinkTypes.Related',
          'https://dev.azure.com/fabrikam/_apis/wit/workItems/5',
          { comment: 'Associated with the build of run Release-57' },
        ],
      ]);
    });

    it('links no work items unless asked, nor those of another organization', () => {
      assert.deepEqual(draftFor({ linkBuild: 'false' }, { workItems: [5] }).draft.relations, []);
      assert.deepEqual(
        draftFor(
          { linkWorkItems: 'true', linkBuild: 'false' },
          { workItems: [5], destination: { collectionUri: 'https://dev.azure.com/contoso/' } },
        ).draft.relations,
        [],
      );
    });

    it('attaches the uploaded files last, each with its comment', () => {
      const tracking: Tracking = {
        ...TRACKING,
        attachments: [
          { url: 'https://dev.azure.com/fabrikam/_apis/wit/attachments/a', comment: 'Log of npm test' },
          { url: 'https://dev.azure.com/fabrikam/_apis/wit/attachments/b', comment: 'screen.png' },
        ],
      };
      const { draft } = draftFor({ linkBuild: 'false' }, { tracking });
      assert.deepEqual(relationsOf(draft.relations), [
        [
          'AttachedFile',
          'https://dev.azure.com/fabrikam/_apis/wit/attachments/a',
          { comment: 'Log of npm test' },
        ],
        ['AttachedFile', 'https://dev.azure.com/fabrikam/_apis/wit/attachments/b', { comment: 'screen.png' }],
      ]);
    });
  });

  it("cuts a link's comment to 255 characters with an ellipsis once masked: a secret at the cut is masked whole", () => {
    const secret = 'Sup3r-s3cret-deploy-key';
    const comment = `Log of ${'s'.repeat(240)} › ${secret} › step`;
    const tracking: Tracking = {
      ...TRACKING,
      attachments: [{ url: 'https://dev.azure.com/fabrikam/_apis/wit/attachments/a', comment }],
    };
    const { draft } = draftFor({ linkBuild: 'false' }, { tracking, destination: { secrets: [secret] } });
    assert.deepEqual(relationsOf(draft.relations), [
      [
        'AttachedFile',
        'https://dev.azure.com/fabrikam/_apis/wit/attachments/a',
        { comment: `Log of ${'s'.repeat(240)} › ***…` },
      ],
    ]);
    const long = {
      ...TRACKING,
      attachments: [{ url: 'https://x.example/a', comment: `${'c'.repeat(300)}` }],
    };
    const [cut] = draftFor({ linkBuild: 'false' }, { tracking: long }).draft.relations;
    assert.equal(cut?.attributes['comment'], `${'c'.repeat(254)}…`);
  });

  it("fields does not replace the title and body of an item of its own: a test's, the flaky-tests item", () => {
    const settings = settingsOf({
      fields: 'System.Title=Mine\nMicrosoft.VSTS.TCM.ReproSteps=Mine too\nCustom.Team=Web',
    });
    const destination = {
      type: BUG,
      collectionUri: 'https://dev.azure.com/fabrikam/',
      iterationPath: undefined,
      secrets: [],
    };
    const view = runView(runContext(), NO_FACTS, 'failed');
    const own = { title: 'T fails in WebApp-CI on main', body: '<p>T</p>', own: true as const };
    const { draft, warnings } = workItemDraft(settings, view, destination, TRACKING, own);
    const fields = new Map(draft.fields);
    assert.equal(fields.get('System.Title'), 'T fails in WebApp-CI on main');
    assert.equal(fields.get('Microsoft.VSTS.TCM.ReproSteps'), '<p>T</p>');
    assert.equal(fields.get('Custom.Team'), 'Web');
    assert.deepEqual(warnings, []);
    const run = workItemDraft(settings, view, destination, TRACKING, { ...own, own: undefined });
    assert.equal(new Map(run.draft.fields).get('System.Title'), 'Mine');
  });

  it('names the fix for each field the item can be filed without, and for the fields input', () => {
    const settings = readSettings(
      inputs({ fields: 'Custom.Team=Web\nSystem.Title=Mine\nsystem.tags=a\nSystem.Description=d' }),
    );
    const paths = 'Project settings › Boards › Project configuration';
    assert.deepEqual(
      [...optionalFields(settings)],
      [
        [
          'System.AssignedTo',
          "Set 'assignTo' to the email (or 'Display Name <email>') of someone in the organization.",
        ],
        ['System.AreaPath', `Set 'areaPath' to an area that exists (${paths} › Areas).`],
        ['System.IterationPath', `Set 'iterationPath' to an iteration that exists (${paths} › Iterations).`],
        ['Microsoft.VSTS.Common.Priority', "Set 'priority' to a value the process allows."],
        ['Microsoft.VSTS.Common.Severity', "Set 'severity' to one of the process's values, e.g. '2 - High'."],
        ['Microsoft.VSTS.Build.FoundIn', ''],
        ['Custom.Team', "Check the value of Custom.Team in 'fields'."],
      ],
    );
  });
});

describe('HTML fields', () => {
  const known = [
    'System.Description',
    'System.History',
    'Microsoft.VSTS.TCM.ReproSteps',
    'Microsoft.VSTS.TCM.SystemInfo',
    'Microsoft.VSTS.Common.AcceptanceCriteria',
    'Microsoft.VSTS.Common.Resolution',
  ];
  for (const field of known) {
    it(`${field} holds HTML, in any case`, () => {
      assert.equal(htmlFieldTest()(field), true);
      assert.equal(htmlFieldTest([])(field.toUpperCase()), true);
    });
  }

  it('a plain field does not, unless the project says so', () => {
    assert.equal(htmlFieldTest()('System.Title'), false);
    assert.equal(htmlFieldTest()('Custom.Notes'), false);
    assert.equal(htmlFieldTest(['Custom.Notes'])('custom.notes'), true);
  });
});
