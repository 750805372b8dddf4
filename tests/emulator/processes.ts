// Work item types of the Agile, Scrum, Basic and CMMI processes: their own fields, states (with
// categories and colours), defaults and icons. Mirrors the real processes' differences that matter
// to the task: Bug has Repro Steps/Severity/Found In, Task does not, Basic has no Bug at all.
import { CORE_FIELDS } from './fields';
import type { ProcessName, Project } from './org';

export type StateCategory = 'Proposed' | 'InProgress' | 'Resolved' | 'Completed' | 'Removed';

export interface StateDef {
  name: string;
  category: StateCategory;
  color: string;
  /** Reason recorded when an item enters this state without an explicit reason: the first of `reasons`. */
  reason: string;
  /** Reasons a transition into this state may give. */
  reasons: string[];
}

export interface TypeDef {
  name: string;
  referenceName: string;
  description: string;
  color: string;
  icon: string;
  /** Reference names, core fields included. */
  fields: string[];
  states: StateDef[];
  defaults: Record<string, string | number>;
  /**
   * The workflow as the process template declares it (from-state → to-states, '' = create). An XML process
   * refuses any other transition; inherited processes allow every transition unless a rule restricts it.
   */
  workflow: Record<string, string[]>;
}

const COLOR: Record<StateCategory, string> = {
  Proposed: 'b2b2b2',
  InProgress: '007acc',
  Resolved: 'ff9d00',
  Completed: '339933',
  Removed: 'ffffff',
};

/** States from "Name:Category:default reason,other reason|…". */
function states(spec: string): StateDef[] {
  return spec.split('|').map((part) => {
    const [name, category, reasonList] = part.split(':');
    if (!(category in COLOR)) throw new Error(`processes.ts: bad state category in '${part}'`);
    const cat = category as StateCategory;
    const reasons = reasonList.split(',');
    return { name, category: cat, color: COLOR[cat], reason: reasons[0], reasons };
  });
}

/** A workflow from "From>To,To|…"; the first state is where a new item starts. */
function workflow(st: StateDef[], spec?: string): Record<string, string[]> {
  const flow: Record<string, string[]> = { '': [st[0].name] };
  if (spec === undefined) {
    for (const from of st) flow[from.name] = st.filter((to) => to !== from).map((to) => to.name);
    return flow;
  }
  for (const part of spec.split('|')) {
    const [from, to] = part.split('>');
    flow[from] = to.split(',');
  }
  return flow;
}

// Defaults the processes give these fields on new items, when the type has the field.
const FIELD_DEFAULTS: Record<string, string | number> = {
  'Microsoft.VSTS.Common.Priority': 2,
  'Microsoft.VSTS.Common.Severity': '3 - Medium',
  'Microsoft.VSTS.Common.ValueArea': 'Business',
};

/** A type whose own fields are given as "Common.Priority TCM.ReproSteps …" (Microsoft.VSTS. implied). */
function type(
  name: string,
  color: string,
  icon: string,
  own: string,
  st: StateDef[],
  flow?: string,
): TypeDef {
  const fields = [
    ...CORE_FIELDS,
    ...own
      .split(/\s+/)
      .filter(Boolean)
      .map((f) => `Microsoft.VSTS.${f}`),
  ];
  const defaults = Object.fromEntries(Object.entries(FIELD_DEFAULTS).filter(([ref]) => fields.includes(ref)));
  return {
    name,
    referenceName: `Microsoft.VSTS.WorkItemTypes.${name.replace(/ /g, '')}`,
    description: `Tracks a ${name.toLowerCase()}.`,
    color,
    icon,
    fields,
    states: st,
    defaults,
    workflow: workflow(st, flow),
  };
}

const BUG =
  'TCM.ReproSteps TCM.SystemInfo Common.Priority Common.Severity Build.FoundIn Build.IntegrationBuild Common.AcceptanceCriteria';
const PORTFOLIO = 'Common.Priority Common.ValueArea Common.BusinessValue Scheduling.TargetDate';

// Agile: the Bug has no Removed state in the real process (User Story, Task, Feature, Epic do).
const AGILE_FULL =
  'New:Proposed:New,Build failure|Active:InProgress:Implementation started,Approved,Investigate,Reactivated|Resolved:Resolved:Fixed,As Designed,Cannot Reproduce,Deferred,Duplicate,Obsolete,Copied to Backlog';
const AGILE_BACKLOG_STATES = states(
  `${AGILE_FULL}|Closed:Completed:Acceptance tests pass|Removed:Removed:Removed from the backlog`,
);
const AGILE: TypeDef[] = [
  type(
    'Bug',
    'CC293D',
    'icon_insect',
    `${BUG} Common.StackRank Common.ResolvedReason Common.ValueArea Scheduling.StoryPoints`,
    states(
      `${AGILE_FULL}|Closed:Completed:Verified,As Designed,Cannot Reproduce,Deferred,Duplicate,Obsolete`,
    ),
  ),
  type(
    'Task',
    'F2CB1D',
    'icon_clipboard',
    'Common.Priority Common.Activity Scheduling.RemainingWork Scheduling.OriginalEstimate Scheduling.CompletedWork Common.StackRank',
    states(
      'New:Proposed:New|Active:InProgress:Work started|Closed:Completed:Completed|Removed:Removed:Removed from the backlog',
    ),
  ),
  type(
    'User Story',
    '009CCC',
    'icon_book',
    'Common.Priority Common.AcceptanceCriteria Scheduling.StoryPoints Common.Risk Common.ValueArea Common.StackRank',
    AGILE_BACKLOG_STATES,
  ),
  type('Feature', '773B93', 'icon_trophy', `${PORTFOLIO} Common.Risk`, AGILE_BACKLOG_STATES),
  type('Epic', 'FF7B00', 'icon_crown', `${PORTFOLIO} Common.Risk`, AGILE_BACKLOG_STATES),
  type(
    'Issue',
    'B4009E',
    'icon_traffic_cone',
    'Common.Priority Scheduling.DueDate Common.StackRank',
    states('Active:Proposed:New|Closed:Completed:Resolved'),
  ),
  type(
    'Test Case',
    '004B50',
    'icon_test_case',
    'Common.Priority TCM.Steps TCM.AutomatedTestName',
    states('Design:Proposed:New|Ready:InProgress:Completed design|Closed:Completed:Obsolete'),
  ),
];

const SCRUM_BACKLOG =
  'New:Proposed:New backlog item|Approved:Proposed:Approved by the Product Owner|Committed:InProgress:Commitment made by the team|Done:Completed:Work finished|Removed:Removed:Removed from the backlog';
const SCRUM_PORTFOLIO =
  'New:Proposed:New|In Progress:InProgress:Work started|Done:Completed:Work finished|Removed:Removed:Removed from the backlog';
const SCRUM: TypeDef[] = [
  type(
    'Bug',
    'CC293D',
    'icon_insect',
    `${BUG} Scheduling.Effort Common.BacklogPriority`,
    states(SCRUM_BACKLOG),
  ),
  type(
    'Task',
    'F2CB1D',
    'icon_clipboard',
    'Common.Activity Scheduling.RemainingWork Common.BacklogPriority',
    states(
      'To Do:Proposed:New task|In Progress:InProgress:Work started|Done:Completed:Work finished|Removed:Removed:Removed from the backlog',
    ),
  ),
  type(
    'Product Backlog Item',
    '009CCC',
    'icon_list',
    'Common.Priority Common.AcceptanceCriteria Scheduling.Effort Common.BusinessValue Common.ValueArea Common.BacklogPriority',
    states(SCRUM_BACKLOG),
  ),
  type('Feature', '773B93', 'icon_trophy', PORTFOLIO, states(SCRUM_PORTFOLIO)),
  type('Epic', 'FF7B00', 'icon_crown', PORTFOLIO, states(SCRUM_PORTFOLIO)),
  type(
    'Impediment',
    'B4009E',
    'icon_traffic_cone',
    'Common.Priority Common.Resolution',
    states('Open:Proposed:New impediment|Closed:Completed:Impediment removed'),
  ),
];

const BASIC_STATES = 'To Do:Proposed:Added to backlog|Doing:InProgress:Started|Done:Completed:Completed';
const BASIC: TypeDef[] = [
  type('Issue', '339947', 'icon_clipboard_issue', 'Common.Priority Scheduling.Effort', states(BASIC_STATES)),
  type(
    'Task',
    'F2CB1D',
    'icon_clipboard',
    'Common.Priority Common.Activity Scheduling.RemainingWork',
    states(BASIC_STATES),
  ),
  type('Epic', 'FF7B00', 'icon_crown', 'Common.Priority Scheduling.Effort', states(BASIC_STATES)),
];

// CMMI, as an on-premises XML process declares it: a Bug goes Proposed → Active → Resolved → Closed, and a
// Proposed item cannot be resolved without being made Active first.
const CMMI_STATES =
  'Proposed:Proposed:New,Build Failure|Active:InProgress:Approved,Investigate,Reactivated|Resolved:Resolved:Fixed,As Designed,Cannot Reproduce,Deferred,Duplicate,Obsolete|Closed:Completed:Verified,Rejected,Duplicate';
const CMMI_FLOW = 'Proposed>Active,Closed|Active>Proposed,Resolved|Resolved>Active,Closed|Closed>Active';
const CMMI: TypeDef[] = [
  type('Bug', 'CC293D', 'icon_insect', `${BUG} CMMI.RootCause Common.Triage`, states(CMMI_STATES), CMMI_FLOW),
  type('Task', 'F2CB1D', 'icon_clipboard', 'Common.Priority Common.Activity', states(CMMI_STATES), CMMI_FLOW),
  type('Requirement', '009CCC', 'icon_book', 'Common.Priority', states(CMMI_STATES), CMMI_FLOW),
  type('Issue', 'B4009E', 'icon_traffic_cone', 'Common.Priority', states(CMMI_STATES), CMMI_FLOW),
  type('Feature', '773B93', 'icon_trophy', PORTFOLIO, states(CMMI_STATES), CMMI_FLOW),
  type('Epic', 'FF7B00', 'icon_crown', PORTFOLIO, states(CMMI_STATES), CMMI_FLOW),
];

export const PROCESSES: Record<ProcessName, TypeDef[]> = { Agile: AGILE, Scrum: SCRUM, Basic: BASIC, CMMI };

export function findType(process: ProcessName, name: string): TypeDef | undefined {
  const key = name.toLowerCase();
  return PROCESSES[process].find((t) => t.name.toLowerCase() === key);
}

/** A state an administrator added to a type of the project's inherited process. */
export interface CustomState {
  name: string;
  category: StateCategory;
}

const CATEGORY_ORDER: readonly StateCategory[] = [
  'Proposed',
  'InProgress',
  'Resolved',
  'Completed',
  'Removed',
];

/**
 * The type as the project's inherited process has it, with the states added to it: each after the states of its
 * category, with the only reason the service generates for a custom state's transitions, "Moved to state X",
 * and "Moved out of state X" added to every other state (Microsoft Learn, "Customize the workflow (Inheritance
 * process)": default reasons).
 */
export function typeOfProject(project: Project, t: TypeDef): TypeDef {
  const added = project.customStates?.[t.name.toLowerCase()] ?? [];
  if (added.length === 0) return t;
  let all = t.states;
  for (const custom of added) {
    const rank = CATEGORY_ORDER.indexOf(custom.category);
    const at = all.filter((st) => CATEGORY_ORDER.indexOf(st.category) <= rank).length;
    const into = `Moved to state ${custom.name}`;
    const state: StateDef = {
      name: custom.name,
      category: custom.category,
      color: COLOR[custom.category],
      reason: into,
      reasons: [into],
    };
    const out = `Moved out of state ${custom.name}`;
    const others = all.map((st) => ({ ...st, reasons: [...st.reasons, out] }));
    all = [...others.slice(0, at), state, ...others.slice(at)];
  }
  return { ...t, states: all };
}

export const initialState = (t: TypeDef): StateDef =>
  t.states.find((st) => st.category === 'Proposed') ?? t.states[0];

export const findState = (t: TypeDef, name: string): StateDef | undefined =>
  t.states.find((st) => st.name.toLowerCase() === name.toLowerCase());

export const hasField = (t: TypeDef, ref: string): boolean =>
  t.fields.some((x) => x.toLowerCase() === ref.toLowerCase());
