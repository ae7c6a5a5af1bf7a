// OTRS stores times as 'YYYY-MM-DD HH:MM:SS' in its system time zone (OTRSTimeZone, UTC by default). The zone is
// set once at start (OTRS_TIME_ZONE); UTC keeps the fast path.
let zone = 'UTC';
let formatter: Intl.DateTimeFormat | null = null;

// sv-SE formats as "YYYY-MM-DD HH:MM:SS".
const formatterFor = (timeZone: string) => new Intl.DateTimeFormat('sv-SE', {
  timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
});

/** Sets the system time zone (an IANA name); throws RangeError for an unknown zone. */
export function setTimeZone(timeZone: string): void {
  const f = formatterFor(timeZone);
  zone = timeZone;
  formatter = timeZone === 'UTC' ? null : f;
}

export function timeZone(): string { return zone; }

/** A timestamp as OTRS writes it, in the system time zone. */
export function dbTimestamp(d: Date = new Date()): string {
  return formatter ? formatter.format(d) : d.toISOString().slice(0, 19).replace('T', ' ');
}

/** Seconds since the epoch for a stored timestamp (read in the system time zone). */
export function epochOf(timestamp: string): number {
  const asUtc = Date.parse(timestamp.replace(' ', 'T') + 'Z');
  if (!formatter) return Math.floor(asUtc / 1000);
  // The zone's offset at the instant itself, not at the wall-clock reading taken as UTC: the two differ for the
  // hours next to a daylight-saving change, so the offset is taken again at the first guess.
  const offsetAt = (t: number) => Date.parse(dbTimestamp(new Date(t)).replace(' ', 'T') + 'Z') - t;
  return Math.floor((asUtc - offsetAt(asUtc - offsetAt(asUtc))) / 1000);
}

// Formatters of the zones callers ask for, by the name they were asked by: building one costs ~50 µs, using one
// ~1 µs. Few zones are in use; the bound only stops a caller inventing spellings ("europe/BERLIN") from filling it.
const zoneFormatters = new Map<string, Intl.DateTimeFormat>();

function formatterIn(timeZone: string): Intl.DateTimeFormat {
  let f = zoneFormatters.get(timeZone);
  if (!f) {
    f = formatterFor(timeZone);
    if (zoneFormatters.size >= 1000) zoneFormatters.clear();
    zoneFormatters.set(timeZone, f);
  }
  return f;
}

/** The IANA name of a zone this runtime knows ("europe/berlin" -> "Europe/Berlin"), else undefined. */
export function canonicalTimeZone(name: string): string | undefined {
  if (name.length > 64) return undefined;
  try { return formatterIn(name).resolvedOptions().timeZone; } catch { return undefined; }
}

/** A stored timestamp (system time zone) written as the same instant's wall-clock time in `timeZone`. */
export function timestampIn(timeZone: string, stored: string): string {
  return formatterIn(timeZone).format(new Date(epochOf(stored) * 1000));
}
