// system_data: OTRS's key/value store for installation-wide facts (the SystemID, the licence state).
import type { Kysely } from 'kysely';
import type { Audit, DB } from './schema.js';
import type { Sql } from './sql.js';

export class SystemDataRepository {
  constructor(private readonly db: Kysely<DB>, private readonly sql: Sql) {}

  async get(key: string): Promise<string | undefined> {
    return (await this.sql.first(this.db.selectFrom('system_data').select('data_value').where('data_key', '=', key)))?.data_value ?? undefined;
  }

  /** Writes the key once: a second writer keeps the first value. */
  async insert(key: string, value: string, stamp: Audit): Promise<void> {
    await this.sql.run(this.db.insertInto('system_data').values({ data_key: key, data_value: value, ...stamp }).onConflict((oc) => oc.column('data_key').doNothing()));
  }
}
