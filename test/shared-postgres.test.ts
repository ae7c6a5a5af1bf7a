// Two server instances on one PostgreSQL database (issue 9), driven at once as a load balancer would: sessions,
// access tokens, failed-login counters and licence counts are shared; a change made through one instance is seen
// by the other at once (its read caches are told); concurrent updates through both lose nothing. Runs in the
// suite's PostgreSQL run (OTRS_GI_TEST_POSTGRES); SQLite is one process's store.
import { expect } from 'chai';
import { Agent } from 'node:http';
import { startServer, type RunningServer } from './support/server.js';
import { call, envelope, post, parseResponse } from './support/soap.js';
import { testPostgres } from './support/database.js';

const AGENT = '<UserLogin>demo-agent</UserLogin><Password>DemoAgent1!</Password>';
const list = (v: unknown) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

describe('Two instances on one PostgreSQL database', function () {
  this.timeout(120_000);
  let a: RunningServer;
  let b: RunningServer;
  const env = { LICENCE_MODULES: 'reporting:7', LOGIN_FAILURES_ALLOWED: '3', LOGIN_DELAY_MS: '60000', CACHE_TTL_MS: '600000' };

  before(async function () {
    if (!testPostgres) this.skip();
    a = await startServer(env);
    b = await startServer(env, { dbPath: a.dbPath });
  });
  after(async () => { await b?.stop(); await a?.stop(); });

  it('shares sessions: one made on A works on B, and removed on B it is refused on A at once', async () => {
    const sid = (await call(a.endpoint, 'SessionCreate', AGENT)).data.SessionID;
    // A reads (and caches) its session; B serves it too.
    expect((await call(a.endpoint, 'CustomerUserGet', `<SessionID>${sid}</SessionID><CustomerUserID>cust1</CustomerUserID>`)).data.CustomerUser.UserLogin).to.equal('cust1');
    expect((await call(b.endpoint, 'CustomerUserGet', `<SessionID>${sid}</SessionID><CustomerUserID>cust1</CustomerUserID>`)).data.CustomerUser.UserLogin).to.equal('cust1');
    await call(b.endpoint, 'SessionRemove', `<SessionID>${sid}</SessionID>${AGENT}`);
    await new Promise((r) => setTimeout(r, 200));   // the notification's way to A
    const refused = await call(a.endpoint, 'CustomerUserGet', `<SessionID>${sid}</SessionID><CustomerUserID>cust1</CustomerUserID>`);
    expect(refused.data.Error.ErrorCode).to.equal('CustomerUserGet.AuthFail');
  });

  it('shares access tokens: issued by A, accepted by B, revoked through B, refused by A', async () => {
    const token = (await call(a.endpoint, 'AccessTokenCreate', AGENT)).data.AccessToken;
    expect((await call(b.endpoint, 'CustomerUserUpdate', `<AccessToken>${token}</AccessToken><ID>cust1</ID>`)).data.ID).to.equal('cust1');
    await call(b.endpoint, 'SessionRemove', `<SessionID>${token}</SessionID><AccessToken>${token}</AccessToken>`);
    expect((await call(a.endpoint, 'CustomerUserUpdate', `<AccessToken>${token}</AccessToken><ID>cust1</ID>`)).data.Error.ErrorCode)
      .to.equal('CustomerUserUpdate.AuthFail');
  });

  it('counts failed logins across instances: failures on A and B together make the right password wait', async () => {
    const login = (server: RunningServer, password: string) =>
      call(server.endpoint, 'SessionCreate', `<CustomerUserLogin>cust2</CustomerUserLogin><Password>${password}</Password>`);
    await login(a, 'wrong');
    await login(b, 'wrong');
    await login(a, 'wrong');
    expect((await login(b, 'CustPass2!')).data.Error.ErrorCode).to.equal('SessionCreate.AuthFail');
    expect((await login(a, 'CustPass2!')).data.Error.ErrorCode).to.equal('SessionCreate.AuthFail');
  });

  it('checks at most the allowance of a burst of wrong passwords for one login spread over both instances', async () => {
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => call((i % 2 ? b : a).endpoint, 'SessionCreate',
      `<CustomerUserLogin>pg-burst</CustomerUserLogin><Password>wrong-${i}</Password>`)));
    for (const r of answers) expect(r.data.Error.ErrorCode).to.equal('SessionCreate.AuthFail');
    await new Promise((r) => setTimeout(r, 300));   // the logs are written asynchronously
    const lines = (a.output() + b.output()).split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l))
      .filter((l) => l.login === 'pg-burst');
    // One 'login failed' line per checked password (LOGIN_FAILURES_ALLOWED 3), the rest refused unchecked.
    expect(lines.filter((l) => l.msg === 'login failed')).to.have.length(3);
    expect(lines.filter((l) => l.msg === 'login throttled')).to.have.length(57);
  });

  it('ends, on the other instance too, the session of an agent made invalid', async () => {
    const sid = (await call(a.endpoint, 'SessionCreate', AGENT)).data.SessionID;
    const add = await call(a.endpoint, 'UserAdd', `<SessionID>${sid}</SessionID><Login>pg-invalid</Login><UserFirstname>P</UserFirstname>`
      + '<UserLastname>Invalid</UserLastname><UserEmail>pg-invalid@acme-demo.test</UserEmail><UserPassword>Pg-Invalid-2026</UserPassword><ValidID>1</ValidID>'
      + '<Group><Name>admin</Name><Permission>rw</Permission></Group>');
    expect(add.data.Error, JSON.stringify(add.data)).to.equal(undefined);
    const own = (await call(b.endpoint, 'SessionCreate', '<UserLogin>pg-invalid</UserLogin><Password>Pg-Invalid-2026</Password>')).data.SessionID;
    const get = () => call(b.endpoint, 'UserGet', `<SessionID>${own}</SessionID><Login>demo-agent</Login>`);
    expect((await get()).data.User.UserLogin).to.equal('demo-agent');   // B now caches the session and the account
    const invalid = await call(a.endpoint, 'UserUpdate', `<SessionID>${sid}</SessionID><UserID>${add.data.User.UserID}</UserID><ValidID>2</ValidID>`);
    expect(invalid.data.Error, JSON.stringify(invalid.data)).to.equal(undefined);
    await new Promise((r) => setTimeout(r, 200));   // the notification's way to B
    expect((await get()).data.Error.ErrorCode).to.equal('UserGet.AuthFail');
  });

  it('sees a change of an agent\'s groups made on the other instance at once (read caches are told)', async () => {
    const sid = (await call(a.endpoint, 'SessionCreate', AGENT)).data.SessionID;
    const add = await call(a.endpoint, 'UserAdd', `<SessionID>${sid}</SessionID><Login>shared-admin</Login><UserFirstname>S</UserFirstname>`
      + '<UserLastname>Admin</UserLastname><UserEmail>shared-admin@acme-demo.test</UserEmail><UserPassword>Shared1!pass</UserPassword><ValidID>1</ValidID>'
      + '<Group><Name>admin</Name><Permission>rw</Permission></Group>');
    expect(add.data.Error, JSON.stringify(add.data)).to.equal(undefined);
    const own = (await call(b.endpoint, 'SessionCreate', '<UserLogin>shared-admin</UserLogin><Password>Shared1!pass</Password>')).data.SessionID;
    const get = () => call(b.endpoint, 'UserGet', `<SessionID>${own}</SessionID><Login>demo-agent</Login>`);
    expect((await get()).data.User.UserLogin).to.equal('demo-agent');   // B now caches shared-admin's groups
    const removed = await call(a.endpoint, 'UserUpdate', `<SessionID>${sid}</SessionID><UserID>${add.data.User.UserID}</UserID><RemoveGroup>admin</RemoveGroup>`);
    expect(removed.data.Error, JSON.stringify(removed.data)).to.equal(undefined);
    await new Promise((r) => setTimeout(r, 200));
    expect((await get()).data.Error.ErrorCode).to.equal('UserGet.AccessDenied');
  });

  it('loses no update when 200 updates of one customer user go through both instances at once', async () => {
    const sidA = (await call(a.endpoint, 'SessionCreate', AGENT)).data.SessionID;
    const sidB = (await call(b.endpoint, 'SessionCreate', AGENT)).data.SessionID;
    const agents = [new Agent({ keepAlive: true, maxSockets: 16 }), new Agent({ keepAlive: true, maxSockets: 16 })];
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => {
      const [server, sid] = i % 2 ? [b, sidB] : [a, sidA];
      const body = `<SessionID>${sid}</SessionID><ID>cust1</ID><UserPreferences><Key>Shared${i}</Key><Value>v${i}</Value></UserPreferences>`
        + `<DynamicField><Name>Department</Name><Value>D${i}</Value></DynamicField>`;
      return post(server.endpoint, envelope('CustomerUserUpdate', body), {}, 'POST', agents[i % 2]);
    }));
    agents.forEach((ag) => ag.destroy());
    const data = answers.map((r) => parseResponse(r.text, 'CustomerUserUpdate'));
    expect(data.filter((d) => d.ID !== 'cust1').map((d) => JSON.stringify(d)), a.output() + b.output()).to.deep.equal([]);
    const db = a.db();
    const prefs = db.prepare("SELECT preferences_key FROM customer_preferences WHERE user_id = 'cust1' AND preferences_key LIKE 'UserShared%'").all();
    expect(prefs).to.have.length(200);
    // One value of the single-value field, not one per writer: the updates were serialized.
    const department = db.prepare(`SELECT v.value_text FROM dynamic_field_value v JOIN dynamic_field f ON f.id = v.field_id
      JOIN dynamic_field_obj_id_name o ON o.object_id = v.object_id WHERE f.name = 'Department' AND o.object_name = 'cust1'`).all();
    expect(department).to.have.length(1);
  });

  it('gives exactly the licences there are when 40 agents ask through both instances at once', async () => {
    const sid = (await call(a.endpoint, 'SessionCreate', AGENT)).data.SessionID;
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      const r = await call(a.endpoint, 'UserAdd', `<SessionID>${sid}</SessionID><Login>lic${i}</Login><UserFirstname>L</UserFirstname>`
        + `<UserLastname>${i}</UserLastname><UserEmail>lic${i}@acme-demo.test</UserEmail><ValidID>2</ValidID>`);
      ids.push(r.data.User.UserID);
    }
    const answers = await Promise.all(ids.map((id, i) => call((i % 2 ? b : a).endpoint, 'UserUpdate',
      `<SessionID>${sid}</SessionID><UserID>${id}</UserID><Licence>reporting</Licence>`)));
    const codes = answers.map((r) => r.data.Error?.ErrorCode ?? 'ok');
    expect(codes.filter((c) => c === 'ok')).to.have.length(7);
    expect(codes.filter((c) => c === 'UserUpdate.LicenceExceeded')).to.have.length(33);
    const got = await call(b.endpoint, 'UserGet', `<SessionID>${sid}</SessionID><UserID>${ids[0]}</UserID>`);
    const reporting = list(got.data.User.Licence).find((l: any) => l.Module === 'reporting');
    expect({ Total: reporting.Total, InUse: reporting.InUse, Free: reporting.Free }).to.deep.equal({ Total: '7', InUse: '7', Free: '0' });
  });
});

describe('A burst of updates of one object on PostgreSQL', function () {
  this.timeout(60_000);
  let server: RunningServer;
  before(async function () {
    if (!testPostgres) this.skip();
    server = await startServer({ POSTGRES_POOL_SIZE: '2' });
  });
  after(async () => { await server?.stop(); });

  it('answers all 40 updates of one customer user on a pool of two connections, and a read of another meanwhile', async () => {
    const sid = (await call(server.endpoint, 'SessionCreate', AGENT)).data.SessionID;
    let pending = 40;
    let firstAnswered: () => void;
    const first = new Promise<void>((r) => { firstAnswered = r; });
    const agent = new Agent({ keepAlive: true, maxSockets: 50 });
    const updates = Array.from({ length: 40 }, (_, i) => post(server.endpoint, envelope('CustomerUserUpdate',
      `<SessionID>${sid}</SessionID><ID>cust1</ID><UserPreferences><Key>Burst${i}</Key><Value>${i}</Value></UserPreferences>`), {}, 'POST', agent)
      .then((r) => { pending -= 1; firstAnswered(); return parseResponse(r.text, 'CustomerUserUpdate'); }));
    await first;   // the burst has reached the database: the other 39 wait for cust1
    const read = await call(server.endpoint, 'CustomerUserGet', `<SessionID>${sid}</SessionID><CustomerUserID>cust2</CustomerUserID>`);
    const stillPending = pending;
    expect(read.data.CustomerUser.UserLogin).to.equal('cust2');
    expect(stillPending, 'updates of cust1 not yet answered when the read of cust2 was').to.be.above(20);
    expect((await Promise.all(updates)).map((d) => d.ID)).to.deep.equal(Array(40).fill('cust1'));
    agent.destroy();
  });
});
