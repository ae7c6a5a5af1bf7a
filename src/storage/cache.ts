// Read caches for what nearly every request asks and almost never changes: dynamic-field definitions, the
// groups an agent holds, the callers' time zones, and (Session.ts) GenericInterface sessions, which are never modified once written.
// Entries live CACHE_TTL_MS, so a change made elsewhere (OTRS's own admin screens on a shared database, another
// instance) shows within that time; a change made through this process clears them at once. A unit of work
// that changed a cached table clears them again when it ends, committed or rolled back, so nothing it read of
// its own uncommitted writes outlives it.
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

  clear(): void { this.entries.clear(); }
}

/** The timeZones key of an account: agents by users.id, customers by login. */
export const timeZoneKey = (userType: string, id: number | string) => `${userType}\u0000${id}`;

export class ReadCaches {
  readonly dynamicFields: TtlCache<DynamicFieldRow[]>;
  readonly agentGroups: TtlCache<string[]>;
  /** An account's UserTimeZone preference ('' for none), keyed by user type and id: read for every answer with times. */
  readonly timeZones: TtlCache<string>;
  /** Set by a write to a cached table; the unit of work's end clears the caches again. */
  private dirty = false;

  constructor(ttlMs: number) {
    this.dynamicFields = new TtlCache(ttlMs, 100);
    this.agentGroups = new TtlCache(ttlMs);
    this.timeZones = new TtlCache(ttlMs);
  }

  /** A cached table changed: forget everything now, and again when the unit of work ends. */
  invalidate(): void {
    this.clear();
    this.dirty = true;
  }

  /**
   * One account's time zone changed: forget that entry only, now and when the unit of work ends (a sync writes
   * customers' UserTimeZone on every update; clearing every cache each time would cost each request its reads).
   */
  forgetTimeZone(userType: 'User' | 'Customer', id: number | string): void {
    const key = timeZoneKey(userType, id);
    this.timeZones.delete(key);
    this.forgotten.push(key);
  }

  private forgotten: string[] = [];

  unitEnded(): void {
    if (this.dirty) this.clear();
    for (const key of this.forgotten) this.timeZones.delete(key);
    this.forgotten = [];
  }

  clear(): void {
    this.dirty = false;
    this.dynamicFields.clear();
    this.agentGroups.clear();
    this.timeZones.clear();
  }
}
