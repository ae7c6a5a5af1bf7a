// Password hashing. New hashes are argon2id (salted, memory-hard). Hashes in every format an OTRS database holds
// (LegacyPassword.ts) are verified too, and reported as needing a re-hash, so imported accounts keep working and
// move to argon2id on their next successful login.
import argon2 from 'argon2';
import { verifyLegacy } from './LegacyPassword.js';

export interface PasswordOptions {
  memoryKiB: number;
  timeCost: number;
  /** The imported database used OTRS CryptType 'plain': stored values that are not argon2 are the passwords. */
  legacyPlain?: boolean;
}

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
    // A legacy check is fast; the dummy verification keeps a wrong password as slow as for any other account,
    // so the answer time tells nothing about how an account's password is stored.
    const ok = await verifyLegacy(stored, password, this.opts.legacyPlain ?? false);
    await this.verifyNothing(password);
    return { ok, needsRehash: ok };
  }
}
