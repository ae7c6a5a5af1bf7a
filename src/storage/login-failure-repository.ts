// Failed-login counters (LoginThrottle), one row per counter key.
import { sql, type Kysely } from 'kysely';
import type { DB } from './schema.js';
import type { Sql } from './sql.js';

export class LoginFailureRepository {
  constructor(private readonly db: Kysely<DB>, private readonly sql: Sql) {}

  get(keys: string[]): Promise<Array<{ counter_key: string; failures: number; last_failure: number }>> {
    return this.sql.rows(this.db.selectFrom('login_failure').select(['counter_key', 'failures', 'last_failure']).where('counter_key', 'in', keys));
  }

  /** One more failure at `now` (ms); a counter whose last failure was before `expiredBefore` starts again at 1. */
  async count(key: string, now: number, expiredBefore: number): Promise<void> {
    await this.sql.run(this.db.insertInto('login_failure').values({ counter_key: key, failures: 1, last_failure: now })
      .onConflict((oc) => oc.column('counter_key').doUpdateSet({
        failures: sql`CASE WHEN login_failure.last_failure < ${expiredBefore} THEN 1 ELSE login_failure.failures + 1 END`,
        last_failure: now,
      })));
  }

  /** Takes one failure back (an attempt counted before its password was checked, which was right). */
  async uncount(key: string): Promise<void> {
    await this.sql.run(this.db.updateTable('login_failure').set({ failures: sql`failures - 1` }).where('counter_key', '=', key).where('failures', '>', 0));
  }

  async clear(key: string): Promise<void> {
    await this.sql.run(this.db.deleteFrom('login_failure').where('counter_key', '=', key));
  }

  /** Deletes expired counters, and the stalest beyond `keep`. */
  async prune(expiredBefore: number, keep: number): Promise<void> {
    await this.sql.run(this.db.deleteFrom('login_failure').where('last_failure', '<', expiredBefore));
    const cutoff = await this.sql.first(this.db.selectFrom('login_failure').select('last_failure').orderBy('last_failure', 'desc').offset(keep).limit(1));
    if (cutoff) await this.sql.run(this.db.deleteFrom('login_failure').where('last_failure', '<=', cutoff.last_failure));
  }
}
