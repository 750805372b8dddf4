import type { WorkItemTypeInfo } from './draft';

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
      warning: `Project '${project}' has no 'Bug' work item type (Basic process); filing an '${issue.name}' instead. Set 'workItemType' to choose another type.`,
    };
  }
  const names = types.map((t) => t.name).sort((a, b) => a.localeCompare(b));
  return {
    problem: `Input 'workItemType': project '${project}' has no work item type '${requested}'. Its types are: ${names.join(', ')}.`,
  };
}
