// Who is calling. Agents (users) and customers (customer_user) authenticate by login and password; the answer
// never says which part was wrong, an unknown login costs as much time as a wrong password, repeated failures
// from one address are slowed down (LoginThrottle), and failed and throttled attempts are logged.
import type { Storage } from '../storage/database.js';
import { dbTimestamp, epochOf } from '../storage/time.js';
import type { Repositories } from '../storage/repositories.js';
import type { Logger } from '../log.js';
import type { PasswordHasher } from './Password.js';
import { LoginThrottle, type LoginThrottleConfig } from './LoginThrottle.js';

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

type Preference = { preferences_key: string; preferences_value: string | null };

const loginFailedOf = (prefs: Preference[]) => Number(prefs.find((p) => p.preferences_key === 'UserLoginFailed')?.preferences_value ?? 0) || 0;

/** One account kind's storage of the things a login reads and writes. */
interface AccountStore<Id> {
  preferences(repos: Repositories, id: Id): Promise<Preference[]>;
  setPreference(repos: Repositories, id: Id, key: string, value: string | null): Promise<void>;
  setPassword(repos: Repositories, rowId: number, pw: string): Promise<void>;
  lockTemporarily(repos: Repositories, rowId: number): Promise<void>;
}

/** Where a login attempt comes from: the address is what the failure counters are keyed by. */
export interface LoginClient { remoteAddress: string }

/**
 * Logins are at most 200 characters (users.login, customer_user.login; UserAdd and CustomerUserCreate check it),
 * at most 400 UTF-16 units, so a longer one names no account however it ends; cut to one unit more it still names
 * none, and a 10 MB login costs its lookup, throttle digests and log line no more than a short one.
 */
const LOGIN_MAX_UNITS = 400;
const boundedLogin = (login: string) => (login.length > LOGIN_MAX_UNITS ? login.slice(0, LOGIN_MAX_UNITS + 1) : login);

export class Auth {
  private readonly throttle: LoginThrottle;
  /** Attempts of this process being checked, by client address (throttled: what a refused attempt waits for). */
  private readonly pending = new Map<string, Set<Promise<unknown>>>();

  constructor(private readonly storage: Storage, private readonly passwords: PasswordHasher, private readonly policy: LoginPolicy & LoginThrottleConfig,
    private readonly log?: Logger) {
    this.throttle = new LoginThrottle(policy);
  }

  /** Agent login (Auth/DB.pm): only valid agents. */
  agent(login: string, password: string, client: LoginClient): Promise<AuthenticatedUser | null> {
    login = boundedLogin(login);
    return this.throttled('agent', login, client, (repos) => repos.agents.byLogin(login), async (user) => {
      const store: AccountStore<number> = {
        preferences: (repos, id) => repos.preferences.user(id),
        setPreference: (repos, id, key, value) => repos.preferences.setUser(id, key, value),
        setPassword: (repos, rowId, pw) => repos.agents.updatePassword(rowId, pw),
        lockTemporarily: async (repos, rowId) => {
          await repos.agents.setValidId(rowId, 3);
          await endSessions(repos, 'User', rowId);
        },
      };
      const ok = await this.login(store, user.id, user.id, user.pw, user.valid_id, password);
      return ok ? { UserType: 'User', UserID: user.id, UserLogin: user.login } : null;
    }, password);
  }

  /** Customer login (CustomerAuth/DB.pm): the account must be valid afterwards. */
  customer(login: string, password: string, client: LoginClient): Promise<AuthenticatedUser | null> {
    login = boundedLogin(login);
    return this.throttled('customer', login, client, (repos) => repos.customerUsers.byLogin(login), async (user) => {
      const store: AccountStore<string> = {
        preferences: (repos, id) => repos.preferences.customer(id),
        setPreference: (repos, id, key, value) => repos.preferences.setCustomer(id, key, value),
        setPassword: (repos, rowId, pw) => repos.customerUsers.updatePassword(rowId, pw),
        lockTemporarily: async (repos, rowId) => {
          await repos.customerUsers.update(rowId, { valid_id: 3 });
          await endSessions(repos, 'Customer', user.login);
        },
      };
      const ok = await this.login(store, user.login, user.id, user.pw, user.valid_id, password);
      return ok ? { UserType: 'Customer', UserID: user.login, UserLogin: user.login } : null;
    }, password);
  }

  /**
   * While the (address, login) pair or the address must wait, the password is not checked at all and the answer
   * is the same failure as a wrong password. Otherwise the attempt is counted as a failure before its password is
   * checked, in the unit of work that read the counters and the account, so a burst of any size checks at most
   * the allowance; a right password then takes its count back. The hot path, a password this process verified
   * right a moment ago (PASSWORD_CACHE_SECONDS), only reads: the account's name and that password tell it before
   * the unit, the unit checks the stored hash, and no other password can take that path, so no guess is checked
   * uncounted. An attempt refused while this process still checks others from the same address waits for them
   * and asks again: a client opening many connections at once with the right password is not refused because
   * its own first attempts were counted. Unknown logins cost a verification all the same.
   */
  private async throttled<R extends { pw: string | null }>(kind: 'agent' | 'customer', login: string, client: LoginClient,
    lookup: (repos: Repositories) => Promise<R | undefined>, check: (account: R) => Promise<AuthenticatedUser | null>,
    password: string): Promise<AuthenticatedUser | null> {
    const address = client.remoteAddress;
    const name = `${kind}\u0000${login.toLowerCase()}`;
    const verify = async (account: R | undefined) => {
      const user = account ? await check(account) : (await this.passwords.verifyNothing(password), null);
      if (user && this.throttle.enabled) this.passwords.rememberAccount(name, password);
      else this.failed(kind, login, address);
      return user;
    };
    if (!this.throttle.enabled) return verify(await this.storage.read(lookup));

    const attempt = (readOnly: boolean) => async (repos: Repositories) => {
      const throttle = await this.throttle.state(repos, address, login);
      const account = await lookup(repos);
      if (throttle.waitMs > 0) return { outcome: 'wait' as const, waitMs: throttle.waitMs, account, pairCounted: throttle.pairCounted };
      if (account && this.passwords.remembers(account.pw, password)) return { outcome: 'remembered' as const, waitMs: 0, account, pairCounted: throttle.pairCounted };
      if (readOnly) return { outcome: 'uncounted' as const, waitMs: 0, account, pairCounted: throttle.pairCounted };
      await this.throttle.count(repos, address, login);
      return { outcome: 'counted' as const, waitMs: 0, account, pairCounted: true };
    };
    const next = () => (this.passwords.remembersAccount(name, password) ? this.storage.read(attempt(true))
      : this.storage.transaction(attempt(false), { serializeOn: `LoginThrottle:${address}` }));
    let a = await next();
    for (let round = 0; a.outcome === 'wait' || a.outcome === 'uncounted'; round++) {
      if (a.outcome === 'uncounted') {
        // The name was remembered, the stored hash has changed since: checked, so counted first.
        a = await this.storage.transaction(attempt(false), { serializeOn: `LoginThrottle:${address}` });
        continue;
      }
      const pending = this.pending.get(address);
      if (!pending || round >= 5) return this.refused(kind, login, address, a.waitMs);
      await Promise.allSettled([...pending]);
      a = await next();
    }
    if (a.outcome === 'remembered') {
      const user = await verify(a.account);
      // Right, but the account can no longer log in: a failure like any other, counted now.
      if (!user) await this.storage.transaction(async (repos) => this.throttle.count(repos, address, login));
      else if (a.pairCounted) await this.storage.transaction((repos) => this.throttle.succeeded(repos, address, login, false));
      return user;
    }
    const checking = (async () => {
      const user = await verify(a.account);
      if (user) await this.storage.transaction((repos) => this.throttle.succeeded(repos, address, login, true));
      return user;
    })();
    return this.whilePending(address, checking);
  }

  /** Tracks an attempt being checked from this address until it has settled (see throttled). */
  private async whilePending<T>(address: string, work: Promise<T>): Promise<T> {
    let set = this.pending.get(address);
    if (!set) this.pending.set(address, set = new Set());
    set.add(work);
    try { return await work; } finally {
      set.delete(work);
      if (set.size === 0 && this.pending.get(address) === set) this.pending.delete(address);
    }
  }

  /** Failed and throttled logins are logged with login and address, never the password (a login is cut short). */
  private failed(kind: string, login: string, address: string): void {
    this.log?.warn('login failed', { userType: kind, login: login.slice(0, 200), address });
  }

  private refused(kind: string, login: string, address: string, waitMs: number): null {
    this.log?.warn('login throttled', { userType: kind, login: login.slice(0, 200), address, waitMs });
    return null;
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
    if (!result.ok) {
      // Read and increment in one transaction, so concurrent failures all count.
      await this.storage.transaction(async (repos) => {
        const failed = loginFailedOf(await store.preferences(repos, id)) + 1;
        await store.setPreference(repos, id, 'UserLoginFailed', String(failed));
        if (this.policy.passwordMaxLoginFailed > 0 && failed >= this.policy.passwordMaxLoginFailed) await store.lockTemporarily(repos, rowId);
      });
      return false;
    }
    const prefs = await this.storage.read((repos) => store.preferences(repos, id));
    const pref = (key: string) => prefs.find((p) => p.preferences_key === key)?.preferences_value ?? null;
    const failed = loginFailedOf(prefs);
    const lastSet = pref('PasswordLastSet');
    if (this.policy.passwordMaxValidTimeInDays > 0 && lastSet && Date.now() / 1000 - epochOf(lastSet) > this.policy.passwordMaxValidTimeInDays * 86400) return false;
    const rehash = result.needsRehash ? await this.passwords.hash(password) : undefined;
    // UserLastLogin has second resolution: a client that logs in with every request writes it once a second.
    const now = String(Math.floor(Date.now() / 1000));
    if (rehash || failed !== 0 || pref('UserLastLogin') !== now) {
      await this.storage.transaction(async (repos) => {
        if (rehash) await store.setPassword(repos, rowId, rehash);
        if (failed !== 0) await store.setPreference(repos, id, 'UserLoginFailed', '0');
        await store.setPreference(repos, id, 'UserLastLogin', now);
      });
    }
    return true;
  }

  /**
   * Whether the agent holds `permission` in at least one of `groups` (valid groups only). An agent that is no
   * longer valid holds nothing, whatever authenticated it (both answers are cached: no round trip when warm).
   */
  async agentHasPermission(userId: number, groups: string[], permission = 'rw'): Promise<boolean> {
    const held = await this.storage.read(async (repos) => ((await repos.accountLogin('User', userId)) ? repos.agents.groupsWith(userId, permission) : []));
    return held.some((g) => groups.includes(g));
  }
}

/**
 * What an account change does to the account's sessions and access tokens (docs/operations.md "Sessions and access
 * tokens"): a password set or removed, the end of its validity (invalid, invalid-temporarily, retired) or a
 * customer user's new login (sessions name customers by login) ends them all, the caller's own included. The
 * deletions are part of the change's unit of work, and every instance forgets what it cached of them.
 */
export async function endSessionsOnAccountChange(repos: Repositories, userType: 'User' | 'Customer', id: number | string,
  changes: { pw?: unknown; valid_id?: number; login?: string }): Promise<void> {
  const ends = changes.pw !== undefined || (changes.valid_id !== undefined && changes.valid_id !== 1)
    || (userType === 'Customer' && changes.login !== undefined);
  if (ends) await endSessions(repos, userType, id);
}

async function endSessions(repos: Repositories, userType: 'User' | 'Customer', id: number | string): Promise<void> {
  await repos.sessions.deleteOf(userType, String(id));
  await repos.accessTokens.deleteOf(userType, String(id));
}

export const nowStamp = (userId: number) => {
  const t = dbTimestamp();
  return { create_time: t, create_by: userId, change_time: t, change_by: userId };
};
