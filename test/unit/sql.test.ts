// Sql: Kysely compiles, the connection runs. Prepared queries are compiled once and filled with new values on
// each call; a transaction begun lazily costs nothing until its first statement.
import { expect } from 'chai';
import { Kysely, SqliteDialect } from 'kysely';
import { Sql, type QueryOutcome } from '../../src/storage/sql.js';

interface T { t: { a: string; name: string; n: number; k: string } }

describe('Sql', () => {
  // Only compiles: the dialect never reaches a database.
  const db = new Kysely<T>({ dialect: new SqliteDialect({ database: {} as never }) });
  let ran: Array<[string, readonly unknown[]]>;
  let sql: Sql;
  beforeEach(() => {
    ran = [];
    sql = new Sql({ query: (text, parameters): QueryOutcome => { ran.push([text, parameters]); return { rows: [{ a: text }], changes: 1 }; } });
  });

  it('compiles a prepared query once and fills in each call\'s values, constants kept in place', async () => {
    let built = 0;
    const find = sql.prepare((name: string, n: number) => { built += 1; return db.selectFrom('t').select('a').where('name', '=', name).where('k', '=', 'fixed').where('n', '>', n); });
    await find('x', 1);
    await find('y', 2);
    expect(built).to.equal(1);
    expect(ran.map(([, p]) => p)).to.deep.equal([['x', 'fixed', 1], ['y', 'fixed', 2]]);
    expect(ran[0][0]).to.equal(ran[1][0]);
    expect(ran[0][0]).to.equal('select "a" from "t" where "name" = ? and "k" = ? and "n" > ?');
  });

  it('refuses, on first use, a prepared query whose argument never reaches a parameter', async () => {
    const broken = sql.prepare((name: string) => db.selectFrom('t').select('a').where('k', '=', name.length > 0 ? 'always' : 'never'));
    let error: Error | undefined;
    try { await broken('x'); } catch (e) { error = e as Error; }
    expect(error?.message).to.match(/argument 0 is not a parameter/);
    expect(ran).to.deep.equal([]);
  });

  it('begins a lazy transaction only with its first statement, and commits nothing when none ran', async () => {
    sql.beginLazily();
    await sql.commit();
    expect(ran).to.deep.equal([]);
    sql.beginLazily();
    await sql.rows(db.selectFrom('t').select('a'));
    await sql.commit();
    expect(ran.map(([text]) => text)).to.deep.equal(['BEGIN', 'select "a" from "t"', 'COMMIT']);
  });
});
