// The customer_company queries (OTRS Kernel::System::CustomerCompany::DB). Customer IDs and names are compared
// case-insensitively, as OTRS looks companies up (LOWER(customer_id) = LOWER(?)); SQL stays here.
import type { Kysely, Insertable, Selectable, Updateable } from 'kysely';
import type { DB, CustomerCompanyTable } from './schema.js';
import { lower, lowered, matches, type Dialect } from './conditions.js';
import type { Sql } from './sql.js';

export type CustomerCompanyRow = Selectable<CustomerCompanyTable>;
export type CustomerCompanyChanges = Updateable<CustomerCompanyTable>;

export interface CompanySearch {
  /** OTRS search patterns: exact, or `*` for any run of characters; case-insensitive; `%` and `_` are literal. Any of the ids matches. */
  customerIds?: string[];
  /** Patterns on other columns (name, city, ...), ANDed. */
  conditions: Array<{ column: CompanyColumn; pattern: string }>;
  validOnly: boolean;
  /** Sort keys in order; ties are broken by customer_id in the first key's direction. */
  orderBy: Array<{ column: CompanyColumn; descending: boolean }>;
  limit?: number;
}

export type CompanyColumn = 'customer_id' | 'name' | 'street' | 'zip' | 'city' | 'country' | 'url' | 'comments';

export class CustomerCompanyRepository {
  private readonly byIdQuery;
  constructor(private readonly db: Kysely<DB>, private readonly sql: Sql, private readonly dialect: Dialect) {
    this.byIdQuery = sql.prepare((customerId: string) => db.selectFrom('customer_company').selectAll()
      .where(lower('customer_id'), '=', lowered(customerId)));
  }

  async byId(customerId: string): Promise<CustomerCompanyRow | undefined> {
    return (await this.byIdQuery(customerId))[0];
  }

  /** Whether another company (not the one stored exactly as `exceptId`) has this id, ignoring case. */
  async idTaken(customerId: string, exceptId?: string): Promise<boolean> {
    let q = this.db.selectFrom('customer_company').select('customer_id').where(lower('customer_id'), '=', lowered(customerId));
    if (exceptId !== undefined) q = q.where('customer_id', '!=', exceptId);
    return (await this.sql.first(q)) !== undefined;
  }

  /** Whether another company has this name, ignoring case (customer_company.name is UNIQUE in OTRS). */
  async nameTaken(name: string, exceptId?: string): Promise<boolean> {
    let q = this.db.selectFrom('customer_company').select('customer_id').where(lower('name'), '=', lowered(name));
    if (exceptId !== undefined) q = q.where('customer_id', '!=', exceptId);
    return (await this.sql.first(q)) !== undefined;
  }

  async insert(row: Insertable<CustomerCompanyTable>): Promise<void> {
    await this.sql.run(this.db.insertInto('customer_company').values(row));
  }

  /** Updates the company stored exactly as `customerId`; `changes.customer_id` renames it. */
  async update(customerId: string, changes: CustomerCompanyChanges): Promise<void> {
    await this.sql.run(this.db.updateTable('customer_company').set(changes).where('customer_id', '=', customerId));
  }

  /**
   * Moves every customer user of a company (customer_user.customer_id, matched ignoring case as OTRS matches
   * it) to a new id; no cap, unlike OTRS's 250-user quick search. Returns how many moved.
   */
  async moveCustomerUsers(oldId: string, newId: string, changeTime: string, changeBy: number): Promise<number> {
    return this.sql.run(this.db.updateTable('customer_user').set({ customer_id: newId, change_time: changeTime, change_by: changeBy })
      .where(lower('customer_id'), '=', lowered(oldId)));
  }

  /** CustomerCompanySearchDetail: the matching ids in code-point order of the sort column (ties by id), optionally limited. */
  async search(s: CompanySearch): Promise<string[]> {
    let q = this.db.selectFrom('customer_company').select('customer_id');
    if (s.customerIds !== undefined && s.customerIds.length > 0) {
      const ids = s.customerIds;
      q = q.where((eb) => eb.or(ids.map((id) => matches(this.dialect, 'customer_id', id))));
    }
    for (const c of s.conditions) q = q.where(matches(this.dialect, c.column, c.pattern));
    if (s.validOnly) q = q.where('valid_id', '=', 1);
    for (const o of s.orderBy) q = q.orderBy(o.column, o.descending ? 'desc' : 'asc');
    if (!s.orderBy.some((o) => o.column === 'customer_id')) q = q.orderBy('customer_id', s.orderBy[0]?.descending === false ? 'asc' : 'desc');
    if (s.limit !== undefined) q = q.limit(s.limit);
    return this.sql.column(q);
  }
}
