// How long a request keeps the server from answering anything else, measured from outside: /health is asked
// every 20 ms while the request runs, and the longest time between two answers is what the event loop was blocked
// for (plus the poll interval). On a loaded machine wall time says little, so the server's CPU time is measured
// too (Linux /proc, 10 ms steps).
import { readFileSync } from 'node:fs';
import type { RunningServer } from './server.js';
import { envelope, NS, parseResponse, post, type RawResponse } from './soap.js';

/** Generous for a loaded machine; at the defaults the server blocks for a few tens of milliseconds. */
export const MAX_GAP_MS = 1000;

/** User and system CPU time the process has used, in ms. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * Runs `request` while /health is polled: its result, how long it took, and the longest gap between health answers.
 * The request must not parse a large answer meanwhile (that would hold this process, not the server): see callPolled.
 */
export async function withHealthPolls<T>(server: RunningServer, request: () => Promise<T>): Promise<{ result: T; ms: number; cpuMs: number; longestGap: number }> {
  let stop = false;
  let last = Date.now();
  let longestGap = 0;
  const polls = (async () => {
    while (!stop) {
      await fetch(`${server.baseUrl}/health`);
      const now = Date.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  await new Promise((r) => setTimeout(r, 50));
  const started = Date.now();
  const cpuBefore = cpuMs(server.pid);
  const result = await request();
  const ms = Date.now() - started;
  const cpu = cpuMs(server.pid) - cpuBefore;
  stop = true;
  await polls;
  return { result, ms, cpuMs: cpu, longestGap };
}


/** Calls an operation while /health is polled; the answer is parsed only afterwards. `ms` is wall time, `cpuMs` the server's. */
export async function callPolled(server: RunningServer, operation: string, inner: string) {
  const polled = await withHealthPolls(server, () => post(server.endpoint, envelope(operation, inner), { SOAPAction: `"${NS}#${operation}"` }));
  return { res: polled.result as RawResponse, data: parseResponse(polled.result.text, operation), ms: polled.ms, cpuMs: polled.cpuMs, longestGap: polled.longestGap };
}
