// Agents' main group, what their roles grant, and the GIExtension add-on's request form (issue 8.1, 8.2), with raw
// envelopes against a real server. Roles are set up in the database as OTRS holds them (roles, group_role with
// permission_value 1): a role's groups count in permission checks, as OTRS's PermissionUserGet merges them.
import { expect } from 'chai';
import { openTestDatabase } from './support/database.js';
import { startServer, type RunningServer } from './support/server.js';
import { call } from './support/soap.js';
import { dumpDatabase } from './support/dump.js';

const AGENT = '<UserLogin>demo-agent</UserLogin><Password>DemoAgent1!</Password>';
const T = '2026-01-01 00:00:00';
const NIL = 'xsi:nil="true" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';

describe("Agents' main group, their roles' groups, and the GIExtension form", function () {
  let server: RunningServer;
  let session: string;
  const op = (operation: string, inner: string, credentials = `<SessionID>${session}</SessionID>`) => call(server.endpoint, operation, credentials + inner);
  const newAgent = (login: string, extra = '') => op('UserAdd', `<Login>${login}</Login><UserFirstname>A</UserFirstname><UserLastname>B</UserLastname>
    <UserEmail>${login}@acme-demo.test</UserEmail><ValidID>1</ValidID><UserPassword>Pass-2026-xyz</UserPassword>${extra}`);

  before(async () => {
    server = await startServer();
    session = (await call(server.endpoint, 'SessionCreate', AGENT)).data.SessionID;
    const db = openTestDatabase(server.dbPath);
    try {
      const group = (name: string) => (db.prepare('SELECT id FROM groups WHERE name = ?').get(name) as { id: number }).id;
      const role = (name: string, validId: number) => Number(db.prepare(`INSERT INTO roles (name, comments, valid_id, create_time, create_by, change_time, change_by)
        VALUES (?, NULL, ?, ?, 1, ?, 1)`).run(name, validId, T, T).lastInsertRowid);
      const grant = db.prepare(`INSERT INTO group_role (role_id, group_id, permission_key, permission_value, create_time, create_by, change_time, change_by)
        VALUES (?, ?, ?, ?, ?, 1, ?, 1)`);
      const admins = role('Admins', 1);
      grant.run(admins, group('admin'), 'rw', 1, T, T);
      grant.run(admins, group('admin'), 'ro', 1, T, T);
      grant.run(admins, group('users'), 'move_into', 0, T, T);   // permission_value 0: not granted
      const retired = role('Retired admins', 2);
      grant.run(retired, group('admin'), 'rw', 1, T, T);
    } finally { db.close(); }
  });
  after(async () => { await server.stop(); });

  describe('MainGroup', () => {
    it('is one of the groups given, and shows in the record', async () => {
      const r = await newAgent('main-1', '<Group><Name>users</Name><Permission>rw</Permission></Group><Group><Name>stats</Name><Permission>ro</Permission></Group><MainGroup>users</MainGroup>');
      expect(r.data.Error, JSON.stringify(r.data)).to.equal(undefined);
      expect(r.data.User.MainGroup).to.equal('users');
      expect(r.data.User.Group.map((g: { Name: string }) => g.Name)).to.deep.equal(['stats', 'users']);
    });

    it('must be a group the agent holds after the request: anything else changes nothing', async () => {
      const before = dumpDatabase(server);
      const add = await newAgent('main-2', '<Group><Name>users</Name><Permission>ro</Permission></Group><MainGroup>stats</MainGroup>');
      expect(add.data.Error).to.deep.equal({ ErrorCode: 'UserAdd.InvalidParameter', ErrorMessage: "UserAdd: MainGroup 'stats' is not one of the agent's groups (give it in Group)!" });
      const id = (await op('UserGet', '<Login>main-1</Login>')).data.User.UserID;
      const update = await op('UserUpdate', `<UserID>${id}</UserID><RemoveGroup>stats</RemoveGroup><MainGroup>stats</MainGroup>`);
      expect(update.data.Error.ErrorCode).to.equal('UserUpdate.InvalidParameter');
      expect(dumpDatabase(server)).to.deep.equal(before);
    });

    it('is removed only by naming another main group (or none), never as a side effect of RemoveGroup', async () => {
      const id = (await op('UserGet', '<Login>main-1</Login>')).data.User.UserID;
      const refused = await op('UserUpdate', `<UserID>${id}</UserID><RemoveGroup>users</RemoveGroup>`);
      expect(refused.data.Error).to.deep.equal({
        ErrorCode: 'UserUpdate.InvalidParameter',
        ErrorMessage: "UserUpdate: Group 'users' is the agent's MainGroup: name another MainGroup (or send it empty) to remove it!",
      });
      const moved = await op('UserUpdate', `<UserID>${id}</UserID><RemoveGroup>users</RemoveGroup><MainGroup>stats</MainGroup>`);
      expect(moved.data.User.MainGroup).to.equal('stats');
      expect(moved.data.User.Group).to.deep.equal({ Name: 'stats', Permission: 'ro' });
      const cleared = await op('UserUpdate', `<UserID>${id}</UserID><MainGroup ${NIL}/>`);
      expect(cleared.data.User).not.to.have.property('MainGroup');
      expect(cleared.data.User.Group).to.deep.equal({ Name: 'stats', Permission: 'ro' });
    });
  });

  describe("roles' groups", () => {
    it('are shown per role in RoleGroup, only what valid roles grant in valid groups with permission_value 1', async () => {
      const r = await newAgent('role-admin', '<Role>Admins</Role><Role>Retired admins</Role>');
      expect(r.data.User.Role).to.deep.equal(['Admins', 'Retired admins']);
      expect(r.data.User.RoleGroup).to.deep.equal({ Name: 'admin', Permission: ['ro', 'rw'], Role: 'Admins' });
      expect(r.data.User).not.to.have.property('Group');
    });

    it('count in permission checks: rw in admin through a role lets an agent manage agents, until the role is taken away', async () => {
      const credentials = '<UserLogin>role-admin</UserLogin><Password>Pass-2026-xyz</Password>';
      const allowed = await op('UserGet', '<Login>main-1</Login>', credentials);
      expect(allowed.data.User.UserLogin).to.equal('main-1');
      const id = (await op('UserGet', '<Login>role-admin</Login>')).data.User.UserID;
      await op('UserUpdate', `<UserID>${id}</UserID><RemoveRole>Admins</RemoveRole>`);
      const denied = await op('UserGet', '<Login>main-1</Login>', credentials);
      expect(denied.data.Error).to.deep.equal({ ErrorCode: 'UserGet.AccessDenied', ErrorMessage: 'UserGet: User does not have access to read agents!' });
    });
  });

  describe('the GIExtension form (the agent inside User, its login as UserLogin)', () => {
    it('adds and updates an agent', async () => {
      const add = await op('UserAdd', `<User><UserLogin>gix-agent</UserLogin><UserFirstname>Gina</UserFirstname><UserLastname>Gix</UserLastname>
        <UserEmail>gina@acme-demo.test</UserEmail><ValidID>2</ValidID></User>`);
      expect(add.data.Error, JSON.stringify(add.data)).to.equal(undefined);
      expect(add.data.User).to.include({ UserLogin: 'gix-agent', UserFirstname: 'Gina', ValidID: '2' });
      const update = await op('UserUpdate', `<UserID>${add.data.UserID}</UserID><User><UserLogin>gix-agent-2</UserLogin><UserLastname>Gixx</UserLastname></User>`);
      expect(update.data.User).to.include({ UserLogin: 'gix-agent-2', UserLastname: 'Gixx', UserFirstname: 'Gina' });
    });

    it("answers the add-on's errors for a missing field, and refuses a field given twice, changing nothing", async () => {
      const before = dumpDatabase(server);
      const missing = await op('UserAdd', '<User><UserLogin>gix-x</UserLogin><UserFirstname>G</UserFirstname><UserLastname>X</UserLastname><ValidID>1</ValidID></User>');
      expect(missing.data.Error).to.deep.equal({ ErrorCode: 'UserAdd.MissingParameter', ErrorMessage: 'UserAdd: User->UserEmail parameter is missing!' });
      const twice = await op('UserAdd', `<Login>gix-y</Login><User><UserLogin>gix-x</UserLogin><UserFirstname>G</UserFirstname><UserLastname>X</UserLastname>
        <UserEmail>x@acme-demo.test</UserEmail><ValidID>2</ValidID></User>`);
      expect(twice.data.Error).to.deep.equal({ ErrorCode: 'UserAdd.InvalidParameter', ErrorMessage: 'UserAdd: Parameter UserLogin is given both inside User and beside it!' });
      const notMap = await op('UserUpdate', '<UserID>2</UserID><User>text</User>');
      expect(notMap.data.Error.ErrorCode).to.equal('UserUpdate.InvalidParameter');
      expect(dumpDatabase(server)).to.deep.equal(before);
    });
  });
});
