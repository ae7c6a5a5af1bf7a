// user_licence: which agent holds which licence module.
import type { Kysely } from 'kysely';
import type { DB } from './schema.js';
import type { Sql } from './sql.js';

export class LicenceRepository {
  constructor(private readonly db: Kysely<DB>, private readonly sql: Sql) {}

  /** How many agents hold each licence module that any agent holds. */
  async inUse(): Promise<Map<string, number>> {
    const rows = await this.sql.rows(this.db.selectFrom('user_licence').select(['module', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('module'));
    return new Map(rows.map((r) => [r.module, Number(r.n)]));
  }

  async ofUser(userId: number): Promise<string[]> {
    return this.sql.column(this.db.selectFrom('user_licence').select('module').where('user_id', '=', userId).orderBy('module'));
  }

  /** Gives the agent the module (once), or takes it away. */
  async set(userId: number, module: string, assigned: boolean, stamp: { create_time: string; create_by: number }): Promise<void> {
    await this.sql.run(this.db.deleteFrom('user_licence').where('user_id', '=', userId).where('module', '=', module));
    if (assigned) await this.sql.run(this.db.insertInto('user_licence').values({ user_id: userId, module, ...stamp }));
  }
}
