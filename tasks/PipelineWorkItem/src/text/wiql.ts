/** A WIQL string literal: single quotes, a quote inside doubled. */
export function wiqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
