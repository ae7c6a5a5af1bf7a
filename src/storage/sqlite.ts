// The embedded store: one SQLite file (better-sqlite3), one connection, and a queue of units of work that
// commit in groups. SQLite has one writer at a time, so units run in turn; grouping them pays one WAL sync for
// many.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { DB } from './schema.js';
import { Repositories } from './repositories.js';
import { UnitCaches, type ReadCaches } from './cache.js';
import { Sql, type Connection, type QueryOutcome } from './sql.js';
import type { Engine, UnitOfWork } from './engine.js';

/** The SQLite connection: one better-sqlite3 handle, each SQL text prepared once (bounded). */
class SqliteConnection implements Connection {
  private readonly statements = new Map<string, Database.Statement>();
  constructor(private readonly sqlite: Database.Database, private readonly maxStatements = 1000) {}

  query(text: string, parameters: readonly unknown[], pluck = false): QueryOutcome {
    let statement = this.statements.get(text);
    if (!statement) {
      if (this.statements.size >= this.maxStatements) this.statements.clear();
      statement = this.sqlite.prepare(text);
      this.statements.set(text, statement);
    }
    if (statement.reader) return { rows: statement.pluck(pluck).all(...parameters), changes: 0 };
    return { rows: [], changes: statement.run(...parameters).changes };
  }
}

/**
 * Functions every connection to the file needs (the indexes use them). OTRS compares logins, ids and names
 * case-insensitively, and on PostgreSQL or MySQL that folding is Unicode; SQLite's own lower() folds ASCII only.
 * This lower() (and so the lower(login) indexes) folds like JavaScript's toLowerCase(), i.e. Unicode.
 */
export function registerFunctions(sqlite: Database.Database): void {
  sqlite.function('lower', { deterministic: true }, (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v));
}

/**
 * ANALYZE (an operator's, or the benchmark seed's) leaves samples in sqlite_stat4, and better-sqlite3 builds SQLite
 * with STAT4: with samples present, every statement is planned anew each time a value is bound to it, which
 * doubled the cost of the hot queries. The samples only help queries with literal values, and this server binds
 * every value, so only the sqlite_stat1 statistics are kept.
 */
function dropStat4Samples(sqlite: Database.Database): void {
  const hasTable = sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat4'").get();
  if (!hasTable || !sqlite.prepare('SELECT 1 FROM sqlite_stat4 LIMIT 1').get()) return;
  sqlite.exec('DELETE FROM sqlite_stat4; ANALYZE sqlite_schema');
}

/** Opens (creating if needed) the SQLite file; `file` is a path or ':memory:'. Read-only: the file must exist, nothing is written. */
export function openSqlite(file: string, synchronous: 'NORMAL' | 'FULL', readOnly = false): { db: Kysely<DB>; sqlite: Database.Database } {
  if (readOnly) {
    const sqlite = new Database(file, { readonly: true, fileMustExist: true });
    registerFunctions(sqlite);
    return { db: new Kysely<DB>({ dialect: new SqliteDialect({ database: sqlite }) }), sqlite };
  }
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const sqlite = new Database(file);
  // WAL: readers never block the writer, and a committed transaction survives a killed process; FULL (the
  // default) also syncs the log at every commit, so an acknowledged write survives a power cut too.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`synchronous = ${synchronous}`);
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  registerFunctions(sqlite);
  dropStat4Samples(sqlite);
  // Kysely builds and compiles every query; it runs only the migrations itself (sql.ts runs the rest).
  return { db: new Kysely<DB>({ dialect: new SqliteDialect({ database: sqlite }) }), sqlite };
}

/** A unit of work waiting for the next group commit. */
interface Unit extends UnitOfWork { resolve: (v: unknown) => void; reject: (e: unknown) => void }

function settle(unit: Unit, outcome: { value: unknown } | { error: unknown }): void {
  if ('error' in outcome) unit.reject(outcome.error); else unit.resolve(outcome.value);
}

/** Units per commit at most: bounds how long one group holds the database. */
const MAX_GROUP = 64;

/**
 * Units that arrive while others run are grouped (group commit): each runs alone, in turn, inside a savepoint of
 * one shared transaction, so a failing unit undoes only its own writes, and the group pays for one commit, the
 * expensive part (a WAL sync), instead of one each. A unit's promise settles only once its group is on disk.
 */
export class SqliteEngine implements Engine {
  readonly dialect = 'sqlite';
  /** Only units of work reach the repositories: that is what keeps them from interleaving. */
  private readonly repos: Repositories;
  private readonly sql: Sql;
  private readonly unitCaches: UnitCaches;
  private readonly pending: Unit[] = [];
  private flushing = false;

  constructor(private readonly db: Kysely<DB>, sqlite: Database.Database, private readonly caches: ReadCaches) {
    this.sql = new Sql(new SqliteConnection(sqlite));
    this.unitCaches = new UnitCaches(caches);
    this.repos = new Repositories(db, this.sql, 'sqlite', this.unitCaches);
  }

  run(work: UnitOfWork): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.pending.push({ ...work, resolve, reject });
      if (!this.flushing) { this.flushing = true; setImmediate(() => void this.flush()); }
    });
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const group = this.pending.splice(0, MAX_GROUP);
      // Outcomes wait for the commit. A group of reads only has nothing to commit, and each is answered at once,
      // so a group of large reads (searches) holds one result at a time. (Answering mixed groups' reads early
      // too made the writes' groups smaller: more commits.)
      const waiting: Array<{ unit: Unit; outcome: { value: unknown } | { error: unknown } }> = [];
      const readsOnly = group.every((unit) => unit.readOnly);
      try {
        this.sql.beginLazily();
        for (const unit of group) {
          const outcome = await this.runUnit(unit);
          if (readsOnly) settle(unit, outcome); else waiting.push({ unit, outcome });
        }
        await this.sql.commit();
      } catch (error) {
        // BEGIN, a savepoint or the commit itself failed (disk full, I/O error): nothing of the group is stored.
        // Every unit not yet answered is refused, those the loop never reached too (a read already answered
        // keeps its answer: a promise settles once).
        await this.sql.rollback().catch(() => { /* no transaction left to undo */ });
        this.caches.clear();
        for (const unit of group) unit.reject(error);
        continue;
      }
      for (const { unit, outcome } of waiting) settle(unit, outcome);
    }
    this.flushing = false;
  }

  private async runUnit(unit: Unit): Promise<{ value: unknown } | { error: unknown }> {
    if (!unit.readOnly) await this.sql.exec('SAVEPOINT unit');
    try {
      const value = await unit.fn(this.repos);
      if (!unit.readOnly) await this.sql.exec('RELEASE unit');
      return { value };
    } catch (error) {
      if (!unit.readOnly) { await this.sql.exec('ROLLBACK TO unit'); await this.sql.exec('RELEASE unit'); }
      return { error };
    } finally {
      this.unitCaches.ended();
    }
  }

  async ping(): Promise<void> {
    await this.run({ fn: (repos) => repos.ping(), readOnly: true });
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
