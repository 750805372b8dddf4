// HTML fields of the system and of the inherited processes, for when the project's field types are unknown.
const KNOWN_HTML_FIELDS = [
  'System.Description',
  'System.History',
  'Microsoft.VSTS.TCM.ReproSteps',
  'Microsoft.VSTS.TCM.SystemInfo',
  'Microsoft.VSTS.Common.AcceptanceCriteria',
  'Microsoft.VSTS.Common.Resolution',
];

/**
 * Whether a field (by reference name, in any case) holds HTML: one of `projectHtmlFields` (the project's fields
 * of type HTML or History, when they could be read) or a well-known HTML field.
 */
export function htmlFieldTest(projectHtmlFields: readonly string[] = []): (reference: string) => boolean {
  const html = new Set([...KNOWN_HTML_FIELDS, ...projectHtmlFields].map((field) => field.toLowerCase()));
  return (reference) => html.has(reference.toLowerCase());
}
