// customer_preferences (rows keyed by the stored login string) and user_preferences (by users.id); the cached
// UserTimeZone of each account is forgotten here when it is written.
import type { Kysely } from 'kysely';
import type { DB } from './schema.js';
import { timeZoneKey, type UnitCaches } from './cache.js';
import type { Sql } from './sql.js';

export type PreferenceRow = { preferences_key: string; preferences_value: string | null };

export class PreferenceRepository {
  private readonly q;
  constructor(private readonly db: Kysely<DB>, private readonly sql: Sql, private readonly caches: UnitCaches) {
    this.q = {
      customer: sql.prepare((login: string) => db.selectFrom('customer_preferences')
        .select(['preferences_key', 'preferences_value']).where('user_id', '=', login)),
      deleteCustomer: sql.prepare((login: string, key: string) => db.deleteFrom('customer_preferences')
        .where('user_id', '=', login).where('preferences_key', '=', key)),
      insertCustomer: sql.prepare((login: string, key: string, value: string) => db.insertInto('customer_preferences')
        .values({ user_id: login, preferences_key: key, preferences_value: value })),
    };
  }

  customer(login: string): Promise<PreferenceRow[]> {
    return this.q.customer(login);
  }

  /** OTRS writes a preference as delete + insert (Preferences/DB.pm); null removes it. */
  async setCustomer(login: string, key: string, value: string | null): Promise<void> {
    if (key === 'UserTimeZone') this.caches.forgetTimeZone('Customer', login);
    await this.q.deleteCustomer(login, key);
    if (value !== null) await this.q.insertCustomer(login, key, value);
  }

  /** Several preferences at once (each key once): one delete and one insert, whatever their number. */
  async setCustomerMany(login: string, values: Map<string, string | null>): Promise<void> {
    if (values.size === 0) return;
    if (values.has('UserTimeZone')) this.caches.forgetTimeZone('Customer', login);
    await this.sql.run(this.db.deleteFrom('customer_preferences').where('user_id', '=', login).where('preferences_key', 'in', [...values.keys()]));
    const rows = [...values].filter(([, v]) => v !== null).map(([k, v]) => ({ user_id: login, preferences_key: k, preferences_value: v }));
    if (rows.length > 0) await this.sql.run(this.db.insertInto('customer_preferences').values(rows));
  }

  async renameCustomer(oldLogin: string, newLogin: string): Promise<void> {
    this.caches.forgetTimeZone('Customer', oldLogin);
    this.caches.forgetTimeZone('Customer', newLogin);
    await this.sql.run(this.db.updateTable('customer_preferences').set({ user_id: newLogin }).where('user_id', '=', oldLogin));
  }

  user(userId: number): Promise<PreferenceRow[]> {
    return this.sql.rows(this.db.selectFrom('user_preferences').select(['preferences_key', 'preferences_value']).where('user_id', '=', userId));
  }

  async setUser(userId: number, key: string, value: string | null): Promise<void> {
    if (key === 'UserTimeZone') this.caches.forgetTimeZone('User', userId);
    await this.sql.run(this.db.deleteFrom('user_preferences').where('user_id', '=', userId).where('preferences_key', '=', key));
    if (value !== null) await this.sql.run(this.db.insertInto('user_preferences').values({ user_id: userId, preferences_key: key, preferences_value: value }));
  }

  /** An account's UserTimeZone preference, '' when it has none; cached, as nearly every answer carries times. */
  timeZoneOf(userType: 'User' | 'Customer', id: number | string): Promise<string> {
    return this.caches.timeZones.get(timeZoneKey(userType, id), async () => {
      const prefs = userType === 'User' ? await this.user(Number(id)) : await this.customer(String(id));
      return prefs.find((p) => p.preferences_key === 'UserTimeZone')?.preferences_value ?? '';
    });
  }
}
