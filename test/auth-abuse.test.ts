// Authentication abuse (issue 6.3): failed logins slowed per (client address, login) with a growing wait and per
// address across logins, without one address locking out another; unknown logins answered like wrong passwords,
// in comparable time; sessions and tokens unguessable, expiring and revocable; secrets masked in every log line.
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { startServer, type RunningServer } from './support/server.js';
import { call, callFrom } from './support/soap.js';
import { customerUserState, preferenceValues } from './support/state.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const AUTH_FAIL = { Error: { ErrorCode: 'SessionCreate.AuthFail', ErrorMessage: 'SessionCreate: Authorization failing!' } };
const customer = (password: string, login = 'cust1') => `<CustomerUserLogin>${login}</CustomerUserLogin><Password>${password}</Password>`;
const agentLogin = (password: string) => `<UserLogin>demo-agent</UserLogin><Password>${password}</Password>`;

async function sessionCreate(server: RunningServer, inner: string, from?: string): Promise<any> {
  return from ? callFrom(from, server.endpoint, 'SessionCreate', inner) : (await call(server.endpoint, 'SessionCreate', inner)).data;
}

/** The server's JSON log lines with this message (written asynchronously: give them a moment first). */
async function logLines(server: RunningServer, msg: string): Promise<any[]> {
  await sleep(300);
  return server.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)).filter((l) => l.msg === msg);
}

describe('Authentication abuse', function () {
  describe('failed logins per (client address, login)', () => {
    let server: RunningServer;
    const DELAY = 600;
    before(async () => {
      server = await startServer({ LOGIN_FAILURES_ALLOWED: '3', LOGIN_DELAY_MS: String(DELAY), LOGIN_FAILURES_PER_CLIENT: '0' });
    });
    after(async () => { await server.stop(); });

    it('refuses even the right password after the allowed failures, then lets it in once the wait has passed', async () => {
      for (let i = 0; i < 3; i++) expect(await sessionCreate(server, customer('wrong'))).to.deep.equal(AUTH_FAIL);
      // The answer is the wrong-password answer: it tells an attacker nothing.
      expect(await sessionCreate(server, customer('CustPass1!'))).to.deep.equal(AUTH_FAIL);
      await sleep(DELAY + 150);
      expect((await sessionCreate(server, customer('CustPass1!'))).SessionID).to.match(/^[A-Za-z0-9]{32}$/);
      // Success cleared the count: three more failures are allowed again before any wait.
      for (let i = 0; i < 2; i++) expect(await sessionCreate(server, customer('wrong'))).to.deep.equal(AUTH_FAIL);
      expect((await sessionCreate(server, customer('CustPass1!'))).SessionID).to.match(/^[A-Za-z0-9]{32}$/);
    });

    it('doubles the wait with every further failure', async () => {
      for (let i = 0; i < 3; i++) await sessionCreate(server, customer('wrong', 'cust2'));
      await sleep(DELAY + 150);
      expect(await sessionCreate(server, customer('wrong', 'cust2'))).to.deep.equal(AUTH_FAIL);   // 4th failure: wait 2x
      await sleep(DELAY + 150);
      expect(await sessionCreate(server, customer('CustPass2!', 'cust2'))).to.deep.equal(AUTH_FAIL);
      await sleep(DELAY + 150);
      expect((await sessionCreate(server, customer('CustPass2!', 'cust2'))).SessionID).to.match(/^[A-Za-z0-9]{32}$/);
    });

    it('does not let failures from one address lock the real user out at another address', async () => {
      for (let i = 0; i < 6; i++) await sessionCreate(server, agentLogin('guess'), '127.0.0.2');
      expect(await sessionCreate(server, agentLogin('DemoAgent1!'), '127.0.0.2')).to.deep.equal(AUTH_FAIL);
      expect((await sessionCreate(server, agentLogin('DemoAgent1!'))).SessionID).to.match(/^[A-Za-z0-9]{32}$/);
      // The account itself stays valid: no OTRS lock was involved (PasswordMaxLoginFailed is 0 by default).
      expect(server.db().prepare('SELECT valid_id FROM users WHERE login = ?').get('demo-agent')).to.deep.equal({ valid_id: 1 });
    });

    it('counts attempts on unknown logins too (an attacker cannot probe freely)', async () => {
      for (let i = 0; i < 3; i++) expect(await sessionCreate(server, customer('x', 'nobody'), '127.0.0.3')).to.deep.equal(AUTH_FAIL);
      // Logins fold case as in OTRS, so a different spelling shares the counter.
      const started = Date.now();
      expect(await sessionCreate(server, customer('x', 'NoBody'), '127.0.0.3')).to.deep.equal(AUTH_FAIL);
      // Refused without a password check: much faster than an argon2 verification would be.
      expect(Date.now() - started).to.be.below(200);
    });
  });

  describe('a burst of concurrent attempts (counted before the password is checked)', () => {
    let server: RunningServer;
    before(async () => {
      server = await startServer({ LOGIN_FAILURES_ALLOWED: '5', LOGIN_DELAY_MS: '60000', LOGIN_FAILURES_PER_CLIENT: '0' });
    });
    after(async () => { await server.stop(); });

    it('checks at most the allowance of 100 concurrent passwords for one login, and refuses the right one sent 13th', async () => {
      const attempts = Array.from({ length: 100 }, (_, i) => (i === 12 ? 'CustPass1!' : `wrong-${i}`));
      const answers = await Promise.all(attempts.map((pw) => sessionCreate(server, customer(pw))));
      for (const a of answers) expect(a).to.deep.equal(AUTH_FAIL);
      // Each checked wrong password is one 'login failed' line and one UserLoginFailed count; the rest waited.
      const failed = (await logLines(server, 'login failed')).filter((l) => l.login === 'cust1');
      expect(failed.length).to.equal(5);
      expect(failed[0]).to.include({ level: 'warn', userType: 'customer', address: '127.0.0.1' });
      expect((await logLines(server, 'login throttled')).filter((l) => l.login === 'cust1').length).to.equal(95);
      expect(preferenceValues(customerUserState(server, 'cust1'), 'UserLoginFailed')).to.deep.equal(['5']);
      // Throttled still, from this address; another address is not held up.
      expect(await sessionCreate(server, customer('CustPass1!'))).to.deep.equal(AUTH_FAIL);
      expect((await sessionCreate(server, customer('CustPass1!'), '127.0.0.2')).SessionID).to.match(/^[A-Za-z0-9]{32}$/);
    });

    it('lets a client that opens many connections at once with the right password in on all of them', async () => {
      const answers = await Promise.all(Array.from({ length: 20 }, () => sessionCreate(server, customer('CustPass2!', 'cust2'))));
      for (const a of answers) expect(a.SessionID).to.match(/^[A-Za-z0-9]{32}$/);
      // Counted before the check, taken back after it: nothing stays counted for the pair.
      const pair = `127.0.0.1 ${createHash('sha256').update('cust2').digest('base64url')}`;
      expect(server.db().prepare('SELECT failures FROM login_failure WHERE counter_key = ?').get(pair)).to.equal(undefined);
      expect((await logLines(server, 'login failed')).filter((l) => l.login === 'cust2')).to.deep.equal([]);
    });
  });

  describe('a burst across logins from one address (password spraying)', () => {
    let server: RunningServer;
    before(async () => { server = await startServer({ LOGIN_FAILURES_ALLOWED: '0', LOGIN_FAILURES_PER_CLIENT: '5', LOGIN_DELAY_MS: '60000' }); });
    after(async () => { await server.stop(); });

    it('checks at most the address\'s allowance, whatever the logins', async () => {
      const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => sessionCreate(server, customer('Spring2026!', `spray${i}`))));
      for (const a of answers) expect(a).to.deep.equal(AUTH_FAIL);
      expect((await logLines(server, 'login failed')).length).to.equal(5);
      expect((await logLines(server, 'login throttled')).length).to.equal(55);
    });
  });

  describe('failed logins per client address, across logins (password spraying)', () => {
    let server: RunningServer;
    before(async () => { server = await startServer({ LOGIN_FAILURES_ALLOWED: '0', LOGIN_FAILURES_PER_CLIENT: '4', LOGIN_DELAY_MS: '60000' }); });
    after(async () => { await server.stop(); });

    it('slows an address that fails on many logins, and only that address', async () => {
      for (const login of ['a1', 'a2', 'a3', 'a4']) expect(await sessionCreate(server, customer('Spring2026!', login), '127.0.0.4')).to.deep.equal(AUTH_FAIL);
      expect(await sessionCreate(server, customer('CustPass1!'), '127.0.0.4')).to.deep.equal(AUTH_FAIL);
      expect((await sessionCreate(server, customer('CustPass1!'))).SessionID).to.match(/^[A-Za-z0-9]{32}$/);
    });
  });

  describe('unknown login and wrong password', () => {
    let server: RunningServer;
    before(async () => { server = await startServer(); });
    after(async () => { await server.stop(); });

    it('get byte-identical answers in comparable time', async () => {
      const wrong: number[] = [];
      const unknown: number[] = [];
      let wrongBody = '';
      let unknownBody = '';
      for (let i = 0; i < 12; i++) {
        let t = process.hrtime.bigint();
        wrongBody = (await call(server.endpoint, 'SessionCreate', customer(`wrong${i}`))).res.text;
        wrong.push(Number(process.hrtime.bigint() - t) / 1e6);
        t = process.hrtime.bigint();
        unknownBody = (await call(server.endpoint, 'SessionCreate', customer(`wrong${i}`, `ghost${i}`))).res.text;
        unknown.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
      expect(unknownBody).to.equal(wrongBody);
      const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
      const [w, u] = [median(wrong), median(unknown)];
      // Both spend one argon2 verification (tens of ms); without the dummy verification an unknown login would
      // answer in well under a millisecond of server time.
      expect(u / w, `median wrong ${w.toFixed(1)} ms, unknown ${u.toFixed(1)} ms`).to.be.within(0.6, 1.6);
      expect(u).to.be.above(5);
    });

    it('refuse a login longer than any account can have, whatever it starts with, with the same answer', async () => {
      // Cut to bound its cost (a 10 MB login was digested several times by the throttle); the cut must not let
      // the start of the login name an account.
      const agent = (login: string) => `<UserLogin>${login}</UserLogin><Password>DemoAgent1!</Password>`;
      const long = await call(server.endpoint, 'SessionCreate', agent(`demo-agent${'x'.repeat(2 * 1024 * 1024)}`));
      const padded = await call(server.endpoint, 'SessionCreate', agent(`${'demo-agent'.padEnd(401, ' ')}`));
      const wrong = await call(server.endpoint, 'SessionCreate', agent('ghost'));
      expect(long.res.text).to.equal(wrong.res.text);
      expect(padded.res.text).to.equal(wrong.res.text);
      expect(long.data.Error.ErrorCode).to.equal('SessionCreate.AuthFail');
      expect((await call(server.endpoint, 'SessionCreate', agent('demo-agent'))).data.SessionID).to.match(/^[A-Za-z0-9]{32}$/);
    });
  });

  describe('session IDs and access tokens', () => {
    let server: RunningServer;
    before(async () => { server = await startServer({ SESSION_MAX_IDLE_TIME: '2', ACCESS_TOKEN_MAX_TIME: '2' }); });
    after(async () => { await server.stop(); });

    it('are long random strings, never repeated', async () => {
      const ids = new Set<string>();
      const chars = new Set<string>();
      for (let i = 0; i < 40; i++) {
        const id = (await sessionCreate(server, agentLogin('DemoAgent1!'))).SessionID as string;
        expect(id).to.match(/^[A-Za-z0-9]{32}$/);   // 32 of 62 symbols: about 190 bits
        ids.add(id);
        for (const c of id) chars.add(c);
      }
      expect(ids.size).to.equal(40);
      expect(chars.size).to.be.above(55);   // the whole alphabet is used, not a counter or a hex subset
    });

    it('expire: a SessionID after SessionMaxIdleTime, an AccessToken after its lifetime', async () => {
      const sid = (await sessionCreate(server, agentLogin('DemoAgent1!'))).SessionID;
      const token = (await call(server.endpoint, 'AccessTokenCreate', agentLogin('DemoAgent1!'))).data.AccessToken;
      const get = (cred: string) => call(server.endpoint, 'CustomerUserGet', `${cred}<CustomerUserID>cust1</CustomerUserID>`);
      expect((await get(`<SessionID>${sid}</SessionID>`)).data.CustomerUser).to.be.an('object');
      expect((await get(`<AccessToken>${token}</AccessToken>`)).data.CustomerUser).to.be.an('object');
      await sleep(3100);
      expect((await get(`<SessionID>${sid}</SessionID>`)).data.Error.ErrorCode).to.equal('CustomerUserGet.AuthFail');
      expect((await get(`<AccessToken>${token}</AccessToken>`)).data.Error.ErrorCode).to.equal('CustomerUserGet.AuthFail');
    });
    // Revocation by SessionRemove (sessions and tokens) is asserted in session.test.ts.
  });

  describe('remembered verifications (PASSWORD_CACHE_SECONDS)', () => {
    let server: RunningServer;
    before(async () => { server = await startServer({ PASSWORD_CACHE_SECONDS: '600' }); });
    after(async () => { await server.stop(); });

    it('never keep an old password working, nor an account that is no longer valid', async () => {
      const sid = (await sessionCreate(server, agentLogin('DemoAgent1!'))).SessionID;
      for (let i = 0; i < 2; i++) expect((await sessionCreate(server, customer('CustPass1!'))).SessionID).to.match(/^[A-Za-z0-9]{32}$/);
      const changed = await call(server.endpoint, 'CustomerUserUpdate', `<SessionID>${sid}</SessionID><ID>cust1</ID><UserPassword>N3w-Passw0rd!</UserPassword>`);
      expect(changed.data.Error).to.equal(undefined);
      expect(await sessionCreate(server, customer('CustPass1!'))).to.deep.equal(AUTH_FAIL);
      for (let i = 0; i < 2; i++) expect((await sessionCreate(server, customer('N3w-Passw0rd!'))).SessionID).to.match(/^[A-Za-z0-9]{32}$/);
      await call(server.endpoint, 'CustomerUserUpdate', `<SessionID>${sid}</SessionID><ID>cust1</ID><ValidID>2</ValidID>`);
      expect(await sessionCreate(server, customer('N3w-Passw0rd!'))).to.deep.equal(AUTH_FAIL);
    });
  });

  describe('logs', () => {
    let server: RunningServer;
    before(async () => { server = await startServer({ LOG_LEVEL: 'debug' }); });
    after(async () => { await server.stop(); });

    it('are JSON lines with a request ID, and no secret ever appears in them', async () => {
      const sid = (await sessionCreate(server, agentLogin('DemoAgent1!'))).SessionID as string;
      const token = (await call(server.endpoint, 'AccessTokenCreate', agentLogin('DemoAgent1!'))).data.AccessToken as string;
      await sessionCreate(server, agentLogin('Wr0ngSecretPw'));
      await call(server.endpoint, 'CustomerUserUpdate', `<SessionID>${sid}</SessionID><ID>cust1</ID><CustomerUser><UserPassword>N3wSecretPassw0rd</UserPassword></CustomerUser>`);
      await call(server.endpoint, 'CustomerUserGet', `<AccessToken>${token}</AccessToken><CustomerUserID>cust1</CustomerUserID>`);
      await call(server.endpoint, 'SessionGet', `<SessionID>${sid}</SessionID>`);
      await sleep(300);   // the log is written asynchronously
      const stderr = server.output().split('\n').filter((l) => l.startsWith('{'));
      const lines = stderr.map((l) => JSON.parse(l));
      const requests = lines.filter((l) => l.msg === 'request');
      expect(requests.length).to.be.at.least(6);
      for (const r of requests) expect(r).to.include.keys('reqId', 'time', 'level', 'status', 'ms', 'operation');
      // The debug records show the incoming data, with the secrets masked.
      expect(lines.some((l) => l.msg === 'ProviderRequestReceive: incoming data' && l.data?.Password === '***')).to.equal(true);
      // (The start-up banner on stdout prints the demo credentials on purpose; the log is stderr's JSON lines.)
      const all = stderr.join('\n');
      for (const secret of ['DemoAgent1!', 'Wr0ngSecretPw', 'N3wSecretPassw0rd', sid, token, token.split('.')[2]]) {
        expect(all, `secret ${secret.slice(0, 6)}... in the log`).not.to.contain(secret);
      }
    });
  });
});
