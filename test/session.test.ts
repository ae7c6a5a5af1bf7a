// SessionCreate, SessionGet, SessionRemove and AccessTokenCreate (dialect §10, contracts §2).
import { expect } from 'chai';
import { startServer, type RunningServer } from './support/server.js';
import { call, callFrom } from './support/soap.js';
import { customerUserState, preferenceValues, sessionData } from './support/state.js';

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
