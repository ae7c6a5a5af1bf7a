// Agents (users) as the User operations show them: OTRS's GetUserData record (Kernel::System::User, contracts
// §6.8) without the password hash, plus the groups the agent holds directly and its roles.
import type { Repositories, UserRow } from '../storage/repositories.js';
import { dbTimestamp } from '../storage/time.js';

export type UserRecord = Record<string, string | number | Array<string | Record<string, string | string[]>>>;

export interface UserRecordOptions {
  /** OTRS FirstnameLastnameOrder, 0-9. */
  firstnameLastnameOrder: number;
}

/** Keys of the record itself: a preference of the same name never replaces them. */
const RECORD_KEYS = new Set(['UserID', 'UserLogin', 'UserTitle', 'UserFirstname', 'UserLastname', 'UserFullname', 'UserPw',
  'UserPassword', 'ValidID', 'CreateTime', 'CreateBy', 'ChangeTime', 'ChangeBy', 'Group', 'Role']);

/** UserFullname as OTRS writes it for each FirstnameLastnameOrder (Kernel::System::User::_UserFullname). */
export function userFullname(first: string, last: string, login: string, order: number): string {
  switch (order) {
    case 1: return `${last}, ${first}`;
    case 2: return `${first} ${last} (${login})`;
    case 3: return `${last}, ${first} (${login})`;
    case 4: return `(${login}) ${first} ${last}`;
    case 5: return `(${login}) ${last}, ${first}`;
    case 6: return `${last} ${first}`;
    case 7: return `${last} ${first} (${login})`;
    case 8: return `(${login}) ${last} ${first}`;
    case 9: return `${last}${first}`;
    default: return `${first} ${last}`;
  }
}

/** The record of the agent with this id or login (any case), or undefined; the system user 1 is not an agent here. */
export async function userDataGet(repos: Repositories, key: { UserID: number } | { UserLogin: string }, opts: UserRecordOptions): Promise<UserRecord | undefined> {
  const row = 'UserID' in key ? await repos.userById(key.UserID) : await repos.userByLogin(key.UserLogin);
  if (!row || row.id === 1) return undefined;
  return buildRecord(repos, row, opts);
}

async function buildRecord(repos: Repositories, row: UserRow, opts: UserRecordOptions): Promise<UserRecord> {
  const rec: UserRecord = {
    UserID: row.id,
    UserLogin: row.login,
    UserTitle: row.title ?? '',
    UserFirstname: row.first_name,
    UserLastname: row.last_name,
    UserFullname: userFullname(row.first_name, row.last_name, row.login, opts.firstnameLastnameOrder),
    ValidID: row.valid_id,
    CreateTime: row.create_time,
    CreateBy: row.create_by,
    ChangeTime: row.change_time,
    ChangeBy: row.change_by,
  };
  for (const p of await repos.userPreferences(row.id)) {
    if (!RECORD_KEYS.has(p.preferences_key) && p.preferences_key !== 'UserLoginFailed') rec[p.preferences_key] = p.preferences_value ?? '';
  }
  // OTRS: an agent without an e-mail preference is reachable at the login.
  if (!rec.UserEmail) rec.UserEmail = row.login;
  if (rec.UserLastLogin) rec.UserLastLoginTimestamp = dbTimestamp(new Date(Number(rec.UserLastLogin) * 1000));

  const groups = new Map<string, string[]>();
  for (const g of await repos.userGroupPermissions(row.id)) groups.set(g.name, [...(groups.get(g.name) ?? []), g.permission_key]);
  if (groups.size > 0) rec.Group = [...groups].map(([Name, Permission]) => ({ Name, Permission }));
  const roles = await repos.userRoleNames(row.id);
  if (roles.length > 0) rec.Role = roles;
  return rec;
}
