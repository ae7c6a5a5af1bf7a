// The shared store: PostgreSQL (pg). Several instances may run on one database, so every unit of work is its own
// SERIALIZABLE transaction on a connection of a small pool: PostgreSQL itself orders concurrent units, from this
// process or another, and a unit it cannot order (a serialization failure or a deadlock) is run again from its
// start. What a unit changed of the cached tables is announced with NOTIFY inside its transaction, so every
// instance forgets those entries as the change commits.
import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import type { DB } from './schema.js';
import { Repositories } from './repositories.js';
import { UnitCaches, type CacheChange, type ReadCaches } from './cache.js';
import { Sql, type Connection, type QueryOutcome } from './sql.js';
import type { Engine, UnitOfWork } from './engine.js';

export interface PostgresOptions {
  /** Connections this instance opens at most (each runs one unit of work at a time). */
  poolSize: number;
  /** A statement running longer is cancelled (PostgreSQL statement_timeout); 0: no limit. */
  statementTimeoutMs: number;
  connectTimeoutMs: number;
  /** How often a unit PostgreSQL could not order with others is run again before its error is given up. */
  serializationRetries: number;
}

export const defaultPostgresOptions: PostgresOptions = { poolSize: 10, statementTimeoutMs: 30_000, connectTimeoutMs: 10_000, serializationRetries: 20 };

const CHANNEL = 'otrs_gi_cache';
/** The advisory lock of the retry lane (see attempt): one key for this server on the database. */
const RETRY_LANE = [0x6f747273, 1];
/** The class of the per-object advisory locks (UnitOfWork.serializeOn), the object's name hashed into the second key. */
const OBJECT_LOCKS = 0x6f747274;

/**
 * Values as the repositories expect them, the same as SQLite gives them: counts and bigint columns as numbers
 * (they stay far below 2^53), timestamps as the 'YYYY-MM-DD HH:MM:SS' text OTRS writes (not Date objects, which
 * would move them to this process's zone).
 */
const asText = (v: string) => v;
export const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    switch (oid) {
      case pg.types.builtins.INT8: case pg.types.builtins.NUMERIC: return Number;
      case pg.types.builtins.TIMESTAMP: case pg.types.builtins.TIMESTAMPTZ: case pg.types.builtins.DATE: return asText;
      default: return pg.types.getTypeParser(oid, format as 'text');
    }
  },
} as pg.CustomTypesConfig;

function clientConfig(url: string, opts: PostgresOptions): pg.ClientConfig {
  return {
    connectionString: url,
    types,
    connectionTimeoutMillis: opts.connectTimeoutMs,
    ...(opts.statementTimeoutMs > 0 ? { statement_timeout: opts.statementTimeoutMs } : {}),
    application_name: 'otrs-gi',
  };
}

/** One pg connection; each SQL text becomes a named prepared statement there (bounded), as SQLite's are. */
class PgConnection implements Connection {
  private readonly names = new Map<string, string>();
  constructor(readonly client: pg.Client, private readonly maxStatements = 500) {}

  async query(text: string, values: readonly unknown[], pluck = false): Promise<QueryOutcome> {
    let name = this.names.get(text);
    if (name === undefined && this.names.size < this.maxStatements) {
      name = `s${this.names.size}`;
      this.names.set(text, name);
    }
    const result = await this.client.query({ text, values: values as unknown[], ...(name ? { name } : {}), ...(pluck ? { rowMode: 'array' } : {}) });
    const rows = pluck ? (result.rows as unknown[][]).map((r) => r[0]) : result.rows;
    return { rows, changes: result.rowCount ?? 0 };
  }
}

/** A pooled connection with the repositories bound to it. */
interface Session { connection: PgConnection; sql: Sql; repos: Repositories; caches: UnitCaches; broken: boolean }

const codeOf = (e: unknown) => (typeof e === 'object' && e !== null ? (e as { code?: string }).code ?? '' : '');

/**
 * Whether to run a failed unit again: always after a serialization failure or a deadlock (PostgreSQL asks for
 * it); after a unique violation a few times, as one usually means a concurrent unit inserted the same key first
 * (two first-time creations of the same login or dynamic-field object), and run again the unit sees that row.
 */
function mustRetry(e: unknown, attempt: number, retries: number): boolean {
  const code = codeOf(e);
  if (code === '40001' || code === '40P01') return attempt < retries;
  return code === '23505' && attempt < Math.min(retries, 3);
}

export class PostgresEngine implements Engine {
  readonly dialect = 'postgres';
  private readonly idle: Session[] = [];
  private readonly waiting: Array<(s: Session) => void> = [];
  private open = 0;
  private listener: pg.Client | undefined;
  private closed = false;

  private constructor(private readonly url: string, private readonly db: Kysely<DB>, private readonly caches: ReadCaches,
    private readonly opts: PostgresOptions) {}

  /** The Kysely instance that runs the migrations (on a pool of its own) and compiles every query. */
  static kysely(url: string, opts: PostgresOptions): Kysely<DB> {
    return new Kysely<DB>({ dialect: new PostgresDialect({ pool: new pg.Pool({ ...clientConfig(url, opts), max: 1 }) }) });
  }

  static async start(url: string, db: Kysely<DB>, caches: ReadCaches, opts: PostgresOptions): Promise<PostgresEngine> {
    const engine = new PostgresEngine(url, db, caches, opts);
    await engine.listen();
    return engine;
  }

  /** The last unit queued for each object (serializeOn) in this process. */
  private readonly objectQueues = new Map<string, Promise<unknown>>();

  /**
   * Units naming the same object wait for each other here first, without a connection, so that a burst of
   * updates of one customer user holds one pooled connection, not all of them, and the rest of the traffic keeps
   * being served; across instances the advisory lock in attempt() orders them.
   */
  run(work: UnitOfWork): Promise<unknown> {
    const key = work.serializeOn;
    if (key === undefined) return this.runNow(work);
    const previous = this.objectQueues.get(key) ?? Promise.resolve();
    const result = previous.then(() => this.runNow(work));
    const tail = result.catch(() => undefined);
    this.objectQueues.set(key, tail);
    void tail.then(() => { if (this.objectQueues.get(key) === tail) this.objectQueues.delete(key); });
    return result;
  }

  private async runNow(work: UnitOfWork): Promise<unknown> {
    const session = await this.acquire();
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          return await this.attempt(session, work, attempt > 0);
        } catch (error) {
          if (!mustRetry(error, attempt, this.opts.serializationRetries)) throw error;
          // Those that collided back off for a random while, growing, so they do not collide again in step.
          await new Promise((r) => setTimeout(r, Math.random() * Math.min(50, 2 ** attempt)));
        }
      }
    } finally {
      this.release(session);
    }
  }

  /**
   * One try of the unit in one transaction. A unit that had to be run again goes through the retry lane: a lock
   * held across every instance, taken before its transaction starts (so its snapshot is taken after the wait), so
   * that units colliding on one hot row (a hundred clients updating one customer user) end up running one after
   * another instead of aborting each other again and again.
   */
  private async attempt(session: Session, work: UnitOfWork, inRetryLane: boolean): Promise<unknown> {
    const { sql, connection } = session;
    // Locks are taken before the transaction begins, so its snapshot is taken after the wait: it sees what the
    // unit it waited for wrote.
    if (work.serializeOn !== undefined) await connection.query('SELECT pg_advisory_lock($1, hashtext($2))', [OBJECT_LOCKS, work.serializeOn]);
    if (inRetryLane) await connection.query('SELECT pg_advisory_lock($1, $2)', RETRY_LANE);
    try {
      // Begun with the first statement: a unit answered from the caches costs no round trip.
      sql.beginLazily(work.readOnly ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' : 'BEGIN ISOLATION LEVEL SERIALIZABLE');
      try {
        let value: unknown;
        let changes: CacheChange[];
        try { value = await work.fn(session.repos); } finally { changes = session.caches.ended(); }
        if (changes.length > 0) await sql.notify(CHANNEL, JSON.stringify(changes));
        await sql.commit();
        return value;
      } catch (error) {
        await sql.rollback().catch(() => { session.broken = true; });
        throw error;
      }
    } finally {
      if (inRetryLane) await connection.query('SELECT pg_advisory_unlock($1, $2)', RETRY_LANE).catch(() => { session.broken = true; });
      if (work.serializeOn !== undefined) {
        await connection.query('SELECT pg_advisory_unlock($1, hashtext($2))', [OBJECT_LOCKS, work.serializeOn]).catch(() => { session.broken = true; });
      }
    }
  }

  private async acquire(): Promise<Session> {
    const free = this.idle.pop();
    if (free) return free;
    if (this.open < this.opts.poolSize) {
      this.open += 1;
      try { return await this.connect(); } catch (e) { this.open -= 1; throw e; }
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(session: Session): void {
    if (session.broken) {
      this.open -= 1;
      void session.connection.client.end().catch(() => { /* already gone */ });
      // Someone waiting for a connection gets a new one instead.
      const next = this.waiting.shift();
      if (next) { this.open += 1; this.connect().then(next, () => { this.open -= 1; }); }
      return;
    }
    const next = this.waiting.shift();
    if (next) next(session); else this.idle.push(session);
  }

  private async connect(): Promise<Session> {
    const client = new pg.Client(clientConfig(this.url, this.opts));
    await client.connect();
    const connection = new PgConnection(client);
    const sql = new Sql(connection);
    const caches = new UnitCaches(this.caches);
    const session: Session = { connection, sql, repos: new Repositories(this.db, sql, 'postgres', caches), caches, broken: false };
    client.on('error', () => { session.broken = true; });
    return session;
  }

  /** Forgets what other instances changed. While the listening connection is down nothing can be trusted: caches are cleared. */
  private async listen(): Promise<void> {
    const client = new pg.Client(clientConfig(this.url, this.opts));
    const lost = () => {
      if (this.listener !== client) return;
      this.listener = undefined;
      this.caches.clear();
      void client.end().catch(() => { /* already gone */ });
      if (!this.closed) setTimeout(() => void this.listen().catch(lost), 1000).unref();
    };
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', (n) => {
      try { for (const change of JSON.parse(n.payload ?? '[]') as CacheChange[]) this.caches.forget(change); } catch { this.caches.clear(); }
    });
    this.listener = client;
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
  }

  async ping(): Promise<void> {
    await this.run({ fn: (repos) => repos.ping(), readOnly: true });
  }

  async close(): Promise<void> {
    this.closed = true;
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => { /* already gone */ });
    await Promise.all(this.idle.splice(0).map((s) => s.connection.client.end().catch(() => { /* already gone */ })));
    await this.db.destroy();
  }
}
