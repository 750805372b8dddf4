import type { Fingerprint } from './fingerprint';

/** Which open items a run looks for: a failure's fingerprint, or everything a green run recovers. */
export type Search = 'fingerprint' | 'recovery';

/** The item type searched: its name and its states that count as open (Proposed or InProgress). */
export interface OpenStatesOf {
  readonly name: string;
  readonly openStates: readonly string[];
}

/**
 * The one WIQL query that finds open items: items of the type in one of the type's own Proposed or InProgress
 * states, oldest first, carrying the fingerprint's tag or, for a recovery, also the run's scope tag (so a template
 * whose text changes on a green run, e.g. with `{{failedStep}}`, still recovers; items of 1.0.0 carry only the
 * fingerprint's tag, as 1.0.0 wrote it). undefined when the type has no such state.
 */
export function openItemsQuery(
  fingerprint: Fingerprint,
  type: OpenStatesOf,
  search: Search = 'fingerprint',
): string | undefined {
  if (type.openStates.length === 0) return undefined;
  const tags = search === 'recovery' ? [fingerprint.tag, fingerprint.scopeTag] : [fingerprint.tag];
  const tagged = tags.map((tag) => `[System.Tags] CONTAINS ${wiqlString(tag)}`);
  // 1.0.0's tag, which ignored the branch's case, on an item without the lower-case branch's scope tag: 1.0.0
  // wrote none, while the lower-case branch's own items carry it.
  const blind = fingerprint.caseBlind;
  if (blind) {
    tagged.push(
      `([System.Tags] CONTAINS ${wiqlString(blind.tag)} AND ` +
        `[System.Tags] NOT CONTAINS ${wiqlString(blind.lowerCaseScopeTag)})`,
    );
  }
  return [
    'SELECT [System.Id] FROM WorkItems',
    'WHERE [System.TeamProject] = @project',
    `AND [System.WorkItemType] = ${wiqlString(type.name)}`,
    `AND ${tagged.length === 1 ? tagged.join('') : `(${tagged.join(' OR ')})`}`,
    `AND [System.State] IN (${type.openStates.map(wiqlString).join(', ')})`,
    'ORDER BY [System.Id]',
  ].join(' ');
}

/** The items carrying `tag`, of any type and in any state, newest first. */
export function newestTaggedQuery(tag: string): string {
  return [
    'SELECT [System.Id] FROM WorkItems',
    'WHERE [System.TeamProject] = @project',
    `AND [System.Tags] CONTAINS ${wiqlString(tag)}`,
    'ORDER BY [System.Id] DESC',
  ].join(' ');
}

/** `value` as a WIQL string literal: in single quotes, each `'` doubled, so nothing in it can end the literal. */
export function wiqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
