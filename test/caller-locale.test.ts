// Answers in the caller's time zone and language (issue 8.6), with raw envelopes against a real server. Agents
// and a customer user are imported with times on both sides of a daylight-saving change (Europe/Berlin moved from
// CET to CEST at 2026-03-29 01:00 UTC and back at 2026-10-25 01:00 UTC; New York moved on 2026-03-08), as they
// would come from an OTRS database: the times in an answer move with the zone's offset at that instant.
import { expect } from 'chai';
import { openTestDatabase } from './support/database.js';
import { startServer, type RunningServer } from './support/server.js';
import { call } from './support/soap.js';
import { dumpDatabase } from './support/dump.js';

const AGENT = '<UserLogin>demo-agent</UserLogin><Password>DemoAgent1!</Password>';
const BEFORE = '2026-03-29 00:30:00';            // UTC, CET in Berlin (+1)
const AFTER = '2026-03-29 01:30:00';             // UTC, CEST in Berlin (+2)
const LAST_LOGIN = String(Date.UTC(2026, 9, 25, 0, 30) / 1000);   // 2026-10-25 00:30 UTC: CEST, half an hour before the change back

/** An agent and a customer user whose CreateTime is before and ChangeTime after the spring change, as stored in `system` time. */
function importRecords(server: RunningServer, created: string, changed: string): void {
  const db = openTestDatabase(server.dbPath);
  try {
    const id = Number(db.prepare(`INSERT INTO users (login, pw, first_name, last_name, valid_id, create_time, create_by, change_time, change_by)
      VALUES ('dst-agent', NULL, 'Dana', 'Daylight', 2, ?, 1, ?, 1)`).run(created, changed).lastInsertRowid);
    db.prepare("INSERT INTO user_preferences (user_id, preferences_key, preferences_value) VALUES (?, 'UserLastLogin', ?)").run(id, LAST_LOGIN);
    db.prepare(`INSERT INTO customer_user (login, email, customer_id, pw, first_name, last_name, valid_id, create_time, create_by, change_time, change_by)
      VALUES ('dst-customer', 'dana@acme-demo.test', 'ACME', NULL, 'Dana', 'Daylight', 2, ?, 1, ?, 1)`).run(created, changed);
    db.prepare(`INSERT INTO dynamic_field (internal_field, name, label, field_order, field_type, object_type, config, valid_id, create_time, create_by, change_time, change_by)
      VALUES (0, 'Since', 'Since', 1, 'DateTime', 'CustomerUser', '{}', 1, ?, 1, ?, 1)`).run(created, created);
  } finally { db.close(); }
}

const times = (record: Record<string, unknown>) => ({ CreateTime: record.CreateTime, ChangeTime: record.ChangeTime });

describe("Answers in the caller's time zone and language", function () {
  let server: RunningServer;
  let session: string;
  const op = (operation: string, inner: string) => call(server.endpoint, operation, `<SessionID>${session}</SessionID>${inner}`);
  const agentTimes = async (extra = '') => (await op('UserGet', `<Login>dst-agent</Login>${extra}`)).data.User;

  before(async () => {
    server = await startServer();
    importRecords(server, BEFORE, AFTER);
    session = (await call(server.endpoint, 'SessionCreate', AGENT)).data.SessionID;
  });
  after(async () => { await server.stop(); });

  describe('TimeZone', () => {
    it('writes the times as stored (the system zone, UTC) when neither the request nor the caller names a zone', async () => {
      const user = await agentTimes();
      expect(times(user)).to.deep.equal({ CreateTime: BEFORE, ChangeTime: AFTER });
      expect(user.UserLastLoginTimestamp).to.equal('2026-10-25 00:30:00');
      expect(user.UserLastLogin).to.equal(LAST_LOGIN);
    });

    it('writes them in the request\'s zone with the offset of each instant, across the daylight-saving change', async () => {
      const user = await agentTimes('<TimeZone>Europe/Berlin</TimeZone>');
      // One hour apart in UTC, two hours apart on Berlin's clocks: the clocks went forward in between.
      expect(times(user)).to.deep.equal({ CreateTime: '2026-03-29 01:30:00', ChangeTime: '2026-03-29 03:30:00' });
      expect(user.UserLastLoginTimestamp).to.equal('2026-10-25 02:30:00');
      // The epoch value is the same instant in every zone.
      expect(user.UserLastLogin).to.equal(LAST_LOGIN);
      const ny = await agentTimes('<TimeZone>America/New_York</TimeZone>');
      expect(times(ny)).to.deep.equal({ CreateTime: '2026-03-28 20:30:00', ChangeTime: '2026-03-28 21:30:00' });
    });

    it('converts customer-user records and their company too, and leaves dynamic-field values as stored (data, not server times)', async () => {
      await op('CustomerUserUpdate', '<ID>dst-customer</ID><DynamicField><Name>Since</Name><Value>2026-03-29 00:30:00</Value></DynamicField>');
      const stored = (await op('CustomerUserGet', '<CustomerUserID>dst-customer</CustomerUserID>')).data.CustomerUser;
      const r = await op('CustomerUserGet', '<CustomerUserID>dst-customer</CustomerUserID><DynamicFields>1</DynamicFields><TimeZone>Europe/Berlin</TimeZone>');
      const record = r.data.CustomerUser;
      expect(record.CreateTime).to.equal('2026-03-29 01:30:00');
      // Changed just now: converted with today's Berlin offset.
      expect(record.ChangeTime).to.equal(new Date(stored.ChangeTime.replace(' ', 'T') + 'Z').toLocaleString('sv-SE', { timeZone: 'Europe/Berlin' }));
      expect(record.DynamicField_Since).to.equal('2026-03-29 00:30:00');
      const company = (await op('CustomerCompanyGet', '<CustomerID>ACME</CustomerID><TimeZone>Asia/Tokyo</TimeZone>')).data.CustomerCompany;
      const storedCompany = (await op('CustomerCompanyGet', '<CustomerID>ACME</CustomerID>')).data.CustomerCompany;
      expect(Date.parse(company.CreateTime.replace(' ', 'T') + 'Z') - Date.parse(storedCompany.CreateTime.replace(' ', 'T') + 'Z')).to.equal(9 * 3600_000);
    });

    it("uses the caller's UserTimeZone preference when the request names no zone; the request's zone wins", async () => {
      const me = (await op('UserGet', '<Login>demo-agent</Login><Fields>UserID</Fields>')).data.User.UserID;
      const set = await op('UserUpdate', `<UserID>${me}</UserID><UserTimeZone>America/New_York</UserTimeZone>`);
      expect(set.data.Error).to.equal(undefined);
      try {
        expect(times(await agentTimes())).to.deep.equal({ CreateTime: '2026-03-28 20:30:00', ChangeTime: '2026-03-28 21:30:00' });
        expect(times(await agentTimes('<TimeZone>UTC</TimeZone>'))).to.deep.equal({ CreateTime: BEFORE, ChangeTime: AFTER });
        // By login and password too: the preference is the caller's, however it authenticates.
        const byPassword = (await call(server.endpoint, 'UserGet', `${AGENT}<Login>dst-agent</Login>`)).data.User;
        expect(byPassword.CreateTime).to.equal('2026-03-28 20:30:00');
      } finally {
        await op('UserUpdate', `<UserID>${me}</UserID><UserTimeZone xsi:nil="true" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>`);
      }
      expect(times(await agentTimes())).to.deep.equal({ CreateTime: BEFORE, ChangeTime: AFTER });
    });

    it('refuses a zone it does not know with InvalidParameter, and changes nothing', async () => {
      const before = dumpDatabase(server);
      for (const zone of ['Mars/Olympus_Mons', '../../etc/localtime', 'x'.repeat(100)]) {
        const r = await op('UserUpdate', `<UserID>1</UserID><UserFirstname>Changed</UserFirstname><TimeZone>${zone}</TimeZone>`);
        expect(r.data.Error).to.deep.equal({
          ErrorCode: 'UserUpdate.InvalidParameter', ErrorMessage: 'UserUpdate: Parameter TimeZone is invalid (an IANA time zone such as Europe/Berlin)!',
        });
      }
      expect(dumpDatabase(server)).to.deep.equal(before);
    });
  });

  describe('Language', () => {
    it('translates error messages into German; the ErrorCode stays', async () => {
      const r = await op('UserGet', '<Login>nobody</Login><Language>de</Language>');
      expect(r.data.Error).to.deep.equal({ ErrorCode: 'UserGet.NotFound', ErrorMessage: 'UserGet: Für die angegebene UserID oder den Login wurde kein Agent gefunden!' });
      const update = await op('CustomerUserUpdate', "<ID>dst-customer</ID><UserEmail>not-an-address</UserEmail><ValidID>1</ValidID><Language>de_DE</Language>");
      expect(update.data.Error).to.deep.equal({
        ErrorCode: 'CustomerUserUpdate.InvalidEmail', ErrorMessage: "CustomerUserUpdate: Die E-Mail-Adresse 'not-an-address' ist ungültig (ungültige Syntax)!",
      });
      const auth = await call(server.endpoint, 'CustomerUserGet', '<UserLogin>demo-agent</UserLogin><Password>wrong</Password><CustomerUserID>cust1</CustomerUserID><Language>de</Language>');
      expect(auth.data.Error).to.deep.equal({ ErrorCode: 'CustomerUserGet.AuthFail', ErrorMessage: 'CustomerUserGet: Autorisierung fehlgeschlagen!' });
      // ajv's reason, inside the message, is translated too.
      const schema = await op('CustomerUserSearch', '<CustomerUserLogin>*</CustomerUserLogin><SortBy>Nonsense</SortBy><Language>de</Language>');
      expect(schema.data.Error.ErrorMessage).to.equal('CustomerUserSearch: Der Parameter SortBy[0] ist ungültig (muss einer der erlaubten Werte sein)!');
    });

    it('answers in English for en, for no Language, and for a language it has no messages in', async () => {
      for (const language of ['', '<Language>en</Language>', '<Language>fr</Language>', '<Language>pt_BR</Language>']) {
        const r = await op('UserGet', `<Login>nobody</Login>${language}`);
        expect(r.data.Error.ErrorMessage).to.equal('UserGet: No agent found for the given UserID or Login!');
      }
    });

    it('refuses a Language that is not a language tag, in English', async () => {
      const r = await op('UserGet', '<Login>nobody</Login><Language>de; DROP TABLE users</Language>');
      expect(r.data.Error).to.deep.equal({ ErrorCode: 'UserGet.InvalidParameter', ErrorMessage: 'UserGet: Parameter Language is invalid (a language such as en, de or de_DE)!' });
    });

    it('writes a successful answer the same whatever the Language', async () => {
      const en = await op('UserGet', '<Login>dst-agent</Login>');
      const de = await op('UserGet', '<Login>dst-agent</Login><Language>de</Language>');
      expect(de.res.text).to.equal(en.res.text);
    });
  });
});

describe('Answers on a server whose system zone is Europe/Berlin, callers\' preferences not followed (TIME_ZONE_FROM_PREFERENCE=0)', function () {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ OTRS_TIME_ZONE: 'Europe/Berlin', TIME_ZONE_FROM_PREFERENCE: '0' });
    // Stored as Berlin wall-clock times, as that OTRS would have written them: the same two instants as above.
    importRecords(server, '2026-03-29 01:30:00', '2026-03-29 03:30:00');
  });
  after(async () => { await server.stop(); });
  const get = async (extra = '') => times((await call(server.endpoint, 'UserGet', `${AGENT}<Login>dst-agent</Login>${extra}`)).data.User);

  it('writes the stored Berlin times back as the UTC instants they are', async () => {
    expect(await get('<TimeZone>UTC</TimeZone>')).to.deep.equal({ CreateTime: BEFORE, ChangeTime: AFTER });
    expect(await get('<TimeZone>Europe/Berlin</TimeZone>')).to.deep.equal({ CreateTime: '2026-03-29 01:30:00', ChangeTime: '2026-03-29 03:30:00' });
  });

  it("writes the system zone's times, as OTRS does, to a caller with a UserTimeZone preference that names no TimeZone", async () => {
    const set = await call(server.endpoint, 'UserUpdate', `${AGENT}<UserID>2</UserID><UserTimeZone>America/New_York</UserTimeZone>`);
    expect(set.data.User.UserTimeZone).to.equal('America/New_York');
    expect(await get()).to.deep.equal({ CreateTime: '2026-03-29 01:30:00', ChangeTime: '2026-03-29 03:30:00' });
  });
});
