// CustomerUserUpdate end to end: raw SOAP envelopes against a real server, every error path, and the stored
// state after each call (a failed call changes nothing).
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { openTestDatabase } from './support/database.js';
import { startServer, type RunningServer } from './support/server.js';
import { call, x } from './support/soap.js';

const agent = '<UserLogin>demo-agent</UserLogin><Password>DemoAgent1!</Password>';

/** Everything stored about one customer user, for before/after comparisons. */
function snapshot(server: RunningServer, login = 'cust1') {
  const db = server.db();
  const row = db.prepare('SELECT * FROM customer_user WHERE lower(login) = lower(?)').get(login);
  const prefs = db.prepare('SELECT preferences_key, preferences_value FROM customer_preferences WHERE user_id = ? ORDER BY preferences_key').all(login)
    .filter((p: any) => p.preferences_key !== 'UserLastLogin');
  const values = db.prepare(`SELECT f.name, v.value_text, v.value_date, v.value_int FROM dynamic_field_value v
    JOIN dynamic_field f ON f.id = v.field_id JOIN dynamic_field_obj_id_name o ON o.object_id = v.object_id
    WHERE o.object_name = ? AND o.object_type = 'CustomerUser' ORDER BY v.id`).all(login);
  const fields = db.prepare('SELECT name, field_type FROM dynamic_field ORDER BY id').all();
  db.close();
  return { row, prefs, values, fields };
}

async function update(server: RunningServer, inner: string, credentials = agent) {
  return call(server.endpoint, 'CustomerUserUpdate', credentials + inner);
}

function expectError(r: { res: { status: number }; data: any }, code: string, messagePart?: string) {
  expect(r.res.status).to.equal(200);
  expect(r.data.Error, JSON.stringify(r.data)).to.be.an('object');
  expect(r.data.Error.ErrorCode).to.equal(code);
  expect(r.data.Error.ErrorMessage).to.match(new RegExp(`^${code.split('.')[0]}: `));
  if (messagePart) expect(r.data.Error.ErrorMessage).to.contain(messagePart);
  expect(r.data.CustomerUser).to.equal(undefined);
}

describe('CustomerUserUpdate', function () {
  let server: RunningServer;
  before(async () => { server = await startServer(); });
  after(async () => { await server.stop(); });

  describe('success', () => {
    it('updates only the fields sent and returns the whole OTRS 8 record', async () => {
      const before = snapshot(server);
      const r = await update(server, '<ID>cust1</ID><UserFirstname>Carlotta</UserFirstname>');
      expect(r.res.status).to.equal(200);
      expect(r.res.headers['content-type']).to.equal('text/xml; charset=UTF-8');
      expect(r.data.ID).to.equal('cust1');
      const rec = r.data.CustomerUser;
      expect(rec.UserFirstname).to.equal('Carlotta');
      expect(rec.UserLastname).to.equal('Customer');
      expect(rec.UserFullname).to.equal('Carlotta Customer');
      expect(rec.UserMailString).to.equal('"Carlotta Customer" <cust1@acme-demo.test>');
      expect(rec.UserLogin).to.equal('cust1');
      expect(rec.UserID).to.equal('cust1');
      expect(rec.UserCustomerID).to.equal('ACME');
      expect(rec.CustomerID).to.equal('ACME');
      expect(rec.CustomerCompanyName).to.equal('ACME Inc.');
      expect(rec.CustomerCompanyCity).to.equal('Springfield');
      expect(rec.CustomerCompanyValidID).to.equal('1');
      expect(rec.CompanyString).to.equal('ACME ACME Inc.');
      expect(rec.Source).to.equal('CustomerUser');
      expect(rec.ValidID).to.equal('1');
      for (const key of ['UserTitle', 'UserPhone', 'UserFax', 'UserMobile', 'UserStreet', 'UserZip', 'UserCity', 'UserCountry', 'UserComment',
        'CreateTime', 'CreateBy', 'ChangeTime', 'ChangeBy', 'DynamicField_Department', 'DynamicField_Skills']) {
        expect(rec, key).to.have.property(key);
      }
      expect(rec.ChangeTime).to.match(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
      expect(rec).not.to.have.property('UserPassword');
      expect(rec).not.to.have.property('PasswordHistoryData');
      const after = snapshot(server);
      expect((after.row as any).first_name).to.equal('Carlotta');
      expect((after.row as any).change_by).to.equal(2);   // demo-agent
      expect({ ...(after.row as any), first_name: 'x', change_time: 'x', change_by: 0 }).to.deep.equal({ ...(before.row as any), first_name: 'x', change_time: 'x', change_by: 0 });
    });

    it('writes the record children in code-point order, as OTRS sorts hash keys', async () => {
      const r = await update(server, '<ID>cust1</ID>');
      const names = [...r.res.text.split('<CustomerUser>')[1].split('</CustomerUser>')[0].matchAll(/<([A-Za-z_]+)[ >/]/g)].map((m) => m[1]);
      const unique = names.filter((n, i) => names.indexOf(n) === i);
      expect(unique).to.deep.equal([...unique].sort());
      expect(r.res.text).to.match(/<CustomerUserUpdateResponse xmlns="http:\/\/www\.otrs\.org\/TicketConnector\/"><CustomerUser>/);
      expect(r.res.text).to.contain('<UserTitle />');
    });

    it('sets dynamic fields (text and multiselect) and preferences, and returns them', async () => {
      const r = await update(server, '<ID>cust1</ID>'
        + '<DynamicField><Name>Department</Name><Value>Sales &amp; Support</Value></DynamicField>'
        + '<DynamicField><Name>Skills</Name><Value>SQL</Value><Value>Perl</Value></DynamicField>'
        + '<UserPreferences><Key>TimeZone</Key><Value>Europe/Lisbon</Value></UserPreferences>'
        + '<UserPreferences><Key>UserLanguage</Key><Value>de</Value></UserPreferences>');
      expect(r.data.Error).to.equal(undefined);
      const rec = r.data.CustomerUser;
      expect(rec.DynamicField_Department).to.equal('Sales & Support');
      expect(rec.DynamicField_Skills).to.deep.equal(['SQL', 'Perl']);
      expect(rec.UserTimeZone).to.equal('Europe/Lisbon');
      expect(rec.UserLanguage).to.equal('de');
      const s = snapshot(server);
      expect(s.values).to.deep.include({ name: 'Skills', value_text: 'Perl', value_date: null, value_int: null });
      expect(s.prefs).to.deep.include({ preferences_key: 'UserTimeZone', preferences_value: 'Europe/Lisbon' });
    });

    it('accepts a single DynamicField given as one element (no list on the wire) and replaces earlier values', async () => {
      const r = await update(server, '<ID>cust1</ID><DynamicField><Name>Skills</Name><Value>TypeScript</Value></DynamicField>');
      expect(r.data.CustomerUser.DynamicField_Skills).to.equal('TypeScript');
      expect(snapshot(server).values.filter((v: any) => v.name === 'Skills')).to.have.length(1);
    });

    it('clears a dynamic field, a preference and an optional field with xsi:nil', async () => {
      await update(server, '<ID>cust1</ID><UserTitle>Dr.</UserTitle><DynamicField><Name>Department</Name><Value>Ops</Value></DynamicField>');
      const r = await update(server, '<ID>cust1</ID><UserTitle xsi:nil="true"/>'
        + '<DynamicField><Name>Department</Name><Value xsi:nil="true"/></DynamicField>'
        + '<UserPreferences><Key>TimeZone</Key><Value xsi:nil="true"/></UserPreferences>');
      expect(r.data.Error).to.equal(undefined);
      expect(r.data.CustomerUser.UserTitle).to.equal('');
      expect(r.data.CustomerUser.DynamicField_Department).to.equal('');
      expect(r.data.CustomerUser).not.to.have.property('UserTimeZone');
      const s = snapshot(server);
      expect((s.row as any).title).to.equal(null);
      expect(s.values.filter((v: any) => v.name === 'Department')).to.have.length(0);
    });

    it('creates a dynamic field that does not exist yet as a Text field for CustomerUser', async () => {
      const r = await update(server, '<ID>cust1</ID><DynamicField><Name>ShoeSize</Name><Value>43</Value></DynamicField>');
      expect(r.data.CustomerUser.DynamicField_ShoeSize).to.equal('43');
      expect(snapshot(server).fields).to.deep.include({ name: 'ShoeSize', field_type: 'Text' });
    });

    it('changes the password: stored as an argon2id hash, the new one logs in, the old one no longer does', async () => {
      const r = await update(server, `<ID>cust2</ID><UserPassword>${x('N3w-Secret<&>')}</UserPassword>`);
      expect(r.data.Error).to.equal(undefined);
      expect(r.data.CustomerUser.PasswordLastSet).to.match(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
      expect(r.res.text).not.to.contain('N3w-Secret');
      expect(r.res.text).not.to.contain('$argon2');
      const row = snapshot(server, 'cust2').row as any;
      expect(row.pw).to.match(/^\$argon2id\$/);
      const ok = await call(server.endpoint, 'SessionCreate', `<CustomerUserLogin>cust2</CustomerUserLogin><Password>${x('N3w-Secret<&>')}</Password>`);
      expect(ok.data.SessionID).to.match(/^[A-Za-z0-9]{32}$/);
      const old = await call(server.endpoint, 'SessionCreate', '<CustomerUserLogin>cust2</CustomerUserLogin><Password>CustPass2!</Password>');
      expect(old.data.Error.ErrorCode).to.equal('SessionCreate.AuthFail');
    });

    it('renames the login (CustomerUserLogin) and moves preferences and dynamic field values with it', async () => {
      await update(server, '<ID>cust2</ID><DynamicField><Name>Department</Name><Value>R&amp;D</Value></DynamicField><UserPreferences><Key>Language</Key><Value>fr</Value></UserPreferences>');
      const r = await update(server, '<ID>cust2</ID><CustomerUserLogin>cust2-renamed</CustomerUserLogin>');
      expect(r.data.ID).to.equal('cust2-renamed');
      expect(r.data.CustomerUser.UserLogin).to.equal('cust2-renamed');
      expect(r.data.CustomerUser.DynamicField_Department).to.equal('R&D');
      expect(r.data.CustomerUser.UserLanguage).to.equal('fr');
      expect(snapshot(server, 'cust2').row).to.equal(undefined);
      const back = await update(server, '<ID>CUST2-RENAMED</ID><CustomerUserLogin>cust2</CustomerUserLogin>');
      expect(back.data.ID).to.equal('cust2');
    });

    it('finds the customer user case-insensitively by ID, as OTRS does', async () => {
      const r = await update(server, '<ID>CUST1</ID><UserComment>case</UserComment>');
      expect(r.data.ID).to.equal('cust1');
      expect(r.data.CustomerUser.UserComment).to.equal('case');
    });
  });

  describe('authentication and permission', () => {
    it('works with a SessionID from SessionCreate and with an AccessToken from AccessTokenCreate', async () => {
      const s = await call(server.endpoint, 'SessionCreate', agent);
      const bySession = await update(server, '<ID>cust1</ID><UserCity>Lisbon</UserCity>', `<SessionID>${s.data.SessionID}</SessionID>`);
      expect(bySession.data.CustomerUser.UserCity).to.equal('Lisbon');
      const t = await call(server.endpoint, 'AccessTokenCreate', agent);
      expect(t.data.AccessToken).to.match(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      const byToken = await update(server, '<ID>cust1</ID><UserCity>Porto</UserCity>', `<AccessToken>${t.data.AccessToken}</AccessToken>`);
      expect(byToken.data.CustomerUser.UserCity).to.equal('Porto');
    });

    for (const [what, credentials] of [
      ['a wrong password', '<UserLogin>demo-agent</UserLogin><Password>wrong</Password>'],
      ['an unknown login', '<UserLogin>nobody</UserLogin><Password>DemoAgent1!</Password>'],
      ['no credentials', ''],
      ['a login without password', '<UserLogin>demo-agent</UserLogin>'],
      ['a bogus SessionID (even with a valid login)', `<SessionID>abcdefghijklmnopqrstuvwxyz123456</SessionID>${agent}`],
      ['a forged AccessToken', '<AccessToken>eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkZW1vLWFnZW50In0.c2lnbmF0dXJl</AccessToken>'],
      ['customer credentials (CustomerUserLogin is the new login here, not a credential)', '<CustomerUserLogin>cust1</CustomerUserLogin><Password>CustPass1!</Password>'],
    ] as const) {
      it(`answers ${what} with CustomerUserUpdate.AuthFail and changes nothing`, async () => {
        const before = snapshot(server);
        const r = await update(server, '<ID>cust1</ID><UserFirstname>Hacked</UserFirstname>', credentials);
        expectError(r, 'CustomerUserUpdate.AuthFail');
        expect(r.data.Error.ErrorMessage).to.equal('CustomerUserUpdate: Authorization failing!');
        expect(snapshot(server)).to.deep.equal(before);
      });
    }

    it('denies customers (by session) and agents without rw on admin or users, changing nothing', async () => {
      const s = await call(server.endpoint, 'SessionCreate', '<CustomerUserLogin>cust1</CustomerUserLogin><Password>CustPass1!</Password>');
      const before = snapshot(server);
      const r = await update(server, '<ID>cust1</ID><UserFirstname>Self</UserFirstname>', `<SessionID>${s.data.SessionID}</SessionID>`);
      expectError(r, 'CustomerUserUpdate.AccessDenied');

      // An agent in no group, stored with the OTRS default hash (sha2, unsalted hex): it can log in, but not update.
      const db = openTestDatabase(server.dbPath);
      const t = '2026-01-01 00:00:00';
      db.prepare(`INSERT INTO users (login, pw, title, first_name, last_name, valid_id, create_time, create_by, change_time, change_by)
        VALUES ('plain-agent', ?, NULL, 'Plain', 'Agent', 1, ?, 1, ?, 1)`).run(createHash('sha256').update('PlainPass1').digest('hex'), t, t);
      db.close();
      const r2 = await update(server, '<ID>cust1</ID><UserFirstname>Other</UserFirstname>', '<UserLogin>plain-agent</UserLogin><Password>PlainPass1</Password>');
      expectError(r2, 'CustomerUserUpdate.AccessDenied');
      expect(snapshot(server)).to.deep.equal(before);
      // The imported sha2 hash was replaced by argon2id on that successful login.
      const check = server.db();
      expect((check.prepare("SELECT pw FROM users WHERE login = 'plain-agent'").get() as any).pw).to.match(/^\$argon2id\$/);
      check.close();
    });
  });

  describe('bad input: a distinct error, and nothing changed', () => {
    const cases: Array<[string, string, string, string?]> = [
      ['an empty request', '', 'CustomerUserUpdate.MissingParameter', 'The request is empty!'],
      ['a missing ID', '<UserFirstname>X</UserFirstname>', 'CustomerUserUpdate.MissingParameter', 'ID parameter is missing!'],
      ['an empty ID', '<ID/><UserFirstname>X</UserFirstname>', 'CustomerUserUpdate.MissingParameter', 'ID parameter is missing!'],
      ['an unknown ID', '<ID>no-such-user</ID><UserFirstname>X</UserFirstname>', 'CustomerUserUpdate.NotFound', "'no-such-user'"],
      ['a login already taken (case-insensitive)', '<ID>cust1</ID><CustomerUserLogin>CUST2</CustomerUserLogin>', 'CustomerUserUpdate.LoginInUse', "'CUST2'"],
      ['an invalid email address', '<ID>cust1</ID><UserEmail>not-an-address</UserEmail>', 'CustomerUserUpdate.InvalidEmail', 'Invalid syntax'],
      ['an @example.com address (OTRS CheckEmailInvalidAddress)', '<ID>cust1</ID><UserEmail>someone@example.com</UserEmail>', 'CustomerUserUpdate.InvalidEmail', '(config)'],
      ['an address of another customer user', '<ID>cust1</ID><UserEmail>CUST2@acme-demo.test</UserEmail>', 'CustomerUserUpdate.EmailInUse'],
      ['ValidID 7', '<ID>cust1</ID><ValidID>7</ValidID>', 'CustomerUserUpdate.InvalidValidID', "'7'"],
      ['ValidID "valid"', '<ID>cust1</ID><ValidID>valid</ValidID>', 'CustomerUserUpdate.InvalidValidID'],
      ['an empty required field', '<ID>cust1</ID><UserLastname></UserLastname>', 'CustomerUserUpdate.InvalidParameter', 'UserLastname'],
      ['a required field set to nil', '<ID>cust1</ID><UserEmail xsi:nil="true"/>', 'CustomerUserUpdate.InvalidParameter', 'UserEmail'],
      ['a field longer than its column', `<ID>cust1</ID><UserFirstname>${'a'.repeat(101)}</UserFirstname>`, 'CustomerUserUpdate.InvalidParameter', 'longer than 100'],
      ['a structure where a string belongs', '<ID>cust1</ID><UserFirstname><A>1</A></UserFirstname>', 'CustomerUserUpdate.InvalidParameter', 'UserFirstname'],
      ['a DynamicField without Name', '<ID>cust1</ID><DynamicField><Value>x</Value></DynamicField>', 'CustomerUserUpdate.MissingParameter', 'DynamicField[0]->Name'],
      ['a multiselect value that is not possible', '<ID>cust1</ID><DynamicField><Name>Skills</Name><Value>SQL</Value><Value>COBOL</Value></DynamicField>', 'CustomerUserUpdate.InvalidParameter', 'DynamicField Skills'],
      ['two values for a Text field', '<ID>cust1</ID><DynamicField><Name>Department</Name><Value>a</Value><Value>b</Value></DynamicField>', 'CustomerUserUpdate.InvalidParameter', 'DynamicField Department'],
      ['a dynamic field name that is not letters and digits', '<ID>cust1</ID><DynamicField><Name>Bad Name</Name><Value>x</Value></DynamicField>', 'CustomerUserUpdate.InvalidParameter', 'Bad Name'],
      ['a preference that is part of the record', '<ID>cust1</ID><UserPreferences><Key>UserEmail</Key><Value>x@y.org</Value></UserPreferences>', 'CustomerUserUpdate.InvalidParameter', 'UserEmail'],
      ['a preference without Value', '<ID>cust1</ID><UserPreferences><Key>Theme</Key></UserPreferences>', 'CustomerUserUpdate.MissingParameter', 'UserPreferences[0]->Value'],
    ];
    for (const [what, inner, code, part] of cases) {
      it(`${what} -> ${code}`, async () => {
        const before = snapshot(server);
        // The empty request is empty indeed: no credentials either.
        const r = inner === '' ? await call(server.endpoint, 'CustomerUserUpdate', '') : await update(server, inner);
        expectError(r, code, part);
        expect(snapshot(server)).to.deep.equal(before);
      });
    }

    it('rolls back every part of an update when a later part fails (fields, preferences, a new dynamic field)', async () => {
      const before = snapshot(server);
      const r = await update(server, '<ID>cust1</ID><UserFirstname>Partial</UserFirstname><CustomerUserLogin>cust1-new</CustomerUserLogin>'
        + '<UserPreferences><Key>Theme</Key><Value>dark</Value></UserPreferences>'
        + '<DynamicField><Name>BrandNewField</Name><Value>x</Value></DynamicField>'
        + '<DynamicField><Name>Skills</Name><Value>COBOL</Value></DynamicField>');
      expectError(r, 'CustomerUserUpdate.InvalidParameter', 'Skills');
      expect(snapshot(server)).to.deep.equal(before);
      expect(snapshot(server, 'cust1-new').row).to.equal(undefined);
    });
  });
});

describe('CustomerUserUpdate configuration switches', function () {
  let server: RunningServer;
  before(async () => { server = await startServer({ DYNAMIC_FIELD_AUTO_CREATE: '0', RETURN_PASSWORD_HASHES: '1', CHECK_EMAIL_INVALID_ADDRESS: '' }); });
  after(async () => { await server.stop(); });

  it('refuses an unknown dynamic field when auto-creation is off', async () => {
    const r = await update(server, '<ID>cust1</ID><DynamicField><Name>Unknown</Name><Value>x</Value></DynamicField>');
    expectError(r, 'CustomerUserUpdate.InvalidParameter', 'DynamicField Unknown does not exist');
  });

  it('returns UserPassword and PasswordHistoryData only when configured to', async () => {
    const r = await update(server, '<ID>cust1</ID><UserPassword>Another-Secret-1</UserPassword>');
    expect(r.data.CustomerUser.UserPassword).to.match(/^\$argon2id\$/);
    expect(r.data.CustomerUser.PasswordHistoryData).to.match(/^\$argon2id\$/);
  });

  it('accepts @example.com addresses when the invalid-address pattern is emptied', async () => {
    const r = await update(server, '<ID>cust1</ID><UserEmail>someone@example.com</UserEmail>');
    expect(r.data.CustomerUser.UserEmail).to.equal('someone@example.com');
  });
});
