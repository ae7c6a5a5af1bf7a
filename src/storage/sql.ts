// How repositories run SQL. Kysely builds and compiles each query in the store's dialect; the store's connection
// runs the compiled text directly, reusing its prepared statement. Kysely's own executor (a connection mutex and
// several promise hops per query) cost more than the query itself on SQLite; the store's queue of units of work
// (database.ts) is what keeps access to the connection in order instead.
import type { Compilable } from 'kysely';

export interface QueryOutcome { rows: unknown[]; changes: number }

/** One database connection, as the store's dialect provides it. */
export interface Connection {
  /** With `pluck`, each row is the value of its first column instead of an object (large single-column results). */
  query(sql: string, parameters: readonly unknown[], pluck?: boolean): QueryOutcome | Promise<QueryOutcome>;
}

/** A query compiled once and run many times with new values: `(...args) => rows`. */
export type Prepared<A extends unknown[], O> = (...args: A) => Promise<O[]>;

export class Sql {
  private beginPending: string | undefined;
  constructor(private readonly connection: Connection) {}

  /** Opens a transaction that really begins with the first statement: a unit (or group) that only hits caches costs nothing. */
  beginLazily(begin = 'BEGIN'): void { this.beginPending = begin; }

  async commit(): Promise<void> {
    if (this.beginPending !== undefined) this.beginPending = undefined; else await this.exec('COMMIT');
  }

  async rollback(): Promise<void> {
    if (this.beginPending !== undefined) this.beginPending = undefined; else await this.exec('ROLLBACK');
  }

  private async query(text: string, parameters: readonly unknown[], pluck = false): Promise<QueryOutcome> {
    if (this.beginPending !== undefined) {
      const begin = this.beginPending;
      this.beginPending = undefined;
      await this.connection.query(begin, []);
    }
    return this.connection.query(text, parameters, pluck);
  }

  async rows<O>(query: Compilable<O>): Promise<O[]> {
    const c = query.compile();
    return (await this.query(c.sql, c.parameters)).rows as O[];
  }

  /** The values of the one column a query selects. */
  async column<O>(query: Compilable<O>): Promise<Array<O[keyof O]>> {
    const c = query.compile();
    return (await this.query(c.sql, c.parameters, true)).rows as Array<O[keyof O]>;
  }

  async first<O>(query: Compilable<O>): Promise<O | undefined> {
    return (await this.rows(query))[0];
  }

  /** A write; how many rows it changed. */
  async run(query: Compilable<unknown>): Promise<number> {
    const c = query.compile();
    return (await this.query(c.sql, c.parameters)).changes;
  }

  /** PostgreSQL's NOTIFY, inside the transaction: delivered to the listeners when it commits. */
  async notify(channel: string, payload: string): Promise<void> {
    await this.query('SELECT pg_notify($1, $2)', [channel, payload]);
  }

  /** A statement with no values (transaction control). */
  async exec(text: string): Promise<void> {
    await this.query(text, []);
  }

  /**
   * A query whose shape never changes: `build` runs once, with markers for its arguments, and the compiled text
   * is kept; each call only fills in the values. Every argument must reach a parameter (checked on first use).
   */
  prepare<A extends Array<string | number>, O>(build: (...args: A) => Compilable<O>): Prepared<A, O> {
    let plan: { sql: string; parameters: readonly unknown[]; slots: number[] } | undefined;
    return async (...args: A) => {
      plan ??= compilePlan(build);
      const p = plan;
      const values = p.slots.map((slot, i) => (slot < 0 ? p.parameters[i] : args[slot]));
      return (await this.query(p.sql, values)).rows as O[];
    };
  }
}

function compilePlan<A extends unknown[]>(build: (...args: A) => Compilable<unknown>) {
  const markers = Array.from({ length: build.length }, (_, i) => `\u0000prepared argument ${i}\u0000`);
  const c = build(...(markers as unknown as A)).compile();
  const slots = c.parameters.map((p) => (typeof p === 'string' ? markers.indexOf(p) : -1));
  markers.forEach((_, i) => {
    if (!slots.includes(i)) throw new Error(`Prepared query: argument ${i} is not a parameter of: ${c.sql}`);
  });
  return { sql: c.sql, parameters: c.parameters, slots };
}
