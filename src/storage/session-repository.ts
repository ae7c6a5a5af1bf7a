// GenericInterface sessions (one row per key, as AuthSession/DB.pm stores them) and access tokens: what a
// request authenticates with. SQL and the session cache's invalidation stay here.
import { sql, type Kysely, type Selectable } from 'kysely';
import type { DB, AccessTokenTable } from './schema.js';
import type { UnitCaches } from './cache.js';
import type { Sql } from './sql.js';

export type AccessTokenRow = Selectable<AccessTokenTable>;

export class SessionRepository {
  private readonly byIdQuery;
  constructor(private readonly db: Kysely<DB>, private readonly sql: Sql, private readonly caches: UnitCaches) {
    this.byIdQuery = sql.prepare((sessionId: string) => db.selectFrom('sessions').select(['data_key', 'data_value']).where('session_id', '=', sessionId));
  }

  async insert(sessionId: string, data: Record<string, string>): Promise<void> {
    await this.sql.run(this.db.insertInto('sessions').values(Object.entries(data).map(([k, v]) => ({ session_id: sessionId, data_key: k, data_value: v, serialized: 0 }))));
  }

  /** A session's data (cached: its rows never change once written). */
  get(sessionId: string): Promise<Record<string, string> | undefined> {
    return this.caches.sessions.get(sessionId, async () => {
      const rows = await this.byIdQuery(sessionId);
      if (rows.length === 0) return undefined;
      const out: Record<string, string> = Object.create(null);
      for (const r of rows) out[r.data_key] = r.data_value ?? '';
      return out;
    });
  }

  /** Deletes every session of the account (UserType + UserID rows; the UserID ones are indexed). */
  async deleteOf(userType: 'User' | 'Customer', userId: string): Promise<void> {
    this.caches.forgetAccount(userType, userId);
    const owned = this.db.selectFrom('sessions').select('session_id').where(sql<boolean>`data_key = 'UserID'`).where('data_value', '=', userId);
    const ofType = this.db.selectFrom('sessions').select('session_id').where('data_key', '=', 'UserType').where('data_value', '=', userType);
    await this.sql.run(this.db.deleteFrom('sessions').where('session_id', 'in', owned.where('session_id', 'in', ofType)));
  }

  async delete(sessionId: string): Promise<void> {
    this.caches.forgetSession(sessionId);
    await this.sql.run(this.db.deleteFrom('sessions').where('session_id', '=', sessionId));
  }
}

export class AccessTokenRepository {
  private readonly byUuidQuery;
  constructor(private readonly db: Kysely<DB>, private readonly sql: Sql) {
    this.byUuidQuery = sql.prepare((uuid: string) => db.selectFrom('access_token').selectAll().where('uuid', '=', uuid));
  }

  async insert(row: { uuid: string; user_id: string; user_type: string; create_time: string; expires_time: string; remote_addr: string | null }): Promise<void> {
    await this.sql.run(this.db.insertInto('access_token').values(row));
  }

  async get(uuid: string): Promise<AccessTokenRow | undefined> {
    return (await this.byUuidQuery(uuid))[0];
  }

  async delete(uuid: string): Promise<void> {
    await this.sql.run(this.db.deleteFrom('access_token').where('uuid', '=', uuid));
  }

  async deleteOf(userType: 'User' | 'Customer', userId: string): Promise<void> {
    await this.sql.run(this.db.deleteFrom('access_token').where('user_type', '=', userType).where('user_id', '=', userId));
  }
}
