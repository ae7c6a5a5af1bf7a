// OTRS stores times as 'YYYY-MM-DD HH:MM:SS' in its system time zone (OTRSTimeZone, UTC by default). The zone is
// set once at start (OTRS_TIME_ZONE); UTC keeps the fast path.
let zone = 'UTC';
let formatter: Intl.DateTimeFormat | null = null;

/** Sets the system time zone (an IANA name); throws RangeError for an unknown zone. */
export function setTimeZone(timeZone: string): void {
  const f = new Intl.DateTimeFormat('sv-SE', {
    timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
  });
  zone = timeZone;
  formatter = timeZone === 'UTC' ? null : f;
}

export function timeZone(): string { return zone; }

/** A timestamp as OTRS writes it, in the system time zone. */
export function dbTimestamp(d: Date = new Date()): string {
  // sv-SE formats as "YYYY-MM-DD HH:MM:SS".
  return formatter ? formatter.format(d) : d.toISOString().slice(0, 19).replace('T', ' ');
}

/** Seconds since the epoch for a stored timestamp (read in the system time zone). */
export function epochOf(timestamp: string): number {
  const asUtc = Date.parse(timestamp.replace(' ', 'T') + 'Z');
  if (!formatter) return Math.floor(asUtc / 1000);
  const offset = Date.parse(dbTimestamp(new Date(asUtc)).replace(' ', 'T') + 'Z') - asUtc;
  return Math.floor((asUtc - offset) / 1000);
}
