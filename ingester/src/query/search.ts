/**
 * Text searches in SQL: a case-insensitive substring as a LIKE pattern with its wildcards escaped, so
 * a search for `a_b` or `50%` matches those characters, not any. SQLite's LIKE folds ASCII case only,
 * which covers GitHub logins (letters, digits and hyphens) and the pseudonyms of PRIVACY_MODE.
 */

/** The LIKE pattern of "contains `search`" (everything when empty); use with ESCAPE '\'. */
export function containsPattern(search: string | undefined): string {
  return `%${(search ?? '').replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The SQL of a LIKE with the escape character containsPattern uses. */
export const likeEscaped = (column: string) => `${column} LIKE ? ESCAPE '\\'`;
