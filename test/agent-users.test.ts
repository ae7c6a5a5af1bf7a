// Agent users over the GenericInterface (issue 8, first parts): UserGet, UserSearch, UserAdd and UserUpdate with
// raw envelopes against a real server (AGENT_MAX_VALID 6: the licence pool is reached within the file). Agents are set up in the database as an OTRS installation would hold them: groups with
// permission keys, a role, preferences; only agents with rw in the admin group may read them.
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { openTestDatabase } from './support/database.js';
import { startServer, type RunningServer } from './support/server.js';
import { call } from './support/soap.js';
import { dumpDatabase } from './support/dump.js';
import { userFullname } from '../src/domain/User.js';

const AGENT = '<UserLogin>demo-agent</UserLogin><Password>DemoAgent1!</Password>';
const PLAIN = '<UserLogin>plain-agent</UserLogin><Password>PlainPass1</Password>';
/** rw in users only: may manage agents and customer users (USER_ADMIN_GROUPS admin,users), not every field. */
const LEAD = '<UserLogin>Ops-Lead</UserLogin><Password>PlainPass1</Password>';
const T = '2026-01-01 00:00:00';
const list = (v: unknown) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

describe('Agent users: UserGet, UserSearch, UserAdd, UserUpdate', function () {
  let server: RunningServer;
  let session: string;
  const ids: Record<string, number> = {};
  const as = () => `<SessionID>${session}</SessionID>`;
  const op = (operation: string, inner: string, credentials = as()) => call(server.endpoint, operation, credentials + inner);

  before(async () => {
    server = await startServer({
      // An agent becomes valid only with a password under the strict policy; OTRS's default is tested in customer-addon-forms.
      ACCOUNT_ACTIVATION: 'strict', AGENT_MAX_VALID: '6', PASSWORD_MIN_SIZE: '8', USER_ADMIN_GROUPS: 'admin,users',
      FIELD_RIGHTS: 'CustomerUser.ValidID:admin,User.UserLogin:admin,User.ValidID:admin',
    });
    session = (await call(server.endpoint, 'SessionCreate', AGENT)).data.SessionID;
    const db = openTestDatabase(server.dbPath);
    try {
      const agent = (login: string, first: string, last: string, validId: number, title: string | null = null) => Number(db.prepare(`INSERT INTO users
        (login, pw, title, first_name, last_name, valid_id, create_time, create_by, change_time, change_by) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, 1)`)
        .run(login, createHash('sha256').update('PlainPass1').digest('hex'), title, first, last, validId, T, T).lastInsertRowid);
      ids.plain = agent('plain-agent', 'Plain', 'Agent', 1);
      ids.lead = agent('Ops-Lead', 'Olivia', 'Leadbetter', 1, 'Dr.');
      ids.retired = agent('retired-agent', 'Rita', 'Retired', 2);
      const group = (name: string) => (db.prepare('SELECT id FROM groups WHERE name = ?').get(name) as { id: number }).id;
      for (const key of ['ro', 'rw']) {
        db.prepare('INSERT INTO group_user (user_id, group_id, permission_key, create_time, create_by, change_time, change_by) VALUES (?, ?, ?, ?, 1, ?, 1)').run(ids.lead, group('users'), key, T, T);
      }
      const role = (db.prepare("SELECT id FROM roles WHERE name = 'Support'").get() as { id: number }).id;   // the demo's role
      db.prepare('INSERT INTO role_user (user_id, role_id, create_time, create_by, change_time, change_by) VALUES (?, ?, ?, 1, ?, 1)').run(ids.lead, role, T, T);
      const pref = db.prepare('INSERT INTO user_preferences (user_id, preferences_key, preferences_value) VALUES (?, ?, ?)');
      pref.run(ids.lead, 'UserEmail', 'olivia@acme-demo.test');
      pref.run(ids.lead, 'UserLanguage', 'de');
      pref.run(ids.lead, 'UserTimeZone', 'Europe/Berlin');
      pref.run(ids.lead, 'UserLastLogin', '1767225600');   // 2026-01-01 00:00:00 UTC
      pref.run(ids.lead, 'UserLoginFailed', '2');
      pref.run(ids.retired, 'UserEmail', 'rita@acme-demo.test');
    } finally { db.close(); }
  });
  after(async () => { await server.stop(); });

  describe('UserGet', () => {
    it('answers the agent record by UserID: names, preferences, groups with their keys, roles; never the hash', async () => {
      const r = await op('UserGet', `<UserID>${ids.lead}</UserID>`);
      expect(r.data.Error, JSON.stringify(r.data)).to.equal(undefined);
      const user = r.data.User;
      expect(user).to.include({
        UserID: String(ids.lead), UserLogin: 'Ops-Lead', UserTitle: 'Dr.', UserFirstname: 'Olivia', UserLastname: 'Leadbetter',
        UserFullname: 'Olivia Leadbetter', UserEmail: 'olivia@acme-demo.test', UserLanguage: 'de', UserTimeZone: 'Europe/Berlin',
        UserLastLogin: '1767225600', UserLastLoginTimestamp: '2026-01-01 00:00:00', ValidID: '1',
        CreateTime: T, ChangeTime: T, CreateBy: '1', ChangeBy: '1',
      });
      expect(user.Group).to.deep.equal({ Name: 'users', Permission: ['ro', 'rw'] });
      expect(user.Role).to.equal('Support');
      expect(r.res.text).not.to.match(/UserPw|UserPassword|UserLoginFailed|[0-9a-f]{64}/);
    });

    it('finds agents by login in any case, repeated or comma-separated, skipping unknown ones and the system user', async () => {
      const r = await op('UserGet', '<Login>ops-lead, nobody</Login><Login>DEMO-AGENT</Login><UserID>1</UserID>');
      expect(list(r.data.User).map((u: any) => u.UserLogin)).to.deep.equal(['Ops-Lead', 'demo-agent']);
      const demo = list(r.data.User)[1];
      expect(list(demo.Group).map((g: any) => g.Name)).to.deep.equal(['admin', 'users']);
    });

    it('gives an agent without an e-mail preference its login as UserEmail, as OTRS does', async () => {
      const r = await op('UserGet', `<UserID>${ids.plain}</UserID>`);
      expect(r.data.User).to.include({ UserLogin: 'plain-agent', UserEmail: 'plain-agent' });
      expect(r.data.User.Group).to.equal(undefined);
    });

    it('answers NotFound, MissingParameter and InvalidParameter', async () => {
      expect((await op('UserGet', '<UserID>999999</UserID>')).data.Error.ErrorCode).to.equal('UserGet.NotFound');
      expect((await op('UserGet', '<Login>  </Login>')).data.Error.ErrorCode).to.equal('UserGet.MissingParameter');
      expect((await op('UserGet', '<UserID>abc</UserID>')).data.Error.ErrorCode).to.equal('UserGet.InvalidParameter');
    });
  });

  describe('UserSearch', () => {
    const found = async (inner: string) => {
      const r = await op('UserSearch', inner);
      expect(r.data?.Error, JSON.stringify(r.data)).to.equal(undefined);
      return list(r.data?.UserID).map(Number);
    };

    it('finds words in login, first or last name, any case, ANDed', async () => {
      expect(await found('<Search>olivia</Search>')).to.deep.equal([ids.lead]);
      expect(await found('<Search>LEAD olivia</Search>')).to.deep.equal([ids.lead]);
      expect(await found('<Search>agent</Search>')).to.deep.equal([(await found('<Login>demo-agent</Login>'))[0], ids.plain]);
      expect(await found('<Search>olivia plain</Search>')).to.deep.equal([]);
    });

    it('matches Login as a login pattern and PostMasterSearch as the exact e-mail address', async () => {
      expect(await found('<Login>OPS-*</Login>')).to.deep.equal([ids.lead]);
      expect(await found('<Login>ops</Login>')).to.deep.equal([]);
      expect(await found('<PostMasterSearch>OLIVIA@acme-demo.test</PostMasterSearch>')).to.deep.equal([ids.lead]);
      expect(await found('<PostMasterSearch>olivia@acme</PostMasterSearch>')).to.deep.equal([]);
    });

    it('leaves invalid agents out unless Valid is 0, honours Limit, and never finds the system user', async () => {
      expect(await found('<Search>rita</Search>')).to.deep.equal([]);
      expect(await found('<Search>rita</Search><Valid>0</Valid>')).to.deep.equal([ids.retired]);
      expect(await found('<Login>*</Login><Valid>0</Valid>')).to.have.length(5);   // with the demo's invalid night-shift
      expect(await found('<Login>*</Login><Limit>2</Limit>')).to.have.length(2);
      expect(await found('<Login>root@localhost</Login><Valid>0</Valid>')).to.deep.equal([]);
    });

    it('answers an empty response when nothing matches, and InvalidParameter for a bad Valid', async () => {
      const r = await op('UserSearch', '<Search>zzz-nobody</Search>');
      expect(r.data?.UserID).to.equal(undefined);
      expect(r.data?.Error).to.equal(undefined);
      expect((await op('UserSearch', '<Valid>2</Valid>')).data.Error.ErrorCode).to.equal('UserSearch.InvalidParameter');
    });
  });

  describe('access', () => {
    for (const operation of ['UserGet', 'UserSearch']) {
      it(`${operation}: an agent without rw in admin gets AccessDenied, a wrong password AuthFail`, async () => {
        const inner = operation === 'UserGet' ? `<UserID>${ids.lead}</UserID>` : '<Search>olivia</Search>';
        const denied = await op(operation, inner, PLAIN);
        expect(denied.data.Error.ErrorCode).to.equal(`${operation}.AccessDenied`);
        expect(denied.res.text).not.to.contain('Olivia');
        const failed = await op(operation, inner, '<UserLogin>demo-agent</UserLogin><Password>wrong</Password>');
        expect(failed.data.Error.ErrorCode).to.equal(`${operation}.AuthFail`);
      });
    }
  });

  describe('UserAdd and UserUpdate', () => {
    /** Everything stored but the sessions (reading one writes nothing, but keeps the comparison to the data). */
    const state = () => { const d = dumpDatabase(server); delete d.sessions; return d; };
    async function rejects(operation: string, inner: string, code: string, messagePart?: string) {
      const before = state();
      const r = await op(operation, inner);
      expect(r.data?.Error?.ErrorCode, JSON.stringify(r.data)).to.equal(code);
      expect(r.data.Error.ErrorMessage).to.match(new RegExp(`^${operation}: `));
      if (messagePart) expect(r.data.Error.ErrorMessage).to.contain(messagePart);
      expect(state()).to.deep.equal(before);
    }
    const newAgent = (login: string, extra = '') => `<Login>${login}</Login><UserFirstname>Nina</UserFirstname><UserLastname>Newhire</UserLastname>`
      + `<UserEmail>${login}@acme-demo.test</UserEmail>${extra}`;

    it('provisions an agent with password, preferences, groups with keys and a role; the agent can log in', async () => {
      const r = await op('UserAdd', newAgent('nina', '<ValidID>1</ValidID><UserPassword>Nina-Pass-2026</UserPassword><UserTitle>Ms.</UserTitle>'
        + '<UserLanguage>de</UserLanguage><UserTimeZone>Europe/Vienna</UserTimeZone><UserComment>from HR</UserComment>'
        + '<Group><Name>users</Name><Permission>ro</Permission><Permission>note</Permission></Group><Group><Name>stats</Name><Permission>rw</Permission></Group>'
        + '<Role>Support</Role>'));
      expect(r.data.Error, JSON.stringify(r.data)).to.equal(undefined);
      ids.nina = Number(r.data.UserID);
      expect(r.data.User).to.include({ UserID: String(ids.nina), UserLogin: 'nina', UserTitle: 'Ms.', UserFullname: 'Nina Newhire', UserEmail: 'nina@acme-demo.test',
        UserLanguage: 'de', UserTimeZone: 'Europe/Vienna', UserComment: 'from HR', ValidID: '1', CreateBy: '2', ChangeBy: '2' });
      expect(list(r.data.User.Group)).to.deep.equal([{ Name: 'stats', Permission: 'rw' }, { Name: 'users', Permission: ['note', 'ro'] }]);
      expect(r.data.User.Role).to.equal('Support');
      expect(r.res.text).not.to.contain('Nina-Pass-2026');
      const stored = server.db().prepare('SELECT pw FROM users WHERE id = ?').get(ids.nina) as { pw: string };
      expect(stored.pw).to.match(/^\$argon2id\$/);
      const login = await call(server.endpoint, 'SessionCreate', '<UserLogin>NINA</UserLogin><Password>Nina-Pass-2026</Password>');
      expect(login.data.SessionID).to.match(/^[A-Za-z0-9]{32}$/);
    });

    it('refuses, changing nothing: a login in use (any case), an unknown group, role or permission key, a group without keys', async () => {
      await rejects('UserAdd', newAgent('OPS-LEAD', '<ValidID>2</ValidID>'), 'UserAdd.LoginInUse');
      await rejects('UserAdd', newAgent('x1', '<ValidID>2</ValidID><Group><Name>nosuch</Name><Permission>ro</Permission></Group>'), 'UserAdd.InvalidParameter', "Group 'nosuch'");
      await rejects('UserAdd', newAgent('x1', '<ValidID>2</ValidID><Role>nosuch</Role>'), 'UserAdd.InvalidParameter', "Role 'nosuch'");
      await rejects('UserAdd', newAgent('x1', '<ValidID>2</ValidID><Group><Name>users</Name><Permission>admin</Permission></Group>'), 'UserAdd.InvalidParameter', "Permission 'admin'");
      await rejects('UserAdd', newAgent('x1', '<ValidID>2</ValidID><Group><Name>users</Name></Group>'), 'UserAdd.InvalidParameter', 'RemoveGroup');
      await rejects('UserAdd', newAgent('x1', '<ValidID>2</ValidID><UserTimeZone>Mars/Olympus</UserTimeZone>'), 'UserAdd.InvalidParameter', 'Mars/Olympus');
      await rejects('UserAdd', '<Login>x1</Login><UserFirstname>N</UserFirstname><UserLastname>N</UserLastname><ValidID>2</ValidID>', 'UserAdd.MissingParameter', 'UserEmail');
    });

    it('refuses to make an agent valid that cannot log in, a short password, and an invalid address while valid', async () => {
      await rejects('UserAdd', newAgent('x2', '<ValidID>1</ValidID>'), 'UserAdd.CannotActivate', 'no password is set');
      await rejects('UserAdd', newAgent('x2', '<ValidID>1</ValidID><UserPassword>short</UserPassword>'), 'UserAdd.PasswordTooShort');
      await rejects('UserAdd', '<Login>x2</Login><UserFirstname>N</UserFirstname><UserLastname>N</UserLastname><UserEmail>not-an-address</UserEmail>'
        + '<ValidID>1</ValidID><UserPassword>Long-enough-1</UserPassword>', 'UserAdd.InvalidEmail');
    });

    it('changes only what is sent; a Group entry sets that group\'s keys, other groups and roles stay', async () => {
      const r = await op('UserUpdate', `<UserID>${ids.nina}</UserID><UserLastname>Newman</UserLastname><Group><Name>users</Name><Permission>rw</Permission></Group>`);
      expect(r.data.Error, JSON.stringify(r.data)).to.equal(undefined);
      expect(r.data.User).to.include({ UserLogin: 'nina', UserFirstname: 'Nina', UserLastname: 'Newman', UserTitle: 'Ms.', UserLanguage: 'de', ValidID: '1' });
      expect(list(r.data.User.Group)).to.deep.equal([{ Name: 'stats', Permission: 'rw' }, { Name: 'users', Permission: 'rw' }]);
      expect(r.data.User.Role).to.equal('Support');
    });

    it('removes groups and roles only when named, renames the login, and clears a preference with xsi:nil', async () => {
      const r = await op('UserUpdate', `<UserID>${ids.nina}</UserID><Login>nina.newman</Login><RemoveGroup>stats</RemoveGroup><RemoveRole>Support</RemoveRole>`
        + '<UserComment xsi:nil="true"/>');
      expect(r.data.Error, JSON.stringify(r.data)).to.equal(undefined);
      expect(r.data.User.UserLogin).to.equal('nina.newman');
      expect(r.data.User.Group).to.deep.equal({ Name: 'users', Permission: 'rw' });
      expect(r.data.User.Role).to.equal(undefined);
      expect(r.data.User.UserComment).to.equal(undefined);
      await rejects('UserUpdate', `<UserID>${ids.nina}</UserID><Login>demo-agent</Login>`, 'UserUpdate.LoginInUse');
      await rejects('UserUpdate', `<UserID>${ids.nina}</UserID><Group><Name>users</Name><Permission>ro</Permission></Group><RemoveGroup>users</RemoveGroup>`, 'UserUpdate.InvalidParameter', 'both given and removed');
      await rejects('UserUpdate', '<UserID>999999</UserID><UserLastname>X</UserLastname>', 'UserUpdate.NotFound');
      await rejects('UserUpdate', '<UserID>1</UserID><UserLastname>X</UserLastname>', 'UserUpdate.NotFound');
      await rejects('UserUpdate', '<UserLastname>X</UserLastname>', 'UserUpdate.MissingParameter');
    });

    it('removing the password makes the agent invalid; making it valid again needs a password', async () => {
      const r = await op('UserUpdate', `<UserID>${ids.nina}</UserID><UserPassword xsi:nil="true"/>`);
      expect(r.data.User.ValidID).to.equal('2');
      expect((await call(server.endpoint, 'SessionCreate', '<UserLogin>nina.newman</UserLogin><Password>Nina-Pass-2026</Password>')).data.Error.ErrorCode).to.equal('SessionCreate.AuthFail');
      await rejects('UserUpdate', `<UserID>${ids.nina}</UserID><ValidID>1</ValidID>`, 'UserUpdate.CannotActivate');
      const back = await op('UserUpdate', `<UserID>${ids.nina}</UserID><ValidID>1</ValidID><UserPassword>Nina-Pass-2027</UserPassword>`);
      expect(back.data.User.ValidID, JSON.stringify(back.data)).to.equal('1');
    });

    it('keeps valid agents within AGENT_MAX_VALID, saying how many are in use of how many', async () => {
      const valid = () => (server.db().prepare('SELECT count(*) AS n FROM users WHERE valid_id = 1 AND id != 1').get() as { n: number }).n;
      while (valid() < 6) {
        const r = await op('UserAdd', newAgent(`filler${valid()}`, '<ValidID>1</ValidID><UserPassword>Filler-Pass-1</UserPassword>'));
        expect(r.data.Error, JSON.stringify(r.data)).to.equal(undefined);
      }
      await rejects('UserAdd', newAgent('one-too-many', '<ValidID>1</ValidID><UserPassword>Filler-Pass-1</UserPassword>'), 'UserAdd.LicenceExceeded', '6 of 6');
      await rejects('UserUpdate', `<UserID>${ids.retired}</UserID><ValidID>1</ValidID><UserPassword>Retired-Pass-1</UserPassword>`, 'UserUpdate.LicenceExceeded', '6 of 6');
      // An invalid agent takes no licence.
      expect((await op('UserAdd', newAgent('parked', '<ValidID>2</ValidID>'))).data.User.ValidID).to.equal('2');
      expect((await op('UserUpdate', `<UserID>${ids.nina}</UserID><ValidID>2</ValidID>`)).data.User.ValidID).to.equal('2');
      const r = await op('UserUpdate', `<UserID>${ids.retired}</UserID><ValidID>1</ValidID><UserPassword>Retired-Pass-1</UserPassword>`);
      expect(r.data.User.ValidID, JSON.stringify(r.data)).to.equal('1');
    });

    for (const operation of ['UserAdd', 'UserUpdate']) {
      it(`${operation}: an agent without rw in admin gets AccessDenied and changes nothing`, async () => {
        const before = state();
        const inner = operation === 'UserAdd' ? newAgent('sneaky', '<ValidID>2</ValidID>') : `<UserID>${ids.lead}</UserID><UserLastname>Hacked</UserLastname>`;
        const r = await op(operation, inner, PLAIN);
        expect(r.data.Error.ErrorCode).to.equal(`${operation}.AccessDenied`);
        const after = state();
        delete before.user_preferences; delete after.user_preferences;   // the plain agent's own login bookkeeping
        expect(after).to.deep.equal(before);
      });
    }
  });

  describe('partial answers (Fields), FieldProperties and field rights (FIELD_RIGHTS)', () => {
    const properties = (data: any) => Object.fromEntries(list(data.FieldProperty).map((p: any) => [p.Name, p]));

    it('returns only the fields asked for, repeated or comma-separated', async () => {
      const r = await op('UserGet', `<UserID>${ids.lead}</UserID><Fields>UserLogin, UserEmail</Fields><Fields>Role</Fields>`);
      expect(r.data.User).to.deep.equal({ UserLogin: 'Ops-Lead', UserEmail: 'olivia@acme-demo.test', Role: 'Support' });
      const c = await op('CustomerUserGet', '<CustomerUserID>cust1</CustomerUserID><Fields>UserLogin,UserCustomerID</Fields>');
      expect(c.data.CustomerUser).to.deep.equal({ UserLogin: 'cust1', UserCustomerID: 'ACME' });
      expect((await op('UserGet', `<UserID>${ids.lead}</UserID><Fields>User Login</Fields>`)).data.Error.ErrorCode).to.equal('UserGet.InvalidParameter');
    });

    it('tells per field whether the caller may read and change it, and its maximum length', async () => {
      const admin = properties((await op('UserGet', `<UserID>${ids.lead}</UserID><FieldProperties>1</FieldProperties>`)).data);
      expect(admin.UserLogin).to.deep.equal({ Name: 'UserLogin', Read: '1', Write: '1', MaxLength: '200' });
      expect(admin.UserPassword).to.deep.equal({ Name: 'UserPassword', Read: '0', Write: '1' });
      expect(admin.CreateTime).to.deep.equal({ Name: 'CreateTime', Read: '1', Write: '0' });
      const lead = properties((await call(server.endpoint, 'UserGet', `${LEAD}<UserID>${ids.lead}</UserID><FieldProperties>1</FieldProperties><Fields>UserLogin,UserLastname,ValidID</Fields>`)).data);
      expect(Object.keys(lead)).to.deep.equal(['UserLastname', 'UserLogin', 'ValidID']);
      expect([lead.UserLogin.Write, lead.ValidID.Write, lead.UserLastname.Write]).to.deep.equal(['0', '0', '1']);
      const customer = properties((await call(server.endpoint, 'CustomerUserGet', `${LEAD}<CustomerUserID>cust1</CustomerUserID><FieldProperties>1</FieldProperties>`)).data);
      expect(customer.ValidID.Write).to.equal('0');
      expect(customer.UserEmail).to.deep.equal({ Name: 'UserEmail', Read: '1', Write: '1', MaxLength: '150' });
    });

    it('refuses a field the caller may not change with AccessDenied, changing nothing; the others it may', async () => {
      const state = () => { const d = dumpDatabase(server); delete d.sessions; delete d.user_preferences; return d; };
      for (const [operation, inner] of [['UserUpdate', `<UserID>${ids.plain}</UserID><Login>renamed</Login>`], ['UserUpdate', `<UserID>${ids.plain}</UserID><ValidID>2</ValidID>`],
        ['CustomerUserUpdate', '<ID>cust2</ID><ValidID>2</ValidID>']]) {
        const before = state();
        const r = await call(server.endpoint, operation, LEAD + inner);
        expect(r.data.Error.ErrorCode, operation + inner).to.equal(`${operation}.AccessDenied`);
        expect(state()).to.deep.equal(before);
      }
      const ok = await call(server.endpoint, 'UserUpdate', `${LEAD}<UserID>${ids.plain}</UserID><UserLastname>Agentur</UserLastname><Fields>UserLastname</Fields>`);
      expect(ok.data).to.deep.equal({ UserID: String(ids.plain), User: { UserLastname: 'Agentur' } });
    });
  });

  it('writes UserFullname in each OTRS FirstnameLastnameOrder', () => {
    expect(Array.from({ length: 10 }, (_, order) => userFullname('Olivia', 'Lead', 'ol', order))).to.deep.equal([
      'Olivia Lead', 'Lead, Olivia', 'Olivia Lead (ol)', 'Lead, Olivia (ol)', '(ol) Olivia Lead',
      '(ol) Lead, Olivia', 'Lead Olivia', 'Lead Olivia (ol)', '(ol) Lead Olivia', 'LeadOlivia',
    ]);
  });
});
