// GenericInterface sessions as OTRS's AuthSession/DB.pm keeps them (dialect §10.2): 32 random characters
// [A-Za-z0-9], one row per key in `sessions`, bound to the client address, never refreshed by a GI request
// (so a session dies SessionMaxIdleTime after creation however often it is used).
import { randomBytes } from 'node:crypto';
import type { Storage } from '../storage/database.js';
import { sessionUserType as userTypeOf } from '../storage/cache.js';
import type { AuthenticatedUser } from './Auth.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** n characters from [A-Za-z0-9], uniformly (rejection sampling: no modulo bias). */
export function randomToken(n: number): string {
  let out = '';
  while (out.length < n) {
    for (const b of randomBytes(n * 2)) {
      if (b < 248) out += ALPHABET[b % 62];
      if (out.length === n) break;
    }
  }
  return out;
}

export interface SessionConfig { sessionMaxIdleTime: number; sessionMaxTime: number; sessionCheckRemoteIP: boolean }

export interface SessionClient { remoteAddress: string; userAgent: string }

export class Sessions {
  constructor(private readonly storage: Storage, private readonly cfg: SessionConfig) {}

  async create(user: AuthenticatedUser, client: SessionClient, extra: Record<string, string> = {}): Promise<string> {
    const id = randomToken(32);
    const now = String(Math.floor(Date.now() / 1000));
    await this.storage.transaction((repos) => repos.sessions.insert(id, {
      ...extra,
      UserID: String(user.UserID),
      UserLogin: user.UserLogin,
      UserType: user.UserType,
      UserSessionStart: now,
      UserLastRequest: now,
      UserRemoteAddr: client.remoteAddress,
      UserRemoteUserAgent: client.userAgent,
      UserChallengeToken: randomToken(32),
      SessionSource: 'GenericInterface',
    }));
    return id;
  }

  /** The session's data when it is valid for this client now, else undefined. */
  async data(sessionId: string, client: SessionClient): Promise<Record<string, string> | undefined> {
    if (!/^[A-Za-z0-9]{1,100}$/.test(sessionId)) return undefined;
    // A GI session's rows never change after SessionCreate, so a cached copy is enough (a removal, on any instance,
    // forgets it); the validity checks below still run on every request. Its account must be valid now: the
    // account's state is cached too and forgotten, on every instance, when its validity or password changes, so
    // a request with a SessionID costs no database round trip while both are cached.
    const data = await this.storage.readCached((caches) => caches.validSession(sessionId), async (repos) => {
      const stored = await repos.sessions.get(sessionId);
      return stored && stored.UserID && (await repos.accountLogin(userTypeOf(stored), stored.UserID)) ? stored : undefined;
    });
    if (!data || !data.UserID || !data.UserLogin) return undefined;
    if (this.cfg.sessionCheckRemoteIP && data.UserRemoteAddr !== client.remoteAddress) return undefined;
    const now = Date.now() / 1000;
    if (now - this.cfg.sessionMaxIdleTime >= Number(data.UserLastRequest)) return undefined;
    if (now - this.cfg.sessionMaxTime >= Number(data.UserSessionStart)) return undefined;
    return data;
  }

  async user(sessionId: string, client: SessionClient): Promise<AuthenticatedUser | undefined> {
    const data = await this.data(sessionId, client);
    if (!data) return undefined;
    const type = userTypeOf(data);
    return { UserType: type, UserID: type === 'User' ? Number(data.UserID) : data.UserID, UserLogin: data.UserLogin };
  }

  /** Who the stored session belongs to, whatever its age or address (SessionRemove's owner check). */
  async owner(sessionId: string): Promise<{ UserType: 'User' | 'Customer'; UserID: string } | undefined> {
    if (!/^[A-Za-z0-9]{1,100}$/.test(sessionId)) return undefined;
    const data = await this.storage.read((repos) => repos.sessions.get(sessionId));
    return data && data.UserID ? { UserType: userTypeOf(data), UserID: data.UserID } : undefined;
  }

  remove(sessionId: string): Promise<void> {
    return this.storage.transaction((repos) => repos.sessions.delete(sessionId));
  }
}
