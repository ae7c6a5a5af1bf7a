// SessionCreate, SessionGet, SessionRemove and AccessTokenCreate (dialect §10, contracts §2).
import { expect } from 'chai';
import { startServer, type RunningServer } from './support/server.js';
import { call, callFrom } from './support/soap.js';
import { accessTokenRow, customerUserState, preferenceValues, sessionData } from './support/state.js';

const agent = '<UserLogin>demo-agent</UserLogin><Password>DemoAgent1!</Password>';

describe('Sessions and access tokens', function () {
  let server: RunningServer;
  before(async () => { server = await startServer({ HOST: '0.0.0.0' }); });
  after(async () => { await server.stop(); });

  describe('SessionCreate', () => {
    it('gives agents and customers a new 32-character SessionID on every call, stored in sessions', async () => {
      const a = await call(server.endpoint, 'SessionCreate', agent);
      const b = await call(server.endpoint, 'SessionCreate', agent);
      const c = await call(server.endpoint, 'SessionCreate', '<CustomerUserLogin>cust1</CustomerUserLogin><Password>CustPass1!</Password>');
      for (const r of [a, b, c]) expect(r.data.SessionID).to.match(/^[A-Za-z0-9]{32}$/);
      expect(a.data.SessionID).not.to.equal(b.data.SessionID);
      expect(sessionData(server, c.data.SessionID)).to.include({ UserLogin: 'cust1', UserType: 'Customer', SessionSource: 'GenericInterface', UserRemoteAddr: '127.0.0.1' });
    });

    it('prefers UserLogin when both logins are sent', async () => {
      const r = await call(server.endpoint, 'SessionCreate', `${agent}<CustomerUserLogin>cust1</CustomerUserLogin>`);
      const g = await call(server.endpoint, 'SessionGet', `<SessionID>${r.data.SessionID}</SessionID>`);
      const data = Object.fromEntries([g.data.SessionData].flat().map((d: any) => [d.Key, d.Value]));
      expect(data.UserType).to.equal('User');
    });

    const errors: Array<[string, string, string, string]> = [
      ['an empty request', '', 'SessionCreate.MissingParameter', 'SessionCreate: The request is empty!'],
      ['no password', '<UserLogin>demo-agent</UserLogin>', 'SessionCreate.MissingParameter', 'SessionCreate: Password parameter is missing!'],
      ['a password without login', '<Password>DemoAgent1!</Password>', 'SessionCreate.AuthFail', 'SessionCreate: Authorization failing!'],
      ['a wrong password', '<UserLogin>demo-agent</UserLogin><Password>nope</Password>', 'SessionCreate.AuthFail', 'SessionCreate: Authorization failing!'],
      ['an unknown login', '<UserLogin>ghost</UserLogin><Password>DemoAgent1!</Password>', 'SessionCreate.AuthFail', 'SessionCreate: Authorization failing!'],
      ['a customer password for an agent login', '<UserLogin>cust1</UserLogin><Password>CustPass1!</Password>', 'SessionCreate.AuthFail', 'SessionCreate: Authorization failing!'],
    ];
    for (const [what, inner, code, message] of errors) {
      it(`answers ${what} with ${code}`, async () => {
        const r = await call(server.endpoint, 'SessionCreate', inner);
        expect(r.res.status).to.equal(200);
        expect(r.data).to.deep.equal({ Error: { ErrorCode: code, ErrorMessage: message } });
      });
    }

    it('records UserLastLogin for the customer on a successful login', async () => {
      await call(server.endpoint, 'SessionCreate', '<CustomerUserLogin>cust2</CustomerUserLogin><Password>CustPass2!</Password>');
      const [lastLogin] = preferenceValues(customerUserState(server, 'cust2'), 'UserLastLogin');
      expect(Math.abs(Number(lastLogin) - Date.now() / 1000)).to.be.below(60);
    });
  });

  describe('SessionGet', () => {
    it('lists the session data sorted by Key, without secrets', async () => {
      const s = await call(server.endpoint, 'SessionCreate', agent);
      const g = await call(server.endpoint, 'SessionGet', `<SessionID>${s.data.SessionID}</SessionID>`);
      const keys = g.data.SessionData.map((d: any) => d.Key);
      expect(keys).to.deep.equal([...keys].sort());
      expect(keys).to.include.members(['UserID', 'UserLogin', 'UserType', 'UserSessionStart']);
      expect(keys).not.to.include('UserChallengeToken');
      expect(g.res.text).to.match(/<SessionData><Key>SessionSource<\/Key><Value>GenericInterface<\/Value><\/SessionData>/);
    });

    it('answers an unknown SessionID with SessionGet.SessionInvalid and a missing one with MissingParameter', async () => {
      const bad = await call(server.endpoint, 'SessionGet', '<SessionID>x</SessionID>');
      expect(bad.data.Error).to.deep.equal({ ErrorCode: 'SessionGet.SessionInvalid', ErrorMessage: 'SessionGet: SessionID is Invalid!' });
      const none = await call(server.endpoint, 'SessionGet', '<Other>1</Other>');
      expect(none.data.Error).to.deep.equal({ ErrorCode: 'SessionGet.MissingParameter', ErrorMessage: 'SessionGet: SessionID is missing!' });
    });

    it('binds a session to the client address (SessionCheckRemoteIP)', async () => {
      const s = await call(server.endpoint, 'SessionCreate', agent);
      const elsewhere = await callFrom('127.0.0.2', server.endpoint, 'SessionGet', `<SessionID>${s.data.SessionID}</SessionID>`);
      expect(elsewhere.Error.ErrorCode).to.equal('SessionGet.SessionInvalid');
      const here = await callFrom('127.0.0.1', server.endpoint, 'SessionGet', `<SessionID>${s.data.SessionID}</SessionID>`);
      expect(here.SessionData).to.be.an('array');
    });
  });

  describe('SessionRemove', () => {
    it('removes the caller\'s own session, which then no longer authenticates', async () => {
      const s = await call(server.endpoint, 'SessionCreate', agent);
      const r = await call(server.endpoint, 'SessionRemove', `<SessionID>${s.data.SessionID}</SessionID>${agent}`);
      expect(r.data).to.deep.equal({ Success: '1' });
      const after = await call(server.endpoint, 'CustomerUserUpdate', `<SessionID>${s.data.SessionID}</SessionID><ID>cust1</ID>`);
      expect(after.data.Error.ErrorCode).to.equal('CustomerUserUpdate.AuthFail');
    });

    it('does not let a customer remove another user\'s session', async () => {
      const s = await call(server.endpoint, 'SessionCreate', agent);
      const r = await call(server.endpoint, 'SessionRemove', `<SessionID>${s.data.SessionID}</SessionID><CustomerUserLogin>cust1</CustomerUserLogin><Password>CustPass1!</Password>`);
      expect(r.data.Error).to.deep.equal({ ErrorCode: 'SessionRemove.AuthFail', ErrorMessage: 'SessionRemove: Authorization failing!' });
      const still = await call(server.endpoint, 'SessionGet', `<SessionID>${s.data.SessionID}</SessionID>`);
      expect(still.data.SessionData).to.be.an('array');
    });

    it('revokes an access token given as SessionID', async () => {
      const t = await call(server.endpoint, 'AccessTokenCreate', agent);
      const ok = await call(server.endpoint, 'CustomerUserUpdate', `<AccessToken>${t.data.AccessToken}</AccessToken><ID>cust1</ID>`);
      expect(ok.data.ID).to.equal('cust1');
      await call(server.endpoint, 'SessionRemove', `<SessionID>${t.data.AccessToken}</SessionID><AccessToken>${t.data.AccessToken}</AccessToken>`);
      const after = await call(server.endpoint, 'CustomerUserUpdate', `<AccessToken>${t.data.AccessToken}</AccessToken><ID>cust1</ID>`);
      expect(after.data.Error.ErrorCode).to.equal('CustomerUserUpdate.AuthFail');
    });
  });

  describe('SessionRemove: who may remove what (issue 15)', () => {
    const cust1 = '<CustomerUserLogin>cust1</CustomerUserLogin><Password>CustPass1!</Password>';
    const plainAgent = '<UserLogin>plain-agent</UserLogin><Password>Plain-Agent-2026</Password>';
    const AUTH_FAILING = { ErrorCode: 'SessionRemove.AuthFail', ErrorMessage: 'SessionRemove: Authorization failing!' };
    const NOT_ADMIN = { ErrorCode: 'SessionRemove.AuthFail', ErrorMessage: 'SessionRemove: Authorization failed! User needs to be in group admin.' };

    before(async () => {
      const sid = (await call(server.endpoint, 'SessionCreate', agent)).data.SessionID;
      const added = await call(server.endpoint, 'UserAdd', `<SessionID>${sid}</SessionID><Login>plain-agent</Login><UserFirstname>Plain</UserFirstname>`
        + '<UserLastname>Agent</UserLastname><UserEmail>plain-agent@acme-demo.test</UserEmail><UserPassword>Plain-Agent-2026</UserPassword><ValidID>1</ValidID>');
      expect(added.data.UserID).to.match(/^\d+$/);
    });

    it('revokes nothing for a token whose signature does not verify (SessionRemove.Fail), even with valid credentials', async () => {
      const token = (await call(server.endpoint, 'AccessTokenCreate', agent)).data.AccessToken as string;
      const [h, p] = token.split('.');
      for (const forged of [`${h}.${p}.AAAA`, `${h}.${p}.${Buffer.alloc(32).toString('base64url')}`]) {
        const r = await call(server.endpoint, 'SessionRemove', `<SessionID>${forged}</SessionID>${cust1}`);
        expect(r.data.Error).to.deep.equal({ ErrorCode: 'SessionRemove.Fail', ErrorMessage: 'SessionRemove: Could not remove SessionID!' });
      }
      expect(accessTokenRow(server, token)).to.include({ user_type: 'User' });
      const still = await call(server.endpoint, 'CustomerUserGet', `<AccessToken>${token}</AccessToken><CustomerUserID>cust1</CustomerUserID>`);
      expect(still.data.CustomerUser.UserLogin).to.equal('cust1');
    });

    it('does not let a customer or an agent outside admin revoke another user\'s well-signed token', async () => {
      const token = (await call(server.endpoint, 'AccessTokenCreate', agent)).data.AccessToken as string;
      expect((await call(server.endpoint, 'SessionRemove', `<SessionID>${token}</SessionID>${cust1}`)).data.Error).to.deep.equal(AUTH_FAILING);
      expect((await call(server.endpoint, 'SessionRemove', `<SessionID>${token}</SessionID>${plainAgent}`)).data.Error).to.deep.equal(NOT_ADMIN);
      expect(accessTokenRow(server, token)).to.not.equal(undefined);
    });

    it('finds the owner of a session made from another address: only the owner or an admin removes it', async () => {
      const other = await callFrom('127.0.0.2', server.endpoint, 'SessionCreate', agent);
      const sid = other.SessionID as string;
      // From 127.0.0.1 the session does not authenticate (SessionCheckRemoteIP), but it is demo-agent's all the same.
      expect((await call(server.endpoint, 'SessionRemove', `<SessionID>${sid}</SessionID>${cust1}`)).data.Error).to.deep.equal(AUTH_FAILING);
      expect((await call(server.endpoint, 'SessionRemove', `<SessionID>${sid}</SessionID>${plainAgent}`)).data.Error).to.deep.equal(NOT_ADMIN);
      expect(sessionData(server, sid).UserLogin).to.equal('demo-agent');
      expect((await callFrom('127.0.0.2', server.endpoint, 'SessionGet', `<SessionID>${sid}</SessionID>`)).SessionData).to.be.an('array');
      // Its owner may remove it from anywhere.
      expect((await call(server.endpoint, 'SessionRemove', `<SessionID>${sid}</SessionID>${agent}`)).data).to.deep.equal({ Success: '1' });
      expect(sessionData(server, sid)).to.deep.equal({});
    });

    it('lets an agent with rw in admin remove another user\'s session, and any user remove its own', async () => {
      const customerSid = (await callFrom('127.0.0.2', server.endpoint, 'SessionCreate', cust1)).SessionID as string;
      expect((await call(server.endpoint, 'SessionRemove', `<SessionID>${customerSid}</SessionID>${agent}`)).data).to.deep.equal({ Success: '1' });
      expect(sessionData(server, customerSid)).to.deep.equal({});
      const ownSid = (await call(server.endpoint, 'SessionCreate', plainAgent)).data.SessionID as string;
      expect((await call(server.endpoint, 'SessionRemove', `<SessionID>${ownSid}</SessionID>${plainAgent}`)).data).to.deep.equal({ Success: '1' });
      expect(sessionData(server, ownSid)).to.deep.equal({});
    });

    it('answers Success for a SessionID that is not stored (never issued, already removed), as Znuny does', async () => {
      const before = (server.db().prepare('SELECT count(*) AS n FROM sessions').get() as { n: number | string }).n;
      const r = await call(server.endpoint, 'SessionRemove', `<SessionID>NoSuchSessionAAAAAAAAAAAAAAAAAAAA</SessionID>${cust1}`);
      expect(r.data).to.deep.equal({ Success: '1' });
      expect((server.db().prepare('SELECT count(*) AS n FROM sessions').get() as { n: number | string }).n).to.equal(before);
    });
  });

  describe('AccessTokenCreate', () => {
    it('issues a signed token (JWT) naming the user, with an expiry', async () => {
      const t = await call(server.endpoint, 'AccessTokenCreate', agent);
      const [, payload] = t.data.AccessToken.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
      expect(claims.sub).to.equal('demo-agent');
      expect(claims.UserType).to.equal('agent');
      expect(claims.exp - claims.iat).to.equal(7200);
    });

    it('rejects a token whose payload was altered', async () => {
      const t = await call(server.endpoint, 'AccessTokenCreate', agent);
      const [h, p, s] = t.data.AccessToken.split('.');
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
      claims.exp += 100000;
      const forged = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
      const r = await call(server.endpoint, 'CustomerUserUpdate', `<AccessToken>${forged}</AccessToken><ID>cust1</ID>`);
      expect(r.data.Error.ErrorCode).to.equal('CustomerUserUpdate.AuthFail');
    });

    it('answers bad credentials like SessionCreate does', async () => {
      const r = await call(server.endpoint, 'AccessTokenCreate', '<UserLogin>demo-agent</UserLogin><Password>bad</Password>');
      expect(r.data.Error).to.deep.equal({ ErrorCode: 'AccessTokenCreate.AuthFail', ErrorMessage: 'AccessTokenCreate: Authorization failing!' });
    });
  });
});
