/** `value` as a WIQL string literal: in single quotes, each `'` doubled, so nothing in it can end the literal. */
export function wiqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
