// Agents (users) with their groups and roles (group_user, role_user, group_role), as OTRS's Kernel::System::User,
// Group and PermissionUserGet see them. Logins are compared ignoring case. Changing a membership forgets the
// cached group lists; changing an agent's validity, login or password forgets its cached state.
import { sql, type Kysely, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Audit, DB, RolesTable, UsersTable } from './schema.js';
import { lower, lowered, matches, type Dialect } from './conditions.js';
import { accountKey, type UnitCaches } from './cache.js';
import type { Sql } from './sql.js';

export type UserRow = Selectable<UsersTable>;
export type UserChanges = Updateable<UsersTable>;

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

export class AgentRepository {
  private readonly q;
  constructor(private readonly db: Kysely<DB>, private readonly sql: Sql, private readonly dialect: Dialect,
    private readonly caches: UnitCaches) {
    this.q = {
      byLogin: sql.prepare((login: string) => db.selectFrom('users').selectAll().where(lower('login'), '=', lowered(login))),
      byId: sql.prepare((id: number) => db.selectFrom('users').selectAll().where('id', '=', id)),
    };
  }

  async byLogin(login: string): Promise<UserRow | undefined> {
    return (await this.q.byLogin(login))[0];
  }

  async byId(id: number): Promise<UserRow | undefined> {
    return (await this.q.byId(id))[0];
  }

  async insert(row: Insertable<UsersTable>): Promise<number> {
    return (await this.sql.rows(this.db.insertInto('users').values(row).returning('id')))[0].id;
  }

  async update(id: number, changes: UserChanges): Promise<void> {
    if (changes.valid_id !== undefined || changes.login !== undefined || changes.pw !== undefined) this.caches.forgetAccount('User', id);
    await this.sql.run(this.db.updateTable('users').set(changes).where('id', '=', id));
  }

  /** Whether another agent (not `exceptId`) has this login, ignoring case. */
  async loginTaken(login: string, exceptId: number): Promise<boolean> {
    return (await this.sql.first(this.db.selectFrom('users').select('id').where(lower('login'), '=', lowered(login)).where('id', '!=', exceptId))) !== undefined;
  }

  async setValidId(id: number, validId: number): Promise<void> {
    this.caches.forgetAccount('User', id);
    await this.sql.run(this.db.updateTable('users').set({ valid_id: validId }).where('id', '=', id));
  }

  async updatePassword(id: number, pw: string): Promise<void> {
    await this.sql.run(this.db.updateTable('users').set({ pw }).where('id', '=', id));
  }

  /**
   * The agent's login while valid, '' while not (or gone), as sessions and tokens name it (by users.id). Cached:
   * read for every SessionID or AccessToken request; update() and setValidId() forget it.
   */
  validLogin(id: number): Promise<string> {
    return this.caches.accounts.get(accountKey('User', id), async () => {
      const row = await this.byId(id);
      return row && row.valid_id === 1 ? row.login : '';
    });
  }

  /**
   * Group names in which the agent holds the permission key, directly or through a valid role (OTRS
   * PermissionUserGet merges both), in valid groups only.
   */
  groupsWith(userId: number, permissionKey: string): Promise<string[]> {
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
  roleGroupPermissions(userId: number): Promise<Array<{ role: string; name: string; permission_key: string }>> {
    return this.sql.rows(this.roleGroups(userId).select(['roles.name as role', 'groups.name', 'group_role.permission_key'])
      .orderBy('roles.name').orderBy('groups.name').orderBy('group_role.permission_key'));
  }

  /** The agent's own group memberships (not those through roles), by group name. */
  groupPermissions(userId: number): Promise<Array<{ name: string; permission_key: string }>> {
    return this.sql.rows(this.db.selectFrom('group_user').innerJoin('groups', 'groups.id', 'group_user.group_id')
      .select(['groups.name', 'group_user.permission_key']).where('group_user.user_id', '=', userId)
      .orderBy('groups.name').orderBy('group_user.permission_key'));
  }

  async roleNames(userId: number): Promise<string[]> {
    return this.sql.column(this.db.selectFrom('role_user').innerJoin('roles', 'roles.id', 'role_user.role_id')
      .select('roles.name').where('role_user.user_id', '=', userId).orderBy('roles.name'));
  }

  /** Agent ids in login order; the system user 1 is never found. */
  async search(q: UserQuery): Promise<number[]> {
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

  async addGroupUser(userId: number, groupId: number, permissionKey: string, stamp: Audit): Promise<void> {
    this.caches.invalidate();
    await this.sql.run(this.db.insertInto('group_user').values({ user_id: userId, group_id: groupId, permission_key: permissionKey, ...stamp }));
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

  /** Valid agents, not counting the system user 1 (root@localhost), which never logs in here. */
  async countValid(): Promise<number> {
    const r = await this.sql.first(this.db.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).where('valid_id', '=', 1).where('id', '!=', 1));
    return Number(r?.n ?? 0);
  }

  async count(): Promise<number> {
    const r = await this.sql.first(this.db.selectFrom('users').select((eb) => eb.fn.countAll().as('n')));
    return Number(r?.n ?? 0);
  }
}
