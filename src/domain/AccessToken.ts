// Access tokens, the OTRS 8 way of authenticating API calls (contracts §2.5): a JWT (HS256) whose `sub` is the
// user, with an expiry, backed by a row so that a token can be revoked. The signing key is generated once and
// kept in system_data, so tokens survive a restart.
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Storage } from '../storage/database.js';
import { dbTimestamp } from '../storage/time.js';
import type { AuthenticatedUser } from './Auth.js';
import type { SessionClient } from './Session.js';

const KEY_NAME = 'AccessToken::SigningKey';

export interface AccessTokenConfig { accessTokenMaxTime: number; accessTokenCheckRemoteIP: boolean }

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

export class AccessTokens {
  private key?: Buffer;
  constructor(private readonly storage: Storage, private readonly cfg: AccessTokenConfig) {}

  /** Makes (once per database) and loads the signing key; at start, so that no request ever writes it. */
  async init(): Promise<void> {
    await this.signingKey();
  }

  private async signingKey(): Promise<Buffer> {
    if (this.key) return this.key;
    const t = dbTimestamp();
    const stored = await this.storage.transaction(async (repos) => {
      await repos.systemData.insert(KEY_NAME, randomBytes(32).toString('base64'), { create_time: t, create_by: 1, change_time: t, change_by: 1 });
      return repos.systemData.get(KEY_NAME);
    });
    this.key = Buffer.from(stored!, 'base64');
    return this.key;
  }

  async create(user: AuthenticatedUser, client: SessionClient): Promise<{ token: string; expires: number }> {
    const key = await this.signingKey();
    const now = Math.floor(Date.now() / 1000);
    const expires = now + this.cfg.accessTokenMaxTime;
    const uuid = randomUUID();
    await this.storage.transaction((repos) => repos.accessTokens.insert({
      uuid, user_id: String(user.UserID), user_type: user.UserType,
      create_time: dbTimestamp(new Date(now * 1000)), expires_time: dbTimestamp(new Date(expires * 1000)), remote_addr: client.remoteAddress,
    }));
    const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const payload = b64url(JSON.stringify({
      sub: user.UserLogin, jti: uuid, iat: now, exp: expires,
      UserType: user.UserType === 'User' ? 'agent' : 'customer',
    }));
    const signature = b64url(createHmac('sha256', key).update(`${header}.${payload}`).digest());
    return { token: `${header}.${payload}.${signature}`, expires };
  }

  /** The claims of a token this server signed (expired or not), else undefined: nothing else of a token is trusted. */
  private async claims(token: string): Promise<{ jti: string; exp: number } | undefined> {
    const parts = token.split('.');
    if (parts.length !== 3 || token.length > 4096) return undefined;
    const key = await this.signingKey();
    const expected = createHmac('sha256', key).update(`${parts[0]}.${parts[1]}`).digest();
    const given = Buffer.from(parts[2], 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    let claims: { jti?: unknown; exp?: unknown };
    try { claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')); } catch { return undefined; }
    if (typeof claims.jti !== 'string' || typeof claims.exp !== 'number') return undefined;
    return { jti: claims.jti, exp: claims.exp };
  }

  /** The user behind a token that is well signed, unexpired, not revoked, of a valid account and (optionally) used from its address. */
  async user(token: string, client: SessionClient): Promise<AuthenticatedUser | undefined> {
    const claims = await this.claims(token);
    if (!claims || claims.exp <= Date.now() / 1000) return undefined;
    return this.storage.read(async (repos): Promise<AuthenticatedUser | undefined> => {
      const row = await repos.accessTokens.get(claims.jti);
      if (!row) return undefined;
      if (this.cfg.accessTokenCheckRemoteIP && row.remote_addr !== client.remoteAddress) return undefined;
      const type = row.user_type === 'User' ? 'User' : 'Customer';
      const login = await repos.accountLogin(type, row.user_id);
      if (!login) return undefined;
      return { UserType: type, UserID: type === 'User' ? Number(row.user_id) : login, UserLogin: login };
    });
  }

  /**
   * Who a token this server signed belongs to, expired or not (SessionRemove's owner check): 'forged' for a
   * token whose signature does not verify, undefined for one already revoked.
   */
  async owner(token: string): Promise<{ UserType: 'User' | 'Customer'; UserID: string } | 'forged' | undefined> {
    const claims = await this.claims(token);
    if (!claims) return 'forged';
    const row = await this.storage.read((repos) => repos.accessTokens.get(claims.jti));
    return row ? { UserType: row.user_type === 'User' ? 'User' : 'Customer', UserID: row.user_id } : undefined;
  }

  /** Revokes a token this server signed (SessionRemove); a token whose signature does not verify revokes nothing. */
  async revoke(token: string): Promise<void> {
    const claims = await this.claims(token);
    if (claims) await this.storage.transaction((repos) => repos.accessTokens.delete(claims.jti));
  }
}
