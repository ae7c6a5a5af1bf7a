/** OTRS stores times as 'YYYY-MM-DD HH:MM:SS'; this server keeps them in UTC. */
export function dbTimestamp(d: Date = new Date()): string {
  return d.toISOString().slice(0, 19).replace('T', ' ');
}

/** Seconds since the epoch for a stored timestamp (UTC). */
export function epochOf(timestamp: string): number {
  return Math.floor(Date.parse(timestamp.replace(' ', 'T') + 'Z') / 1000);
}
