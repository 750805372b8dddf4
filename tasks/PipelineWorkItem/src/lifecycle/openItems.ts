import { wiqlString } from '../text/wiql';
import { openStates, WorkItemTypeInfo } from '../workItem/workItemType';
import type { Fingerprint } from './fingerprint';

/**
 * The one WIQL query that finds the open items of a fingerprint: items of the type carrying the fingerprint's tag,
 * in one of the type's own Proposed or InProgress states, oldest first. undefined when the type has no such state.
 */
export function openItemsQuery(fingerprint: Fingerprint, type: WorkItemTypeInfo): string | undefined {
  const states = openStates(type);
  if (states.length === 0) return undefined;
  return [
    'SELECT [System.Id] FROM WorkItems',
    'WHERE [System.TeamProject] = @project',
    `AND [System.WorkItemType] = ${wiqlString(type.name)}`,
    `AND [System.Tags] CONTAINS ${wiqlString(fingerprint.tag)}`,
    `AND [System.State] IN (${states.map(wiqlString).join(', ')})`,
    'ORDER BY [System.Id]',
  ].join(' ');
}
