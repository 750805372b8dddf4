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
  return [
    'SELECT [System.Id] FROM WorkItems',
    'WHERE [System.TeamProject] = @project',
    `AND [System.WorkItemType] = ${wiqlString(type.name)}`,
    `AND ${taggedBy(fingerprint, search === 'recovery' ? [fingerprint.scopeTag] : [])}`,
    `AND [System.State] IN (${type.openStates.map(wiqlString).join(', ')})`,
    'ORDER BY [System.Id]',
  ].join(' ');
}

/**
 * The items of the fingerprint, of any type and in any state, newest first: the item a new one names as filed
 * before for its failure, 1.0.0's included.
 */
export function newestTaggedQuery(fingerprint: TaggedBy): string {
  return [
    'SELECT [System.Id] FROM WorkItems',
    'WHERE [System.TeamProject] = @project',
    `AND ${taggedBy(fingerprint, [])}`,
    'ORDER BY [System.Id] DESC',
  ].join(' ');
}

/** What finds a fingerprint's items: its tag, and where the branch has capitals, the tag 1.0.0 wrote for it. */
export type TaggedBy = Pick<Fingerprint, 'tag' | 'caseBlind'>;

// The condition on an item's tags: the fingerprint's tag or one of `alsoTags`, or 1.0.0's tag, which ignored the
// branch's case, on an item without the lower-case branch's scope tag (1.0.0 wrote none, while the lower-case
// branch's own items carry it).
function taggedBy(fingerprint: TaggedBy, alsoTags: readonly string[]): string {
  const tagged = [fingerprint.tag, ...alsoTags].map((tag) => `[System.Tags] CONTAINS ${wiqlString(tag)}`);
  const blind = fingerprint.caseBlind;
  if (blind) {
    tagged.push(
      `([System.Tags] CONTAINS ${wiqlString(blind.tag)} AND ` +
        `[System.Tags] NOT CONTAINS ${wiqlString(blind.lowerCaseScopeTag)})`,
    );
  }
  return tagged.length === 1 ? tagged.join('') : `(${tagged.join(' OR ')})`;
}

/** `value` as a WIQL string literal: in single quotes, each `'` doubled, so nothing in it can end the literal. */
export function wiqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
