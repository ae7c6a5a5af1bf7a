// The test side's view of a server's database, the same on both stores: `prepare(sql).get/all/run` with `?`
// placeholders, as better-sqlite3 has it. On SQLite it is better-sqlite3 itself; on PostgreSQL the queries run
// on a worker thread and the caller waits for each synchronously (Atomics.wait), so tests read and write state
// the same way whichever database the suite runs on (OTRS_GI_TEST_POSTGRES).
import { Worker, MessageChannel, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { registerFunctions } from '../../src/storage/sqlite.js';

export type TestDialect = 'sqlite' | 'postgres';

export interface Statement {
  get(...params: unknown[]): any;
  all(...params: unknown[]): any[];
  /** lastInsertRowid: the new row's id (or object_id) after an INSERT into a table that numbers its rows. */
  run(...params: unknown[]): { changes: number; lastInsertRowid?: number | bigint };
}

export interface TestDatabase {
  readonly dialect: TestDialect;
  prepare(sql: string): Statement;
  /** fn runs inside one transaction. */
  transaction<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void;
  /** A number that changes whenever anyone commits a write. */
  dataVersion(): number;
  close(): void;
}

/** The admin URL of the PostgreSQL the suite runs on, when it does. */
export const testPostgres = process.env.OTRS_GI_TEST_POSTGRES || undefined;
export const testDialect: TestDialect = testPostgres ? 'postgres' : 'sqlite';

export const isPostgresLocation = (location: string) => /^postgres(ql)?:\/\//.test(location);

/** Opens a server's database: a SQLite file path or a postgres:// URL. */
export function openTestDatabase(location: string, options: { readonly?: boolean } = {}): TestDatabase {
  return isPostgresLocation(location) ? new SyncPostgres(location) : sqliteDatabase(location, options.readonly ?? false);
}

function sqliteDatabase(file: string, readonly: boolean): TestDatabase {
  const db = new Database(file, { readonly, fileMustExist: true });
  // The server's Unicode lower(): the lower(login) indexes are built with it, and a write must find it.
  registerFunctions(db);
  return {
    dialect: 'sqlite',
    prepare: (sql) => db.prepare(sql),
    transaction: (fn) => db.transaction(fn),
    dataVersion: () => db.pragma('data_version', { simple: true }) as number,
    close: () => db.close(),
  };
}

/** `?` placeholders (outside quotes) as PostgreSQL's $1, $2, ... */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/'(?:[^']|'')*'|"[^"]*"|\?/g, (m) => (m === '?' ? `$${++n}` : m));
}


class SyncPostgres implements TestDatabase {
  readonly dialect = 'postgres';
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));

  constructor(url: string) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(new URL('./sync-postgres-worker.js', import.meta.url), { workerData: { url, port: port2, signal: this.flag.buffer }, transferList: [port2] });
    this.worker.unref();
  }

  query(text: string, values: unknown[]): { rows: any[]; changes: number } {
    Atomics.store(this.flag, 0, 0);
    this.port.postMessage({ text: numbered(text), values });
    if (Atomics.wait(this.flag, 0, 0, 30_000) === 'timed-out') throw new Error(`no answer from PostgreSQL to: ${text}`);
    const reply = receiveMessageOnPort(this.port)!.message as { rows: any[]; changes: number; error?: string; code?: string };
    if (reply.error !== undefined) throw Object.assign(new Error(`${reply.error} (in: ${text})`), { code: reply.code });
    return reply;
  }

  prepare(sql: string): Statement {
    return {
      get: (...params) => this.query(sql, params).rows[0],
      all: (...params) => this.query(sql, params).rows,
      run: (...params) => {
        // PostgreSQL tells the new row's id only when asked (RETURNING).
        const insert = /^\s*INSERT\b/i.test(sql) && !/\bRETURNING\b/i.test(sql);
        const r = this.query(insert ? `${sql} RETURNING *` : sql, params);
        return { changes: r.changes, lastInsertRowid: insert ? (r.rows[0]?.id ?? r.rows[0]?.object_id) : undefined };
      },
    };
  }

  transaction<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void {
    return (...args: A) => {
      this.query('BEGIN', []);
      try { fn(...args); this.query('COMMIT', []); } catch (e) { this.query('ROLLBACK', []); throw e; }
    };
  }

  /** The next transaction id: it moves only when a transaction writes (the test cluster runs no autovacuum). */
  dataVersion(): number {
    return Number(this.query('SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS v', []).rows[0].v);
  }

  close(): void {
    this.port.close();
    void this.worker.terminate();
  }
}
