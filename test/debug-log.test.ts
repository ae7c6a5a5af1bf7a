// The log at debug level, over a whole client flow with RETURN_PASSWORD_HASHES=1: no password, session ID, token
// or hash appears in any line, whatever key or text carries it; requests Express answers are logged too.
import { expect } from 'chai';
import { startServer, freshDatabase, type RunningServer } from './support/server.js';
import { call } from './support/soap.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const jsonLines = (out: string) => out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));

describe('The debug log', function () {
  this.timeout(60000);

  it('shows no password, session ID, token or hash anywhere in a whole client flow', async () => {
    const database = await freshDatabase();
    // The first start creates the demo data (and prints its credentials); the flow runs on a second start,
    // whose output must not contain a single secret.
    await (await startServer({}, { dbPath: database.location })).stop();
    const server = await startServer({ LOG_LEVEL: 'debug', RETURN_PASSWORD_HASHES: '1' }, { dbPath: database.location });
    try {
      const secrets = ['DemoAgent1!', 'Cust-Secret-2026', 'Cust-Changed-2026', 'Agent-Secret-2026'];
      const agent = '<UserLogin>demo-agent</UserLogin><Password>DemoAgent1!</Password>';
      const sid = (await call(server.endpoint, 'SessionCreate', agent)).data.SessionID as string;
      const token = (await call(server.endpoint, 'AccessTokenCreate', agent)).data.AccessToken as string;
      expect(sid).to.match(/^[A-Za-z0-9]{32}$/);
      expect(token).to.match(/^eyJ/);
      const created = await call(server.endpoint, 'CustomerUserCreate', `<SessionID>${sid}</SessionID><CustomerUserLogin>logged</CustomerUserLogin>`
        + '<UserFirstname>Lo</UserFirstname><UserLastname>Gged</UserLastname><UserEmail>logged@acme-demo.test</UserEmail>'
        + '<UserCustomerID>ACME</UserCustomerID><ValidID>1</ValidID><UserPassword>Cust-Secret-2026</UserPassword>');
      expect(created.data.UserLogin).to.equal('logged');
      const updated = await call(server.endpoint, 'CustomerUserUpdate', `<AccessToken>${token}</AccessToken><ID>logged</ID><UserPassword>Cust-Changed-2026</UserPassword>`);
      expect(updated.data.ID).to.equal('logged');
      const got = await call(server.endpoint, 'CustomerUserGet', `<SessionID>${sid}</SessionID><CustomerUserID>logged</CustomerUserID>`);
      // RETURN_PASSWORD_HASHES=1: the answer carries the hashes, so the outgoing-data record had them to mask.
      expect(got.data.CustomerUser.UserPassword).to.match(/^\$argon2id\$/);
      expect(got.data.CustomerUser.PasswordHistoryData).to.match(/^\$argon2id\$/);
      const added = await call(server.endpoint, 'UserAdd', `<SessionID>${sid}</SessionID><Login>logger</Login><UserFirstname>Log</UserFirstname>`
        + '<UserLastname>Ger</UserLastname><UserEmail>logger@acme-demo.test</UserEmail><ValidID>1</ValidID><UserPassword>Agent-Secret-2026</UserPassword>');
      expect(added.data.UserID).to.match(/^\d+$/);
      expect((await call(server.endpoint, 'UserGet', `<SessionID>${sid}</SessionID><Login>logger</Login>`)).data.User.UserLogin).to.equal('logger');
      expect((await call(server.endpoint, 'SessionGet', `<SessionID>${sid}</SessionID>`)).data.SessionData).to.be.an('array');
      expect((await call(server.endpoint, 'SessionRemove', `<SessionID>${sid}</SessionID>${agent}`)).data.Success).to.equal('1');
      await sleep(300);   // the log is written asynchronously

      const db = server.db();
      const hashes = [
        ...db.prepare("SELECT pw FROM users WHERE login IN ('demo-agent', 'logger')").all().map((r: any) => r.pw),
        ...db.prepare("SELECT pw FROM customer_user WHERE login = 'logged'").all().map((r: any) => r.pw),
        ...db.prepare('SELECT pw FROM password_history').all().map((r: any) => r.pw),
      ];
      db.close();
      expect(hashes.length).to.be.at.least(4);
      const out = server.output();
      const lines = jsonLines(out);
      // The flow was logged at debug level, its data with it.
      expect(lines.filter((l) => l.msg === 'ProviderRequestProcess: outgoing data').length).to.be.at.least(9);
      for (const secret of [...secrets, sid, token, ...token.split('.'), ...hashes]) {
        expect(out, `secret ${String(secret).slice(0, 12)}... in the output`).not.to.contain(secret);
      }
      expect(out).not.to.match(/\$argon2|BCRYPT:|eyJ[A-Za-z0-9_-]{8}/);
    } finally { await server.stop(); await database.drop(); }
  });

  describe('failures before an operation runs', () => {
    let server: RunningServer;
    before(async () => { server = await startServer({ LOG_LEVEL: 'debug' }); });
    after(async () => { await server.stop(); });

    it('log the stage that refused a request without a body (411) and one with an unknown operation (Fault)', async () => {
      const empty = await fetch(server.endpoint, { method: 'POST', headers: { 'Content-Type': 'text/xml' } });
      expect(empty.status).to.equal(411);
      const unknown = await call(server.endpoint, 'NoSuchOperation', '<A>1</A>');
      expect(unknown.res.status).to.equal(500);
      await sleep(300);
      const lines = jsonLines(server.output());
      const requests = lines.filter((l) => l.msg === 'request');
      // Each failure is a stage record tied to its request by reqId, as OTRS's debugger files it under its communication.
      const refused = requests.find((l) => l.status === 411);
      expect(lines.some((l) => l.reqId === refused.reqId && l.msg === 'ProviderRequestReceive: Length Required' && l.status === 411)).to.equal(true);
      const faulted = requests.find((l) => l.operation === 'NoSuchOperation');
      expect(faulted).to.include({ fault: 'Got no OperationType!', status: 500 });
      expect(lines.some((l) => l.reqId === faulted.reqId && l.msg === 'ProviderRequestReceive: Got no OperationType!')).to.equal(true);
    });
  });

  describe('requests answered by Express', () => {
    let server: RunningServer;
    before(async () => { server = await startServer({ LOG_LEVEL: 'info' }); });
    after(async () => { await server.stop(); });

    it('log /health and a 404 with method, path, status, duration and client', async () => {
      expect((await fetch(`${server.baseUrl}/health`)).status).to.equal(200);
      expect((await fetch(`${server.baseUrl}/nowhere?x=1`)).status).to.equal(404);
      await sleep(300);
      const requests = jsonLines(server.output()).filter((l) => l.msg === 'request');
      const health = requests.find((l) => l.path === '/health');
      const missing = requests.find((l) => l.path === '/nowhere');
      expect(health).to.include({ method: 'GET', status: 200, client: '127.0.0.1' });
      expect(missing).to.include({ method: 'GET', status: 404, client: '127.0.0.1' });
      for (const l of [health, missing]) expect(l).to.include.keys('reqId', 'ms', 'time', 'level');
    });
  });
});
