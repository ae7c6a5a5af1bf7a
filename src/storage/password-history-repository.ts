// password_history: an account's replaced password hashes, newest first (the reuse check).
import type { Kysely } from 'kysely';
import type { DB } from './schema.js';
import type { Sql } from './sql.js';

export class PasswordHistoryRepository {
  constructor(private readonly db: Kysely<DB>, private readonly sql: Sql) {}

  async of(userType: string, userId: number): Promise<string[]> {
    const rows = await this.sql.rows(this.db.selectFrom('password_history').select('pw').where('user_type', '=', userType).where('user_id', '=', userId)
      .orderBy('id', 'desc'));
    return rows.map((r) => r.pw);
  }

  /** Records a replaced hash and keeps only the newest `keep` entries. */
  async add(userType: string, userId: number, pw: string, createTime: string, keep: number): Promise<void> {
    await this.sql.run(this.db.insertInto('password_history').values({ user_type: userType, user_id: userId, pw, create_time: createTime }));
    const old = await this.sql.rows(this.db.selectFrom('password_history').select('id').where('user_type', '=', userType).where('user_id', '=', userId)
      .orderBy('id', 'desc').offset(keep).limit(1000));
    if (old.length > 0) await this.sql.run(this.db.deleteFrom('password_history').where('id', 'in', old.map((r) => r.id)));
  }
}
