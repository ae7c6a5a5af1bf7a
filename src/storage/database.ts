// Opens the store named by DATABASE_URL: a SQLite file (the embedded default, sqlite.ts) or a postgres:// URL
// (a shared PostgreSQL, postgres.ts). Above this, nothing knows which: the same repositories, the same units of
// work.
import { Migrator, type Kysely } from 'kysely';
import type { DB } from './schema.js';
import { migrationProvider, createOwnTables } from './migrations.js';
import { inspectSchema, GroupsTablePlugin, type SchemaKind } from './otrs-schema.js';
import type { Repositories } from './repositories.js';
import { ReadCaches } from './cache.js';
import type { Engine } from './engine.js';
import type { Dialect } from './conditions.js';
import { openSqlite, SqliteEngine } from './sqlite.js';
import { PostgresEngine, defaultPostgresOptions, type PostgresOptions } from './postgres.js';

export interface StorageOptions {
  url: string;
  synchronous?: 'NORMAL' | 'FULL';
  /** How long read caches (cache.ts) trust what they read; 0: no caching. */
  cacheTtlMs?: number;
  postgres?: Partial<PostgresOptions>;
  /**
   * Only look (`config check`): nothing is created or migrated; a SQLite file must exist and is opened read-only.
   * `pendingMigrations` then tells how many migrations the next start would run.
   */
  readOnly?: boolean;
}

export const isPostgresUrl = (url: string) => /^postgres(ql)?:\/\//i.test(url);

/** The URL as it may be shown: without its password. */
export function displayUrl(url: string): string {
  if (!isPostgresUrl(url)) return url;
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch { return 'postgres://(unparsable URL)'; }
}

/** Migrations not yet run on this database (read from Kysely's bookkeeping; nothing is written). */
async function pending(db: Kysely<DB>, dialect: Dialect): Promise<number> {
  const migrations = await new Migrator({ db, provider: migrationProvider(dialect) }).getMigrations();
  return migrations.filter((m) => m.executedAt === undefined).length;
}

async function migrate(db: Kysely<DB>, dialect: Dialect): Promise<void> {
  const { error } = await new Migrator({ db, provider: migrationProvider(dialect) }).migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
}

export class Storage {
  /** Set when opened read-only: the migrations a normal start would still run. */
  pendingMigrations = 0;

  private constructor(private readonly engine: Engine, private readonly caches: ReadCaches, readonly schema: SchemaKind = 'own') {}

  static async open(opts: StorageOptions): Promise<Storage> {
    const caches = new ReadCaches(opts.cacheTtlMs ?? 0);
    if (isPostgresUrl(opts.url)) {
      const pgOptions = { ...defaultPostgresOptions, ...opts.postgres };
      const db = PostgresEngine.kysely(opts.url, pgOptions);
      try {
        const found = await inspectSchema(db);
        if (found.kind === 'own') {
          const waiting = opts.readOnly ? await pending(db, 'postgres') : (await migrate(db, 'postgres'), 0);
          const storage = new Storage(await PostgresEngine.start(opts.url, db, caches, pgOptions), caches);
          storage.pendingMigrations = waiting;
          return storage;
        }
        if (opts.readOnly) {
          const otrsDb = found.groupsTable === 'groups' ? db : db.withPlugin(new GroupsTablePlugin());
          return new Storage(await PostgresEngine.start(opts.url, otrsDb, caches, pgOptions), caches, 'otrs');
        }
        // An existing OTRS database: its tables are used as they are; only this server's own tables are added.
        await createOwnTables(db, 'postgres');
        const otrsDb = found.groupsTable === 'groups' ? db : db.withPlugin(new GroupsTablePlugin());
        return new Storage(await PostgresEngine.start(opts.url, otrsDb, caches, pgOptions), caches, 'otrs');
      } catch (e) { await db.destroy().catch(() => { /* never connected */ }); throw e; }
    }
    const { db, sqlite } = openSqlite(opts.url.replace(/^sqlite:(\/\/)?/, ''), opts.synchronous ?? 'FULL', opts.readOnly);
    let waiting = 0;
    try { if (opts.readOnly) waiting = await pending(db, 'sqlite'); else await migrate(db, 'sqlite'); } catch (e) { sqlite.close(); throw e; }
    const storage = new Storage(new SqliteEngine(db, sqlite, caches), caches);
    storage.pendingMigrations = waiting;
    return storage;
  }

  get dialect(): Dialect { return this.engine.dialect; }

  /**
   * Runs fn as one unit of work: everything it writes lands together or not at all, and the promise settles
   * only once that is durable. On PostgreSQL fn may run more than once (a unit PostgreSQL could not order with
   * concurrent ones is run again), so it only reads and writes through the repositories. `serializeOn` names the
   * object the unit changes: on PostgreSQL, units naming the same object queue for it (across instances) before
   * their transactions start, so a hundred updates of one customer user run in turn instead of aborting each
   * other; on SQLite every unit runs in turn anyway.
   */
  transaction<T>(fn: (repos: Repositories) => Promise<T>, options: { serializeOn?: string } = {}): Promise<T> {
    return this.engine.run({ fn, readOnly: false, ...options }) as Promise<T>;
  }

  /** Runs fn, which only reads: it sees one consistent state of the database, no unit's writes half done. */
  read<T>(fn: (repos: Repositories) => Promise<T>): Promise<T> {
    return this.engine.run({ fn, readOnly: true }) as Promise<T>;
  }

  /**
   * A read whose answer a read cache may hold already: a fresh cached value is answered without a unit of work
   * (no turn of the queue, no wait for a group's commit), else `fn` runs as a read unit (and fills the cache).
   */
  readCached<T>(peek: (caches: ReadCaches) => T | undefined, fn: (repos: Repositories) => Promise<T>): Promise<T> {
    const hit = peek(this.caches);
    return hit !== undefined ? Promise.resolve(hit) : this.read(fn);
  }

  /** Whether the database answers (the health check). */
  async ping(): Promise<boolean> {
    try { await this.engine.ping(); return true; } catch { return false; }
  }

  async close(): Promise<void> {
    await this.engine.close();
  }
}
