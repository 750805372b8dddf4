import * as assert from 'node:assert/strict';
import {
  chooseWorkItemType,
  creationRefusal,
  isOpenState,
  plannedChange,
  StateChange,
  StateChangePurpose,
  WorkItemTypeInfo,
} from '../../tasks/PipelineWorkItem/src/workItem/workItemType';
import { SCRUM_BUG } from './fixtures';

const AGILE_BUG: WorkItemTypeInfo = {
  name: 'Bug',
  fields: [],
  states: [
    { name: 'New', category: 'Proposed' },
    { name: 'Active', category: 'InProgress' },
    { name: 'Resolved', category: 'Resolved' },
    { name: 'Closed', category: 'Completed' },
  ],
};

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

  it('names the variable the run lacks when the type is a $(…) macro the agent left as written', () => {
    assert.deepEqual(chooseWorkItemType('$(Item.Type)', types, 'Starter'), {
      problem:
        "Input 'workItemType': project 'Starter' has no work item type '$(Item.Type)'. Its types are: Epic, Issue, Task. $(Item.Type) is a macro the agent leaves as written when the run has no variable Item.Type: define that variable, or correct its name.",
    });
  });
});

describe('a type that takes no new item', () => {
  const types: WorkItemTypeInfo[] = [
    { name: 'Task', fields: [], states: [] },
    { name: 'Bug', fields: [], states: [], disabled: true },
    { name: 'Epic', fields: [], states: [] },
  ];

  it('a disabled type: names workItemType, the fix and the enabled types in order', () => {
    assert.equal(
      creationRefusal(types[1], types, 'WebApp'),
      "Input 'workItemType': the 'Bug' work item type is disabled in project 'WebApp', and Azure Boards files no new item of a disabled type. Enable it (Organization settings, or Collection settings on Azure DevOps Server, > Boards > Process > the project's process > Work item types: Enable in the type's menu), or set 'workItemType' to a type that is enabled. The project's enabled types are: Epic, Task.",
    );
  });

  it('without the project’s list: the same sentence without the types', () => {
    assert.match(creationRefusal(types[1], [], 'WebApp') ?? '', /to a type that is enabled\.$/);
  });

  it('an enabled type takes new items', () => {
    assert.equal(creationRefusal(types[0], types, 'WebApp'), undefined);
  });
});

describe('state changes along the workflow', () => {
  const AGILE_REASONS = ['New', 'Fixed', 'As Designed', 'Duplicate', 'Verified'];
  const SCRUM_REASONS = ['New backlog item', 'Work finished', 'Removed from the backlog'];
  // CMMI on an XML process: a Proposed bug must be made Active before it can be resolved.
  const CMMI_BUG: WorkItemTypeInfo = {
    name: 'Bug',
    fields: [],
    states: [
      { name: 'Proposed', category: 'Proposed' },
      { name: 'Active', category: 'InProgress' },
      { name: 'Resolved', category: 'Resolved' },
      { name: 'Closed', category: 'Completed' },
    ],
    transitions: {
      '': ['Proposed'],
      Proposed: ['Active', 'Closed'],
      Active: ['Proposed', 'Resolved'],
      Resolved: ['Active', 'Closed'],
      Closed: ['Active'],
    },
  };
  const BASIC_ISSUE: WorkItemTypeInfo = {
    name: 'Issue',
    fields: [],
    states: [
      { name: 'To Do', category: 'Proposed' },
      { name: 'Doing', category: 'InProgress' },
      { name: 'Done', category: 'Completed' },
    ],
  };
  const table: [string, WorkItemTypeInfo, string, StateChangePurpose, string[], StateChange | undefined][] = [
    [
      'Agile: recovery resolves as Fixed',
      AGILE_BUG,
      'New',
      'resolve',
      AGILE_REASONS,
      { state: 'Resolved', reason: 'Fixed' },
    ],
    [
      'Agile: a duplicate closes as Duplicate',
      AGILE_BUG,
      'Active',
      'duplicate',
      AGILE_REASONS,
      { state: 'Closed', reason: 'Duplicate' },
    ],
    [
      'Scrum: recovery is finished work',
      SCRUM_BUG,
      'Committed',
      'resolve',
      SCRUM_REASONS,
      { state: 'Done', reason: 'Work finished' },
    ],
    [
      'Scrum: a duplicate is removed, not done',
      SCRUM_BUG,
      'New',
      'duplicate',
      SCRUM_REASONS,
      { state: "Won't fix", reason: 'Removed from the backlog' },
    ],
    [
      'Basic: no Removed state, a duplicate is done',
      BASIC_ISSUE,
      'To Do',
      'duplicate',
      [],
      { state: 'Done' },
    ],
    [
      'reasons match in any case, spelled as the type does',
      AGILE_BUG,
      'New',
      'resolve',
      ['fixed'],
      { state: 'Resolved', reason: 'fixed' },
    ],
    [
      'XML: Active → Resolved is declared',
      CMMI_BUG,
      'Active',
      'resolve',
      ['Fixed'],
      { state: 'Resolved', reason: 'Fixed' },
    ],
    [
      'XML: Proposed has no transition to Resolved: nothing is closed instead',
      CMMI_BUG,
      'proposed',
      'resolve',
      ['Fixed'],
      undefined,
    ],
    [
      'XML: a Proposed duplicate closes as Duplicate',
      CMMI_BUG,
      'Proposed',
      'duplicate',
      ['Fixed', 'Duplicate'],
      { state: 'Closed', reason: 'Duplicate' },
    ],
    [
      'XML: a state the workflow does not list has no transition',
      CMMI_BUG,
      'Gone',
      'resolve',
      ['Fixed'],
      undefined,
    ],
    [
      "Scrum: recovery into the process's own Resolved state, with the reason generated for it",
      { ...SCRUM_BUG, states: [...SCRUM_BUG.states, { name: 'Ready for Test', category: 'Resolved' }] },
      'Committed',
      'resolve',
      [...SCRUM_REASONS, 'Moved to state Ready for Test', 'Moved out of state Ready for Test'],
      { state: 'Ready for Test', reason: 'Moved to state Ready for Test' },
    ],
    [
      "out of the process's own state into one of the system's, with the reason generated for it",
      { ...AGILE_BUG, states: [{ name: 'Triaged', category: 'Proposed' }, ...AGILE_BUG.states] },
      'Triaged',
      'resolve',
      [...AGILE_REASONS, 'Moved to state Triaged', 'Moved out of state Triaged'],
      { state: 'Resolved', reason: 'Moved out of state Triaged' },
    ],
    [
      'XML: an Active duplicate, Closed not declared from Active: resolved as Duplicate instead',
      CMMI_BUG,
      'Active',
      'duplicate',
      ['Fixed', 'Duplicate'],
      { state: 'Resolved', reason: 'Duplicate' },
    ],
    [
      'a declared workflow with no way to Removed: a duplicate that cannot be called one is not done instead',
      { ...SCRUM_BUG, transitions: { New: ['Committed', 'Done'] } },
      'New',
      'duplicate',
      SCRUM_REASONS,
      undefined,
    ],
    [
      'Basic: a duplicate done for want of a Removed state takes no removal reason',
      BASIC_ISSUE,
      'To Do',
      'duplicate',
      ['Removed from the backlog'],
      { state: 'Done' },
    ],
    [
      'Scrum: a duplicate removed with the only removal reason the type has',
      SCRUM_BUG,
      'New',
      'duplicate',
      ['Removed'],
      { state: "Won't fix", reason: 'Removed' },
    ],
    ...['Resolved', 'Work finished', 'Completed'].map(
      (reason): [string, WorkItemTypeInfo, string, StateChangePurpose, string[], StateChange] => [
        `recovery with ${reason} as the only fitting reason`,
        AGILE_BUG,
        'New',
        'resolve',
        ['New', reason],
        { state: 'Resolved', reason },
      ],
    ),
    [
      'recovery takes the best fitting reason, whatever the order the type lists them in',
      AGILE_BUG,
      'New',
      'resolve',
      ['Completed', 'Work finished', 'Resolved', 'Fixed'],
      { state: 'Resolved', reason: 'Fixed' },
    ],
    [
      'a restricted workflow without a way out',
      { ...CMMI_BUG, transitions: { Proposed: ['Active'] } },
      'Proposed',
      'resolve',
      ['Fixed'],
      undefined,
    ],
  ];
  for (const [name, type, from, purpose, reasons, expected] of table) {
    it(name, () => assert.deepEqual(plannedChange(type, from, purpose, reasons), expected));
  }
});

describe('states at their edges', () => {
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

  it('counts only the Proposed and InProgress categories as open, in any case', () => {
    assert.equal(isOpenState(SCRUM_BUG, 'approved'), true);
    assert.equal(isOpenState(SCRUM_BUG, 'Committed'), true);
    assert.equal(isOpenState(SCRUM_BUG, 'Done'), false);
    assert.equal(isOpenState(SCRUM_BUG, "Won't fix"), false);
    assert.equal(isOpenState(SCRUM_BUG, 'Gone'), false);
  });
});
