// Read caches for what nearly every request asks and almost never changes: dynamic-field definitions, the
// groups an agent holds, the callers' time zones and GenericInterface sessions (never modified once written).
// Entries live CACHE_TTL_MS at most. A unit of work that changes a cached table forgets the affected entries at
// once and again when it ends, committed or rolled back, so nothing it read of its own uncommitted writes outlives
// it; what it changed is also announced to the other instances on a shared database (postgres.ts), which forget
// the same entries when the change commits.
import type { DynamicFieldRow } from './repositories.js';

export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; expires: number }>();

  constructor(private readonly ttlMs: number, private readonly maxEntries = 10_000) {}

  async get(key: string, load: () => Promise<V>): Promise<V> {
    if (this.ttlMs === 0) return load();
    const hit = this.entries.get(key);
    const now = Date.now();
    if (hit && hit.expires > now) return hit.value;
    const value = await load();
    // Absence is not remembered: random keys (guessed session IDs) must not fill the cache.
    if (value === undefined) return value;
    this.entries.set(key, { value, expires: now + this.ttlMs });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return value;
  }

  /** The fresh value for key, or undefined: lets a caller skip the unit of work a load would need. */
  peek(key: string): V | undefined {
    const hit = this.entries.get(key);
    return hit && hit.expires > Date.now() ? hit.value : undefined;
  }

  delete(key: string): void { this.entries.delete(key); }

  /** Forgets every entry whose value matches (rare changes only: it visits every entry). */
  deleteWhere(matches: (value: V) => boolean): void {
    for (const [key, hit] of this.entries) if (matches(hit.value)) this.entries.delete(key);
  }

  clear(): void { this.entries.clear(); }
}

/** The timeZones key of an account: agents by users.id, customers by login. */
export const timeZoneKey = (userType: string, id: number | string) => `${userType}\u0000${id}`;

/** The accounts key: an account as sessions and tokens name it (agents by users.id, customers by login). */
export const accountKey = timeZoneKey;

/** A session's account kind: OTRS writes 'User' or 'Customer'; anything else is read as an agent's. */
export const sessionUserType = (data: Record<string, string>): 'User' | 'Customer' => (data.UserType === 'Customer' ? 'Customer' : 'User');

/**
 * What a unit of work changed of the cached tables: everything, one account's time zone, one session, or one
 * account's validity, login or password (its state and its cached sessions are forgotten).
 */
/** Single changes one unit announces at most; beyond that it announces "everything". */
const MAX_ANNOUNCED_CHANGES = 50;

export type CacheChange = { all: true } | { timeZone: string } | { session: string } | { account: string };

export class ReadCaches {
  readonly dynamicFields: TtlCache<DynamicFieldRow[]>;
  readonly agentGroups: TtlCache<string[]>;
  /** An account's UserTimeZone preference ('' for none), keyed by user type and id: read for every answer with times. */
  readonly timeZones: TtlCache<string>;
  readonly sessions: TtlCache<Record<string, string> | undefined>;
  /**
   * An account's login while it may authenticate (valid), '' while it may not (invalid, retired, gone), keyed by
   * accountKey: checked on every request made with a SessionID or AccessToken.
   */
  readonly accounts: TtlCache<string>;

  constructor(ttlMs: number) {
    this.dynamicFields = new TtlCache(ttlMs, 100);
    this.agentGroups = new TtlCache(ttlMs);
    this.timeZones = new TtlCache(ttlMs);
    this.sessions = new TtlCache(ttlMs);
    this.accounts = new TtlCache(ttlMs);
  }

  /** A cached session whose account is cached as valid: what a request with a SessionID needs, without a unit of work. */
  validSession(sessionId: string): Record<string, string> | undefined {
    const hit = this.sessions.peek(sessionId);
    return hit && this.accounts.peek(accountKey(sessionUserType(hit), hit.UserID)) ? hit : undefined;
  }

  /** An account's cached time zone, if fresh: lets a caller skip the unit of work (keys stay inside storage). */
  timeZoneOf(userType: 'User' | 'Customer', id: number | string): string | undefined {
    return this.timeZones.peek(timeZoneKey(userType, id));
  }

  forget(change: CacheChange): void {
    if ('all' in change) this.clear();
    else if ('timeZone' in change) this.timeZones.delete(change.timeZone);
    else if ('account' in change) {
      this.accounts.delete(change.account);
      this.sessions.deleteWhere((data) => data !== undefined && accountKey(sessionUserType(data), data.UserID) === change.account);
    } else this.sessions.delete(change.session);
  }

  clear(): void {
    this.dynamicFields.clear();
    this.agentGroups.clear();
    this.timeZones.clear();
    this.sessions.clear();
    this.accounts.clear();
  }
}

/**
 * The caches as one unit of work sees them: reads go to the shared caches, changes are forgotten there at once
 * and remembered, to be forgotten again (and announced) when the unit ends. One per connection, as units on
 * different connections run at the same time on PostgreSQL.
 */
export class UnitCaches {
  private changes: CacheChange[] = [];
  constructor(readonly shared: ReadCaches) {}

  get dynamicFields() { return this.shared.dynamicFields; }
  get agentGroups() { return this.shared.agentGroups; }
  get timeZones() { return this.shared.timeZones; }
  get sessions() { return this.shared.sessions; }
  get accounts() { return this.shared.accounts; }

  /** A cached table changed (groups, roles, dynamic fields): forget everything. */
  invalidate(): void { this.changed({ all: true }); }

  /** One account's time zone changed (a sync writes customers' UserTimeZone on every update: forget only that). */
  forgetTimeZone(userType: 'User' | 'Customer', id: number | string): void { this.changed({ timeZone: timeZoneKey(userType, id) }); }

  forgetSession(sessionId: string): void { this.changed({ session: sessionId }); }

  /** An account's validity, login or password changed: its state and its sessions are read again, everywhere. */
  forgetAccount(userType: 'User' | 'Customer', id: number | string): void { this.changed({ account: accountKey(userType, id) }); }

  private changed(change: CacheChange): void {
    this.shared.forget(change);
    // Forgetting everything covers every other change: a unit that creates a thousand fields is announced once
    // (PostgreSQL's NOTIFY takes at most 8000 bytes), and a long list of single changes becomes that too.
    if (this.changes.length > 0 && 'all' in this.changes[0]) return;
    if ('all' in change || this.changes.length >= MAX_ANNOUNCED_CHANGES) this.changes = [{ all: true }];
    else this.changes.push(change);
  }

  /** The unit ended: its changes are forgotten again and handed back (for the other instances). */
  ended(): CacheChange[] {
    const changes = this.changes;
    this.changes = [];
    for (const c of changes) this.shared.forget(c);
    return changes;
  }
}
