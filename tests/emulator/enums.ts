// azure-devops-node-api puts its numeric enums into query strings (e.g. `$expand=4`, `outcomes=3`);
// the service binds enum parameters from names or numbers alike. These helpers turn either form into
// the lower-case name.

const names = (list: string[], first = 0): Record<number, string> =>
  Object.fromEntries(list.map((n, i) => [i + first, n.toLowerCase()]));

export const WORK_ITEM_EXPAND = names(['None', 'Relations', 'Fields', 'Links', 'All']);
export const FIELDS_EXPAND = names(['None', 'AllowedValues', 'DependentFields', 'All']);
export const COMMENT_ORDER = names(['Asc', 'Desc'], 1);
export const WORK_ITEM_ERROR_POLICY = names(['Fail', 'Omit'], 1);
export const BUILD_QUERY_ORDER = names(
  [
    'FinishTimeAscending',
    'FinishTimeDescending',
    'QueueTimeDescending',
    'QueueTimeAscending',
    'StartTimeDescending',
    'StartTimeAscending',
  ],
  2,
);
export const COMMENT_FORMAT = names(['Markdown', 'Html']);
export const TEST_OUTCOME = names([
  'Unspecified',
  'None',
  'Passed',
  'Failed',
  'Inconclusive',
  'Timeout',
  'Aborted',
  'Blocked',
  'NotExecuted',
  'Warning',
  'Error',
  'NotApplicable',
  'Paused',
  'InProgress',
  'NotImpacted',
]);

/** The lower-case enum name of a query value given by name or by number. */
export function enumName(raw: string | undefined, table: Record<number, string>): string | undefined {
  if (raw === undefined) return undefined;
  const text = raw.trim();
  return /^\d+$/.test(text) ? (table[Number(text)] ?? text) : text.toLowerCase();
}
