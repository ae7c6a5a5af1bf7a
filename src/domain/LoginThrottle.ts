// Rate limiting of failed password logins (issue 6). OTRS itself has only the account lock
// (PasswordMaxLoginFailed), which lets anyone who knows a login lock its owner out. Here failures are counted per
// (client address, login): after `failuresAllowed` failures within `windowSeconds`, that pair must wait before its
// next password is even checked, and the wait doubles with every further failure. Someone failing from another
// address never delays the real user; a second, higher limit per address alone slows a password spray across many
// logins. State is memory-only and bounded (oldest entries go first).

export interface LoginThrottleConfig {
  /** Failures of one (address, login) allowed within the window before waits begin (0: no limit). */
  loginFailuresAllowed: number;
  /** Failures from one address, over all logins, allowed within the window (0: no limit). */
  loginFailuresPerClient: number;
  loginFailureWindowSeconds: number;
  /** The first wait; each further failure doubles it, up to loginMaxDelayMs. */
  loginDelayMs: number;
  loginMaxDelayMs: number;
  /** At most this many counters are kept. */
  loginThrottleMaxEntries: number;
}

interface Counter { failures: number; last: number }

export class LoginThrottle {
  private readonly counters = new Map<string, Counter>();

  constructor(private readonly cfg: LoginThrottleConfig, private readonly now: () => number = Date.now) {}

  /** Milliseconds until this address may try this login again (0: now). */
  waitMs(address: string, login: string): number {
    const t = this.now();
    return Math.max(
      this.wait(this.get(pairKey(address, login), t), this.cfg.loginFailuresAllowed, t),
      this.wait(this.get(clientKey(address), t), this.cfg.loginFailuresPerClient, t),
    );
  }

  failed(address: string, login: string): void {
    const t = this.now();
    if (this.cfg.loginFailuresAllowed > 0) this.count(pairKey(address, login), t);
    if (this.cfg.loginFailuresPerClient > 0) this.count(clientKey(address), t);
  }

  /** A right password clears the pair's count (the address's count stays: it measures spraying). */
  succeeded(address: string, login: string): void {
    this.counters.delete(pairKey(address, login));
  }

  private wait(c: Counter | undefined, allowed: number, t: number): number {
    if (!c || allowed === 0 || c.failures < allowed) return 0;
    const delay = Math.min(this.cfg.loginMaxDelayMs, this.cfg.loginDelayMs * 2 ** Math.min(c.failures - allowed, 30));
    return Math.max(0, c.last + delay - t);
  }

  /** The counter, unless its window has passed since the last failure. */
  private get(key: string, t: number): Counter | undefined {
    const c = this.counters.get(key);
    if (c && t - c.last > this.cfg.loginFailureWindowSeconds * 1000) { this.counters.delete(key); return undefined; }
    return c;
  }

  private count(key: string, t: number): void {
    const c = this.get(key, t) ?? { failures: 0, last: t };
    c.failures += 1;
    c.last = t;
    // Re-inserting keeps the map in order of last failure, so eviction drops the stalest counter.
    this.counters.delete(key);
    this.counters.set(key, c);
    while (this.counters.size > this.cfg.loginThrottleMaxEntries) this.counters.delete(this.counters.keys().next().value!);
  }
}

// Logins compare case-insensitively in OTRS, so 'Cust1' and 'cust1' share a counter.
const pairKey = (address: string, login: string) => `${address}\u0000${login.toLowerCase()}`;
const clientKey = (address: string) => `${address}\u0000`;
