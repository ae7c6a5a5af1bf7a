// An account that can no longer log in has no power left (issue 15): the sessions and access tokens of an agent
// or customer user made invalid, invalid-temporarily or retired stop working at the next request, however long
// the server trusts what it cached; a new or removed password ends every session and token of the account.
import { expect } from 'chai';
import { startServer, type RunningServer } from './support/server.js';
import { call } from './support/soap.js';

const DEMO = '<UserLogin>demo-agent</UserLogin><Password>DemoAgent1!</Password>';
const sid = (s: string) => `<SessionID>${s}</SessionID>`;
const tok = (t: string) => `<AccessToken>${t}</AccessToken>`;

describe('Invalidated accounts lose their sessions and tokens', function () {
  this.timeout(60_000);
  let server: RunningServer;
  let admin: string;   // demo-agent's session: the administrator making the changes
  // A long cache lifetime: what is asserted is the invalidation, not an expiry.
  before(async () => {
    server = await startServer({ CACHE_TTL_MS: '600000', PASSWORD_MAX_LOGIN_FAILED: '3' });
    admin = await sessionOf(DEMO);
  });
  after(async () => { await server.stop(); });

  async function sessionOf(credentials: string): Promise<string> {
    const r = await call(server.endpoint, 'SessionCreate', credentials);
    expect(r.data.SessionID, JSON.stringify(r.data)).to.match(/^[A-Za-z0-9]{32}$/);
    return r.data.SessionID;
  }
  async function tokenOf(credentials: string): Promise<string> {
    const r = await call(server.endpoint, 'AccessTokenCreate', credentials);
    expect(r.data.AccessToken, JSON.stringify(r.data)).to.be.a('string');
    return r.data.AccessToken;
  }
  const errorCode = async (operation: string, inner: string) => (await call(server.endpoint, operation, inner)).data.Error?.ErrorCode;
  const count = (query: string, ...params: unknown[]) => Number((server.db().prepare(query).get(...params) as { n: number | string }).n);
  const sessionsOf = (userType: string, userId: string | number) => count(`SELECT count(*) AS n FROM sessions s JOIN sessions t ON t.session_id = s.session_id
    WHERE s.data_key = 'UserID' AND s.data_value = ? AND t.data_key = 'UserType' AND t.data_value = ?`, String(userId), userType);
  const tokensOf = (userType: string, userId: string | number) => count('SELECT count(*) AS n FROM access_token WHERE user_type = ? AND user_id = ?', userType, String(userId));

  async function addAdmin(login: string, password: string): Promise<number> {
    const r = await call(server.endpoint, 'UserAdd', `${sid(admin)}<Login>${login}</Login><UserFirstname>Ops</UserFirstname><UserLastname>Admin</UserLastname>`
      + `<UserEmail>${login}@acme-demo.test</UserEmail><UserPassword>${password}</UserPassword><ValidID>1</ValidID>`
      + '<Group><Name>admin</Name><Permission>rw</Permission></Group><Group><Name>users</Name><Permission>rw</Permission></Group>');
    expect(r.data.UserID, JSON.stringify(r.data)).to.match(/^\d+$/);
    return Number(r.data.UserID);
  }
  async function addCustomer(login: string, password: string, email = `${login}@acme-demo.test`): Promise<void> {
    const r = await call(server.endpoint, 'CustomerUserCreate', `${sid(admin)}<CustomerUserLogin>${login}</CustomerUserLogin><UserFirstname>Pat</UserFirstname>`
      + `<UserLastname>Doe</UserLastname><UserEmail>${email}</UserEmail><UserCustomerID>ACME</UserCustomerID><ValidID>1</ValidID>`
      + `<UserPassword>${password}</UserPassword>`);
    expect(r.data.UserLogin, JSON.stringify(r.data)).to.equal(login);
  }
  const userAdd = (credentials: string, login: string) => call(server.endpoint, 'UserAdd', `${credentials}<Login>${login}</Login><UserFirstname>New</UserFirstname>`
    + `<UserLastname>Admin</UserLastname><UserEmail>${login}@acme-demo.test</UserEmail><UserPassword>Ghost-Admin-2026</UserPassword><ValidID>1</ValidID>`
    + '<Group><Name>admin</Name><Permission>rw</Permission></Group>');

  describe('an agent set to ValidID 2', () => {
    it('can no longer use its session or token at once: no UserAdd, no re-validating itself', async () => {
      const id = await addAdmin('ops-admin', 'Ops-Admin-2026');
      const own = await sessionOf('<UserLogin>ops-admin</UserLogin><Password>Ops-Admin-2026</Password>');
      const token = await tokenOf('<UserLogin>ops-admin</UserLogin><Password>Ops-Admin-2026</Password>');
      // Both work, and what they read is cached now.
      expect((await call(server.endpoint, 'UserGet', `${sid(own)}<UserID>${id}</UserID>`)).data.User.ValidID).to.equal('1');
      expect((await call(server.endpoint, 'UserGet', `${tok(token)}<UserID>${id}</UserID>`)).data.User.ValidID).to.equal('1');

      expect((await call(server.endpoint, 'UserUpdate', `${sid(admin)}<UserID>${id}</UserID><ValidID>2</ValidID>`)).data.UserID).to.equal(String(id));

      expect((await userAdd(sid(own), 'ghost-admin')).data.Error.ErrorCode).to.equal('UserAdd.AuthFail');
      expect((await userAdd(tok(token), 'ghost-admin')).data.Error.ErrorCode).to.equal('UserAdd.AuthFail');
      expect(await errorCode('UserUpdate', `${sid(own)}<UserID>${id}</UserID><ValidID>1</ValidID>`)).to.equal('UserUpdate.AuthFail');
      expect(await errorCode('UserUpdate', `${tok(token)}<UserID>${id}</UserID><ValidID>1</ValidID>`)).to.equal('UserUpdate.AuthFail');
      expect(await errorCode('SessionGet', sid(own))).to.equal('SessionGet.SessionInvalid');
      // Nothing was changed through them, and they are gone for good.
      expect(server.db().prepare('SELECT valid_id FROM users WHERE id = ?').get(id)).to.deep.equal({ valid_id: 2 });
      expect(count("SELECT count(*) AS n FROM users WHERE login = 'ghost-admin'")).to.equal(0);
      expect(sessionsOf('User', id)).to.equal(0);
      expect(tokensOf('User', id)).to.equal(0);

      // Made valid again by another administrator, it logs in anew; the old session stays ended.
      expect((await call(server.endpoint, 'UserUpdate', `${sid(admin)}<UserID>${id}</UserID><ValidID>1</ValidID>`)).data.UserID).to.equal(String(id));
      expect(await errorCode('SessionGet', sid(own))).to.equal('SessionGet.SessionInvalid');
      await sessionOf('<UserLogin>ops-admin</UserLogin><Password>Ops-Admin-2026</Password>');
    });

    it('retired (Deleted 1) loses them the same way', async () => {
      const id = await addAdmin('retiree', 'Retiree-2026-x');
      const own = await sessionOf('<UserLogin>retiree</UserLogin><Password>Retiree-2026-x</Password>');
      expect((await call(server.endpoint, 'UserGet', `${sid(own)}<UserID>${id}</UserID>`)).data.User.ValidID).to.equal('1');
      expect((await call(server.endpoint, 'UserUpdate', `${sid(admin)}<UserID>${id}</UserID><Deleted>1</Deleted>`)).data.UserID).to.equal(String(id));
      expect(await errorCode('UserGet', `${sid(own)}<UserID>${id}</UserID>`)).to.equal('UserGet.AuthFail');
      expect(sessionsOf('User', id)).to.equal(0);
    });
  });

  describe('a customer user', () => {
    it('set to ValidID 2 loses its session and token at once', async () => {
      await addCustomer('gone-cust', 'Gone-Cust-2026');
      const own = await sessionOf('<CustomerUserLogin>gone-cust</CustomerUserLogin><Password>Gone-Cust-2026</Password>');
      const token = await tokenOf('<CustomerUserLogin>gone-cust</CustomerUserLogin><Password>Gone-Cust-2026</Password>');
      expect((await call(server.endpoint, 'SessionGet', sid(own))).data.SessionData).to.be.an('array');
      // A customer is authenticated, then denied: the token works as a credential.
      expect(await errorCode('CustomerUserGet', `${tok(token)}<CustomerUserID>gone-cust</CustomerUserID>`)).to.equal('CustomerUserGet.AccessDenied');

      expect((await call(server.endpoint, 'CustomerUserUpdate', `${sid(admin)}<ID>gone-cust</ID><ValidID>2</ValidID>`)).data.ID).to.equal('gone-cust');

      expect(await errorCode('SessionGet', sid(own))).to.equal('SessionGet.SessionInvalid');
      expect(await errorCode('CustomerUserGet', `${tok(token)}<CustomerUserID>gone-cust</CustomerUserID>`)).to.equal('CustomerUserGet.AuthFail');
      expect(sessionsOf('Customer', 'gone-cust')).to.equal(0);
      expect(tokensOf('Customer', 'gone-cust')).to.equal(0);
    });

    it('locked by failed logins (PASSWORD_MAX_LOGIN_FAILED) loses its session too', async () => {
      await addCustomer('locked-cust', 'Locked-Cust-2026');
      const own = await sessionOf('<CustomerUserLogin>locked-cust</CustomerUserLogin><Password>Locked-Cust-2026</Password>');
      expect((await call(server.endpoint, 'SessionGet', sid(own))).data.SessionData).to.be.an('array');
      for (let i = 0; i < 3; i++) await call(server.endpoint, 'SessionCreate', `<CustomerUserLogin>locked-cust</CustomerUserLogin><Password>wrong${i}</Password>`);
      expect(server.db().prepare('SELECT valid_id FROM customer_user WHERE login = ?').get('locked-cust')).to.deep.equal({ valid_id: 3 });
      expect(await errorCode('SessionGet', sid(own))).to.equal('SessionGet.SessionInvalid');
    });

    it('renamed loses its sessions (they name the old login, which another customer user may take)', async () => {
      await addCustomer('old-name', 'Old-Name-2026');
      const own = await sessionOf('<CustomerUserLogin>old-name</CustomerUserLogin><Password>Old-Name-2026</Password>');
      expect((await call(server.endpoint, 'CustomerUserUpdate', `${sid(admin)}<ID>old-name</ID><CustomerUserLogin>new-name</CustomerUserLogin>`)).data.ID).to.equal('new-name');
      await addCustomer('old-name', 'Other-Person-2026', 'other-person@acme-demo.test');
      expect(await errorCode('SessionGet', sid(own))).to.equal('SessionGet.SessionInvalid');
      expect(sessionsOf('Customer', 'old-name')).to.equal(0);
    });
  });

  describe('a password change', () => {
    it('of a customer user by an agent ends the customer\'s sessions and tokens; the agent\'s own session stays', async () => {
      await addCustomer('pw-cust', 'Pw-Cust-2026-old');
      const old = '<CustomerUserLogin>pw-cust</CustomerUserLogin><Password>Pw-Cust-2026-old</Password>';
      const own = await sessionOf(old);
      const token = await tokenOf(old);
      const changed = await call(server.endpoint, 'CustomerUserUpdate', `${sid(admin)}<ID>pw-cust</ID><UserPassword>Pw-Cust-2026-new</UserPassword>`);
      expect(changed.data.ID).to.equal('pw-cust');
      expect(await errorCode('SessionGet', sid(own))).to.equal('SessionGet.SessionInvalid');
      expect(await errorCode('CustomerUserGet', `${tok(token)}<CustomerUserID>pw-cust</CustomerUserID>`)).to.equal('CustomerUserGet.AuthFail');
      expect(sessionsOf('Customer', 'pw-cust')).to.equal(0);
      expect(tokensOf('Customer', 'pw-cust')).to.equal(0);
      expect((await call(server.endpoint, 'SessionCreate', old)).data.Error.ErrorCode).to.equal('SessionCreate.AuthFail');
      await sessionOf('<CustomerUserLogin>pw-cust</CustomerUserLogin><Password>Pw-Cust-2026-new</Password>');
      expect((await call(server.endpoint, 'SessionGet', sid(admin))).data.SessionData).to.be.an('array');
    });

    it('of an agent by itself ends all its sessions and tokens, the one that made the change too', async () => {
      const id = await addAdmin('self-changer', 'Self-Changer-2026');
      const creds = '<UserLogin>self-changer</UserLogin><Password>Self-Changer-2026</Password>';
      const [caller, other, token] = [await sessionOf(creds), await sessionOf(creds), await tokenOf(creds)];
      const changed = await call(server.endpoint, 'UserUpdate', `${sid(caller)}<UserID>${id}</UserID><UserPassword>Self-Changer-2027</UserPassword>`);
      expect(changed.data.UserID).to.equal(String(id));
      for (const s of [caller, other]) expect(await errorCode('SessionGet', sid(s))).to.equal('SessionGet.SessionInvalid');
      expect(await errorCode('UserGet', `${tok(token)}<UserID>${id}</UserID>`)).to.equal('UserGet.AuthFail');
      expect(sessionsOf('User', id)).to.equal(0);
      expect(tokensOf('User', id)).to.equal(0);
      await sessionOf('<UserLogin>self-changer</UserLogin><Password>Self-Changer-2027</Password>');
    });

    it('leaves other accounts\' sessions alone, and a change of other fields ends nothing', async () => {
      const own = await sessionOf('<CustomerUserLogin>cust2</CustomerUserLogin><Password>CustPass2!</Password>');
      expect((await call(server.endpoint, 'CustomerUserUpdate', `${sid(admin)}<ID>cust2</ID><UserFirstname>Carla</UserFirstname>`)).data.ID).to.equal('cust2');
      expect((await call(server.endpoint, 'CustomerUserUpdate', `${sid(admin)}<ID>cust1</ID><UserPassword>Cust-Pass-2026</UserPassword>`)).data.ID).to.equal('cust1');
      expect((await call(server.endpoint, 'SessionGet', sid(own))).data.SessionData).to.be.an('array');
    });
  });
});
