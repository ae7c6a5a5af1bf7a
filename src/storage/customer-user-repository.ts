// The customer_user queries (OTRS Kernel::System::CustomerUser::DB). Logins and emails are compared ignoring case,
// as OTRS looks customer users up (unless CaseSensitive); SQL stays here.
import { sql, type Kysely, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { DB, CustomerUserTable } from './schema.js';
import { lower, lowered, matches, type Dialect } from './conditions.js';
import { accountKey, type UnitCaches } from './cache.js';
import type { Sql } from './sql.js';

export type CustomerUserRow = Selectable<CustomerUserTable>;
export type CustomerUserChanges = Updateable<CustomerUserTable>;
export type NewCustomerUser = Insertable<CustomerUserTable>;

export interface CustomerUserQuery {
  conditions: Array<{ column: string; pattern: string }>;
  validOnly: boolean;
  orderBy: Array<{ column: string; descending: boolean }>;
  limit?: number;
}

export class CustomerUserRepository {
  private readonly byLoginQuery;
  constructor(private readonly db: Kysely<DB>, private readonly sql: Sql, private readonly dialect: Dialect,
    private readonly caches: UnitCaches) {
    this.byLoginQuery = sql.prepare((login: string) => db.selectFrom('customer_user').selectAll().where(lower('login'), '=', lowered(login)));
  }

  async byLogin(login: string): Promise<CustomerUserRow | undefined> {
    return (await this.byLoginQuery(login))[0];
  }

  async search(q: CustomerUserQuery): Promise<string[]> {
    let query = this.db.selectFrom('customer_user').select('login');
    for (const c of q.conditions) query = query.where(matches(this.dialect, c.column, c.pattern));
    if (q.validOnly) query = query.where('valid_id', '=', 1);
    // With a condition, its index is the selective one; ordering by a bare indexed column would make SQLite walk
    // that column's whole index instead (all million rows of a `cust12*` search). `|| ''` orders by the same
    // value without offering the index. With no condition, index order is what avoids a sort.
    const sortKey = (column: string) => (q.conditions.length > 0 ? sql`${sql.ref(column)} || ''` : sql.ref(column));
    for (const o of q.orderBy) query = query.orderBy(sortKey(o.column), o.descending ? 'desc' : 'asc');
    if (q.limit !== undefined) query = query.limit(q.limit);
    return this.sql.column(query);
  }

  async loginTaken(login: string, exceptId: number): Promise<boolean> {
    const row = await this.sql.first(this.db.selectFrom('customer_user').select('id')
      .where(lower('login'), '=', lowered(login)).where('id', '!=', exceptId));
    return row !== undefined;
  }

  async emailTaken(email: string, exceptId: number): Promise<boolean> {
    const row = await this.sql.first(this.db.selectFrom('customer_user').select('id')
      .where(lower('email'), '=', lowered(email)).where('id', '!=', exceptId));
    return row !== undefined;
  }

  async update(id: number, changes: CustomerUserChanges): Promise<void> {
    if (changes.valid_id !== undefined || changes.login !== undefined || changes.pw !== undefined) {
      const old = await this.sql.first(this.db.selectFrom('customer_user').select('login').where('id', '=', id));
      if (old) this.caches.forgetAccount('Customer', old.login);
    }
    await this.sql.run(this.db.updateTable('customer_user').set(changes).where('id', '=', id));
  }

  async insert(row: NewCustomerUser): Promise<void> {
    await this.sql.run(this.db.insertInto('customer_user').values(row));
  }

  async updatePassword(id: number, pw: string): Promise<void> {
    await this.sql.run(this.db.updateTable('customer_user').set({ pw }).where('id', '=', id));
  }

  /**
   * The customer's login while valid, '' while not (or gone), as sessions and tokens name it (by login). Cached:
   * read for every SessionID or AccessToken request; update() forgets it when validity, login or password change.
   */
  validLogin(login: string): Promise<string> {
    return this.caches.accounts.get(accountKey('Customer', login), async () => {
      const row = await this.byLogin(login);
      return row && row.valid_id === 1 ? row.login : '';
    });
  }

  async countValid(): Promise<number> {
    const r = await this.sql.first(this.db.selectFrom('customer_user').select((eb) => eb.fn.countAll().as('n')).where('valid_id', '=', 1));
    return Number(r?.n ?? 0);
  }
}
