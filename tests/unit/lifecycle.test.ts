import * as assert from 'node:assert/strict';
import { NO_FACTS, Outcome } from '../../tasks/PipelineWorkItem/src/facts/model';
import { runView } from '../../tasks/PipelineWorkItem/src/facts/values';
import { recurrenceHtml } from '../../tasks/PipelineWorkItem/src/render/notes';
import { readSettings, InputName } from '../../tasks/PipelineWorkItem/src/inputs/settings';
import {
  Action,
  decide,
  Intent,
  intentFor,
  intentFromJobOutcome,
  needsOpenItems,
} from '../../tasks/PipelineWorkItem/src/lifecycle/decision';
import { fingerprintOf } from '../../tasks/PipelineWorkItem/src/lifecycle/fingerprint';
import { markerHtml, readMarkers, runKey } from '../../tasks/PipelineWorkItem/src/lifecycle/marker';
import { openItemsQuery, OpenStatesOf } from '../../tasks/PipelineWorkItem/src/lifecycle/openItems';
import { parseTemplate, Template } from '../../tasks/PipelineWorkItem/src/text/templates';
import {
  isOpenState,
  openStates,
  plannedChange,
  StateChange,
  StateChangePurpose,
  WorkItemTypeInfo,
} from '../../tasks/PipelineWorkItem/src/workItem/workItemType';
import { inputs, RELEASE_VARIABLES, runContext, YAML_VARIABLES } from './fixtures';

const choices = (values: Partial<Record<InputName, string>>) => readSettings(inputs(values));

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
const SCRUM_BUG: WorkItemTypeInfo = {
  name: 'Bug',
  fields: [],
  states: [
    { name: 'New', category: 'Proposed' },
    { name: 'Approved', category: 'Proposed' },
    { name: 'Committed', category: 'InProgress' },
    { name: "Won't fix", category: 'Removed' },
    { name: 'Done', category: 'Completed' },
  ],
};

describe('lifecycle decision', () => {
  const table: [string, Intent, 'comment' | 'new' | 'skip', number[], Action][] = [
    ['a new failure files', 'file', 'comment', [], { kind: 'create' }],
    [
      'a recurrence comments on the oldest open item',
      'file',
      'comment',
      [7, 9],
      { kind: 'comment', item: 7 },
    ],
    ['skip reports the open item', 'file', 'skip', [7], { kind: 'skip', item: 7 }],
    ['new files even with an open item', 'file', 'new', [7], { kind: 'create' }],
    ['a recovery resolves every open item', 'recover', 'comment', [7, 9], { kind: 'resolve', items: [7, 9] }],
    ['a recovery with nothing open does nothing', 'recover', 'comment', [], { kind: 'none' }],
    ['nothing to do stays nothing', 'nothing', 'comment', [7], { kind: 'none' }],
  ];
  for (const [name, intent, onRecurrence, open, action] of table) {
    it(name, () => assert.deepEqual(decide(intent, onRecurrence, open), action));
  }

  it('files for the outcomes createOn names, resolves on other green runs when asked', () => {
    const cases: [Partial<Record<InputName, string>>, Outcome, Intent][] = [
      [{}, 'failed', 'file'],
      [{}, 'succeeded', 'recover'],
      [{}, 'succeededWithIssues', 'recover'],
      [{}, 'canceled', 'nothing'],
      [{ resolveOnRecovery: 'false' }, 'succeeded', 'nothing'],
      [{ createOn: 'failureOrIssues' }, 'succeededWithIssues', 'file'],
      [{ createOn: 'success' }, 'succeeded', 'file'],
      [{ createOn: 'success' }, 'failed', 'nothing'],
      [{ createOn: 'always' }, 'succeeded', 'file'],
    ];
    for (const [values, outcome, intent] of cases) {
      assert.equal(intentFor(choices(values), outcome), intent, `${JSON.stringify(values)} ${outcome}`);
    }
  });

  it("knows the intent from this job's status only when no other job can change it", () => {
    const defaults = choices({});
    assert.equal(intentFromJobOutcome(defaults, 'failed'), 'file');
    assert.equal(intentFromJobOutcome(defaults, 'succeeded'), undefined, 'another job may have failed');
    assert.equal(intentFromJobOutcome(defaults, undefined), undefined);
    assert.equal(intentFromJobOutcome(choices({ createOn: 'always' }), 'succeeded'), undefined);
    assert.equal(intentFromJobOutcome(choices({ createOn: 'success' }), 'failed'), 'nothing');
  });

  it('reads open items only when they change what happens', () => {
    assert.equal(needsOpenItems('file', 'comment'), true);
    assert.equal(needsOpenItems('file', 'skip'), true);
    assert.equal(needsOpenItems('file', 'new'), false);
    assert.equal(needsOpenItems('recover', 'new'), true);
    assert.equal(needsOpenItems('nothing', 'comment'), false);
  });
});

describe('fingerprint and the open-items query', () => {
  const context = runContext();
  const values = { pipeline: 'WebApp-CI', branch: 'main', failedStep: 'Build › npm test' } as never;

  function template(source: string): Template {
    const parsed = parseTemplate('fingerprint', source);
    assert.ok(typeof parsed !== 'string', parsed as string);
    return parsed;
  }

  it('defaults to pipeline and branch, and adds the environment in a release', () => {
    assert.equal(fingerprintOf(undefined, values, context).text, 'WebApp-CI · main');
    const release = runContext(RELEASE_VARIABLES);
    assert.equal(fingerprintOf(undefined, values, release).text, 'WebApp-CD · main · Production');
  });

  it('stores a short hash as a tag, ignoring case and spacing, and differs per branch', () => {
    const a = fingerprintOf(undefined, values, context);
    assert.match(a.tag, /^pwi:[0-9a-f]{12}$/);
    assert.equal(fingerprintOf(undefined, values, { ...context, pipeline: 'webapp-ci  ' }).tag, a.tag);
    assert.notEqual(fingerprintOf(undefined, values, { ...context, branch: 'release/2.0' }).tag, a.tag);
  });

  it('renders a fingerprint template', () => {
    const fingerprint = fingerprintOf(template('{{pipeline}} {{failedStep}}'), values, context);
    assert.equal(fingerprint.text, 'WebApp-CI Build › npm test');
  });

  const searched = (type: WorkItemTypeInfo): OpenStatesOf => ({
    name: type.name,
    openStates: openStates(type),
  });

  it("asks for the type's own open states and the exact tag, oldest first", () => {
    const fingerprint = { text: "it's", tag: 'pwi:0123456789ab', scopeTag: 'pwi:scope-0123456789ab' };
    assert.equal(
      openItemsQuery(fingerprint, searched(SCRUM_BUG)),
      "SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project AND [System.WorkItemType] = 'Bug' AND [System.Tags] CONTAINS 'pwi:0123456789ab' AND [System.State] IN ('New', 'Approved', 'Committed') ORDER BY [System.Id]",
    );
    assert.equal(
      openItemsQuery(fingerprint, searched({ ...SCRUM_BUG, name: "O'Brien" }))?.includes("'O''Brien'"),
      true,
    );
    assert.equal(openItemsQuery(fingerprint, searched({ ...SCRUM_BUG, states: [] })), undefined);
  });

  it('counts only the Proposed and InProgress categories as open, in any case', () => {
    assert.equal(isOpenState(SCRUM_BUG, 'approved'), true);
    assert.equal(isOpenState(SCRUM_BUG, 'Committed'), true);
    assert.equal(isOpenState(SCRUM_BUG, 'Done'), false);
    assert.equal(isOpenState(SCRUM_BUG, "Won't fix"), false);
    assert.equal(isOpenState(SCRUM_BUG, 'Gone'), false);
  });

  it("a recovery also asks for the scope's tag", () => {
    const fingerprint = { text: 'x', tag: 'pwi:0123456789ab', scopeTag: 'pwi:scope-0123456789ab' };
    assert.equal(
      openItemsQuery(fingerprint, searched(SCRUM_BUG), 'recovery'),
      "SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project AND [System.WorkItemType] = 'Bug' AND ([System.Tags] CONTAINS 'pwi:0123456789ab' OR [System.Tags] CONTAINS 'pwi:scope-0123456789ab') AND [System.State] IN ('New', 'Approved', 'Committed') ORDER BY [System.Id]",
    );
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

describe('run markers', () => {
  it('names the build, job attempt and job, or the release deployment and job', () => {
    assert.equal(runKey(runContext()), 'build-812.1.Test');
    assert.equal(runKey({ ...runContext(), jobAttempt: 2 }), 'build-812.2.Test');
    assert.equal(runKey(runContext({ ...YAML_VARIABLES, 'System.JobId': 'a1b2' })), 'build-812.1.a1b2');
    assert.match(runKey(runContext(RELEASE_VARIABLES)), /^release-57\.3\.1/);
  });

  it('reads the highest occurrence and the runs that wrote, ignoring other comments', () => {
    const comments = [
      { text: `<p>Looking into it.</p>` },
      { text: `<p>Filed</p>\n${markerHtml('build-812.1', 1)}` },
      { text: `<p>Again</p>\n${markerHtml('build-813.1', 2)}` },
      { text: `<p>Occurrence 9 · run x, written by a person</p>` },
    ];
    const markers = readMarkers(comments);
    assert.equal(markers.lastOccurrence, 2);
    assert.deepEqual([...markers.runs].sort(), ['build-812.1', 'build-813.1']);
    assert.deepEqual(readMarkers([]), { lastOccurrence: 0, runs: new Set() });
  });
});

describe('recurrence note', () => {
  it('says what happened again: a failure, or the success an item was filed for', () => {
    const view = runView(runContext(), NO_FACTS, 'failed');
    assert.match(recurrenceHtml(view, 3), /^<p>Failed again \(occurrence 3\): <a href=/);
    const success = runView(runContext(), NO_FACTS, 'succeeded');
    assert.match(recurrenceHtml(success, 2), /^<p>Succeeded again \(occurrence 2\)/);
  });
});
