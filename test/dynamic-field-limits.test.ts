// Bounds on one request's dynamic-field work (issue 15.7): entries per request, fields created per request,
// fields per object type, and a cost linear in them, so that no request blocks the server. A request over a limit
// gets InvalidParameter naming the limit and its setting, and changes nothing.
import { expect } from 'chai';
import { startServer, type RunningServer } from './support/server.js';
import { call } from './support/soap.js';
import { dumpDatabase } from './support/dump.js';
import { customerUserState } from './support/state.js';
import { MAX_GAP_MS, callPolled } from './support/health.js';

/** DynamicField entries `<prefix>0..n-1`, each with one value. */
const entries = (prefix: string, n: number, value = (i: number) => `v${i}`) =>
  Array.from({ length: n }, (_, i) => `<DynamicField><Name>${prefix}${i}</Name><Value>${value(i)}</Value></DynamicField>`).join('');


const dynamicFieldCount = (server: RunningServer, objectType: string) => {
  const db = server.db();
  try { return Number((db.prepare('SELECT count(*) AS n FROM dynamic_field WHERE object_type = ?').get(objectType) as { n: number }).n); } finally { db.close(); }
};

describe('Dynamic-field limits at the defaults', function () {
  this.timeout(60_000);
  let server: RunningServer;
  let session = '';
  const update = (login: string, inner: string) => call(server.endpoint, 'CustomerUserUpdate', `${session}<ID>${login}</ID>${inner}`);
  before(async () => {
    server = await startServer();
    session = `<SessionID>${(await call(server.endpoint, 'SessionCreate', '<UserLogin>demo-agent</UserLogin><Password>DemoAgent1!</Password>')).data.SessionID}</SessionID>`;
  });
  after(async () => { await server.stop(); });

  const refusedUnchanged = async (op: string, inner: string, message: string) => {
    const before = dumpDatabase(server);
    const r = await call(server.endpoint, op, `${session}${inner}`);
    expect(r.data.Error).to.deep.equal({ ErrorCode: `${op}.InvalidParameter`, ErrorMessage: `${op}: ${message}` });
    expect(dumpDatabase(server)).to.deep.equal(before);
  };

  describe('DynamicField entries per request (DYNAMIC_FIELD_MAX_ENTRIES, 1000)', () => {
    it('refuses 1001 entries in every operation that takes them, changing nothing', async () => {
      const message = 'At most 1000 DynamicField entries per request (DYNAMIC_FIELD_MAX_ENTRIES), got 1001!';
      await refusedUnchanged('CustomerUserUpdate', `<ID>cust1</ID><UserCity>Nowhere</UserCity>${entries('Flood', 1001)}`, message);
      await refusedUnchanged('CustomerUserCreate', `<CustomerUserLogin>flood</CustomerUserLogin><UserFirstname>F</UserFirstname><UserLastname>L</UserLastname>
        <UserEmail>flood@acme-demo.test</UserEmail><UserCustomerID>ACME</UserCustomerID><ValidID>2</ValidID>${entries('Flood', 1001)}`, message);
      await refusedUnchanged('CustomerCompanyUpdate', `<CustomerID>ACME</CustomerID><CustomerCompanyCity>Nowhere</CustomerCompanyCity>${entries('Flood', 1001)}`, message);
    });
  });

  describe('UserPreferences entries per request (PREFERENCES_MAX_ENTRIES, 100)', () => {
    const prefs = (n: number) => Array.from({ length: n }, (_, i) => `<UserPreferences><Key>Pref${i}</Key><Value>v${i}</Value></UserPreferences>`).join('');
    it('refuses 101 entries in a create and an update, changing nothing (20,000 used to be a generic Fault)', async () => {
      const message = 'At most 100 UserPreferences entries per request (PREFERENCES_MAX_ENTRIES), got 101!';
      await refusedUnchanged('CustomerUserUpdate', `<ID>cust1</ID><UserCity>Nowhere</UserCity>${prefs(101)}`, message);
      await refusedUnchanged('CustomerUserCreate', `<CustomerUserLogin>prefs</CustomerUserLogin><UserFirstname>F</UserFirstname><UserLastname>L</UserLastname>
        <UserEmail>prefs@acme-demo.test</UserEmail><UserCustomerID>ACME</UserCustomerID><ValidID>2</ValidID>${prefs(101)}`, message);
      await refusedUnchanged('CustomerUserUpdate', `<ID>cust1</ID>${prefs(20000)}`, 'At most 100 UserPreferences entries per request (PREFERENCES_MAX_ENTRIES), got 20000!');
    });

    it('sets 100 in one request', async () => {
      const r = await update('cust2', prefs(100));
      expect(r.data.Error, JSON.stringify(r.data.Error)).to.equal(undefined);
      const db = server.db();
      try {
        expect(db.prepare("SELECT count(*) AS n FROM customer_preferences WHERE user_id = 'cust2' AND preferences_key LIKE 'UserPref%'").get()).to.deep.equal({ n: 100 });
      } finally { db.close(); }
    });
  });

  describe('fields created by one request (DYNAMIC_FIELD_MAX_CREATE, 100)', () => {
    it('refuses a request that would create 101 fields, creating none and changing nothing', async () => {
      await refusedUnchanged('CustomerUserUpdate', `<ID>cust1</ID><UserCity>Nowhere</UserCity>${entries('New', 101)}`,
        'At most 100 new DynamicFields per request (DYNAMIC_FIELD_MAX_CREATE), got 101!');
    });

    it('creates 100 fields in one request, well under a second, while /health keeps answering', async () => {
      const { ms, cpuMs, longestGap, ...r } = await callPolled(server, 'CustomerUserUpdate', `${session}<ID>cust1</ID>${entries('New', 100)}`);
      expect(r.data.Error, JSON.stringify(r.data.Error)).to.equal(undefined);
      expect(r.data.CustomerUser.DynamicField_New99).to.equal('v99');
      expect(cpuMs).to.be.below(500);
      expect(ms).to.be.below(3000);
      expect(longestGap).to.be.below(MAX_GAP_MS);
      expect(customerUserState(server, 'cust1').fields.filter((f) => f.name.startsWith('New'))).to.have.length(100);
      expect(dynamicFieldCount(server, 'CustomerUser')).to.equal(102);   // and the demo's Department and Skills
    });
  });

  describe('fields per object type (DYNAMIC_FIELD_MAX_PER_OBJECT, 1000)', () => {
    before(async () => {
      // 102 are defined; 898 more make 1000.
      for (let round = 0; round < 9; round++) {
        const r = await update('cust1', entries(`Batch${round}x`, round < 8 ? 100 : 98));
        expect(r.data.Error, JSON.stringify(r.data.Error)).to.equal(undefined);
      }
      expect(dynamicFieldCount(server, 'CustomerUser')).to.equal(1000);
    });

    it('refuses to create one more, saying how many there are, changing nothing', async () => {
      await refusedUnchanged('CustomerUserUpdate', `<ID>cust2</ID><UserCity>Nowhere</UserCity>${entries('OneTooMany', 1)}`,
        'CustomerUser has 1000 DynamicFields; at most 1000 are allowed (DYNAMIC_FIELD_MAX_PER_OBJECT), so 1 new ones cannot be created!');
    });

    it('counts per object type: a company may still get its own fields', async () => {
      const r = await call(server.endpoint, 'CustomerCompanyUpdate', `${session}<CustomerID>ACME</CustomerID>${entries('CompanyField', 3)}`);
      expect(r.data.Error, JSON.stringify(r.data.Error)).to.equal(undefined);
      expect(r.data.CustomerCompany.DynamicField.map((f: { Name: string }) => f.Name)).to.include.members(['CompanyField0', 'CompanyField2']);
    });

    it('sets all 1000 fields of a customer user in one request (the entries limit), well under a second, while /health keeps answering', async () => {
      const names = ['Department', ...Array.from({ length: 100 }, (_, i) => `New${i}`),
        ...Array.from({ length: 898 }, (_, i) => `Batch${Math.floor(i / 100)}x${i % 100}`)];
      const all = names.map((n, i) => `<DynamicField><Name>${n}</Name><Value>value ${i}</Value></DynamicField>`).join('')
        + '<DynamicField><Name>Skills</Name><Value>SQL</Value><Value>Perl</Value></DynamicField>';
      const { ms, cpuMs, longestGap, ...r } = await callPolled(server, 'CustomerUserUpdate', `${session}<ID>cust2</ID>${all}`);
      expect(r.data.Error, JSON.stringify(r.data.Error)).to.equal(undefined);
      expect(r.data.CustomerUser.DynamicField_Batch8x97).to.equal('value 998');
      expect(r.data.CustomerUser.DynamicField_Skills).to.deep.equal(['SQL', 'Perl']);
      expect(cpuMs).to.be.below(500);
      expect(ms).to.be.below(3000);
      expect(longestGap).to.be.below(MAX_GAP_MS);
      expect(customerUserState(server, 'cust2').fields).to.have.length(1001);
    });
  });

  describe('values of a multiselect field', () => {
    it('takes at most as many values as the field has possible values (more can only be repeats)', async () => {
      await refusedUnchanged('CustomerUserUpdate', '<ID>cust1</ID><DynamicField><Name>Skills</Name><Value>SQL</Value><Value>SQL</Value><Value>Perl</Value><Value>SQL</Value></DynamicField>',
        'DynamicField Skills takes at most 3 values (its possible values), got 4!');
      const r = await update('cust1', '<DynamicField><Name>Skills</Name><Value>TypeScript</Value><Value>SQL</Value><Value>Perl</Value></DynamicField>');
      expect(r.data.CustomerUser.DynamicField_Skills).to.deep.equal(['TypeScript', 'SQL', 'Perl']);
    });
  });
});

describe('Dynamic-field auto-creation costs linear time', function () {
  this.timeout(120_000);
  let server: RunningServer;
  before(async () => {
    server = await startServer({ DYNAMIC_FIELD_MAX_ENTRIES: '4000', DYNAMIC_FIELD_MAX_CREATE: '4000', DYNAMIC_FIELD_MAX_PER_OBJECT: '10000' });
  });
  after(async () => { await server.stop(); });

  it('creates 4,000 fields in one request in seconds, not minutes (the limits raised)', async () => {
    const session = (await call(server.endpoint, 'SessionCreate', '<UserLogin>demo-agent</UserLogin><Password>DemoAgent1!</Password>')).data.SessionID;
    const { ms, cpuMs, ...r } = await callPolled(server, 'CustomerUserUpdate', `<SessionID>${session}</SessionID><ID>cust1</ID>${entries('Many', 4000)}`);
    expect(r.data.Error, JSON.stringify(r.data.Error)).to.equal(undefined);
    expect(r.data.CustomerUser.DynamicField_Many3999).to.equal('v3999');
    // Was 103 s (quadratic: every new field reloaded and re-sorted all fields); now about one.
    expect(cpuMs).to.be.below(5000);
    expect(ms).to.be.below(10_000);
    expect(dynamicFieldCount(server, 'CustomerUser')).to.equal(4002);
    expect(customerUserState(server, 'cust1').fields).to.have.length(4000);
  });
});
