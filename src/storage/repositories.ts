// The storage interface the domain sees. Each method is one question or one write in OTRS terms; SQL stays here.
import { sql, type Kysely, type Selectable, type Insertable, type Updateable } from 'kysely';
import type { Audit, DB, CustomerUserTable, DynamicFieldTable, RolesTable, UsersTable } from './schema.js';
import { CustomerCompanyRepository } from './customer-company-repository.js';
import { lower, lowered, matches, type Dialect } from './conditions.js';
import { ReadCaches, UnitCaches, accountKey, timeZoneKey } from './cache.js';
import type { Sql } from './sql.js';

export type CustomerUserRow = Selectable<CustomerUserTable>;
export type DynamicFieldRow = Selectable<DynamicFieldTable>;
export type NewDynamicField = Insertable<DynamicFieldTable>;
export type UserRow = Selectable<UsersTable>;
export type UserChanges = Updateable<UsersTable>;
export type CustomerUserChanges = Updateable<CustomerUserTable>;

export interface CustomerUserQuery {
  conditions: Array<{ column: string; pattern: string }>;
  validOnly: boolean;
  orderBy: Array<{ column: string; descending: boolean }>;
  limit?: number;
}

/**
 * A long list in parts: one statement for each, so a statement stays within the bound parameters SQLite
 * (32766) and PostgreSQL (65535) accept, whatever the list's length (rows of up to a dozen columns).
 */
function chunks<T>(items: T[], size = 500): T[][] {
  if (items.length <= size) return items.length > 0 ? [items] : [];
  const parts: T[][] = [];
  for (let i = 0; i < items.length; i += size) parts.push(items.slice(i, i + size));
  return parts;
}

/** The questions asked on every request, prepared once. */
function preparedQueries(db: Kysely<DB>, sql: Sql) {
  return {
    customerUserByLogin: sql.prepare((login: string) => db.selectFrom('customer_user').selectAll().where(lower('login'), '=', lowered(login))),
    customerPreferences: sql.prepare((login: string) => db.selectFrom('customer_preferences')
      .select(['preferences_key', 'preferences_value']).where('user_id', '=', login)),
    deleteCustomerPreference: sql.prepare((login: string, key: string) => db.deleteFrom('customer_preferences')
      .where('user_id', '=', login).where('preferences_key', '=', key)),
    insertCustomerPreference: sql.prepare((login: string, key: string, value: string) => db.insertInto('customer_preferences')
      .values({ user_id: login, preferences_key: key, preferences_value: value })),
    userByLogin: sql.prepare((login: string) => db.selectFrom('users').selectAll().where(lower('login'), '=', lowered(login))),
    userById: sql.prepare((id: number) => db.selectFrom('users').selectAll().where('id', '=', id)),
    objectId: sql.prepare((objectType: string, objectName: string) => db.selectFrom('dynamic_field_obj_id_name').select('object_id')
      .where('object_type', '=', objectType).where('object_name', '=', objectName)),
    dynamicFieldValues: sql.prepare((objectType: string, objectName: string) => db.selectFrom('dynamic_field_value as v')
      .innerJoin('dynamic_field_obj_id_name as o', 'o.object_id', 'v.object_id')
      .select(['v.field_id', 'v.value_text', 'v.value_date', 'v.value_int'])
      .where('o.object_type', '=', objectType).where('o.object_name', '=', objectName).orderBy('v.id')),
    session: sql.prepare((sessionId: string) => db.selectFrom('sessions').select(['data_key', 'data_value']).where('session_id', '=', sessionId)),
    accessToken: sql.prepare((uuid: string) => db.selectFrom('access_token').selectAll().where('uuid', '=', uuid)),
  };
}

export interface UserQuery {
  /** Words, each found somewhere in the login, first or last name (any case). */
  words: string[];
  /** An OTRS pattern on the login: exact, or `*` wildcards. */
  login?: string;
  /** The UserEmail preference, exactly (any case). */
  email?: string;
  validOnly: boolean;
  /** Leaves out agents whose preference of this name is '1' (a lifecycle flag). */
  withoutFlag?: string;
  limit?: number;
}

/**
 * `db` only builds queries; `sql` runs them. The questions asked on every request are prepared once (Sql.prepare);
 * the rest are compiled per call.
 */
export class Repositories {
  readonly customerCompanies: CustomerCompanyRepository;
  private readonly q: ReturnType<typeof preparedQueries>;
  constructor(private readonly db: Kysely<DB>, private readonly sql: Sql, private readonly dialect: Dialect,
    private readonly caches: UnitCaches = new UnitCaches(new ReadCaches(0))) {
    this.customerCompanies = new CustomerCompanyRepository(db, sql, dialect);
    this.q = preparedQueries(db, sql);
  }


  /** Whether the database answers (the health check). */
  async ping(): Promise<void> { await this.sql.exec('SELECT 1'); }

  // --- customer_user -------------------------------------------------------------------------------------
  /** OTRS looks customer users up case-insensitively (CustomerUser/DB.pm, unless CaseSensitive). */
  async customerUserByLogin(login: string): Promise<CustomerUserRow | undefined> {
    return (await this.q.customerUserByLogin(login))[0];
  }

  async searchCustomerUsers(q: CustomerUserQuery): Promise<string[]> {
    let query = this.db.selectFrom('customer_user').select('login');
    for (const c of q.conditions) query = query.where(matches(this.dialect, c.column, c.pattern));
    if (q.validOnly) query = query.where('valid_id', '=', 1);
    // With a condition, its index is the selective one; ordering by a bare indexed column would make SQLite walk
    // that column's whole index instead (all million rows of a `cust12*` search). `|| ''` orders by the same
    // value without offering the index. With no condition, index order is what avoids a sort.
    const sortKey = (column: string) => (q.conditions.length > 0 ? sql`${sql.ref(column)} || ''` : sql.ref(column));
    for (const o of q.orderBy) query = query.orderBy(sortKey(o.column), o.descending ? 'desc' : 'asc');
    if (q.limit !== undefined) query = query.limit(q.limit);
    return this.sql.column(query);
  }

  async customerUserLoginTaken(login: string, exceptId: number): Promise<boolean> {
    const row = await this.sql.first(this.db.selectFrom('customer_user').select('id')
      .where(lower('login'), '=', lowered(login)).where('id', '!=', exceptId));
    return row !== undefined;
  }

  async customerUserEmailTaken(email: string, exceptId: number): Promise<boolean> {
    const row = await this.sql.first(this.db.selectFrom('customer_user').select('id')
      .where(lower('email'), '=', lowered(email)).where('id', '!=', exceptId));
    return row !== undefined;
  }

  async updateCustomerUser(id: number, changes: CustomerUserChanges): Promise<void> {
    if (changes.valid_id !== undefined || changes.login !== undefined || changes.pw !== undefined) {
      const old = await this.sql.first(this.db.selectFrom('customer_user').select('login').where('id', '=', id));
      if (old) this.caches.forgetAccount('Customer', old.login);
    }
    await this.sql.run(this.db.updateTable('customer_user').set(changes).where('id', '=', id));
  }

  async insertCustomerUser(row: Insertable<CustomerUserTable>): Promise<void> {
    await this.sql.run(this.db.insertInto('customer_user').values(row));
  }

  // --- customer_preferences (rows keyed by the stored login string) ----------------------------------------
  customerPreferences(login: string): Promise<Array<{ preferences_key: string; preferences_value: string | null }>> {
    return this.q.customerPreferences(login);
  }

  /** OTRS writes a preference as delete + insert (Preferences/DB.pm); null removes it. */
  async setCustomerPreference(login: string, key: string, value: string | null): Promise<void> {
    if (key === 'UserTimeZone') this.caches.forgetTimeZone('Customer', login);
    await this.q.deleteCustomerPreference(login, key);
    if (value !== null) await this.q.insertCustomerPreference(login, key, value);
  }

  /** Several preferences at once (each key once): one delete and one insert, whatever their number. */
  async setCustomerPreferences(login: string, values: Map<string, string | null>): Promise<void> {
    if (values.size === 0) return;
    if (values.has('UserTimeZone')) this.caches.forgetTimeZone('Customer', login);
    await this.sql.run(this.db.deleteFrom('customer_preferences').where('user_id', '=', login).where('preferences_key', 'in', [...values.keys()]));
    const rows = [...values].filter(([, v]) => v !== null).map(([k, v]) => ({ user_id: login, preferences_key: k, preferences_value: v }));
    if (rows.length > 0) await this.sql.run(this.db.insertInto('customer_preferences').values(rows));
  }

  async renameCustomerPreferences(oldLogin: string, newLogin: string): Promise<void> {
    this.caches.forgetTimeZone('Customer', oldLogin);
    this.caches.forgetTimeZone('Customer', newLogin);
    await this.sql.run(this.db.updateTable('customer_preferences').set({ user_id: newLogin }).where('user_id', '=', oldLogin));
  }

  // --- users (agents), groups ------------------------------------------------------------------------------
  async userByLogin(login: string): Promise<UserRow | undefined> {
    return (await this.q.userByLogin(login))[0];
  }

  async userById(id: number): Promise<UserRow | undefined> {
    return (await this.q.userById(id))[0];
  }

  async insertUser(row: Insertable<UsersTable>): Promise<number> {
    return (await this.sql.rows(this.db.insertInto('users').values(row).returning('id')))[0].id;
  }

  async updateUser(id: number, changes: UserChanges): Promise<void> {
    if (changes.valid_id !== undefined || changes.login !== undefined || changes.pw !== undefined) this.caches.forgetAccount('User', id);
    await this.sql.run(this.db.updateTable('users').set(changes).where('id', '=', id));
  }

  /** Whether another agent (not `exceptId`) has this login, ignoring case. */
  async userLoginTaken(login: string, exceptId: number): Promise<boolean> {
    return (await this.sql.first(this.db.selectFrom('users').select('id').where(lower('login'), '=', lowered(login)).where('id', '!=', exceptId))) !== undefined;
  }

  async setUserValidId(id: number, validId: number): Promise<void> {
    this.caches.forgetAccount('User', id);
    await this.sql.run(this.db.updateTable('users').set({ valid_id: validId }).where('id', '=', id));
  }

  async updateUserPassword(id: number, pw: string): Promise<void> {
    await this.sql.run(this.db.updateTable('users').set({ pw }).where('id', '=', id));
  }

  async updateCustomerUserPassword(id: number, pw: string): Promise<void> {
    await this.sql.run(this.db.updateTable('customer_user').set({ pw }).where('id', '=', id));
  }

  /**
   * The account's login while it is valid, '' while it is not (or no longer exists), as sessions and tokens name
   * it: agents by users.id, customers by login. Cached: read for every SessionID or AccessToken request; every
   * change of validity, login or password forgets it (updateUser, updateCustomerUser, setUserValidId).
   */
  accountLogin(userType: 'User' | 'Customer', id: number | string): Promise<string> {
    return this.caches.accounts.get(accountKey(userType, id), async () => {
      const row = userType === 'User' ? await this.userById(Number(id)) : await this.customerUserByLogin(String(id));
      return row && row.valid_id === 1 ? row.login : '';
    });
  }

  /**
   * Group names in which the agent holds the permission key, directly or through a valid role (OTRS
   * PermissionUserGet merges both), in valid groups only.
   */
  userGroupsWith(userId: number, permissionKey: string): Promise<string[]> {
    return this.caches.agentGroups.get(`${userId}\u0000${permissionKey}`, async () => {
      const direct = this.db.selectFrom('group_user').innerJoin('groups', 'groups.id', 'group_user.group_id')
        .select('groups.name').where('group_user.user_id', '=', userId)
        .where('group_user.permission_key', '=', permissionKey).where('groups.valid_id', '=', 1);
      const throughRoles = this.roleGroups(userId).select('groups.name').where('group_role.permission_key', '=', permissionKey);
      return this.sql.column(direct.union(throughRoles));
    });
  }

  /** The groups the agent's valid roles grant (group_role rows with permission_value 1), in valid groups. */
  private roleGroups(userId: number) {
    return this.db.selectFrom('role_user').innerJoin('roles', 'roles.id', 'role_user.role_id')
      .innerJoin('group_role', 'group_role.role_id', 'roles.id').innerJoin('groups', 'groups.id', 'group_role.group_id')
      .where('role_user.user_id', '=', userId).where('roles.valid_id', '=', 1).where('groups.valid_id', '=', 1)
      .where('group_role.permission_value', '=', 1);
  }

  /** What each of the agent's roles grants: role, group and permission key, by role and group name. */
  userRoleGroupPermissions(userId: number): Promise<Array<{ role: string; name: string; permission_key: string }>> {
    return this.sql.rows(this.roleGroups(userId).select(['roles.name as role', 'groups.name', 'group_role.permission_key'])
      .orderBy('roles.name').orderBy('groups.name').orderBy('group_role.permission_key'));
  }

  /** The agent's own group memberships (not those through roles), by group name. */
  userGroupPermissions(userId: number): Promise<Array<{ name: string; permission_key: string }>> {
    return this.sql.rows(this.db.selectFrom('group_user').innerJoin('groups', 'groups.id', 'group_user.group_id')
      .select(['groups.name', 'group_user.permission_key']).where('group_user.user_id', '=', userId)
      .orderBy('groups.name').orderBy('group_user.permission_key'));
  }

  async userRoleNames(userId: number): Promise<string[]> {
    return this.sql.column(this.db.selectFrom('role_user').innerJoin('roles', 'roles.id', 'role_user.role_id')
      .select('roles.name').where('role_user.user_id', '=', userId).orderBy('roles.name'));
  }

  /** Agent ids in login order; the system user 1 is never found. */
  async searchUsers(q: UserQuery): Promise<number[]> {
    let query = this.db.selectFrom('users').select('id').where('id', '!=', 1);
    for (const word of q.words) {
      query = query.where((eb) => eb.or(['login', 'first_name', 'last_name'].map((column) => matches(this.dialect, column, `*${word}*`))));
    }
    if (q.login !== undefined) query = query.where(matches(this.dialect, 'login', q.login));
    if (q.email !== undefined) {
      const email = q.email;
      query = query.where('id', 'in', this.db.selectFrom('user_preferences').select('user_id')
        .where('preferences_key', '=', 'UserEmail').where(lower('preferences_value'), '=', lowered(email)));
    }
    if (q.validOnly) query = query.where('valid_id', '=', 1);
    if (q.withoutFlag !== undefined) {
      const flag = q.withoutFlag;
      query = query.where('id', 'not in', this.db.selectFrom('user_preferences').select('user_id')
        .where('preferences_key', '=', flag).where('preferences_value', '=', '1'));
    }
    query = query.orderBy(sql`lower(login)`).orderBy('id');
    if (q.limit !== undefined) query = query.limit(q.limit);
    return this.sql.column(query);
  }

  async groupIdByName(name: string): Promise<number | undefined> {
    return (await this.sql.first(this.db.selectFrom('groups').select('id').where('name', '=', name)))?.id;
  }

  /** Sets the agent's permission keys in one group to exactly `keys` (none: no longer a member). */
  async setGroupUser(userId: number, groupId: number, keys: string[], stamp: Audit): Promise<void> {
    this.caches.invalidate();
    await this.sql.run(this.db.deleteFrom('group_user').where('user_id', '=', userId).where('group_id', '=', groupId));
    if (keys.length > 0) {
      await this.sql.run(this.db.insertInto('group_user').values(keys.map((k) => ({ user_id: userId, group_id: groupId, permission_key: k, ...stamp }))));
    }
  }

  /** How many agents hold each licence module that any agent holds. */
  async licencesInUse(): Promise<Map<string, number>> {
    const rows = await this.sql.rows(this.db.selectFrom('user_licence').select(['module', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('module'));
    return new Map(rows.map((r) => [r.module, Number(r.n)]));
  }

  async userLicences(userId: number): Promise<string[]> {
    return this.sql.column(this.db.selectFrom('user_licence').select('module').where('user_id', '=', userId).orderBy('module'));
  }

  /** Gives the agent the module (once), or takes it away. */
  async setUserLicence(userId: number, module: string, assigned: boolean, stamp: { create_time: string; create_by: number }): Promise<void> {
    await this.sql.run(this.db.deleteFrom('user_licence').where('user_id', '=', userId).where('module', '=', module));
    if (assigned) await this.sql.run(this.db.insertInto('user_licence').values({ user_id: userId, module, ...stamp }));
  }

  async insertRole(row: Insertable<RolesTable>): Promise<number> {
    this.caches.invalidate();
    return (await this.sql.rows(this.db.insertInto('roles').values(row).returning('id')))[0].id;
  }

  async roleIdByName(name: string): Promise<number | undefined> {
    return (await this.sql.first(this.db.selectFrom('roles').select('id').where('name', '=', name)))?.id;
  }

  /** Gives the agent the role (once), or takes it away. */
  async setRoleUser(userId: number, roleId: number, member: boolean, stamp: Audit): Promise<void> {
    this.caches.invalidate();   // a role brings its groups' permissions
    await this.sql.run(this.db.deleteFrom('role_user').where('user_id', '=', userId).where('role_id', '=', roleId));
    if (member) await this.sql.run(this.db.insertInto('role_user').values({ user_id: userId, role_id: roleId, ...stamp }));
  }

  async addGroupUser(userId: number, groupId: number, permissionKey: string, stamp: Audit): Promise<void> {
    this.caches.invalidate();
    await this.sql.run(this.db.insertInto('group_user').values({ user_id: userId, group_id: groupId, permission_key: permissionKey, ...stamp }));
  }

  userPreferences(userId: number): Promise<Array<{ preferences_key: string; preferences_value: string | null }>> {
    return this.sql.rows(this.db.selectFrom('user_preferences').select(['preferences_key', 'preferences_value']).where('user_id', '=', userId));
  }

  async setUserPreference(userId: number, key: string, value: string | null): Promise<void> {
    if (key === 'UserTimeZone') this.caches.forgetTimeZone('User', userId);
    await this.sql.run(this.db.deleteFrom('user_preferences').where('user_id', '=', userId).where('preferences_key', '=', key));
    if (value !== null) await this.sql.run(this.db.insertInto('user_preferences').values({ user_id: userId, preferences_key: key, preferences_value: value }));
  }

  /** An account's UserTimeZone preference, '' when it has none; cached, as nearly every answer carries times. */
  timeZoneOf(userType: 'User' | 'Customer', id: number | string): Promise<string> {
    return this.caches.timeZones.get(timeZoneKey(userType, id), async () => {
      const prefs = userType === 'User' ? await this.userPreferences(Number(id)) : await this.customerPreferences(String(id));
      return prefs.find((p) => p.preferences_key === 'UserTimeZone')?.preferences_value ?? '';
    });
  }

  // --- dynamic fields --------------------------------------------------------------------------------------
  dynamicFieldsOf(objectType: string): Promise<DynamicFieldRow[]> {
    return this.caches.dynamicFields.get(objectType, () => this.sql.rows(this.db.selectFrom('dynamic_field').selectAll()
      .where('object_type', '=', objectType).where('valid_id', '=', 1).orderBy('field_order').orderBy('id')));
  }

  /** Fields with these names, of any object type and validity (the ones a cached list of valid fields lacks). */
  async dynamicFieldsByName(names: string[]): Promise<DynamicFieldRow[]> {
    const found: DynamicFieldRow[] = [];
    for (const part of chunks(names)) found.push(...await this.sql.rows(this.db.selectFrom('dynamic_field').selectAll().where('name', 'in', part)));
    return found;
  }

  /** Fields defined for an object type, valid or not. */
  async countDynamicFields(objectType: string): Promise<number> {
    const r = await this.sql.first(this.db.selectFrom('dynamic_field').select((eb) => eb.fn.countAll().as('n')).where('object_type', '=', objectType));
    return Number(r?.n ?? 0);
  }

  async insertDynamicField(row: NewDynamicField): Promise<number> {
    this.caches.invalidate();
    return (await this.sql.rows(this.db.insertInto('dynamic_field').values(row).returning('id')))[0].id;
  }

  /** Several new fields at once; their ids by name. */
  async insertDynamicFields(rows: NewDynamicField[]): Promise<Map<string, number>> {
    this.caches.invalidate();
    const ids = new Map<string, number>();
    for (const part of chunks(rows)) {
      for (const r of await this.sql.rows(this.db.insertInto('dynamic_field').values(part).returning(['id', 'name']))) ids.set(r.name, r.id);
    }
    return ids;
  }

  async maxDynamicFieldOrder(): Promise<number> {
    const r = await this.sql.first(this.db.selectFrom('dynamic_field').select((eb) => eb.fn.max('field_order').as('m')));
    return Number(r?.m ?? 0);
  }

  private async objectId(objectType: string, objectName: string, create: boolean): Promise<number | undefined> {
    const found = (await this.q.objectId(objectType, objectName))[0];
    if (found || !create) return found?.object_id;
    const r = await this.sql.rows(this.db.insertInto('dynamic_field_obj_id_name').values({ object_type: objectType, object_name: objectName })
      .returning('object_id'));
    return r[0].object_id;
  }

  /** Values of every field for one object, one row per value (multiselect: several rows), in insertion order. */
  dynamicFieldValues(objectType: string, objectName: string): Promise<Array<{ field_id: number; value_text: string | null; value_date: string | null; value_int: number | null }>> {
    return this.q.dynamicFieldValues(objectType, objectName);
  }

  /** Replaces the values of the given fields for one object; an empty list clears a field. */
  async setDynamicFieldValues(objectType: string, objectName: string,
    updates: Array<{ fieldId: number; values: Array<{ value_text: string | null; value_date: string | null; value_int: number | null }> }>): Promise<void> {
    if (updates.length === 0) return;
    const objectId = await this.objectId(objectType, objectName, updates.some((u) => u.values.length > 0));
    if (objectId === undefined) return;
    // One delete and one insert for all the fields: a multiselect's values keep their order (row ids ascend).
    for (const part of chunks(updates)) {
      await this.sql.run(this.db.deleteFrom('dynamic_field_value').where('object_id', '=', objectId).where('field_id', 'in', part.map((u) => u.fieldId)));
    }
    const rows = updates.flatMap(({ fieldId, values }) => values.map((v) => ({ field_id: fieldId, object_id: objectId, ...v })));
    for (const part of chunks(rows)) await this.sql.run(this.db.insertInto('dynamic_field_value').values(part));
  }

  async renameDynamicFieldObject(objectType: string, oldName: string, newName: string): Promise<void> {
    await this.sql.run(this.db.updateTable('dynamic_field_obj_id_name').set({ object_name: newName })
      .where('object_type', '=', objectType).where('object_name', '=', oldName));
  }

  // --- sessions (one row per key, as AuthSession/DB.pm stores them) ------------------------------------------
  async insertSession(sessionId: string, data: Record<string, string>): Promise<void> {
    await this.sql.run(this.db.insertInto('sessions').values(Object.entries(data).map(([k, v]) => ({ session_id: sessionId, data_key: k, data_value: v, serialized: 0 }))));
  }

  /** A session's data (cached: its rows never change once written). */
  session(sessionId: string): Promise<Record<string, string> | undefined> {
    return this.caches.sessions.get(sessionId, async () => {
      const rows = await this.q.session(sessionId);
      if (rows.length === 0) return undefined;
      const out: Record<string, string> = Object.create(null);
      for (const r of rows) out[r.data_key] = r.data_value ?? '';
      return out;
    });
  }

  /** Deletes every session of the account (UserType + UserID rows; the UserID ones are indexed). */
  async deleteSessionsOf(userType: 'User' | 'Customer', userId: string): Promise<void> {
    this.caches.forgetAccount(userType, userId);
    const owned = this.db.selectFrom('sessions').select('session_id').where(sql<boolean>`data_key = 'UserID'`).where('data_value', '=', userId);
    const ofType = this.db.selectFrom('sessions').select('session_id').where('data_key', '=', 'UserType').where('data_value', '=', userType);
    await this.sql.run(this.db.deleteFrom('sessions').where('session_id', 'in', owned.where('session_id', 'in', ofType)));
  }

  async deleteSession(sessionId: string): Promise<void> {
    this.caches.forgetSession(sessionId);
    await this.sql.run(this.db.deleteFrom('sessions').where('session_id', '=', sessionId));
  }

  // --- access tokens ---------------------------------------------------------------------------------------
  async insertAccessToken(row: { uuid: string; user_id: string; user_type: string; create_time: string; expires_time: string; remote_addr: string | null }): Promise<void> {
    await this.sql.run(this.db.insertInto('access_token').values(row));
  }

  async accessToken(uuid: string) {
    return (await this.q.accessToken(uuid))[0];
  }

  async deleteAccessToken(uuid: string): Promise<void> {
    await this.sql.run(this.db.deleteFrom('access_token').where('uuid', '=', uuid));
  }

  async deleteAccessTokensOf(userType: 'User' | 'Customer', userId: string): Promise<void> {
    await this.sql.run(this.db.deleteFrom('access_token').where('user_type', '=', userType).where('user_id', '=', userId));
  }

  // --- password history (newest first) ----------------------------------------------------------------------
  async passwordHistory(userType: string, userId: number): Promise<string[]> {
    const rows = await this.sql.rows(this.db.selectFrom('password_history').select('pw').where('user_type', '=', userType).where('user_id', '=', userId)
      .orderBy('id', 'desc'));
    return rows.map((r) => r.pw);
  }

  /** Records a replaced hash and keeps only the newest `keep` entries. */
  async addPasswordHistory(userType: string, userId: number, pw: string, createTime: string, keep: number): Promise<void> {
    await this.sql.run(this.db.insertInto('password_history').values({ user_type: userType, user_id: userId, pw, create_time: createTime }));
    const old = await this.sql.rows(this.db.selectFrom('password_history').select('id').where('user_type', '=', userType).where('user_id', '=', userId)
      .orderBy('id', 'desc').offset(keep).limit(1000));
    if (old.length > 0) await this.sql.run(this.db.deleteFrom('password_history').where('id', 'in', old.map((r) => r.id)));
  }

  // --- failed-login counters (LoginThrottle) ------------------------------------------------------------------
  loginFailures(keys: string[]): Promise<Array<{ counter_key: string; failures: number; last_failure: number }>> {
    return this.sql.rows(this.db.selectFrom('login_failure').select(['counter_key', 'failures', 'last_failure']).where('counter_key', 'in', keys));
  }

  /** One more failure at `now` (ms); a counter whose last failure was before `expiredBefore` starts again at 1. */
  async countLoginFailure(key: string, now: number, expiredBefore: number): Promise<void> {
    await this.sql.run(this.db.insertInto('login_failure').values({ counter_key: key, failures: 1, last_failure: now })
      .onConflict((oc) => oc.column('counter_key').doUpdateSet({
        failures: sql`CASE WHEN login_failure.last_failure < ${expiredBefore} THEN 1 ELSE login_failure.failures + 1 END`,
        last_failure: now,
      })));
  }

  /** Takes one failure back (an attempt counted before its password was checked, which was right). */
  async uncountLoginFailure(key: string): Promise<void> {
    await this.sql.run(this.db.updateTable('login_failure').set({ failures: sql`failures - 1` }).where('counter_key', '=', key).where('failures', '>', 0));
  }

  async clearLoginFailures(key: string): Promise<void> {
    await this.sql.run(this.db.deleteFrom('login_failure').where('counter_key', '=', key));
  }

  /** Deletes expired counters, and the stalest beyond `keep`. */
  async pruneLoginFailures(expiredBefore: number, keep: number): Promise<void> {
    await this.sql.run(this.db.deleteFrom('login_failure').where('last_failure', '<', expiredBefore));
    const cutoff = await this.sql.first(this.db.selectFrom('login_failure').select('last_failure').orderBy('last_failure', 'desc').offset(keep).limit(1));
    if (cutoff) await this.sql.run(this.db.deleteFrom('login_failure').where('last_failure', '<=', cutoff.last_failure));
  }

  // --- system_data -----------------------------------------------------------------------------------------
  async systemData(key: string): Promise<string | undefined> {
    return (await this.sql.first(this.db.selectFrom('system_data').select('data_value').where('data_key', '=', key)))?.data_value ?? undefined;
  }

  async insertSystemData(key: string, value: string, stamp: Audit): Promise<void> {
    await this.sql.run(this.db.insertInto('system_data').values({ data_key: key, data_value: value, ...stamp }).onConflict((oc) => oc.column('data_key').doNothing()));
  }

  async countValidCustomerUsers(): Promise<number> {
    const r = await this.sql.first(this.db.selectFrom('customer_user').select((eb) => eb.fn.countAll().as('n')).where('valid_id', '=', 1));
    return Number(r?.n ?? 0);
  }

  /** Valid agents, not counting the system user 1 (root@localhost), which never logs in here. */
  async countValidUsers(): Promise<number> {
    const r = await this.sql.first(this.db.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).where('valid_id', '=', 1).where('id', '!=', 1));
    return Number(r?.n ?? 0);
  }

  async countUsers(): Promise<number> {
    const r = await this.sql.first(this.db.selectFrom('users').select((eb) => eb.fn.countAll().as('n')));
    return Number(r?.n ?? 0);
  }
}
