// Who is calling. Agents (users) and customers (customer_user) authenticate by login and password; the answer
// never says which part was wrong, and an unknown login costs as much time as a wrong password.
import type { Storage } from '../storage/database.js';
import { dbTimestamp } from '../storage/time.js';
import type { PasswordHasher } from './Password.js';

/** What OTRS's Operation::Common::Auth returns: agents by numeric users.id, customers by login. */
export interface AuthenticatedUser {
  UserType: 'User' | 'Customer';
  UserID: number | string;
  UserLogin: string;
}

export class Auth {
  constructor(private readonly storage: Storage, private readonly passwords: PasswordHasher) {}

  /** Agent login (Auth/DB.pm): only valid agents; on success UserLastLogin is recorded. */
  async agent(login: string, password: string): Promise<AuthenticatedUser | null> {
    const user = await this.storage.repos.userByLogin(login);
    if (!user) { await this.passwords.verifyNothing(password); return null; }
    const result = await this.passwords.verify(user.pw, password);
    if (!result.ok || user.valid_id !== 1) return null;
    const rehash = result.needsRehash ? await this.passwords.hash(password) : undefined;
    await this.storage.transaction(async (repos) => {
      if (rehash) await repos.updateUserPassword(user.id, rehash);
      await repos.setUserPreference(user.id, 'UserLastLogin', String(Math.floor(Date.now() / 1000)));
    });
    return { UserType: 'User', UserID: user.id, UserLogin: user.login };
  }

  /** Customer login (CustomerAuth/DB.pm): the account must be valid afterwards. */
  async customer(login: string, password: string): Promise<AuthenticatedUser | null> {
    const user = await this.storage.repos.customerUserByLogin(login);
    if (!user) { await this.passwords.verifyNothing(password); return null; }
    const result = await this.passwords.verify(user.pw, password);
    if (!result.ok || user.valid_id !== 1) return null;
    const rehash = result.needsRehash ? await this.passwords.hash(password) : undefined;
    await this.storage.transaction(async (repos) => {
      if (rehash) await repos.updateCustomerUserPassword(user.id, rehash);
      await repos.setCustomerPreference(user.login, 'UserLastLogin', String(Math.floor(Date.now() / 1000)));
    });
    return { UserType: 'Customer', UserID: user.login, UserLogin: user.login };
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
