// What a store's dialect provides to Storage (database.ts): a way to run units of work against the repositories.
import type { Repositories } from './repositories.js';
import type { Dialect } from './conditions.js';

export interface UnitOfWork {
  fn: (repos: Repositories) => Promise<unknown>;
  readOnly: boolean;
  /** The object the unit changes ('CustomerUser:cust1'): units naming the same object run one after another. */
  serializeOn?: string;
}

export interface Engine {
  readonly dialect: Dialect;
  /** Runs the unit as one transaction: all of its writes land, or none. Settles once that is durable. */
  run(work: UnitOfWork): Promise<unknown>;
  /** Throws when the database does not answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
