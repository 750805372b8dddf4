import * as assert from 'node:assert/strict';
import type { RunContext } from '../../tasks/PipelineWorkItem/src/facts/context';
import { NO_EVIDENCE, NO_FACTS } from '../../tasks/PipelineWorkItem/src/facts/model';
import { runView } from '../../tasks/PipelineWorkItem/src/facts/values';
import { InputName, readSettings } from '../../tasks/PipelineWorkItem/src/inputs/settings';
import {
  Tracking,
  optionalFields,
  Relation,
  Destination,
  workItemDraft,
} from '../../tasks/PipelineWorkItem/src/workItem/draft';
import { htmlFieldTest } from '../../tasks/PipelineWorkItem/src/workItem/draft';
import { patchOf } from '../../tasks/PipelineWorkItem/src/workItem/patch';
import { plannedChange, WorkItemTypeInfo } from '../../tasks/PipelineWorkItem/src/workItem/workItemType';
import { inputs, RELEASE_VARIABLES, runContext, YAML_VARIABLES } from './fixtures';

const BUG: WorkItemTypeInfo = {
  name: 'Bug',
  fields: ['System.Title', 'System.Tags', 'Microsoft.VSTS.TCM.ReproSteps', 'Microsoft.VSTS.Common.Priority'],
  states: [],
};
// A custom type with neither a body field nor Priority.
const NOTE: WorkItemTypeInfo = { name: 'Note', fields: ['System.Title', 'System.Tags'], states: [] };

const TRACKING: Tracking = {
  tags: ['pwi:0123456789ab', 'pwi:scope-0123456789ab'],
  history: '<p>Filed</p>',
  attachments: [],
};
const RUN_URL = 'https://dev.azure.com/fabrikam/WebApp/_build/results?buildId=812';

function draftFor(
  values: Partial<Record<InputName, string>>,
  options: {
    destination?: Partial<Destination>;
    context?: RunContext;
    workItems?: number[];
    tracking?: Tracking;
  } = {},
) {
  const context = options.context ?? runContext();
  const destination: Destination = {
    type: BUG,
    collectionUri: 'https://dev.azure.com/fabrikam/',
    iterationPath: undefined,
    secrets: [],
    ...options.destination,
  };
  const evidence = { ...NO_EVIDENCE, workItems: options.workItems ?? [] };
  return workItemDraft(
    readSettings(inputs(values)),
    runView(context, NO_FACTS, 'failed', evidence),
    destination,
    options.tracking ?? TRACKING,
  );
}

const fieldsOf = (draft: { fields: readonly (readonly [string, string | number])[] }) =>
  draft.fields.map(([reference]) => reference);
const relationsOf = (relations: readonly Relation[]) => relations.map((r) => [r.rel, r.url, r.attributes]);

describe('work item draft at its edges', () => {
  describe('fields', () => {
    it('sets no body field when there is neither description nor details', () => {
      const { draft, warnings } = draftFor({ includeDetails: 'false' });
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

describe('JSON Patch and states at their edges', () => {
  it('sets only the fields when there are no relations', () => {
    assert.deepEqual(patchOf([['System.State', 'Resolved']]), [
      { op: 'add', path: '/fields/System.State', value: 'Resolved' },
    ]);
  });

  it('closes in the Resolved state when the type has no Completed one, and finds none without either', () => {
    const resolvedOnly: WorkItemTypeInfo = {
      name: 'Bug',
      fields: [],
      states: [
        { name: 'Active', category: 'InProgress' },
        { name: 'Fixed', category: 'Resolved' },
      ],
    };
    assert.deepEqual(plannedChange(resolvedOnly, 'Active', 'duplicate', ['Duplicate']), {
      state: 'Fixed',
      reason: 'Duplicate',
    });
    assert.deepEqual(plannedChange(resolvedOnly, 'Active', 'resolve', []), { state: 'Fixed' });
    const openOnly = { ...resolvedOnly, states: [{ name: 'Active', category: 'InProgress' as const }] };
    assert.equal(plannedChange(openOnly, 'Active', 'duplicate', ['Duplicate']), undefined);
    assert.equal(plannedChange(openOnly, 'Active', 'resolve', ['Fixed']), undefined);
  });
});
