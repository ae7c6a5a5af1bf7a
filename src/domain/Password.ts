// Password hashing. New hashes are argon2id (salted, memory-hard), or, on a database an OTRS still reads,
// OTRS's own bcrypt form (PASSWORD_HASH_FORMAT). Hashes in every format an OTRS database holds
// (LegacyPassword.ts) are verified too, and reported as needing a re-hash, so imported accounts keep working and
// move to the current format on their next successful login.
import { createHmac, randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import { OTRS_BCRYPT_COST, otrsBcryptHash, verifyLegacy } from './LegacyPassword.js';

/** The form new hashes take: argon2id, or `BCRYPT:cost:salt:hash`, which OTRS itself verifies. */
export type PasswordHashFormat = 'argon2id' | 'otrs-bcrypt';

export interface PasswordOptions {
  format?: PasswordHashFormat;
  memoryKiB: number;
  timeCost: number;
  /** The imported database used OTRS CryptType 'plain': stored values that are not argon2 are the passwords. */
  legacyPlain?: boolean;
  /** How long a successful verification is remembered (VerificationCache; 0: never). */
  cacheSeconds?: number;
  cacheMaxEntries?: number;
}

/**
 * Successful verifications, remembered for a short while, so a client that sends UserLogin + Password with
 * every request (as many GenericInterface integrations do) pays for argon2 once, not every time. An entry is
 * HMAC(key, stored hash + password) under a key made at start and kept only in memory: no password is held, a
 * wrong password never matches, and a changed stored hash (a new password, a re-hash) misses at once. The cost:
 * whoever can read this process's memory can test guesses against recent entries at HMAC speed instead of
 * argon2 speed; such a reader can also read the passwords of requests in flight.
 */
class VerificationCache {
  private readonly key = randomBytes(32);
  private readonly entries = new Map<string, number>();   // entry -> expiry (ms)

  constructor(private readonly ttlMs: number, private readonly maxEntries: number) {}

  private entry(stored: string, password: string): string {
    return createHmac('sha256', this.key).update(stored).update('\u0000').update(password).digest('base64');
  }

  has(stored: string, password: string): boolean {
    if (this.ttlMs === 0) return false;
    const e = this.entry(stored, password);
    const expiry = this.entries.get(e);
    if (expiry === undefined) return false;
    if (expiry > Date.now()) return true;
    this.entries.delete(e);
    return false;
  }

  add(stored: string, password: string): void {
    if (this.ttlMs === 0) return;
    this.entries.set(this.entry(stored, password), Date.now() + this.ttlMs);
    // Insertion order is expiry order: the oldest entries go first.
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }
}

export interface VerifyResult { ok: boolean; needsRehash: boolean }

export class PasswordHasher {
  private dummy: Promise<string>;
  private readonly verified: VerificationCache;
  constructor(private readonly opts: PasswordOptions) {
    this.verified = new VerificationCache((opts.cacheSeconds ?? 0) * 1000, opts.cacheMaxEntries ?? 10_000);
    // Verifying against this when a login does not exist makes an unknown login cost as much as a wrong password.
    this.dummy = this.hash('not-a-real-password');
  }

  private get params() {
    return { memoryCost: this.opts.memoryKiB, timeCost: this.opts.timeCost, parallelism: 1 };
  }

  hash(password: string): Promise<string> {
    if (this.opts.format === 'otrs-bcrypt') return otrsBcryptHash(password);
    return argon2.hash(password, { type: argon2.argon2id, ...this.params });
  }

  /** Whether a verified hash is of the current kind and made with the current parameters (else it is replaced at this login). */
  private current(stored: string): boolean {
    if (!this.ofCurrentKind(stored)) return false;
    return this.opts.format === 'otrs-bcrypt' ? stored.startsWith(`BCRYPT:${OTRS_BCRYPT_COST}:`) : !argon2.needsRehash(stored, this.params);
  }

  /** Spends the time of one verification without a stored hash (unknown login). Always fails. */
  async verifyNothing(password: string): Promise<VerifyResult> {
    await this.check(await this.dummy, password);
    return { ok: false, needsRehash: false };
  }

  private check(stored: string, password: string): Promise<boolean> {
    if (stored.startsWith('$argon2')) return argon2.verify(stored, password).catch(() => false);
    return verifyLegacy(stored, password, this.opts.legacyPlain ?? false);
  }

  /** Whether the stored value is of the kind new hashes are (and so costs what the dummy verification costs). */
  private ofCurrentKind(stored: string): boolean {
    return this.opts.format === 'otrs-bcrypt' ? stored.startsWith('BCRYPT:') : stored.startsWith('$argon2');
  }

  /** Whether this password was verified right against this stored hash a moment ago (no verification needed). */
  remembers(stored: string | null, password: string): boolean {
    return !!stored && password !== '' && this.verified.has(stored, password);
  }

  /**
   * The same memory by account name instead of stored hash, for deciding before the account is read (Auth's
   * throttle): a hint only, the stored hash is checked again. The prefix keeps it apart from every stored hash.
   */
  rememberAccount(account: string, password: string): void { this.verified.add(`\u0000${account}`, password); }

  remembersAccount(account: string, password: string): boolean { return password !== '' && this.verified.has(`\u0000${account}`, password); }

  async verify(stored: string | null, password: string): Promise<VerifyResult> {
    // OTRS: an empty password or an empty stored hash never authenticates (Auth/DB.pm).
    if (!stored || password === '') return this.verifyNothing(password);
    if (this.verified.has(stored, password)) return { ok: true, needsRehash: false };
    const ok = await this.check(stored, password);
    // A hash of another kind (a fast legacy digest) is checked and the dummy verification is spent too, so a
    // wrong password is as slow as for any other account: the answer time tells nothing of how it is stored.
    if (!this.ofCurrentKind(stored)) await this.verifyNothing(password);
    const needsRehash = ok && !this.current(stored);
    if (ok && !needsRehash) this.verified.add(stored, password);
    return { ok, needsRehash };
  }
}

/**
 * The hash to store for UserPassword: null removes the password, absent or '' keeps it (OTRS ignores a false
 * password). Computed before the transaction, so a slow hash never holds the database.
 */
export async function newPasswordHash(password: string | null | undefined, passwords: PasswordHasher): Promise<string | null | undefined> {
  if (password === null) return null;
  return password === undefined || password === '' ? undefined : passwords.hash(password);
}
