// A Get of many records (CustomerUserGet, CustomerCompanyGet, UserGet): its cost and its answer stay bounded.
// The records are read in parts, one read unit each, so that other requests are answered in between (on SQLite a
// unit runs to its end without yielding: a thousand records in one unit held every other request for as long).
// The answer's size (RESPONSE_MAX_BYTES) is counted as the records are built, so an oversized answer is refused
// with an OTRS-style error instead of being built, held and written (a thousand records of a thousand dynamic
// fields each were 238 MB). The count comes from the data, not from a serialisation: every key is written twice
// around its value (<Key>value</Key>), which is what the SOAP envelope, and about what a JSON answer, costs.
import type { Repositories } from '../storage/repositories.js';
import type { ResponseData, Services } from './operation.js';

/**
 * A read unit ends after this many lookups (each a few indexed queries) or this much answer (records of many
 * dynamic fields cost by their size), so that one part holds the database for milliseconds.
 */
const PART_WEIGHT = 100;
const PART_BYTES = 256 * 1024;

/** The bytes `value` takes under the element `name` (a list repeats the element for each item). */
export function answerBytes(name: string, value: ResponseData): number {
  // An empty value is the self-closing <Key />.
  if (value === null || value === undefined || value === '') return name.length + 4;
  const tags = 2 * name.length + 5;
  if (typeof value === 'string') return tags + Buffer.byteLength(value);
  if (typeof value === 'number') return tags + 16;
  if (Array.isArray(value)) {
    let n = 0;
    for (const item of value) n += answerBytes(name, item);
    return n;
  }
  let n = tags;
  for (const key in value) n += answerBytes(key, value[key]);
  return n;
}

/** A running count of the records of one answer, against the limit. */
export class AnswerBudget {
  /** Bytes counted so far. */
  used = 0;
  constructor(readonly maxBytes: number) {}

  /** Counts one more record; false once the answer would be larger than the limit. */
  add(name: string, record: ResponseData): boolean {
    this.used += answerBytes(name, record);
    return this.used <= this.maxBytes;
  }
}

export interface GetMany<K, R> {
  /** What the request names, in order. */
  keys: K[];
  /** The records of one key (none when it names nothing). */
  read: (repos: Repositories, key: K) => Promise<R[]>;
  /** How many lookups a key costs (default 1). */
  weight?: (key: K) => number;
  /** The record's identity when a record found twice is answered once. */
  identity?: (record: R) => string | number;
  /** The answer's element name for its records. */
  element: string;
}

/** The records the keys name, in order; undefined when they would make an answer larger than RESPONSE_MAX_BYTES. */
export async function readMany<K, R extends ResponseData>(s: Services, get: GetMany<K, R>): Promise<R[] | undefined> {
  const budget = new AnswerBudget(s.config.responseMaxBytes);
  const found = new Map<string | number, R>();
  const records: R[] = [];
  let next = 0;
  while (next < get.keys.length) {
    const tooLarge = await s.storage.read(async (repos) => {
      const partEnd = budget.used + PART_BYTES;
      for (let weight = 0; next < get.keys.length && weight < PART_WEIGHT && budget.used < partEnd; next++) {
        const key = get.keys[next];
        weight += get.weight?.(key) ?? 1;
        for (const record of await get.read(repos, key)) {
          const id = get.identity?.(record);
          if (id !== undefined) {
            if (found.has(id)) continue;
            found.set(id, record);
          }
          if (!budget.add(get.element, record)) return true;
          records.push(record);
        }
      }
      return false;
    });
    if (tooLarge) return undefined;
    // The next part waits for the event loop's next turn: read units that follow each other in promise callbacks
    // would otherwise run back to back, and the requests waiting on their sockets only after the last.
    if (next < get.keys.length) await new Promise((resolve) => setImmediate(resolve));
  }
  return records;
}
