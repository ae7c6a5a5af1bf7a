// The storage interface the domain sees. Each method is one question or one write in OTRS terms; SQL stays here.
import { sql, type Kysely, type Selectable, type Insertable, type Updateable } from 'kysely';
import type { Audit, DB, CustomerUserTable, DynamicFieldTable, UsersTable } from './schema.js';
import { CustomerCompanyRepository } from './customer-company-repository.js';
import { lower, lowered, matches } from './conditions.js';
import { ReadCaches } from './cache.js';

export type CustomerUserRow = Selectable<CustomerUserTable>;
export type DynamicFieldRow = Selectable<DynamicFieldTable>;
export type UserRow = Selectable<UsersTable>;
export type CustomerUserChanges = Updateable<CustomerUserTable>;

export interface CustomerUserQuery {
  conditions: Array<{ column: string; pattern: string }>;
  validOnly: boolean;
  orderBy: Array<{ column: string; descending: boolean }>;
  limit?: number;
}

export class Repositories {
  readonly customerCompanies: CustomerCompanyRepository;
  constructor(readonly db: Kysely<DB>, private readonly caches: ReadCaches = new ReadCaches(0)) { this.customerCompanies = new CustomerCompanyRepository(db); }

  // --- customer_user -------------------------------------------------------------------------------------
  /** OTRS looks customer users up case-insensitively (CustomerUser/DB.pm, unless CaseSensitive). */
  customerUserByLogin(login: string): Promise<CustomerUserRow | undefined> {
    return this.db.selectFrom('customer_user').selectAll().where(lower('login'), '=', lowered(login)).executeTakeFirst();
  }

  async searchCustomerUsers(q: CustomerUserQuery): Promise<string[]> {
    let query = this.db.selectFrom('customer_user').select('login');
    for (const c of q.conditions) query = query.where(matches(c.column, c.pattern));
    if (q.validOnly) query = query.where('valid_id', '=', 1);
    // With a condition, its index is the selective one; ordering by a bare indexed column would make SQLite walk
    // that column's whole index instead (all million rows of a `cust12*` search). `|| ''` orders by the same
    // value without offering the index. With no condition, index order is what avoids a sort.
    const sortKey = (column: string) => (q.conditions.length > 0 ? sql`${sql.ref(column)} || ''` : sql.ref(column));
    for (const o of q.orderBy) query = query.orderBy(sortKey(o.column), o.descending ? 'desc' : 'asc');
    if (q.limit !== undefined) query = query.limit(q.limit);
    return (await query.execute()).map((r) => r.login);
  }

  async customerUserLoginTaken(login: string, exceptId: number): Promise<boolean> {
    const row = await this.db.selectFrom('customer_user').select('id')
      .where(lower('login'), '=', lowered(login)).where('id', '!=', exceptId).executeTakeFirst();
    return row !== undefined;
  }

  async customerUserEmailTaken(email: string, exceptId: number): Promise<boolean> {
    const row = await this.db.selectFrom('customer_user').select('id')
      .where(lower('email'), '=', lowered(email)).where('id', '!=', exceptId).executeTakeFirst();
    return row !== undefined;
  }

  async updateCustomerUser(id: number, changes: CustomerUserChanges): Promise<void> {
    await this.db.updateTable('customer_user').set(changes).where('id', '=', id).execute();
  }

  async insertCustomerUser(row: Insertable<CustomerUserTable>): Promise<void> {
    await this.db.insertInto('customer_user').values(row).execute();
  }

  // --- customer_preferences (rows keyed by the stored login string) ----------------------------------------
  customerPreferences(login: string): Promise<Array<{ preferences_key: string; preferences_value: string | null }>> {
    return this.db.selectFrom('customer_preferences').select(['preferences_key', 'preferences_value'])
      .where('user_id', '=', login).execute();
  }

  /** OTRS writes a preference as delete + insert (Preferences/DB.pm); null removes it. */
  async setCustomerPreference(login: string, key: string, value: string | null): Promise<void> {
    await this.db.deleteFrom('customer_preferences').where('user_id', '=', login).where('preferences_key', '=', key).execute();
    if (value !== null) {
      await this.db.insertInto('customer_preferences').values({ user_id: login, preferences_key: key, preferences_value: value }).execute();
    }
  }

  async renameCustomerPreferences(oldLogin: string, newLogin: string): Promise<void> {
    await this.db.updateTable('customer_preferences').set({ user_id: newLogin }).where('user_id', '=', oldLogin).execute();
  }

  // --- users (agents), groups ------------------------------------------------------------------------------
  userByLogin(login: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where(lower('login'), '=', lowered(login)).executeTakeFirst();
  }

  userById(id: number): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async insertUser(row: Insertable<UsersTable>): Promise<number> {
    const r = await this.db.insertInto('users').values(row).returning('id').executeTakeFirstOrThrow();
    return r.id;
  }

  async setUserValidId(id: number, validId: number): Promise<void> {
    await this.db.updateTable('users').set({ valid_id: validId }).where('id', '=', id).execute();
  }

  async updateUserPassword(id: number, pw: string): Promise<void> {
    await this.db.updateTable('users').set({ pw }).where('id', '=', id).execute();
  }

  async updateCustomerUserPassword(id: number, pw: string): Promise<void> {
    await this.db.updateTable('customer_user').set({ pw }).where('id', '=', id).execute();
  }

  /** Group names in which the agent holds the permission key, through valid groups only. */
  userGroupsWith(userId: number, permissionKey: string): Promise<string[]> {
    return this.caches.agentGroups.get(`${userId}\u0000${permissionKey}`, async () => {
      const rows = await this.db.selectFrom('group_user').innerJoin('groups', 'groups.id', 'group_user.group_id')
        .select('groups.name').where('group_user.user_id', '=', userId)
        .where('group_user.permission_key', '=', permissionKey).where('groups.valid_id', '=', 1).execute();
      return rows.map((r) => r.name);
    });
  }

  async groupIdByName(name: string): Promise<number | undefined> {
    return (await this.db.selectFrom('groups').select('id').where('name', '=', name).executeTakeFirst())?.id;
  }

  async addGroupUser(userId: number, groupId: number, permissionKey: string, stamp: Audit): Promise<void> {
    this.caches.invalidate();
    await this.db.insertInto('group_user').values({ user_id: userId, group_id: groupId, permission_key: permissionKey, ...stamp }).execute();
  }

  userPreferences(userId: number): Promise<Array<{ preferences_key: string; preferences_value: string | null }>> {
    return this.db.selectFrom('user_preferences').select(['preferences_key', 'preferences_value']).where('user_id', '=', userId).execute();
  }

  async setUserPreference(userId: number, key: string, value: string | null): Promise<void> {
    await this.db.deleteFrom('user_preferences').where('user_id', '=', userId).where('preferences_key', '=', key).execute();
    if (value !== null) await this.db.insertInto('user_preferences').values({ user_id: userId, preferences_key: key, preferences_value: value }).execute();
  }

  // --- dynamic fields --------------------------------------------------------------------------------------
  dynamicFieldByName(name: string): Promise<DynamicFieldRow | undefined> {
    return this.db.selectFrom('dynamic_field').selectAll().where('name', '=', name).executeTakeFirst();
  }

  dynamicFieldsOf(objectType: string): Promise<DynamicFieldRow[]> {
    return this.caches.dynamicFields.get(objectType, () => this.db.selectFrom('dynamic_field').selectAll().where('object_type', '=', objectType)
      .where('valid_id', '=', 1).orderBy('field_order').orderBy('id').execute());
  }

  async insertDynamicField(row: Insertable<DynamicFieldTable>): Promise<number> {
    this.caches.invalidate();
    const r = await this.db.insertInto('dynamic_field').values(row).returning('id').executeTakeFirstOrThrow();
    return r.id;
  }

  async maxDynamicFieldOrder(): Promise<number> {
    const r = await this.db.selectFrom('dynamic_field').select((eb) => eb.fn.max('field_order').as('m')).executeTakeFirst();
    return Number(r?.m ?? 0);
  }

  private async objectId(objectType: string, objectName: string, create: boolean): Promise<number | undefined> {
    const found = await this.db.selectFrom('dynamic_field_obj_id_name').select('object_id')
      .where('object_type', '=', objectType).where('object_name', '=', objectName).executeTakeFirst();
    if (found || !create) return found?.object_id;
    const r = await this.db.insertInto('dynamic_field_obj_id_name').values({ object_type: objectType, object_name: objectName })
      .returning('object_id').executeTakeFirstOrThrow();
    return r.object_id;
  }

  /** Values of every field for one object, one row per value (multiselect: several rows), in insertion order. */
  async dynamicFieldValues(objectType: string, objectName: string): Promise<Array<{ field_id: number; value_text: string | null; value_date: string | null; value_int: number | null }>> {
    const objectId = await this.objectId(objectType, objectName, false);
    if (objectId === undefined) return [];
    return this.db.selectFrom('dynamic_field_value').select(['field_id', 'value_text', 'value_date', 'value_int'])
      .where('object_id', '=', objectId).orderBy('id').execute();
  }

  /** Replaces the values of one field for one object; an empty list clears it. */
  async setDynamicFieldValues(fieldId: number, objectType: string, objectName: string,
    values: Array<{ value_text: string | null; value_date: string | null; value_int: number | null }>): Promise<void> {
    const objectId = await this.objectId(objectType, objectName, values.length > 0);
    if (objectId === undefined) return;
    await this.db.deleteFrom('dynamic_field_value').where('field_id', '=', fieldId).where('object_id', '=', objectId).execute();
    if (values.length > 0) {
      await this.db.insertInto('dynamic_field_value').values(values.map((v) => ({ field_id: fieldId, object_id: objectId, ...v }))).execute();
    }
  }

  async renameDynamicFieldObject(objectType: string, oldName: string, newName: string): Promise<void> {
    await this.db.updateTable('dynamic_field_obj_id_name').set({ object_name: newName })
      .where('object_type', '=', objectType).where('object_name', '=', oldName).execute();
  }

  // --- sessions (one row per key, as AuthSession/DB.pm stores them) ------------------------------------------
  async insertSession(sessionId: string, data: Record<string, string>): Promise<void> {
    await this.db.insertInto('sessions').values(Object.entries(data).map(([k, v]) => ({ session_id: sessionId, data_key: k, data_value: v, serialized: 0 }))).execute();
  }

  async session(sessionId: string): Promise<Record<string, string> | undefined> {
    const rows = await this.db.selectFrom('sessions').select(['data_key', 'data_value']).where('session_id', '=', sessionId).execute();
    if (rows.length === 0) return undefined;
    const out: Record<string, string> = Object.create(null);
    for (const r of rows) out[r.data_key] = r.data_value ?? '';
    return out;
  }

  async deleteSession(sessionId: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('session_id', '=', sessionId).execute();
  }

  // --- access tokens ---------------------------------------------------------------------------------------
  async insertAccessToken(row: { uuid: string; user_id: string; user_type: string; create_time: string; expires_time: string; remote_addr: string | null }): Promise<void> {
    await this.db.insertInto('access_token').values(row).execute();
  }

  accessToken(uuid: string) {
    return this.db.selectFrom('access_token').selectAll().where('uuid', '=', uuid).executeTakeFirst();
  }

  async deleteAccessToken(uuid: string): Promise<void> {
    await this.db.deleteFrom('access_token').where('uuid', '=', uuid).execute();
  }

  // --- password history (newest first) ----------------------------------------------------------------------
  async passwordHistory(userType: string, userId: number): Promise<string[]> {
    const rows = await this.db.selectFrom('password_history').select('pw').where('user_type', '=', userType).where('user_id', '=', userId)
      .orderBy('id', 'desc').execute();
    return rows.map((r) => r.pw);
  }

  /** Records a replaced hash and keeps only the newest `keep` entries. */
  async addPasswordHistory(userType: string, userId: number, pw: string, createTime: string, keep: number): Promise<void> {
    await this.db.insertInto('password_history').values({ user_type: userType, user_id: userId, pw, create_time: createTime }).execute();
    const old = await this.db.selectFrom('password_history').select('id').where('user_type', '=', userType).where('user_id', '=', userId)
      .orderBy('id', 'desc').offset(keep).limit(1000).execute();
    if (old.length > 0) await this.db.deleteFrom('password_history').where('id', 'in', old.map((r) => r.id)).execute();
  }

  // --- system_data -----------------------------------------------------------------------------------------
  async systemData(key: string): Promise<string | undefined> {
    return (await this.db.selectFrom('system_data').select('data_value').where('data_key', '=', key).executeTakeFirst())?.data_value ?? undefined;
  }

  async insertSystemData(key: string, value: string, stamp: Audit): Promise<void> {
    await this.db.insertInto('system_data').values({ data_key: key, data_value: value, ...stamp }).onConflict((oc) => oc.column('data_key').doNothing()).execute();
  }

  async countValidCustomerUsers(): Promise<number> {
    const r = await this.db.selectFrom('customer_user').select((eb) => eb.fn.countAll().as('n')).where('valid_id', '=', 1).executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  /** Valid agents, not counting the system user 1 (root@localhost), which never logs in here. */
  async countValidUsers(): Promise<number> {
    const r = await this.db.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).where('valid_id', '=', 1).where('id', '!=', 1).executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  async countUsers(): Promise<number> {
    const r = await this.db.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
    return Number(r?.n ?? 0);
  }
}
