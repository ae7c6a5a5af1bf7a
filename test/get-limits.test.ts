// Bounds on one Get (issue 15.7): the ids one request may name (GET_MAX_IDS) and the size of its answer
// (RESPONSE_MAX_BYTES). A thousand customer users with a thousand dynamic fields each were a 238 MB answer that
// took the server to 2 GB; such a Get is refused with InvalidParameter naming the limit, before it is built.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { startServer, type RunningServer } from './support/server.js';
import { call } from './support/soap.js';
import { openTestDatabase } from './support/database.js';
import { MAX_GAP_MS, callPolled } from './support/health.js';

const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
const logins = (n: number) => Array.from({ length: n }, (_, i) => `bulk${i + 1}`);
const T = '2026-01-01 00:00:00';

describe('Limits of one Get', function () {
  this.timeout(60_000);
  let server: RunningServer;
  let session = '';
  before(async () => {
    server = await startServer();
    // 1000 customer users of ACME and 1000 customer-user fields (the defaults' most), written as OTRS would hold them.
    const db = openTestDatabase(server.dbPath);
    db.prepare(`INSERT INTO customer_user (login, email, customer_id, first_name, last_name, valid_id, create_time, create_by, change_time, change_by)
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
      SELECT 'bulk' || i, 'bulk' || i || '@acme-demo.test', 'ACME', 'Bulk', 'User ' || i, 1, '${T}', 1, '${T}', 1 FROM n`).run();
    db.prepare(`INSERT INTO dynamic_field (internal_field, name, label, field_order, field_type, object_type, config, valid_id, create_time, create_by, change_time, change_by)
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 998)
      SELECT 0, 'Extra' || i, 'Extra' || i, 10 + i, 'Text', 'CustomerUser', '{}', 1, '${T}', 1, '${T}', 1 FROM n`).run();
    db.close();
    session = `<SessionID>${(await call(server.endpoint, 'SessionCreate', '<UserLogin>demo-agent</UserLogin><Password>DemoAgent1!</Password>')).data.SessionID}</SessionID>`;
  });
  after(async () => { await server.stop(); });

  describe('ids per request (GET_MAX_IDS, 1000)', () => {
    const cases: Array<[string, string, string]> = [
      ['CustomerUserGet', `<CustomerUserID>${logins(1001).join(',')}</CustomerUserID>`, 'At most 1000 CustomerUserIDs per request (GET_MAX_IDS), got 1001!'],
      ['CustomerCompanyGet', `<CustomerID>${logins(1001).join(',')}</CustomerID>`, 'At most 1000 CustomerIDs per request (GET_MAX_IDS), got 1001!'],
      ['UserGet', `<UserID>${Array.from({ length: 1001 }, (_, i) => i + 2).join(',')}</UserID>`, 'At most 1000 agents per request (GET_MAX_IDS), got 1001!'],
    ];
    for (const [op, inner, message] of cases) {
      it(`${op}: refuses 1001, naming the setting`, async () => {
        const r = await call(server.endpoint, op, `${session}${inner}`);
        expect(r.data.Error).to.deep.equal({ ErrorCode: `${op}.InvalidParameter`, ErrorMessage: `${op}: ${message}` });
      });
    }

    it('answers 1000 customer users in one request in about a second at most, while /health keeps answering', async () => {
      const { ms, cpuMs, longestGap, ...r } = await callPolled(server, 'CustomerUserGet', `${session}<CustomerUserID>${logins(1000).join(',')}</CustomerUserID>`);
      expect(r.data.Error, JSON.stringify(r.data.Error)).to.equal(undefined);
      expect(r.data.CustomerUser).to.have.length(1000);
      expect(r.data.CustomerUser[999].UserLogin).to.equal('bulk1000');
      expect(r.data.CustomerUser[0].DynamicField_Extra1).to.equal(undefined);
      // About 0.3 s of the server's CPU on SQLite; PostgreSQL's driver parses every row in the process too (0.7 s).
      expect(cpuMs).to.be.below(1500);
      expect(ms).to.be.below(3000);
      expect(longestGap).to.be.below(MAX_GAP_MS);
    });
  });

  describe('size of one answer (RESPONSE_MAX_BYTES, 4 MiB)', () => {
    it('refuses 1000 customer users with their 1000 dynamic fields each, quickly, without building the answer', async () => {
      const before = rssMiB(server.pid);
      const { ms, cpuMs, longestGap, ...r } = await callPolled(server, 'CustomerUserGet', `${session}<CustomerUserID>${logins(1000).join(',')}</CustomerUserID><DynamicFields>1</DynamicFields>`);
      expect(r.data.Error).to.deep.equal({
        ErrorCode: 'CustomerUserGet.InvalidParameter',
        ErrorMessage: 'CustomerUserGet: The answer would be larger than 4194304 bytes (RESPONSE_MAX_BYTES): ask for fewer records at a time!',
      });
      expect(cpuMs).to.be.below(500);
      expect(ms).to.be.below(3000);
      expect(longestGap).to.be.below(MAX_GAP_MS);
      // The whole answer would be about 30 MB of text, several times that as objects.
      expect(rssMiB(server.pid) - before).to.be.below(100);
    });

    it('answers the same customer users with their dynamic fields a hundred at a time, well under a second, while /health keeps answering', async () => {
      const { ms, cpuMs, longestGap, ...r } = await callPolled(server, 'CustomerUserGet', `${session}<CustomerUserID>${logins(100).join(',')}</CustomerUserID><DynamicFields>1</DynamicFields>`);
      expect(r.data.Error, JSON.stringify(r.data.Error)).to.equal(undefined);
      expect(cpuMs).to.be.below(500);
      expect(ms).to.be.below(3000);
      expect(longestGap).to.be.below(MAX_GAP_MS);
      expect(r.data.CustomerUser).to.have.length(100);
      expect(r.data.CustomerUser[0].DynamicField_Extra998).to.equal('');
    });
  });
});

describe('Limits of one Get, configured', function () {
  let server: RunningServer;
  let session = '';
  before(async () => {
    server = await startServer({ GET_MAX_IDS: '2', RESPONSE_MAX_BYTES: '2000' });
    session = `<SessionID>${(await call(server.endpoint, 'SessionCreate', '<UserLogin>demo-agent</UserLogin><Password>DemoAgent1!</Password>')).data.SessionID}</SessionID>`;
  });
  after(async () => { await server.stop(); });

  it('follows GET_MAX_IDS', async () => {
    const r = await call(server.endpoint, 'UserGet', `${session}<Login>demo-agent</Login><UserID>2,3</UserID>`);
    expect(r.data.Error.ErrorMessage).to.equal('UserGet: At most 2 agents per request (GET_MAX_IDS), got 3!');
  });

  it('follows RESPONSE_MAX_BYTES: one record fits, two do not', async () => {
    const one = await call(server.endpoint, 'CustomerUserGet', `${session}<CustomerUserID>cust1</CustomerUserID>`);
    expect(one.data.CustomerUser.UserLogin).to.equal('cust1');
    expect(one.res.body.length).to.be.below(2000);
    const two = await call(server.endpoint, 'CustomerUserGet', `${session}<CustomerUserID>cust1,cust2</CustomerUserID>`);
    expect(two.data.Error.ErrorMessage).to.equal('CustomerUserGet: The answer would be larger than 2000 bytes (RESPONSE_MAX_BYTES): ask for fewer records at a time!');
  });
});
