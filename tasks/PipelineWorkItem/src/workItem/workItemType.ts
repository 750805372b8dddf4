import { loc } from '../text/messages';

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
  const names = types.map((t) => t.name).sort((a, b) => a.localeCompare(b));
  return {
    problem: loc('TypeMissing', project, requested, names.join(', ')),
  };
}

/** The type's states in which an item counts as open: the Proposed and InProgress categories (brief §5.2). */
export function openStates(type: WorkItemTypeInfo): string[] {
  return type.states
    .filter((state) => state.category === 'Proposed' || state.category === 'InProgress')
    .map((state) => state.name);
}

/**
 * The state a recovered item moves to: the type's Resolved-category state, or its Completed one where it has
 * none (Scrum, Basic). undefined when the type has neither.
 */
export function resolvedState(type: WorkItemTypeInfo): string | undefined {
  const of = (category: StateCategory): string | undefined =>
    type.states.find((state) => state.category === category)?.name;
  return of('Resolved') ?? of('Completed');
}

/** The state a duplicate is closed in: the type's Completed-category state, else its Resolved one. */
export function closedState(type: WorkItemTypeInfo): string | undefined {
  const of = (category: StateCategory): string | undefined =>
    type.states.find((state) => state.category === category)?.name;
  return of('Completed') ?? of('Resolved');
}
