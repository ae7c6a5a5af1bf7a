// The agent lifecycle (issue 8). Licence modules: LICENCE_MODULES gives each module a Total; UserAdd/UserUpdate
// give (Licence) and take back (RemoveLicence) modules; UserGet shows Total, InUse, Free, Assigned and CanAssign
// per module; giving one beyond the Total is LicenceExceeded, also when 50 clients ask at once. Retiring
// (Deleted) and restoring; approval of new agents (USER_ADD_APPROVAL).
import { expect } from 'chai';
import { startServer, type RunningServer } from './support/server.js';
import { call } from './support/soap.js';
import { dumpDatabase } from './support/dump.js';

const AGENT = '<UserLogin>demo-agent</UserLogin><Password>DemoAgent1!</Password>';
const list = (v: unknown) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

describe('Agent licence modules', function () {
  this.timeout(60_000);
  let server: RunningServer;
  let session: string;
  /** Agents the rush left without the module. */
  let without: string[] = [];
  const op = (operation: string, inner: string) => call(server.endpoint, operation, `<SessionID>${session}</SessionID>${inner}`);
  const agent = async (login: string, extra = '') => {
    const r = await op('UserAdd', `<Login>${login}</Login><UserFirstname>A</UserFirstname><UserLastname>${login}</UserLastname>`
      + `<UserEmail>${login}@acme-demo.test</UserEmail><ValidID>2</ValidID>${extra}`);
    expect(r.data.Error, JSON.stringify(r.data)).to.equal(undefined);
    return r.data.User;
  };
  const licences = (user: any) => Object.fromEntries(list(user.Licence).map((l: any) => [l.Module, {
    Total: Number(l.Total), InUse: Number(l.InUse), Free: Number(l.Free), Assigned: Number(l.Assigned), CanAssign: Number(l.CanAssign),
  }]));
  const held = () => (server.db().prepare("SELECT count(*) AS n FROM user_licence WHERE module = 'reporting'").get() as { n: number }).n;

  before(async () => {
    server = await startServer({ LICENCE_MODULES: 'reporting:5,customer-portal:2' });
    session = (await call(server.endpoint, 'SessionCreate', AGENT)).data.SessionID;
  });
  after(async () => { await server.stop(); });

  it('gives a module on UserAdd and shows every module with Total = InUse + Free', async () => {
    const user = await agent('analyst', '<Licence>reporting</Licence>');
    expect(licences(user)).to.deep.equal({
      reporting: { Total: 5, InUse: 1, Free: 4, Assigned: 1, CanAssign: 1 },
      'customer-portal': { Total: 2, InUse: 0, Free: 2, Assigned: 0, CanAssign: 1 },
    });
  });

  it('refuses an unknown module and a module both given and removed, changing nothing', async () => {
    for (const [inner, text] of [['<Licence>telephony</Licence>', "'telephony' does not exist"], ['<Licence>reporting</Licence><RemoveLicence>reporting</RemoveLicence>', 'both given and removed']]) {
      const before = dumpDatabase(server);
      const r = await op('UserUpdate', `<UserID>2</UserID>${inner}`);
      expect(r.data.Error.ErrorCode).to.equal('UserUpdate.InvalidParameter');
      expect(r.data.Error.ErrorMessage).to.contain(text);
      expect(dumpDatabase(server)).to.deep.equal(before);
    }
  });

  it('gives exactly the free licences when 50 clients ask at once; the rest get LicenceExceeded', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) ids.push((await agent(`rush${i}`)).UserID);
    const answers = await Promise.all(ids.map((id) => op('UserUpdate', `<UserID>${id}</UserID><Licence>reporting</Licence>`)));
    const codes = answers.map((a) => a.data.Error?.ErrorCode ?? 'ok');
    expect(codes.filter((c) => c === 'ok')).to.have.length(4);
    expect(codes.filter((c) => c === 'UserUpdate.LicenceExceeded')).to.have.length(46);
    expect(answers.find((a) => a.data.Error)!.data.Error.ErrorMessage).to.contain("'reporting': 5 of 5 licences are in use");
    expect(held()).to.equal(5);
    without = ids.filter((_, i) => answers[i].data.Error);
    const r = await op('UserGet', `<UserID>${without[0]}</UserID>`);
    expect(licences(r.data.User).reporting).to.deep.equal({ Total: 5, InUse: 5, Free: 0, Assigned: 0, CanAssign: 0 });
    const withIt = answers.findIndex((a) => !a.data.Error);
    expect(licences(answers[withIt].data.User).reporting).to.include({ Assigned: 1, CanAssign: 1 });
  });

  it('frees a licence with RemoveLicence, so that another agent can have it', async () => {
    const analyst = (await op('UserGet', '<Login>analyst</Login>')).data.User;
    const freed = await op('UserUpdate', `<UserID>${analyst.UserID}</UserID><RemoveLicence>reporting</RemoveLicence>`);
    expect(licences(freed.data.User).reporting).to.deep.equal({ Total: 5, InUse: 4, Free: 1, Assigned: 0, CanAssign: 1 });
    const given = await op('UserUpdate', `<UserID>${without[0]}</UserID><Licence>reporting</Licence>`);
    expect(licences(given.data.User).reporting).to.deep.equal({ Total: 5, InUse: 5, Free: 0, Assigned: 1, CanAssign: 1 });
    expect(held()).to.equal(5);
    const refused = await op('UserUpdate', `<UserID>${without[1]}</UserID><Licence>reporting</Licence>`);
    expect(refused.data.Error.ErrorCode).to.equal('UserUpdate.LicenceExceeded');
  });
});

describe('Agent lifecycle: retire, restore, approve', function () {
  this.timeout(60_000);
  let server: RunningServer;
  let admin: string;
  let provisioner: string;
  const op = (session: string, operation: string, inner: string) => call(server.endpoint, operation, `<SessionID>${session}</SessionID>${inner}`);
  const login = (user: string, password: string) => call(server.endpoint, 'SessionCreate', `<UserLogin>${user}</UserLogin><Password>${password}</Password>`);

  before(async () => {
    server = await startServer({ LICENCE_MODULES: 'reporting:5', USER_ADD_APPROVAL: '1', USER_ADMIN_GROUPS: 'admin,users', USER_APPROVER_GROUPS: 'admin' });
    admin = (await login('demo-agent', 'DemoAgent1!')).data.SessionID;
    // An integration's account: may manage agents (rw in users), may not approve them (not in admin).
    const r = await op(admin, 'UserAdd', '<Login>hr-sync</Login><UserFirstname>HR</UserFirstname><UserLastname>Sync</UserLastname><UserEmail>hr@acme-demo.test</UserEmail>'
      + '<ValidID>1</ValidID><UserPassword>Hr-Sync-2026</UserPassword><Group><Name>users</Name><Permission>rw</Permission></Group>');
    expect(r.data.User.WaitingForApproval).to.equal('1');
    expect((await op(admin, 'UserUpdate', `<UserID>${r.data.UserID}</UserID><WaitingForApproval>0</WaitingForApproval><ValidID>1</ValidID>`)).data.User.ValidID).to.equal('1');
    provisioner = (await login('hr-sync', 'Hr-Sync-2026')).data.SessionID;
  });
  after(async () => { await server.stop(); });

  it('keeps an agent an integration adds waiting, invalid, until an approver approves it', async () => {
    const added = await op(provisioner, 'UserAdd', '<Login>newbie</Login><UserFirstname>New</UserFirstname><UserLastname>Bie</UserLastname>'
      + '<UserEmail>newbie@acme-demo.test</UserEmail><ValidID>1</ValidID><UserPassword>Newbie-Pass-1</UserPassword>');
    expect(added.data.User).to.include({ ValidID: '2', WaitingForApproval: '1' });
    const id = added.data.UserID;
    expect((await login('newbie', 'Newbie-Pass-1')).data.Error.ErrorCode).to.equal('SessionCreate.AuthFail');
    expect((await op(provisioner, 'UserUpdate', `<UserID>${id}</UserID><ValidID>1</ValidID>`)).data.Error.ErrorCode).to.equal('UserUpdate.CannotActivate');
    const denied = await op(provisioner, 'UserUpdate', `<UserID>${id}</UserID><WaitingForApproval>0</WaitingForApproval>`);
    expect(denied.data.Error.ErrorCode).to.equal('UserUpdate.AccessDenied');
    const approved = await op(admin, 'UserUpdate', `<UserID>${id}</UserID><WaitingForApproval>0</WaitingForApproval><ValidID>1</ValidID>`);
    expect(approved.data.User).to.include({ ValidID: '1', WaitingForApproval: '0' });
    expect((await login('newbie', 'Newbie-Pass-1')).data.SessionID).to.match(/^[A-Za-z0-9]{32}$/);
  });

  it('retires an agent: invalid, no licences, cannot log in, left out of searches unless asked; restores it', async () => {
    const id = (await op(admin, 'UserGet', '<Login>newbie</Login>')).data.User.UserID;
    expect((await op(admin, 'UserUpdate', `<UserID>${id}</UserID><Licence>reporting</Licence>`)).data.Error).to.equal(undefined);
    const retired = await op(admin, 'UserUpdate', `<UserID>${id}</UserID><Deleted>1</Deleted><DeletedReason>left the company</DeletedReason>`);
    expect(retired.data.User).to.include({ ValidID: '2', Deleted: '1', DeletedReason: 'left the company' });
    expect(list(retired.data.User.Licence)[0]).to.include({ Module: 'reporting', Assigned: '0', InUse: '0', Free: '5' });
    expect((await login('newbie', 'Newbie-Pass-1')).data.Error.ErrorCode).to.equal('SessionCreate.AuthFail');
    const search = async (extra: string) => list((await op(admin, 'UserSearch', `<Login>newbie</Login><Valid>0</Valid>${extra}`)).data?.UserID);
    expect(await search('')).to.deep.equal([]);
    expect(await search('<IncludeDeleted>1</IncludeDeleted>')).to.deep.equal([id]);
    for (const [inner, code] of [['<ValidID>1</ValidID>', 'UserUpdate.CannotActivate'], ['<Licence>reporting</Licence>', 'UserUpdate.InvalidParameter']]) {
      const before = dumpDatabase(server);
      expect((await op(admin, 'UserUpdate', `<UserID>${id}</UserID>${inner}`)).data.Error.ErrorCode).to.equal(code);
      const after = dumpDatabase(server);
      delete before.sessions; delete after.sessions;
      expect(after).to.deep.equal(before);
    }
    const restored = await op(admin, 'UserUpdate', `<UserID>${id}</UserID><Deleted>0</Deleted>`);
    expect(restored.data.User).to.include({ ValidID: '2', Deleted: '0' });
    expect(restored.data.User.DeletedReason).to.equal(undefined);
    expect(await search('')).to.deep.equal([id]);
    expect((await op(admin, 'UserUpdate', `<UserID>${id}</UserID><ValidID>1</ValidID>`)).data.User.ValidID).to.equal('1');
    expect((await login('newbie', 'Newbie-Pass-1')).data.SessionID).to.match(/^[A-Za-z0-9]{32}$/);
  });

  it('records UserLastLogin at each successful login', async () => {
    const before = Math.floor(Date.now() / 1000);
    await login('newbie', 'Newbie-Pass-1');
    const user = (await op(admin, 'UserGet', '<Login>newbie</Login>')).data.User;
    expect(Number(user.UserLastLogin)).to.be.at.least(before);
    expect(user.UserLastLoginTimestamp).to.match(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  });
});
