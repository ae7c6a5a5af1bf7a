// Licence modules for agents (issue 8): LICENCE_MODULES gives each module a Total; UserAdd/UserUpdate give
// (Licence) and take back (RemoveLicence) modules; UserGet shows Total, InUse, Free, Assigned and CanAssign per
// module. Giving one beyond the Total is LicenceExceeded, also when 50 clients ask at once.
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
