// Account lifecycle and policy (issue 5): activation needs a way to log in, removing the password deactivates,
// the licence pool caps valid accounts, the password policy, the minimum login length, failed-login locking and
// password expiry. Each rule answers with its own error code and leaves the database unchanged.
import { expect } from 'chai';
import { openTestDatabase } from './support/database.js';
import { startServer, type RunningServer } from './support/server.js';
import { call } from './support/soap.js';
import { dumpDatabase } from './support/dump.js';

// The activation rules of issue 5 are the strict policy (ACCOUNT_ACTIVATION=strict); the default is OTRS's
// (test/customer-addon-forms.test.ts).
const POLICY = {
  ACCOUNT_ACTIVATION: 'strict',
  CUSTOMER_USER_MAX_VALID: '3', LOGIN_MIN_LENGTH: '4', PASSWORD_MIN_SIZE: '10', PASSWORD_MIN_2_LOWER_2_UPPER_CHARACTERS: '1',
  PASSWORD_NEED_DIGIT: '1', PASSWORD_HISTORY: '2', PASSWORD_MAX_LOGIN_FAILED: '3', PASSWORD_REGEXP: '^[^ ]+$',
};

describe('Account lifecycle and policy', function () {
  let server: RunningServer;
  let session: string;
  const as = () => `<SessionID>${session}</SessionID>`;
  const update = (inner: string) => call(server.endpoint, 'CustomerUserUpdate', as() + inner);
  const create = (login: string, extra: string) => call(server.endpoint, 'CustomerUserCreate', as()
    + `<CustomerUserLogin>${login}</CustomerUserLogin><UserFirstname>F</UserFirstname><UserLastname>L</UserLastname><UserEmail>${login}@acme-demo.test</UserEmail>`
    + `<UserCustomerID>ACME</UserCustomerID>${extra}`);
  const customerLogin = (login: string, password: string) => call(server.endpoint, 'SessionCreate', `<CustomerUserLogin>${login}</CustomerUserLogin><Password>${password}</Password>`);
  const row = (login: string) => { const db = server.db(); const r = db.prepare('SELECT * FROM customer_user WHERE login = ?').get(login) as any; db.close(); return r; };

  /** The call must fail with the code, and the whole database must be as it was. */
  async function refused(op: Promise<{ data: any }>, code: string, part?: string) {
    const before = dumpDatabase(server);
    const r = await op;
    expect(r.data.Error?.ErrorCode, JSON.stringify(r.data)).to.equal(code);
    if (part) expect(r.data.Error.ErrorMessage).to.contain(part);
    expect(dumpDatabase(server)).to.deep.equal(before);
  }

  before(async () => {
    server = await startServer(POLICY);
    session = (await call(server.endpoint, 'SessionCreate', '<UserLogin>demo-agent</UserLogin><Password>DemoAgent1!</Password>')).data.SessionID;
  });
  after(async () => { await server.stop(); });

  describe('password policy (OTRS PreferencesGroups###Password settings, applied to the API)', () => {
    for (const [password, code, part] of [
      ['Sh0rtAb', 'PasswordTooShort', 'at least 10 characters'],
      ['alllowercase12', 'PasswordNeedsMixedCase', '2 lowercase and 2 uppercase'],
      ['NoDigitsHereAtAll', 'PasswordNeedsDigit', '1 digit'],
      ['Has Space 12Ab', 'PasswordForbidden', 'forbidden'],
      ['CustPass1!', 'PasswordReused', 'last 2 passwords'],   // the current password counts as used
    ] as const) {
      it(`refuses '${password}' with CustomerUserUpdate.${code}`, async () => {
        await refused(update(`<ID>cust1</ID><UserPassword>${password}</UserPassword>`), `CustomerUserUpdate.${code}`, part);
      });
    }

    it('refuses one of the last PasswordHistory passwords (PasswordReused), accepts an older one', async () => {
      expect((await update('<ID>cust1</ID><UserPassword>FirstGood-2026</UserPassword>')).data.Error).to.equal(undefined);
      expect((await update('<ID>cust1</ID><UserPassword>SecondGood-2026</UserPassword>')).data.Error).to.equal(undefined);
      await refused(update('<ID>cust1</ID><UserPassword>SecondGood-2026</UserPassword>'), 'CustomerUserUpdate.PasswordReused', 'last 2 passwords');
      await refused(update('<ID>cust1</ID><UserPassword>FirstGood-2026</UserPassword>'), 'CustomerUserUpdate.PasswordReused');
      expect((await update('<ID>cust1</ID><UserPassword>ThirdGood-2026</UserPassword>')).data.Error).to.equal(undefined);
      // FirstGood is now two changes back and still refused, SecondGood one back.
      await refused(update('<ID>cust1</ID><UserPassword>SecondGood-2026</UserPassword>'), 'CustomerUserUpdate.PasswordReused');
      expect((await customerLogin('cust1', 'ThirdGood-2026')).data.SessionID).to.match(/^[A-Za-z0-9]{32}$/);
      // Three changes back is out of a history of 2: usable again.
      expect((await update('<ID>cust1</ID><UserPassword>FirstGood-2026</UserPassword>')).data.Error).to.equal(undefined);
    });

    it('applies the policy on create too', async () => {
      await refused(create('weakpw', '<ValidID>2</ValidID><UserPassword>weak</UserPassword>'), 'CustomerUserCreate.PasswordTooShort');
    });
  });

  describe('logins', () => {
    it('refuses a login shorter than LOGIN_MIN_LENGTH on create and on rename (LoginTooShort)', async () => {
      await refused(create('abc', '<ValidID>2</ValidID>'), 'CustomerUserCreate.LoginTooShort', 'at least 4');
      await refused(update('<ID>cust2</ID><CustomerUserLogin>ab</CustomerUserLogin>'), 'CustomerUserUpdate.LoginTooShort');
    });
  });

  describe('activation', () => {
    it('removing the password (xsi:nil) keeps the account but makes it invalid, and it can no longer log in', async () => {
      await create('temp1', '<ValidID>1</ValidID><UserPassword>TempPass-2026</UserPassword>');
      const r = await update('<ID>temp1</ID><UserPassword xsi:nil="true"/>');
      expect(r.data.CustomerUser.ValidID).to.equal('2');
      expect(row('temp1')).to.include({ pw: null, valid_id: 2 });
      expect((await customerLogin('temp1', 'TempPass-2026')).data.Error.ErrorCode).to.equal('SessionCreate.AuthFail');
    });

    it('refuses to make an account valid without a password, or with the password being removed (CannotActivate)', async () => {
      await refused(update('<ID>temp1</ID><ValidID>1</ValidID>'), 'CustomerUserUpdate.CannotActivate', 'no password is set');
      await refused(update('<ID>cust2</ID><ValidID>1</ValidID><UserPassword xsi:nil="true"/>'), 'CustomerUserUpdate.CannotActivate', 'password is being removed');
    });

    it('refuses to move a valid account to a company that does not exist (CannotActivate)', async () => {
      await refused(update('<ID>cust2</ID><UserCustomerID>GHOST</UserCustomerID>'), 'CustomerUserUpdate.CannotActivate', "company 'GHOST' does not exist");
    });

    it('activates once a password is set', async () => {
      const r = await update('<ID>temp1</ID><ValidID>1</ValidID><UserPassword>Back-Again-2026</UserPassword>');
      expect(r.data.CustomerUser.ValidID).to.equal('1');
    });
  });

  describe('licence pool (CUSTOMER_USER_MAX_VALID=3)', () => {
    it('refuses a fourth valid customer user, saying how many are in use of how many; reactivates after one is freed', async () => {
      // cust1, cust2, temp1 are valid now.
      await create('spare', '<ValidID>2</ValidID><UserPassword>Spare-Pass-2026</UserPassword>');
      await refused(update('<ID>spare</ID><ValidID>1</ValidID>'), 'CustomerUserUpdate.LicenceExceeded', '3 of 3 customer user licences are in use');
      await refused(create('fourth', '<ValidID>1</ValidID><UserPassword>Fourth-Pass-2026</UserPassword>'), 'CustomerUserCreate.LicenceExceeded');
      expect((await update('<ID>temp1</ID><ValidID>2</ValidID>')).data.Error).to.equal(undefined);
      expect((await update('<ID>spare</ID><ValidID>1</ValidID>')).data.CustomerUser.ValidID).to.equal('1');
    });

    it('lets an update of an already valid account through at the limit', async () => {
      expect((await update('<ID>cust2</ID><UserCity>Oslo</UserCity>')).data.CustomerUser.UserCity).to.equal('Oslo');
    });
  });

  describe('failed logins (PASSWORD_MAX_LOGIN_FAILED=3)', () => {
    it('counts failures, resets the count on success, and sets invalid-temporarily at the limit', async () => {
      await customerLogin('cust2', 'wrong-1');
      await customerLogin('cust2', 'wrong-2');
      expect((await customerLogin('cust2', 'CustPass2!')).data.SessionID).to.be.a('string');
      const prefs = () => { const db = server.db(); const p = db.prepare("SELECT preferences_value FROM customer_preferences WHERE user_id = 'cust2' AND preferences_key = 'UserLoginFailed'").get() as any; db.close(); return p?.preferences_value; };
      expect(prefs()).to.equal('0');
      for (let i = 0; i < 3; i++) await customerLogin('cust2', `wrong-${i}`);
      expect(row('cust2').valid_id).to.equal(3);
      expect((await customerLogin('cust2', 'CustPass2!')).data.Error.ErrorCode).to.equal('SessionCreate.AuthFail');
    });

    it('locks agents the same way', async () => {
      const db = openTestDatabase(server.dbPath);
      const before = (db.prepare("SELECT valid_id FROM users WHERE login = 'demo-agent'").get() as any).valid_id;
      db.close();
      expect(before).to.equal(1);
      for (let i = 0; i < 3; i++) await call(server.endpoint, 'SessionCreate', `<UserLogin>demo-agent</UserLogin><Password>bad-${i}</Password>`);
      const after = server.db();
      expect((after.prepare("SELECT valid_id FROM users WHERE login = 'demo-agent'").get() as any).valid_id).to.equal(3);
      after.close();
    });
  });
});

describe('Password expiry (PASSWORD_MAX_VALID_TIME_IN_DAYS)', function () {
  let server: RunningServer;
  before(async () => { server = await startServer({ PASSWORD_MAX_VALID_TIME_IN_DAYS: '30' }); });
  after(async () => { await server.stop(); });

  it('refuses a login whose password is older than the limit, with the plain AuthFail', async () => {
    const agent = '<UserLogin>demo-agent</UserLogin><Password>DemoAgent1!</Password>';
    await call(server.endpoint, 'CustomerUserUpdate', `${agent}<ID>cust1</ID><UserPassword>Fresh-Pass-2026</UserPassword>`);
    expect((await call(server.endpoint, 'SessionCreate', '<CustomerUserLogin>cust1</CustomerUserLogin><Password>Fresh-Pass-2026</Password>')).data.SessionID).to.be.a('string');
    const db = openTestDatabase(server.dbPath);
    db.prepare("UPDATE customer_preferences SET preferences_value = '2020-01-01 00:00:00' WHERE user_id = 'cust1' AND preferences_key = 'PasswordLastSet'").run();
    db.close();
    const r = await call(server.endpoint, 'SessionCreate', '<CustomerUserLogin>cust1</CustomerUserLogin><Password>Fresh-Pass-2026</Password>');
    expect(r.data.Error).to.deep.equal({ ErrorCode: 'SessionCreate.AuthFail', ErrorMessage: 'SessionCreate: Authorization failing!' });
  });
});
