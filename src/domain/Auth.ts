// Who is calling. Agents (users) and customers (customer_user) authenticate by login and password; the answer
// never says which part was wrong, and an unknown login costs as much time as a wrong password.
import type { Storage } from '../storage/database.js';
import { dbTimestamp, epochOf } from '../storage/time.js';
import type { Repositories } from '../storage/repositories.js';
import type { PasswordHasher } from './Password.js';

/** What OTRS's Operation::Common::Auth returns: agents by numeric users.id, customers by login. */
export interface AuthenticatedUser {
  UserType: 'User' | 'Customer';
  UserID: number | string;
  UserLogin: string;
}

export interface LoginPolicy {
  /** After this many failed logins in a row the account becomes invalid-temporarily (0: never). */
  passwordMaxLoginFailed: number;
  /** A password older than this many days no longer logs in (0: no limit). */
  passwordMaxValidTimeInDays: number;
}

/** One account kind's storage of the things a login reads and writes. */
interface AccountStore<Id> {
  preferences(id: Id): Promise<Array<{ preferences_key: string; preferences_value: string | null }>>;
  setPreference(repos: Repositories, id: Id, key: string, value: string | null): Promise<void>;
  setPassword(repos: Repositories, rowId: number, pw: string): Promise<void>;
  lockTemporarily(repos: Repositories, rowId: number): Promise<void>;
}

export class Auth {
  constructor(private readonly storage: Storage, private readonly passwords: PasswordHasher, private readonly policy: LoginPolicy) {}

  /** Agent login (Auth/DB.pm): only valid agents. */
  async agent(login: string, password: string): Promise<AuthenticatedUser | null> {
    const user = await this.storage.repos.userByLogin(login);
    if (!user) { await this.passwords.verifyNothing(password); return null; }
    const store: AccountStore<number> = {
      preferences: (id) => this.storage.repos.userPreferences(id),
      setPreference: (repos, id, key, value) => repos.setUserPreference(id, key, value),
      setPassword: (repos, rowId, pw) => repos.updateUserPassword(rowId, pw),
      lockTemporarily: (repos, rowId) => repos.setUserValidId(rowId, 3),
    };
    const ok = await this.login(store, user.id, user.id, user.pw, user.valid_id, password);
    return ok ? { UserType: 'User', UserID: user.id, UserLogin: user.login } : null;
  }

  /** Customer login (CustomerAuth/DB.pm): the account must be valid afterwards. */
  async customer(login: string, password: string): Promise<AuthenticatedUser | null> {
    const user = await this.storage.repos.customerUserByLogin(login);
    if (!user) { await this.passwords.verifyNothing(password); return null; }
    const store: AccountStore<string> = {
      preferences: (id) => this.storage.repos.customerPreferences(id),
      setPreference: (repos, id, key, value) => repos.setCustomerPreference(id, key, value),
      setPassword: (repos, rowId, pw) => repos.updateCustomerUserPassword(rowId, pw),
      lockTemporarily: (repos, rowId) => repos.updateCustomerUser(rowId, { valid_id: 3 }),
    };
    const ok = await this.login(store, user.login, user.id, user.pw, user.valid_id, password);
    return ok ? { UserType: 'Customer', UserID: user.login, UserLogin: user.login } : null;
  }

  /**
   * The password check both kinds share. A wrong password counts in UserLoginFailed and, at
   * PasswordMaxLoginFailed, makes the account invalid-temporarily (OTRS Auth/DB.pm); a right one resets the
   * count, records UserLastLogin and moves an imported legacy hash to argon2id. An expired password fails like
   * a wrong one, so the answer never says which it was.
   */
  private async login<Id>(store: AccountStore<Id>, id: Id, rowId: number, pw: string | null, validId: number, password: string): Promise<boolean> {
    const result = await this.passwords.verify(pw, password);
    if (validId !== 1) return false;
    const prefs = await store.preferences(id);
    const pref = (key: string) => prefs.find((p) => p.preferences_key === key)?.preferences_value ?? null;
    const failed = Number(pref('UserLoginFailed') ?? 0) || 0;
    if (!result.ok) {
      await this.storage.transaction(async (repos) => {
        await store.setPreference(repos, id, 'UserLoginFailed', String(failed + 1));
        if (this.policy.passwordMaxLoginFailed > 0 && failed + 1 >= this.policy.passwordMaxLoginFailed) await store.lockTemporarily(repos, rowId);
      });
      return false;
    }
    const lastSet = pref('PasswordLastSet');
    if (this.policy.passwordMaxValidTimeInDays > 0 && lastSet && Date.now() / 1000 - epochOf(lastSet) > this.policy.passwordMaxValidTimeInDays * 86400) return false;
    const rehash = result.needsRehash ? await this.passwords.hash(password) : undefined;
    await this.storage.transaction(async (repos) => {
      if (rehash) await store.setPassword(repos, rowId, rehash);
      if (failed !== 0) await store.setPreference(repos, id, 'UserLoginFailed', '0');
      await store.setPreference(repos, id, 'UserLastLogin', String(Math.floor(Date.now() / 1000)));
    });
    return true;
  }

  /** Whether the agent holds `permission` in at least one of `groups` (valid groups only). */
  async agentHasPermission(userId: number, groups: string[], permission = 'rw'): Promise<boolean> {
    const held = await this.storage.repos.userGroupsWith(userId, permission);
    return held.some((g) => groups.includes(g));
  }
}

export const nowStamp = (userId: number) => {
  const t = dbTimestamp();
  return { create_time: t, create_by: userId, change_time: t, change_by: userId };
};
