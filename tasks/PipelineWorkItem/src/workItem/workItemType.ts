import { loc } from '../text/messages';
import { macroNote } from '../text/templates';

/** The state categories Azure Boards gives every state of every process. */
export type StateCategory = 'Proposed' | 'InProgress' | 'Resolved' | 'Completed' | 'Removed';

/** A state of a work item type and its category. */
export interface StateInfo {
  readonly name: string;
  readonly category: StateCategory;
}

/** A work item type of the target project: its name as the project spells it, its fields and its states. */
export interface WorkItemTypeInfo {
  readonly name: string;
  /** Field reference names. */
  readonly fields: readonly string[];
  readonly states: readonly StateInfo[];
  /**
   * The transitions the type declares: from-state → the states it may move to. Absent when the service did not
   * list them (then any state change is tried and the service decides).
   */
  readonly transitions?: Readonly<Record<string, readonly string[]>>;
  /**
   * An administrator disabled the type: Azure Boards takes no new item of it, through the web or the REST API,
   * while its existing items can still be read, commented on and moved along their workflow.
   */
  readonly disabled?: boolean;
}

/**
 * Picks the requested type among the project's types (any case). `Bug` falls back to `Issue` (the Basic process
 * has no Bug) with a warning; any other missing type is a problem sentence listing the project's types.
 */
export function chooseWorkItemType(
  requested: string,
  types: readonly WorkItemTypeInfo[],
  project: string,
): { type: WorkItemTypeInfo; warning?: string } | { problem: string } {
  const find = (name: string): WorkItemTypeInfo | undefined =>
    types.find((type) => type.name.toLowerCase() === name.toLowerCase());
  const type = find(requested);
  if (type) return { type };
  const issue = requested.toLowerCase() === 'bug' ? find('Issue') : undefined;
  if (issue) {
    return {
      type: issue,
      warning: loc('BugFallsBackToIssue', project, issue.name),
    };
  }
  const problem = loc('TypeMissing', project, requested, namesOf(types));
  const note = macroNote(requested);
  return { problem: note ? `${problem} ${note}` : problem };
}

/**
 * Why no new item of `type` can be filed, naming the input and the fix (with the project's enabled types, when
 * `types` lists them); undefined when it can.
 */
export function creationRefusal(
  type: WorkItemTypeInfo,
  types: readonly WorkItemTypeInfo[],
  project: string,
): string | undefined {
  if (type.disabled !== true) return undefined;
  const enabled = namesOf(types.filter((t) => t.disabled !== true));
  return loc('TypeDisabled', type.name, project, enabled ? loc('TypeDisabledEnabledTypes', enabled) : '');
}

// The types' names in alphabetical order, for a message that lists them.
const namesOf = (types: readonly WorkItemTypeInfo[]): string =>
  types
    .map((t) => t.name)
    .sort((a, b) => a.localeCompare(b))
    .join(', ');

/** The type's states in which an item counts as open: the Proposed and InProgress categories. */
export function openStates(type: WorkItemTypeInfo): string[] {
  return type.states
    .filter((state) => state.category === 'Proposed' || state.category === 'InProgress')
    .map((state) => state.name);
}

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** Whether an item in `state` counts as open (its category is Proposed or InProgress). */
export function isOpenState(type: WorkItemTypeInfo, state: string): boolean {
  return openStates(type).some((open) => same(open, state));
}

/** Why the task changes an item's state: the pipeline recovered, or the item duplicates another run's. */
export type StateChangePurpose = 'resolve' | 'duplicate';

/** A state change the type's workflow allows, with the reason to record (undefined: the transition's default). */
export interface StateChange {
  readonly state: string;
  readonly reason?: string;
}

// The reasons the processes give a fix or a duplicate, best first (Agile and CMMI: Fixed; Scrum and Basic
// record finished work without a fix reason).
const REASONS: Record<StateChangePurpose | 'removed', readonly string[]> = {
  resolve: ['Fixed', 'Resolved', 'Work finished', 'Completed'],
  duplicate: ['Duplicate'],
  removed: ['Removed from the backlog', 'Removed'],
};

// Where each purpose goes, best first. A type that has a category is moved into it or not at all: recovery
// falls back to Completed only where the type has no Resolved state (Scrum, Basic), and a duplicate that cannot
// be called one is removed, never counted as finished work, unless the type has no Removed state (Basic).
const TARGETS: Record<StateChangePurpose | 'removed', readonly StateCategory[]> = {
  resolve: ['Resolved', 'Completed'],
  duplicate: ['Completed', 'Resolved'],
  removed: ['Removed', 'Completed'],
};

/**
 * The state change for `purpose` that the workflow declares from `current`, with the first fitting reason
 * among `reasons` (the type's allowed reasons). undefined when no declared transition leads where it must.
 */
export function plannedChange(
  type: WorkItemTypeInfo,
  current: string,
  purpose: StateChangePurpose,
  reasons: readonly string[],
): StateChange | undefined {
  const reasonFor = (wanted: StateChangePurpose | 'removed'): string | undefined => {
    for (const name of REASONS[wanted]) {
      const found = reasons.find((reason) => same(reason, name));
      if (found) return found;
    }
    return undefined;
  };
  const declared = type.transitions
    ? (Object.entries(type.transitions).find(([from]) => same(from, current))?.[1] ?? [])
    : undefined;
  const reachable = (state: StateInfo): boolean =>
    !same(state.name, current) && (declared === undefined || declared.some((to) => same(to, state.name)));
  const duplicateReason = purpose === 'duplicate' ? reasonFor('duplicate') : undefined;
  const targets =
    purpose === 'duplicate' && duplicateReason === undefined ? TARGETS.removed : TARGETS[purpose];
  const fallbackOnly = purpose === 'resolve' || duplicateReason === undefined;
  for (const category of targets) {
    const inCategory = type.states.filter((candidate) => candidate.category === category);
    const state = inCategory.find(reachable);
    if (!state) {
      if (fallbackOnly && inCategory.length > 0) return undefined;
      continue;
    }
    const reason =
      generatedReason(reasons, current, state.name) ??
      (purpose === 'resolve'
        ? reasonFor('resolve')
        : (duplicateReason ?? (category === 'Removed' ? reasonFor('removed') : undefined)));
    return reason === undefined ? { state: state.name } : { state: state.name, reason };
  }
  return undefined;
}

/**
 * The reason of a transition into or out of a state an inherited process added to the type: the service gives
 * such transitions only the reasons it generates ("Moved to state X", "Moved out of state X") and refuses any
 * other, such as the Fixed or Work finished of the process's own states. undefined when neither state is one.
 */
function generatedReason(reasons: readonly string[], from: string, to: string): string | undefined {
  return (
    reasons.find((reason) => same(reason, `Moved to state ${to}`)) ??
    reasons.find((reason) => same(reason, `Moved out of state ${from}`))
  );
}
