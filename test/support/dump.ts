// The whole database as data, for "a rejected request changes nothing, byte for byte".
import type { RunningServer } from './server.js';

/** Every row of every table, in a stable order (rowid on SQLite, the row's text on PostgreSQL), migration bookkeeping left out. */
export function dumpDatabase(server: RunningServer): Record<string, unknown[]> {
  const db = server.db();
  try {
    const tables = db.dialect === 'sqlite'
      ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'kysely_%' ORDER BY name"
      : "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_name NOT LIKE 'kysely_%' ORDER BY table_name";
    const order = (t: string) => (db.dialect === 'sqlite' ? 'rowid' : `"${t}"::text`);
    return Object.fromEntries((db.prepare(tables).all() as Array<{ name: string }>)
      .map(({ name }) => [name, db.prepare(`SELECT * FROM "${name}" ORDER BY ${order(name)}`).all()]));
  } finally { db.close(); }
}
