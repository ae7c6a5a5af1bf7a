// Opens the store named by DATABASE_URL. SQLite (better-sqlite3) is the embedded default; the Kysely layer
// above it is dialect-neutral so PostgreSQL can be added behind the same repositories.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, sql, type SqliteDatabase } from 'kysely';
import type { DB } from './schema.js';
import { migrationProvider } from './migrations.js';
import { Repositories } from './repositories.js';
import { ReadCaches } from './cache.js';

/** Kysely prepares every query anew; the same SQL text reuses its prepared statement instead (bounded). */
function withStatementCache(sqlite: Database.Database, max = 1000): SqliteDatabase {
  const cache = new Map<string, Database.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      let statement = cache.get(sql);
      if (!statement) {
        if (cache.size >= max) cache.clear();
        statement = sqlite.prepare(sql);
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}

/**
 * Functions every connection to the file needs (the indexes use them). OTRS compares logins, ids and names
 * case-insensitively, and on PostgreSQL or MySQL that folding is Unicode; SQLite's own lower() folds ASCII only.
 * This lower() (and so the lower(login) indexes) folds like JavaScript's toLowerCase(), i.e. Unicode.
 */
export function registerFunctions(sqlite: Database.Database): void {
  sqlite.function('lower', { deterministic: true }, (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v));
}

/** A unit of work waiting for the next group commit. */
interface Unit { fn: (repos: Repositories) => Promise<unknown>; resolve: (v: unknown) => void; reject: (e: unknown) => void }

/** Units per commit at most: bounds how long one group holds the database. */
const MAX_GROUP = 64;

export interface StorageOptions {
  url: string;
  synchronous?: 'NORMAL' | 'FULL';
  /** How long read caches (cache.ts) trust what they read; 0: no caching. */
  cacheTtlMs?: number;
}

export class Storage {
  readonly repos: Repositories;
  private readonly caches: ReadCaches;
  private constructor(readonly db: Kysely<DB>, private readonly close_: () => void, cacheTtlMs: number) {
    this.caches = new ReadCaches(cacheTtlMs);
    this.repos = new Repositories(db, this.caches);
  }

  static async open(opts: StorageOptions): Promise<Storage> {
    if (/^postgres(ql)?:\/\//.test(opts.url)) {
      throw new Error('PostgreSQL is not supported yet: set DATABASE_URL to a SQLite file path');
    }
    const file = opts.url.replace(/^sqlite:(\/\/)?/, '');
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    const sqlite = new Database(file);
    // WAL: readers never block the writer, and a committed transaction survives a killed process; FULL (the
    // default) also syncs the log at every commit, so an acknowledged write survives a power cut too.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma(`synchronous = ${opts.synchronous ?? 'FULL'}`);
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('foreign_keys = ON');
    registerFunctions(sqlite);
    const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
    const storage = new Storage(db, () => sqlite.close(), opts.cacheTtlMs ?? 0);
    const { error } = await new Migrator({ db, provider: migrationProvider }).migrateToLatest();
    if (error) throw error instanceof Error ? error : new Error(String(error));
    return storage;
  }

  /**
   * Runs fn as one unit of work: everything it writes lands together or not at all, and the promise settles
   * only once that is on disk. Units that arrive while others run are grouped (group commit): each runs alone,
   * in turn, inside a savepoint of one shared transaction, so a failing unit undoes only its own writes, and the
   * group pays for one commit, the expensive part (a WAL sync) instead of one each.
   */
  transaction<T>(fn: (repos: Repositories) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ fn: fn as Unit['fn'], resolve: resolve as Unit['resolve'], reject });
      if (!this.flushing) { this.flushing = true; setImmediate(() => void this.flush()); }
    });
  }

  private readonly pending: Unit[] = [];
  private flushing = false;

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const group = this.pending.splice(0, MAX_GROUP);
      const outcomes: Array<{ value: unknown } | { error: unknown }> = [];
      try {
        await this.db.transaction().execute(async (trx) => {
          const repos = new Repositories(trx, this.caches);
          for (const unit of group) {
            await sql`SAVEPOINT unit`.execute(trx);
            try {
              const value = await unit.fn(repos);
              await sql`RELEASE unit`.execute(trx);
              outcomes.push({ value });
            } catch (error) {
              await sql`ROLLBACK TO unit`.execute(trx);
              await sql`RELEASE unit`.execute(trx);
              outcomes.push({ error });
            } finally {
              this.caches.unitEnded();
            }
          }
        });
      } catch (error) {
        // The commit itself failed (disk full, I/O error): nothing of the group is stored.
        this.caches.clear();
        for (const unit of group) unit.reject(error);
        continue;
      }
      group.forEach((unit, i) => {
        const o = outcomes[i];
        if ('error' in o) unit.reject(o.error); else unit.resolve(o.value);
      });
    }
    this.flushing = false;
  }

  /** Whether the database answers (the health check). */
  async ping(): Promise<boolean> {
    try { await sql`SELECT 1`.execute(this.db); return true; } catch { return false; }
  }

  async close(): Promise<void> {
    await this.db.destroy();
    this.close_();
  }
}
