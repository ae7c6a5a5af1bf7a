// The benchmark's PostgreSQL: a throwaway cluster (.ci/postgres, default durability settings) holding the same
// rows as the seeded SQLite file. The server migrates an empty database itself; every row of the seeded file is
// then copied over in large multi-row INSERTs, and the sequences are moved past the copied ids.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { Storage } from '../src/storage/database.js';

export interface BenchPostgres { adminUrl: string; stop: () => void }

/** Starts a cluster in `dir` (or uses `adminUrl`, a running server). */
export function startPostgres(projectRoot: string, dir: string, adminUrl?: string): BenchPostgres {
  if (adminUrl) return { adminUrl, stop: () => {} };
  const script = join(projectRoot, '.ci', 'postgres');
  const url = execFileSync('bash', [script, 'start', dir, '-c', 'shared_buffers=256MB'], { encoding: 'utf8' }).trim();
  return { adminUrl: url, stop: () => execFileSync('bash', [script, 'stop', dir]) };
}

async function onServer<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try { return await fn(client); } finally { await client.end(); }
}

/** A database named `name` on the server, holding every row of the SQLite file `seeded`; its URL. */
export async function seededPostgres(adminUrl: string, name: string, seeded: string, progress: (line: string) => void): Promise<string> {
  await onServer(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).then(() => c.query(`CREATE DATABASE ${name}`)));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  await (await Storage.open({ url: url.toString() })).close();
  const sqlite = new Database(seeded, { readonly: true });
  const started = Date.now();
  try {
    await onServer(url.toString(), async (client) => {
      const tables = (sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'kysely_%'")
        .all() as Array<{ name: string }>).map((t) => t.name);
      await client.query('BEGIN');
      await client.query(`TRUNCATE ${tables.map((t) => `"${t}"`).join(', ')}`);
      for (const table of tables) {
        const columns = (sqlite.prepare(`PRAGMA table_info("${table}")`).all() as Array<{ name: string }>).map((c) => c.name);
        const perStatement = Math.floor(60_000 / columns.length);
        let batch: unknown[][] = [];
        const flush = async () => {
          if (batch.length === 0) return;
          const values = batch.map((_, r) => `(${columns.map((__, c) => `$${r * columns.length + c + 1}`).join(', ')})`).join(', ');
          await client.query(`INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES ${values}`, batch.flat());
          batch = [];
        };
        for (const row of sqlite.prepare(`SELECT * FROM "${table}"`).raw().iterate() as Iterable<unknown[]>) {
          batch.push(row);
          if (batch.length >= perStatement) await flush();
        }
        await flush();
        // Identity columns: the next id follows the copied ones.
        const serial = await client.query(`SELECT column_name FROM information_schema.columns WHERE table_name = $1 AND column_default LIKE 'nextval%'`, [table]);
        for (const { column_name: column } of serial.rows) {
          await client.query(`SELECT setval(pg_get_serial_sequence($1, $2), GREATEST(1, (SELECT max("${column}") FROM "${table}")))`, [table, column]);
        }
      }
      await client.query('COMMIT');
      await client.query('ANALYZE');
    });
  } finally { sqlite.close(); }
  progress(`  copied the seeded rows into PostgreSQL database ${name} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return url.toString();
}
