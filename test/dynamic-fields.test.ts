// Dynamic fields of every OTRS type on customer users (issue 5, part 2): values checked against the field's
// type and configuration, a clear InvalidParameter naming the field, xsi:nil or an empty value clearing it.
import { expect } from 'chai';
import { openTestDatabase } from './support/database.js';
import { startServer, type RunningServer } from './support/server.js';
import { call } from './support/soap.js';
import { dumpDatabase } from './support/dump.js';

const FIELDS: Array<[string, string, object]> = [
  ['Notes', 'TextArea', {}],
  ['Level', 'Dropdown', { PossibleValues: { gold: 'Gold', silver: 'Silver' } }],
  ['Newsletter', 'Checkbox', {}],
  ['Birthday', 'Date', {}],
  ['Contacted', 'DateTime', {}],
];

describe('Dynamic fields of every type', function () {
  let server: RunningServer;
  // A session, not UserLogin+Password: a password login records UserLastLogin, which would differ between dumps.
  let agent = '';
  const setField = (name: string, values: string) => call(server.endpoint, 'CustomerUserUpdate', `${agent}<ID>cust1</ID><DynamicField><Name>${name}</Name>${values}</DynamicField>`);
  before(async () => {
    server = await startServer();
    agent = `<SessionID>${(await call(server.endpoint, 'SessionCreate', '<UserLogin>demo-agent</UserLogin><Password>DemoAgent1!</Password>')).data.SessionID}</SessionID>`;
    const db = openTestDatabase(server.dbPath);
    const t = '2026-01-01 00:00:00';
    for (const [i, [name, type, config]] of FIELDS.entries()) {
      db.prepare(`INSERT INTO dynamic_field (internal_field, name, label, field_order, field_type, object_type, config, valid_id, create_time, create_by, change_time, change_by)
        VALUES (0, ?, ?, ?, ?, 'CustomerUser', ?, 1, ?, 1, ?, 1)`).run(name, name, 10 + i, type, JSON.stringify(config), t, t);
    }
    db.close();
  });
  after(async () => { await server.stop(); });

  const accepted: Array<[string, string, unknown]> = [
    ['Notes', '<Value>line 1\nline 2</Value>', 'line 1\nline 2'],
    ['Level', '<Value>gold</Value>', 'gold'],
    ['Newsletter', '<Value>1</Value>', '1'],
    ['Newsletter', '<Value>0</Value>', '0'],
    ['Birthday', '<Value>1990-02-28</Value>', '1990-02-28 00:00:00'],
    ['Contacted', '<Value>2026-11-23 10:15:00</Value>', '2026-11-23 10:15:00'],
  ];
  for (const [name, values, expected] of accepted) {
    it(`stores ${name} = ${JSON.stringify(expected)}`, async () => {
      const r = await setField(name, values);
      expect(r.data.Error, JSON.stringify(r.data)).to.equal(undefined);
      expect(r.data.CustomerUser[`DynamicField_${name}`]).to.equal(expected);
    });
  }

  const refused: Array<[string, string, string]> = [
    ['Level', '<Value>bronze</Value>', "DynamicField Level: 'bronze' is not one of its possible values (gold, silver)!"],
    ['Level', '<Value>gold</Value><Value>silver</Value>', 'DynamicField Level is a Dropdown field and takes one value, got 2!'],
    ['Newsletter', '<Value>yes</Value>', 'DynamicField Newsletter: a Checkbox value must be 0 or 1!'],
    ['Birthday', '<Value>1990-02-30</Value>', "DynamicField Birthday: '1990-02-30' is not a date (YYYY-MM-DD)!"],
    ['Birthday', '<Value>28.02.1990</Value>', "DynamicField Birthday: '28.02.1990' is not a date (YYYY-MM-DD)!"],
    ['Contacted', '<Value>2026-11-23T10:15:00</Value>', "DynamicField Contacted: '2026-11-23T10:15:00' is not a date and time (YYYY-MM-DD HH:MM:SS)!"],
    ['Contacted', '<Value>2026-11-23 25:00:00</Value>', "DynamicField Contacted: '2026-11-23 25:00:00' is not a date and time (YYYY-MM-DD HH:MM:SS)!"],
  ];
  for (const [name, values, message] of refused) {
    it(`refuses ${name} ${values} with InvalidParameter naming the field, changing nothing`, async () => {
      const before = dumpDatabase(server);
      const r = await setField(name, values);
      expect(r.data.Error).to.deep.equal({ ErrorCode: 'CustomerUserUpdate.InvalidParameter', ErrorMessage: `CustomerUserUpdate: ${message}` });
      expect(dumpDatabase(server)).to.deep.equal(before);
    });
  }

  it('clears a value with xsi:nil and with an empty value', async () => {
    await setField('Level', '<Value>silver</Value>');
    expect((await setField('Level', '<Value xsi:nil="true"/>')).data.CustomerUser.DynamicField_Level).to.equal('');
    await setField('Birthday', '<Value>2000-01-01</Value>');
    expect((await setField('Birthday', '<Value></Value>')).data.CustomerUser.DynamicField_Birthday).to.equal('');
    const db = server.db();
    const n = (db.prepare(`SELECT count(*) AS n FROM dynamic_field_value v JOIN dynamic_field f ON f.id = v.field_id WHERE f.name IN ('Level', 'Birthday')`).get() as any).n;
    db.close();
    expect(n).to.equal(0);
  });

  it('refuses a field that belongs to another object type', async () => {
    const db = openTestDatabase(server.dbPath);
    db.prepare(`INSERT INTO dynamic_field (internal_field, name, label, field_order, field_type, object_type, config, valid_id, create_time, create_by, change_time, change_by)
      VALUES (0, 'TicketOnly', 'TicketOnly', 99, 'Text', 'Ticket', '{}', 1, '2026-01-01 00:00:00', 1, '2026-01-01 00:00:00', 1)`).run();
    db.close();
    const r = await setField('TicketOnly', '<Value>x</Value>');
    expect(r.data.Error.ErrorMessage).to.equal('CustomerUserUpdate: DynamicField TicketOnly is not a CustomerUser field!');
  });
});

describe('Timestamps in the system time zone (OTRS_TIME_ZONE)', function () {
  let server: RunningServer;
  before(async () => { server = await startServer({ OTRS_TIME_ZONE: 'Asia/Tokyo' }); });
  after(async () => { await server.stop(); });

  it('writes ChangeTime as OTRS does, in the configured zone', async () => {
    const r = await call(server.endpoint, 'CustomerUserUpdate', '<UserLogin>demo-agent</UserLogin><Password>DemoAgent1!</Password><ID>cust1</ID><UserCity>Tokyo</UserCity>');
    const tokyoNow = new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
    const changed = Date.parse(r.data.CustomerUser.ChangeTime.replace(' ', 'T') + 'Z');
    expect(Math.abs(changed - Date.parse(tokyoNow.replace(' ', 'T') + 'Z'))).to.be.below(60_000);
  });
});
