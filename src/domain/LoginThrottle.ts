// Rate limiting of failed password logins (issue 6). OTRS itself has only the account lock
// (PasswordMaxLoginFailed), which lets anyone who knows a login lock its owner out. Here failures are counted per
// (client address, login): after `failuresAllowed` failures within `windowSeconds`, that pair must wait before its
// next password is even checked, and the wait doubles with every further failure. Someone failing from another
// address never delays the real user; a second, higher limit per address alone slows a password spray across many
// logins. The counters live in the database (login_failure), so every instance on a shared one counts the same
// failures; expired counters are deleted as new failures come in. Every attempt is counted before its password is
// checked (Auth), so that concurrent attempts cannot all pass the check of one count (issue 15).
import { createHash } from 'node:crypto';
import type { Repositories } from '../storage/repositories.js';

export interface LoginThrottleConfig {
  /** Failures of one (address, login) allowed within the window before waits begin (0: no limit). */
  loginFailuresAllowed: number;
  /** Failures from one address, over all logins, allowed within the window (0: no limit). */
  loginFailuresPerClient: number;
  loginFailureWindowSeconds: number;
  /** The first wait; each further failure doubles it, up to loginMaxDelayMs. */
  loginDelayMs: number;
  loginMaxDelayMs: number;
  /** At most this many counters are kept (the stalest go first). */
  loginThrottleMaxEntries: number;
}

/** What the counters say about one attempt. */
export interface ThrottleState {
  /** Milliseconds until this address may try this login again (0: now). */
  waitMs: number;
  /** Whether the (address, login) pair has failures counted (a success then clears them). */
  pairCounted: boolean;
}

const notCounted: ThrottleState = { waitMs: 0, pairCounted: false };

export class LoginThrottle {
  private failuresSincePrune = 0;

  constructor(private readonly cfg: LoginThrottleConfig, private readonly now: () => number = Date.now) {}

  get enabled(): boolean { return this.cfg.loginFailuresAllowed > 0 || this.cfg.loginFailuresPerClient > 0; }

  async state(repos: Repositories, address: string, login: string): Promise<ThrottleState> {
    if (!this.enabled) return notCounted;
    const pair = pairKey(address, login);
    const t = this.now();
    const fresh = (await repos.loginFailures.get([pair, clientKey(address)])).filter((c) => t - c.last_failure <= this.windowMs);
    const pairCounter = fresh.find((c) => c.counter_key === pair);
    const clientCounter = fresh.find((c) => c.counter_key !== pair);
    return {
      waitMs: Math.max(this.wait(pairCounter, this.cfg.loginFailuresAllowed, t), this.wait(clientCounter, this.cfg.loginFailuresPerClient, t)),
      pairCounted: pairCounter !== undefined,
    };
  }

  /**
   * Counts an attempt as a failure before its password is checked. Called in the unit of work that read state()
   * and found no wait, so concurrent attempts see each other's counts: SQLite runs units in turn, PostgreSQL's
   * SERIALIZABLE runs a colliding one again.
   */
  async count(repos: Repositories, address: string, login: string): Promise<void> {
    const t = this.now();
    if (this.cfg.loginFailuresAllowed > 0) await repos.loginFailures.count(pairKey(address, login), t, t - this.windowMs);
    if (this.cfg.loginFailuresPerClient > 0) await repos.loginFailures.count(clientKey(address), t, t - this.windowMs);
    // Expired counters go now and then; the bound on their number is kept the same way.
    if (++this.failuresSincePrune >= 64) {
      this.failuresSincePrune = 0;
      await repos.loginFailures.prune(t - this.windowMs, this.cfg.loginThrottleMaxEntries);
    }
  }

  /**
   * A right password clears the pair's count and takes back the address's count of this attempt when it was
   * counted first (the rest of the address's count stays: it measures spraying).
   */
  async succeeded(repos: Repositories, address: string, login: string, counted: boolean): Promise<void> {
    await repos.loginFailures.clear(pairKey(address, login));
    if (counted && this.cfg.loginFailuresPerClient > 0) await repos.loginFailures.uncount(clientKey(address));
  }

  private get windowMs(): number { return this.cfg.loginFailureWindowSeconds * 1000; }

  private wait(c: { failures: number; last_failure: number } | undefined, allowed: number, t: number): number {
    if (!c || allowed === 0 || c.failures < allowed) return 0;
    const delay = Math.min(this.cfg.loginMaxDelayMs, this.cfg.loginDelayMs * 2 ** Math.min(c.failures - allowed, 30));
    return Math.max(0, c.last_failure + delay - t);
  }
}

// Logins compare case-insensitively in OTRS, so 'Cust1' and 'cust1' share a counter. The login is stored as a
// digest: a counter's key has a bounded length whatever a caller sends, and the table names no one's login.
const pairKey = (address: string, login: string) => `${address} ${createHash('sha256').update(login.toLowerCase()).digest('base64url')}`;
const clientKey = (address: string) => address;
