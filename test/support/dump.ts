// The whole database as data, for "a rejected request changes nothing, byte for byte".
import type { RunningServer } from './server.js';

/** Every row of every table, in rowid order (sqlite_sequence and the migration bookkeeping left out). */
export function dumpDatabase(server: RunningServer): Record<string, unknown[]> {
  const db = server.db();
  try {
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'kysely_%' ORDER BY name").all() as Array<{ name: string }>).map((t) => t.name);
    return Object.fromEntries(tables.map((t) => [t, db.prepare(`SELECT * FROM "${t}" ORDER BY rowid`).all()]));
  } finally { db.close(); }
}
