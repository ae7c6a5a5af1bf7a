// Agents (users) as the User operations show them: OTRS's GetUserData record (Kernel::System::User, contracts
// §6.8) without the password hash, plus the groups the agent holds directly (one of them its main group), its
// roles, and what the roles grant.
import type { Repositories, UserChanges, UserQuery, UserRow } from '../storage/repositories.js';
import { dbTimestamp } from '../storage/time.js';
import { DomainError } from './errors.js';
import { checkValidID } from './Valid.js';
import { checkEmail, type EmailCheckConfig } from './CheckItem.js';
import { checkActivation, checkLicence, checkPassword, strictActivation, type ActivationPolicy, type PasswordPolicy } from './AccountPolicy.js';
import type { PasswordHasher } from './Password.js';
import { endSessionsOnAccountChange, nowStamp } from './Auth.js';

export type UserRecord = Record<string, string | number | Array<string | Record<string, string | number | string[]>>>;

/** A licence module agents can be given (LICENCE_MODULES), with how many there are. */
export interface LicenceModule { Module: string; Total: number }

export interface UserRecordOptions {
  /** OTRS FirstnameLastnameOrder, 0-9. */
  firstnameLastnameOrder: number;
  licenceModules: LicenceModule[];
}

/** Keys of the record itself: a preference of the same name never replaces them. */
const RECORD_KEYS = new Set(['UserID', 'UserLogin', 'UserTitle', 'UserFirstname', 'UserLastname', 'UserFullname', 'UserPw',
  'UserPassword', 'ValidID', 'CreateTime', 'CreateBy', 'ChangeTime', 'ChangeBy', 'Group', 'MainGroup', 'Role', 'RoleGroup', 'Licence',
  'Deleted', 'DeletedReason', 'WaitingForApproval']);

/** The lifecycle states beyond validity, kept as preferences of the agent (OTRS keeps agent state there too). */
const LIFECYCLE = { deleted: 'UserDeleted', deletedReason: 'UserDeletedReason', waiting: 'UserWaitingForApproval' } as const;
/** The agent's main group, one of the groups it holds directly (OTRS has no such notion; CRM user models do). */
const MAIN_GROUP = 'UserMainGroup';
const HIDDEN_PREFERENCES = new Set<string>(['UserLoginFailed', MAIN_GROUP, ...Object.values(LIFECYCLE)]);

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
  const row = 'UserID' in key ? await repos.agents.byId(key.UserID) : await repos.agents.byLogin(key.UserLogin);
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
  const prefs = await repos.preferences.user(row.id);
  const pref = (key: string) => prefs.find((p) => p.preferences_key === key)?.preferences_value ?? '';
  for (const p of prefs) {
    if (!RECORD_KEYS.has(p.preferences_key) && !HIDDEN_PREFERENCES.has(p.preferences_key)) rec[p.preferences_key] = p.preferences_value ?? '';
  }
  rec.Deleted = pref(LIFECYCLE.deleted) === '1' ? 1 : 0;
  if (rec.Deleted) rec.DeletedReason = pref(LIFECYCLE.deletedReason);
  rec.WaitingForApproval = pref(LIFECYCLE.waiting) === '1' ? 1 : 0;
  // OTRS: an agent without an e-mail preference is reachable at the login.
  if (!rec.UserEmail) rec.UserEmail = row.login;
  if (rec.UserLastLogin) rec.UserLastLoginTimestamp = dbTimestamp(new Date(Number(rec.UserLastLogin) * 1000));

  const groups = new Map<string, string[]>();
  for (const g of await repos.agents.groupPermissions(row.id)) groups.set(g.name, [...(groups.get(g.name) ?? []), g.permission_key]);
  if (groups.size > 0) rec.Group = [...groups].map(([Name, Permission]) => ({ Name, Permission }));
  // A main group the agent no longer holds (taken away outside this server) is not shown.
  if (groups.has(pref(MAIN_GROUP))) rec.MainGroup = pref(MAIN_GROUP);
  const roles = await repos.agents.roleNames(row.id);
  if (roles.length > 0) rec.Role = roles;
  const granted = new Map<string, { Name: string; Permission: string[]; Role: string }>();
  for (const g of await repos.agents.roleGroupPermissions(row.id)) {
    const key = `${g.role}\u0000${g.name}`;
    const entry = granted.get(key) ?? { Name: g.name, Permission: [], Role: g.role };
    entry.Permission.push(g.permission_key);
    granted.set(key, entry);
  }
  if (granted.size > 0) rec.RoleGroup = [...granted.values()];
  if (opts.licenceModules.length > 0) {
    const inUse = await repos.licences.inUse();
    const held = await repos.licences.ofUser(row.id);
    rec.Licence = opts.licenceModules.map(({ Module, Total }) => {
      const used = inUse.get(Module) ?? 0;
      const assigned = held.includes(Module);
      // Free never goes below 0, even if LICENCE_MODULES was lowered below what is given out: Total = InUse + Free
      // then shows the excess, which must be taken back before the module can be given again.
      const free = Math.max(0, Total - used);
      return { Module, Total, InUse: used, Free: free, Assigned: assigned ? 1 : 0, CanAssign: assigned || free > 0 ? 1 : 0 };
    });
  }
  return rec;
}

/** Agent ids matching the query, in login order; retired agents only when asked for. */
export function userSearch(repos: Repositories, q: Omit<UserQuery, 'withoutFlag'> & { includeDeleted: boolean }): Promise<number[]> {
  const { includeDeleted, ...query } = q;
  return repos.agents.search({ ...query, ...(includeDeleted ? {} : { withoutFlag: LIFECYCLE.deleted }) });
}

/** OTRS's group permission keys (Kernel::System::Group, System::Permission). */
export const PERMISSION_KEYS = ['ro', 'move_into', 'create', 'note', 'owner', 'priority', 'rw'];
const OBJECT_TYPE = 'User';
const PASSWORD_HISTORY_LENGTH = 10;

/** What UserAdd and UserUpdate may change; a key left out stays as it is. */
export interface UserChangeSet {
  UserTitle?: string | null;
  UserFirstname?: string;
  UserLastname?: string;
  /** Stored, as in OTRS, as preferences of the agent; null removes one. */
  preferences: Partial<Record<'UserEmail' | 'UserLanguage' | 'UserTimeZone' | 'UserComment', string | null>>;
  ValidID?: number;
  /** A new password; null removes it (the agent can no longer log in). */
  UserPassword?: string | null;
  /** For each named group, the agent's permission keys there become exactly these. */
  Group?: Array<{ Name: string; Permission: string[] }>;
  /** Groups the agent leaves: only ever by name, never by leaving a group out. */
  RemoveGroup?: string[];
  /** The main group: one of the groups the agent holds after the change; null clears it. */
  MainGroup?: string | null;
  Role?: string[];
  RemoveRole?: string[];
  /** Licence modules given to the agent; one beyond its Total is refused. */
  Licence?: string[];
  RemoveLicence?: string[];
}

/** What only UserUpdate changes: retiring and restoring, approving. */
export interface UserLifecycleChange {
  /** 1 retires the agent (invalid, no licences, left out of searches), 0 restores it (still invalid until made valid). */
  Deleted?: 0 | 1;
  DeletedReason?: string;
  /** 0 approves an agent that waits; only an approver (USER_APPROVER_GROUPS) may. */
  WaitingForApproval?: 0;
  /** Whether the caller is an approver. */
  callerMayApprove: boolean;
}

export interface UserPolicy extends EmailCheckConfig, PasswordPolicy, ActivationPolicy {
  /** Valid agents at most (the agent licence pool); 0: no limit. */
  agentMaxValid: number;
  licenceModules: LicenceModule[];
  /** New agents wait, invalid, for an approver. */
  userAddNeedsApproval: boolean;
}

function checkLogin(login: string): void {
  if ([...login].length > 200 || /[\s\u0000-\u001f\u007f]/.test(login)) {
    throw new DomainError('InvalidParameter', 'Parameter Login is invalid: at most 200 characters, no white space or control characters!');
  }
}

function checkPreferences(prefs: UserChangeSet['preferences'], validAfter: boolean, policy: UserPolicy): void {
  if (prefs.UserTimeZone) {
    try { new Intl.DateTimeFormat('en', { timeZone: prefs.UserTimeZone }); } catch {
      throw new DomainError('InvalidParameter', `UserTimeZone '${prefs.UserTimeZone}' is not a time zone (an IANA name such as Europe/Berlin)!`);
    }
  }
  if (prefs.UserLanguage && !/^[a-z]{2,3}(_[A-Z][A-Za-z]{1,3})?$/.test(prefs.UserLanguage)) {
    throw new DomainError('InvalidParameter', `UserLanguage '${prefs.UserLanguage}' is not a language (such as en, de or pt_BR)!`);
  }
  // OTRS checks an agent's address only while the agent is valid (User.pm UserAdd/UserUpdate).
  if (prefs.UserEmail && validAfter) {
    const reason = checkEmail(prefs.UserEmail, policy);
    if (reason) throw new DomainError('InvalidEmail', `Email address '${prefs.UserEmail}' is invalid (${reason})!`);
  }
}

/** Licence modules checked (known, and within their Total) before anything is written. */
async function prepareLicences(repos: Repositories, req: UserChangeSet, userId: number | undefined, modules: LicenceModule[]) {
  const total = (name: string) => {
    const m = modules.find((x) => x.Module === name);
    if (!m) throw new DomainError('InvalidParameter', `Licence module '${name}' does not exist${modules.length ? ` (there are ${modules.map((x) => x.Module).join(', ')})` : ''}!`);
    return m.Total;
  };
  const held = userId === undefined ? [] : await repos.licences.ofUser(userId);
  const give = [...new Set(req.Licence ?? [])].filter((name) => { total(name); return !held.includes(name); });
  const take = [...new Set(req.RemoveLicence ?? [])].filter((name) => {
    total(name);
    if ((req.Licence ?? []).includes(name)) throw new DomainError('InvalidParameter', `Licence module '${name}' is both given and removed!`);
    return held.includes(name);
  });
  if (give.length > 0) {
    const inUse = await repos.licences.inUse();
    for (const name of give) {
      const used = inUse.get(name) ?? 0;
      if (used + 1 > total(name)) throw new DomainError('LicenceExceeded', `Licence module '${name}': ${used} of ${total(name)} licences are in use!`);
    }
  }
  return { give, take };
}

/** Group and role names resolved and keys checked before anything is written. */
async function prepareMemberships(repos: Repositories, req: UserChangeSet, current: { id: number; mainGroup: string } | undefined, modules: LicenceModule[]) {
  const userId = current?.id;
  const groupId = async (name: string) => {
    const id = await repos.agents.groupIdByName(name);
    if (id === undefined) throw new DomainError('InvalidParameter', `Group '${name}' does not exist!`);
    return id;
  };
  const roleId = async (name: string) => {
    const id = await repos.agents.roleIdByName(name);
    if (id === undefined) throw new DomainError('InvalidParameter', `Role '${name}' does not exist!`);
    return id;
  };
  const groups: Array<{ id: number; keys: string[] }> = [];
  const named = new Set<string>();
  for (const g of req.Group ?? []) {
    if (named.has(g.Name)) throw new DomainError('InvalidParameter', `Group '${g.Name}' is given more than once!`);
    named.add(g.Name);
    const keys = [...new Set(g.Permission)];
    if (keys.length === 0) throw new DomainError('InvalidParameter', `Group '${g.Name}' needs at least one Permission (to leave a group, name it in RemoveGroup)!`);
    const unknown = keys.find((k) => !PERMISSION_KEYS.includes(k));
    if (unknown) throw new DomainError('InvalidParameter', `Permission '${unknown}' is not one of ${PERMISSION_KEYS.join(', ')}!`);
    groups.push({ id: await groupId(g.Name), keys });
  }
  for (const name of req.RemoveGroup ?? []) {
    if (named.has(name)) throw new DomainError('InvalidParameter', `Group '${name}' is both given and removed!`);
    named.add(name);
    groups.push({ id: await groupId(name), keys: [] });
  }
  const mainGroup = await checkMainGroup(repos, req, current);
  const roles: Array<{ id: number; member: boolean }> = [];
  for (const name of req.Role ?? []) roles.push({ id: await roleId(name), member: true });
  for (const name of req.RemoveRole ?? []) {
    if ((req.Role ?? []).includes(name)) throw new DomainError('InvalidParameter', `Role '${name}' is both given and removed!`);
    roles.push({ id: await roleId(name), member: false });
  }
  const licences = await prepareLicences(repos, req, userId, modules);
  return async (id: number, changedBy: number) => {
    const stamp = nowStamp(changedBy);
    for (const g of groups) await repos.agents.setGroupUser(id, g.id, g.keys, stamp);
    if (mainGroup !== undefined) await repos.preferences.setUser(id, MAIN_GROUP, mainGroup);
    for (const r of roles) await repos.agents.setRoleUser(id, r.id, r.member, stamp);
    for (const module of licences.give) await repos.licences.set(id, module, true, { create_time: stamp.create_time, create_by: changedBy });
    for (const module of licences.take) await repos.licences.set(id, module, false, { create_time: stamp.create_time, create_by: changedBy });
  };
}

/**
 * The main group after the change (undefined: unchanged, null: none): it must be a group the agent holds once the
 * request's Group and RemoveGroup are applied, and the main group can only be removed with a new MainGroup.
 */
async function checkMainGroup(repos: Repositories, req: UserChangeSet, current: { id: number; mainGroup: string } | undefined): Promise<string | null | undefined> {
  const removed = req.RemoveGroup ?? [];
  if (req.MainGroup === undefined) {
    if (current?.mainGroup && removed.includes(current.mainGroup)) {
      throw new DomainError('InvalidParameter', `Group '${current.mainGroup}' is the agent's MainGroup: name another MainGroup (or send it empty) to remove it!`);
    }
    return undefined;
  }
  if (req.MainGroup === null || req.MainGroup === '') return null;
  const held = current ? (await repos.agents.groupPermissions(current.id)).map((g) => g.name) : [];
  const after = new Set([...held, ...(req.Group ?? []).map((g) => g.Name)].filter((name) => !removed.includes(name)));
  if (!after.has(req.MainGroup)) {
    throw new DomainError('InvalidParameter', `MainGroup '${req.MainGroup}' is not one of the agent's groups (give it in Group)!`);
  }
  return req.MainGroup;
}

async function writePreferences(repos: Repositories, userId: number, prefs: UserChangeSet['preferences']): Promise<void> {
  for (const [key, value] of Object.entries(prefs)) await repos.preferences.setUser(userId, key, value === '' ? null : value);
}

/** Adds an agent (User.pm UserAdd with this project's lifecycle rules); returns the new id. */
export async function userAdd(repos: Repositories, req: UserChangeSet & { Login: string; ValidID: number }, changedBy: number,
  policy: UserPolicy, passwords: PasswordHasher, passwordHash: string | null | undefined): Promise<number> {
  checkLogin(req.Login);
  checkValidID(req.ValidID);
  if (await repos.agents.loginTaken(req.Login, -1)) throw new DomainError('LoginInUse', `An agent with the login '${req.Login}' already exists!`);
  // With approval on, a new agent waits, invalid, whatever validity was asked for (USER_ADD_APPROVAL).
  const validId = policy.userAddNeedsApproval && req.ValidID === 1 ? 2 : req.ValidID;
  checkPreferences(req.preferences, validId === 1, policy);
  if (req.UserPassword) await checkPassword(req.UserPassword, [], policy, passwords);
  if (validId === 1) {
    if (strictActivation(policy)) checkActivation('agent', passwordHash ? [] : ['no password is set']);
    await checkLicence(repos, 'agent', policy.agentMaxValid);
  }
  const writeMemberships = await prepareMemberships(repos, req, undefined, policy.licenceModules);
  const id = await repos.agents.insert({
    login: req.Login, pw: passwordHash ?? null, title: req.UserTitle ?? null, first_name: req.UserFirstname!, last_name: req.UserLastname!,
    valid_id: validId, ...nowStamp(changedBy),
  });
  await writePreferences(repos, id, req.preferences);
  if (policy.userAddNeedsApproval) await repos.preferences.setUser(id, LIFECYCLE.waiting, '1');
  if (passwordHash) await repos.preferences.setUser(id, 'PasswordLastSet', dbTimestamp());
  await writeMemberships(id, changedBy);
  return id;
}

/** Changes an agent: only what is sent; checks everything before the first write. */
export async function userUpdate(repos: Repositories, req: UserChangeSet & UserLifecycleChange & { UserID: number; Login?: string }, changedBy: number,
  policy: UserPolicy, passwords: PasswordHasher, passwordHash: string | null | undefined): Promise<void> {
  const row = await repos.agents.byId(req.UserID);
  if (!row || row.id === 1) throw new DomainError('NotFound', `No agent found with UserID '${req.UserID}'!`);
  const prefs = await repos.preferences.user(row.id);
  const isSet = (key: string) => prefs.some((p) => p.preferences_key === key && p.preferences_value === '1');
  const wasDeleted = isSet(LIFECYCLE.deleted);
  const wasWaiting = isSet(LIFECYCLE.waiting);
  const deleted = req.Deleted === undefined ? wasDeleted : req.Deleted === 1;
  const approving = wasWaiting && req.WaitingForApproval === 0;
  if (approving && !req.callerMayApprove) throw new DomainError('AccessDenied', 'Only an agent of the approver groups may approve an agent!');
  const waiting = wasWaiting && !approving;
  if (deleted && (req.Licence ?? []).length > 0) throw new DomainError('InvalidParameter', 'A retired agent holds no licences!');
  const changes: UserChanges = {};
  if (req.Login !== undefined && req.Login !== '' && req.Login !== row.login) {
    checkLogin(req.Login);
    if (await repos.agents.loginTaken(req.Login, row.id)) throw new DomainError('LoginInUse', `An agent with the login '${req.Login}' already exists!`);
    changes.login = req.Login;
  }
  if (req.UserTitle !== undefined) changes.title = req.UserTitle;
  if (req.UserFirstname !== undefined) changes.first_name = req.UserFirstname;
  if (req.UserLastname !== undefined) changes.last_name = req.UserLastname;
  if (req.ValidID !== undefined) checkValidID(req.ValidID);
  let validId = req.ValidID ?? row.valid_id;
  // Removing the password removes the ability to log in: the agent stays, and is no longer valid. So does
  // retiring it; and an agent that waits for approval cannot be made valid yet.
  const blockers = [
    ...(passwordHash === null && strictActivation(policy) ? ['the password is being removed'] : []),
    ...(deleted ? ['it is retired (Deleted 0 restores it)'] : []),
    ...(waiting ? ['it is waiting for approval'] : []),
  ];
  if (blockers.length > 0) {
    if (req.ValidID === 1) checkActivation('agent', blockers);
    if (validId === 1) validId = 2;
  }
  if (validId !== row.valid_id) changes.valid_id = validId;
  const becomesValid = validId === 1 && row.valid_id !== 1;
  checkPreferences(req.preferences, validId === 1, policy);
  if (req.UserPassword) {
    await checkPassword(req.UserPassword, [row.pw, ...await repos.passwordHistory.of(OBJECT_TYPE, row.id)].filter((h): h is string => !!h), policy, passwords);
  }
  if (becomesValid) {
    if (strictActivation(policy)) checkActivation('agent', (passwordHash === undefined ? row.pw !== null : passwordHash !== null) ? [] : ['no password is set']);
    await checkLicence(repos, 'agent', policy.agentMaxValid);
  }
  const mainGroup = prefs.find((p) => p.preferences_key === MAIN_GROUP)?.preferences_value ?? '';
  const writeMemberships = await prepareMemberships(repos, req, { id: row.id, mainGroup }, policy.licenceModules);

  const now = dbTimestamp();
  if (passwordHash !== undefined) changes.pw = passwordHash;
  await repos.agents.update(row.id, { ...changes, change_time: now, change_by: changedBy });
  await endSessionsOnAccountChange(repos, 'User', row.id, changes);
  if (passwordHash !== undefined && row.pw) await repos.passwordHistory.add(OBJECT_TYPE, row.id, row.pw, now, PASSWORD_HISTORY_LENGTH);
  if (passwordHash) await repos.preferences.setUser(row.id, 'PasswordLastSet', now);
  await writePreferences(repos, row.id, req.preferences);
  await writeMemberships(row.id, changedBy);
  if (deleted && !wasDeleted) {
    await repos.preferences.setUser(row.id, LIFECYCLE.deleted, '1');
    await repos.preferences.setUser(row.id, LIFECYCLE.deletedReason, req.DeletedReason ?? '');
    for (const module of await repos.licences.ofUser(row.id)) await repos.licences.set(row.id, module, false, { create_time: now, create_by: changedBy });
  } else if (deleted && req.DeletedReason !== undefined) {
    await repos.preferences.setUser(row.id, LIFECYCLE.deletedReason, req.DeletedReason);
  } else if (!deleted && wasDeleted) {
    await repos.preferences.setUser(row.id, LIFECYCLE.deleted, null);
    await repos.preferences.setUser(row.id, LIFECYCLE.deletedReason, null);
  }
  if (approving) await repos.preferences.setUser(row.id, LIFECYCLE.waiting, null);
}
