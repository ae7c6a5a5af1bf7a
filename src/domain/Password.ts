// Password hashing. New hashes are argon2id (salted, memory-hard). Hashes in the formats an OTRS database holds
// (Customer::AuthModule::DB::CryptType: sha2 is the OTRS default) are verified too, and reported as needing a
// re-hash, so imported accounts keep working and move to argon2id on their next successful login.
import { createHash, timingSafeEqual } from 'node:crypto';
import argon2 from 'argon2';

export interface PasswordOptions { memoryKiB: number; timeCost: number }

export interface VerifyResult { ok: boolean; needsRehash: boolean }

export class PasswordHasher {
  private dummy: Promise<string>;
  constructor(private readonly opts: PasswordOptions) {
    // Verifying against this when a login does not exist makes an unknown login cost as much as a wrong password.
    this.dummy = this.hash('not-a-real-password');
  }

  private get params() {
    return { memoryCost: this.opts.memoryKiB, timeCost: this.opts.timeCost, parallelism: 1 };
  }

  hash(password: string): Promise<string> {
    return argon2.hash(password, { type: argon2.argon2id, ...this.params });
  }

  /** Spends the time of one verification without a stored hash (unknown login). Always fails. */
  async verifyNothing(password: string): Promise<VerifyResult> {
    await argon2.verify(await this.dummy, password).catch(() => false);
    return { ok: false, needsRehash: false };
  }

  async verify(stored: string | null, password: string): Promise<VerifyResult> {
    // OTRS: an empty password or an empty stored hash never authenticates (Auth/DB.pm).
    if (!stored || password === '') return this.verifyNothing(password);
    if (stored.startsWith('$argon2')) {
      const ok = await argon2.verify(stored, password).catch(() => false);
      return { ok, needsRehash: ok && argon2.needsRehash(stored, this.params) };
    }
    const legacy = legacyDigest(stored, password);
    if (legacy === null) return this.verifyNothing(password);
    const a = Buffer.from(legacy);
    const b = Buffer.from(stored);
    const ok = a.length === b.length && timingSafeEqual(a, b);
    return { ok, needsRehash: ok };
  }
}

/** The unsalted hex digests OTRS writes for CryptType sha1/sha2/sha512, chosen by the stored length as OTRS does. */
function legacyDigest(stored: string, password: string): string | null {
  const algorithm = /^[0-9a-f]{64}$/.test(stored) ? 'sha256' : /^[0-9a-f]{128}$/.test(stored) ? 'sha512' : /^[0-9a-f]{40}$/.test(stored) ? 'sha1' : null;
  return algorithm ? createHash(algorithm).update(password, 'utf8').digest('hex') : null;
}
