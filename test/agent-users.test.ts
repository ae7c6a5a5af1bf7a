// Agent users over the GenericInterface (issue 8, first part): UserGet and UserSearch with raw envelopes against
// a real server. Agents are set up in the database as an OTRS installation would hold them: groups with
// permission keys, a role, preferences; only agents with rw in the admin group may read them.
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { startServer, type RunningServer } from './support/server.js';
import { call } from './support/soap.js';
import { userFullname } from '../src/domain/User.js';

const AGENT = '<UserLogin>demo-agent</UserLogin><Password>DemoAgent1!</Password>';
const PLAIN = '<UserLogin>plain-agent</UserLogin><Password>PlainPass1</Password>';
const T = '2026-01-01 00:00:00';
const list = (v: unknown) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

describe('Agent users: UserGet and UserSearch', function () {
  let server: RunningServer;
  let session: string;
  const ids: Record<string, number> = {};
  const as = () => `<SessionID>${session}</SessionID>`;
  const op = (operation: string, inner: string, credentials = as()) => call(server.endpoint, operation, credentials + inner);

  before(async () => {
    server = await startServer();
    session = (await call(server.endpoint, 'SessionCreate', AGENT)).data.SessionID;
    const db = new Database(server.dbPath);
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
      const role = Number(db.prepare("INSERT INTO roles (name, comments, valid_id, create_time, create_by, change_time, change_by) VALUES ('Support', NULL, 1, ?, 1, ?, 1)").run(T, T).lastInsertRowid);
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
      expect(await found('<Login>*</Login><Valid>0</Valid>')).to.have.length(4);
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

  it('writes UserFullname in each OTRS FirstnameLastnameOrder', () => {
    expect(Array.from({ length: 10 }, (_, order) => userFullname('Olivia', 'Lead', 'ol', order))).to.deep.equal([
      'Olivia Lead', 'Lead, Olivia', 'Olivia Lead (ol)', 'Lead, Olivia (ol)', '(ol) Olivia Lead',
      '(ol) Lead, Olivia', 'Lead Olivia', 'Lead Olivia (ol)', '(ol) Lead Olivia', 'LeadOlivia',
    ]);
  });
});
