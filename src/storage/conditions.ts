// Conditions both repositories use: OTRS compares logins, ids and names case-insensitively, and searches with
// `*` wildcards (contracts §6.6). Both sides are lowered by the database, so they fold case alike (on SQLite
// with the Unicode lower() database.ts registers).
import { sql } from 'kysely';

export const lower = (column: string) => sql`lower(${sql.ref(column)})`;
export const lowered = (value: string) => sql`lower(${value})`;

export type Dialect = 'sqlite' | 'postgres';

/**
 * A search condition on one column: exact, a prefix (`abc*`), or `*` wildcards anywhere (LIKE; `%` and `_`
 * literal). On SQLite a prefix is an index range (its LIKE cannot use the lower() index); the range's upper bound
 * sorts last only by code point, so PostgreSQL, whose collation may be a language's, keeps LIKE.
 */
export function matches(dialect: Dialect, column: string, pattern: string) {
  if (!pattern.includes('*')) return sql<boolean>`${lower(column)} = ${lowered(pattern)}`;
  const prefix = pattern.slice(0, -1);
  if (dialect === 'sqlite' && pattern.endsWith('*') && !prefix.includes('*') && prefix !== '') {
    return sql<boolean>`(${lower(column)} >= ${lowered(prefix)} AND ${lower(column)} < ${lowered(prefix)} || ${'\u{10FFFF}'})`;
  }
  const like = pattern.replace(/[\\%_]/g, (c) => `\\${c}`).replace(/\*/g, '%');
  return sql<boolean>`${lower(column)} LIKE ${lowered(like)} ESCAPE '\\'`;
}
