const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]{0,62}$/;

/**
 * `table` or `schema.table` as a quoted SQL name. Only plain identifiers are
 * accepted: the name ends up in statement text, never as a parameter.
 */
export function qualifiedName(name: string): string {
  const parts = name.split('.');
  if (parts.length > 2 || !parts.every((p) => IDENTIFIER.test(p))) {
    throw new TypeError(`not a table name: ${JSON.stringify(name)} (expected table or schema.table, plain identifiers)`);
  }
  return parts.map((p) => `"${p}"`).join('.');
}
