// Pointed at an existing OTRS/Znuny database on PostgreSQL (issue 9), the server reads the catalogue, changes
// none of OTRS's tables, adds only its own, and serves that database's agents and customer users: legacy sha2
// passwords log in (and are moved to OTRS's own bcrypt form, which OTRS still reads), a dynamic field configured
// in YAML is validated by its possible values, and no demo data appears. A database lacking a column it needs
// is refused at start with a message naming it. Runs in the suite's PostgreSQL run.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freshDatabase, projectRoot, startServer, type RunningServer } from './support/server.js';
import { call } from './support/soap.js';
import { openTestDatabase, testPostgres } from './support/database.js';

const fixture = readFileSync(join(projectRoot, 'test', 'fixtures', 'otrs-schema.postgresql.sql'), 'utf8');
const OWN_TABLES = ['access_token', 'login_failure', 'password_history', 'user_licence'];

function catalogue(url: string): { tables: string[]; columns: string[] } {
  const db = openTestDatabase(url);
  try {
    const rows = db.prepare(`SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
      WHERE table_schema = current_schema() ORDER BY table_name, column_name`).all();
    return {
      tables: [...new Set(rows.map((r) => r.table_name as string))],
      columns: rows.map((r) => `${r.table_name}.${r.column_name} ${r.data_type} ${r.is_nullable}`),
    };
  } finally { db.close(); }
}

function load(url: string, extra = ''): void {
  const db = openTestDatabase(url);
  try { db.prepare(fixture + extra).run(); } finally { db.close(); }
}

describe('An existing OTRS database on PostgreSQL', function () {
  this.timeout(60_000);
  let database: { location: string; drop: () => Promise<void> };
  let server: RunningServer;
  let original: { tables: string[]; columns: string[] };
  const stored = (query: string, ...params: unknown[]) => { const db = server.db(); try { return db.prepare(query).get(...params); } finally { db.close(); } };

  before(async function () {
    if (!testPostgres) this.skip();
    database = await freshDatabase();
    load(database.location);
    original = catalogue(database.location);
    server = await startServer({}, { dbPath: database.location });
  });
  after(async () => { await server?.stop(); await database?.drop(); });

  it('starts on it without migrating it: OTRS\'s tables unchanged, only its own four added, no demo data', () => {
    expect(server.output()).to.contain('an existing OTRS database');
    expect(server.output()).not.to.contain('Demo agent');
    const after = catalogue(database.location);
    expect(after.tables.filter((t) => !original.tables.includes(t))).to.deep.equal(OWN_TABLES);
    expect(after.columns.filter((c) => !OWN_TABLES.includes(c.split('.')[0]))).to.deep.equal(original.columns);
    expect(stored("SELECT count(*) AS n FROM users WHERE login = 'demo-agent'")).to.deep.equal({ n: 0 });
  });

  it('logs an agent in with its sha2 password and serves the customer users, dynamic field included', async () => {
    const login = await call(server.endpoint, 'SessionCreate', '<UserLogin>otrs-admin</UserLogin><Password>AdminPass1</Password>');
    expect(login.data.SessionID, JSON.stringify(login.data)).to.match(/^[A-Za-z0-9]{32}$/);
    const got = await call(server.endpoint, 'CustomerUserGet', `<SessionID>${login.data.SessionID}</SessionID><CustomerUserID>kai.lehmann</CustomerUserID><DynamicFields>1</DynamicFields>`);
    expect(got.data.CustomerUser).to.include({
      UserLogin: 'kai.lehmann', UserEmail: 'kai.lehmann@nordwind.test', UserCustomerID: 'NORDWIND', UserFirstname: 'Kai',
      UserTitle: 'Herr', ChangeTime: '2020-01-15 16:30:00', DynamicField_Region: 'EMEA', UserLanguage: 'de',
    });
    expect(got.data.CustomerUser.UserCustomerName ?? got.data.CustomerUser.CustomerCompanyName).to.equal('Nordwind GmbH');
  });

  it('checks a value against the possible values of a field OTRS configured in YAML, and stores an allowed one', async () => {
    const sid = (await call(server.endpoint, 'SessionCreate', '<UserLogin>otrs-admin</UserLogin><Password>AdminPass1</Password>')).data.SessionID;
    const update = (value: string) => call(server.endpoint, 'CustomerUserUpdate',
      `<SessionID>${sid}</SessionID><ID>kai.lehmann</ID><DynamicField><Name>Region</Name><Value>${value}</Value></DynamicField>`);
    const refused = await update('MARS');
    expect(refused.data.Error.ErrorCode).to.equal('CustomerUserUpdate.InvalidParameter');
    expect(refused.data.Error.ErrorMessage).to.contain('APAC, EMEA');
    expect((await update('APAC')).data.ID).to.equal('kai.lehmann');
    expect(stored(`SELECT v.value_text FROM dynamic_field_value v JOIN dynamic_field_obj_id_name o ON o.object_id = v.object_id
      WHERE o.object_name = 'kai.lehmann'`)).to.deep.equal({ value_text: 'APAC' });
  });

  it('logs a customer in with the sha2 hash OTRS wrote and stores the password again in OTRS\'s own bcrypt form', async () => {
    const login = () => call(server.endpoint, 'SessionCreate', '<CustomerUserLogin>kai.lehmann</CustomerUserLogin><Password>LegacyPass1</Password>');
    expect((await login()).data.SessionID).to.match(/^[A-Za-z0-9]{32}$/);
    const pw = (stored("SELECT pw FROM customer_user WHERE login = 'kai.lehmann'") as { pw: string }).pw;
    expect(pw).to.match(/^BCRYPT:12:[A-Za-z0-9]{16}:[./A-Za-z0-9]{31}$/);
    expect((await login()).data.SessionID).to.match(/^[A-Za-z0-9]{32}$/);
    const wrong = await call(server.endpoint, 'SessionCreate', '<CustomerUserLogin>kai.lehmann</CustomerUserLogin><Password>nope</Password>');
    expect(wrong.data.Error.ErrorCode).to.equal('SessionCreate.AuthFail');
  });

  it('refuses to start on an OTRS database that lacks a column it needs, naming it, and changes nothing', async () => {
    const broken = await freshDatabase();
    try {
      load(broken.location, 'ALTER TABLE customer_user DROP COLUMN fax; ALTER TABLE sessions RENAME TO old_sessions;');
      const was = catalogue(broken.location);
      let message = '';
      try { await (await startServer({}, { dbPath: broken.location })).stop(); } catch (e) { message = (e as Error).message; }
      expect(message).to.contain('existing OTRS/Znuny database').and.to.contain('customer_user.fax').and.to.contain('table sessions');
      expect(catalogue(broken.location)).to.deep.equal(was);
    } finally { await broken.drop(); }
  });
});
