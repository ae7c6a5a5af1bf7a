// CustomerUserCreate (and its alias CustomerUserAdd), CustomerUserGet and CustomerUserSearch: the OTRS 8
// contracts, each error code, and a database left byte for byte unchanged by every rejected request.
import { expect } from 'chai';
import { startServer, type RunningServer } from './support/server.js';
import { call } from './support/soap.js';
import { dumpDatabase } from './support/dump.js';

const newUser = (login: string, extra = '') => `<CustomerUserLogin>${login}</CustomerUserLogin><UserFirstname>Nina</UserFirstname><UserLastname>Neu</UserLastname>`
  + `<UserEmail>${login}@acme-demo.test</UserEmail><UserCustomerID>ACME</UserCustomerID><ValidID>1</ValidID><UserPassword>Welcome-2026</UserPassword>${extra}`;

describe('CustomerUserCreate, CustomerUserGet, CustomerUserSearch', function () {
  let server: RunningServer;
  let session: string;
  const as = () => `<SessionID>${session}</SessionID>`;
  before(async () => {
    server = await startServer();
    session = (await call(server.endpoint, 'SessionCreate', '<UserLogin>demo-agent</UserLogin><Password>DemoAgent1!</Password>')).data.SessionID;
  });
  after(async () => { await server.stop(); });

  describe('CustomerUserCreate', () => {
    it('creates a customer user with dynamic fields and preferences and answers UserLogin and the record', async () => {
      const r = await call(server.endpoint, 'CustomerUserCreate', as() + newUser('nina',
        '<UserTitle>Dr.</UserTitle><DynamicField><Name>Skills</Name><Value>SQL</Value><Value>TypeScript</Value></DynamicField>'
        + '<UserPreferences><Key>TimeZone</Key><Value>Europe/Lisbon</Value></UserPreferences>'));
      expect(r.res.status).to.equal(200);
      expect(r.data.Error).to.equal(undefined);
      expect(r.data.UserLogin).to.equal('nina');
      const rec = r.data.CustomerUser;
      expect(rec).to.include({ UserLogin: 'nina', UserID: 'nina', UserFullname: 'Dr. Nina Neu', UserCustomerID: 'ACME', CustomerCompanyName: 'ACME Inc.', ValidID: '1', Source: 'CustomerUser', CreateBy: '2', ChangeBy: '2', UserTimeZone: 'Europe/Lisbon' });
      expect(rec.DynamicField_Skills).to.deep.equal(['SQL', 'TypeScript']);
      expect(rec.PasswordLastSet).to.match(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
      expect(rec).not.to.have.property('UserPassword');
      const login = await call(server.endpoint, 'SessionCreate', '<CustomerUserLogin>nina</CustomerUserLogin><Password>Welcome-2026</Password>');
      expect(login.data.SessionID).to.match(/^[A-Za-z0-9]{32}$/);
    });

    it('answers the add-on spelling CustomerUserAdd, in the add-on\'s nested form too, with its own error prefix', async () => {
      const r = await call(server.endpoint, 'CustomerUserAdd', as() + '<CustomerUser><UserLogin>nested</UserLogin><UserFirstname>Ned</UserFirstname><UserLastname>Nest</UserLastname>'
        + '<UserEmail>nested@acme-demo.test</UserEmail><UserCustomerID>ACME</UserCustomerID><ValidID>2</ValidID></CustomerUser>');
      expect(r.data.Error).to.equal(undefined);
      expect(r.data.UserLogin).to.equal('nested');
      expect(r.data.CustomerUser.ValidID).to.equal('2');
      const dup = await call(server.endpoint, 'CustomerUserAdd', as() + newUser('NESTED'));
      expect(dup.data.Error.ErrorCode).to.equal('CustomerUserAdd.LoginInUse');
    });

    it('creates an invalid customer user without password and with an unknown company (nothing to activate)', async () => {
      const r = await call(server.endpoint, 'CustomerUserCreate', as() + '<CustomerUserLogin>draft</CustomerUserLogin><UserFirstname>D</UserFirstname><UserLastname>Raft</UserLastname>'
        + '<UserEmail>draft@example.com</UserEmail><UserCustomerID>NOPE</UserCustomerID><ValidID>2</ValidID>');
      expect(r.data.Error).to.equal(undefined);
      expect(r.data.CustomerUser.ValidID).to.equal('2');
      const db = server.db();
      expect((db.prepare("SELECT pw FROM customer_user WHERE login = 'draft'").get() as any).pw).to.equal(null);
      db.close();
    });

    const rejected: Array<[string, string, string, string?]> = [
      ['no CustomerUserLogin', newUser('x').replace('<CustomerUserLogin>x</CustomerUserLogin>', ''), 'MissingParameter', 'CustomerUserLogin parameter is missing'],
      ['no UserFirstname', newUser('x1').replace('<UserFirstname>Nina</UserFirstname>', ''), 'MissingParameter', 'UserFirstname'],
      ['no UserLastname', newUser('x2').replace('<UserLastname>Neu</UserLastname>', ''), 'MissingParameter', 'UserLastname'],
      ['no UserEmail', newUser('x3').replace('<UserEmail>x3@acme-demo.test</UserEmail>', ''), 'MissingParameter', 'UserEmail'],
      ['no UserCustomerID', newUser('x4').replace('<UserCustomerID>ACME</UserCustomerID>', ''), 'MissingParameter', 'UserCustomerID'],
      ['no ValidID', newUser('x5').replace('<ValidID>1</ValidID>', ''), 'MissingParameter', 'ValidID'],
      ['an existing login, in other case', newUser('CUST1'), 'LoginInUse', "'CUST1'"],
      ['an address in use', newUser('x6').replace('x6@acme-demo.test', 'cust2@acme-demo.test'), 'EmailInUse'],
      ['an invalid address', newUser('x7').replace('x7@acme-demo.test', 'x7@@acme'), 'InvalidEmail', 'Invalid syntax'],
      ['ValidID 9', newUser('x8').replace('<ValidID>1</ValidID>', '<ValidID>9</ValidID>'), 'InvalidValidID'],
      ['another Source', newUser('x9', '<Source>CustomerUser1</Source>'), 'InvalidParameter', 'Source'],
      ['an unknown multiselect value', newUser('x12', '<DynamicField><Name>Skills</Name><Value>COBOL</Value></DynamicField>'), 'InvalidParameter', 'Skills'],
    ];
    for (const [what, inner, reason, part] of rejected) {
      it(`refuses ${what} with CustomerUserCreate.${reason} and changes nothing`, async () => {
        const before = dumpDatabase(server);
        const r = await call(server.endpoint, 'CustomerUserCreate', as() + inner);
        expect(r.res.status).to.equal(200);
        expect(r.data.Error?.ErrorCode, JSON.stringify(r.data)).to.equal(`CustomerUserCreate.${reason}`);
        if (part) expect(r.data.Error.ErrorMessage).to.contain(part);
        expect(dumpDatabase(server)).to.deep.equal(before);
      });
    }

    it('refuses callers without the right: AuthFail and AccessDenied', async () => {
      const before = dumpDatabase(server);
      const bad = await call(server.endpoint, 'CustomerUserCreate', '<SessionID>nope</SessionID>' + newUser('z1'));
      expect(bad.data.Error.ErrorCode).to.equal('CustomerUserCreate.AuthFail');
      const customer = (await call(server.endpoint, 'SessionCreate', '<CustomerUserLogin>cust1</CustomerUserLogin><Password>CustPass1!</Password>')).data.SessionID;
      const snapshot = dumpDatabase(server);
      const denied = await call(server.endpoint, 'CustomerUserCreate', `<SessionID>${customer}</SessionID>` + newUser('z2'));
      expect(denied.data.Error.ErrorCode).to.equal('CustomerUserCreate.AccessDenied');
      expect(dumpDatabase(server)).to.deep.equal(snapshot);
      expect(dumpDatabase(server).customer_user).to.deep.equal(before.customer_user);
    });
  });

  describe('CustomerUserGet', () => {
    it('returns several records (repeated or comma-separated IDs), skips unknown ones, dynamic fields only on request', async () => {
      await call(server.endpoint, 'CustomerUserUpdate', as() + '<ID>cust2</ID><DynamicField><Name>Department</Name><Value>Ops</Value></DynamicField>');
      const r = await call(server.endpoint, 'CustomerUserGet', as() + '<CustomerUserID>cust1,ghost</CustomerUserID><CustomerUserID>CUST2</CustomerUserID>');
      expect(r.data.CustomerUser.map((c: any) => c.UserLogin)).to.deep.equal(['cust1', 'cust2']);
      expect(r.data.CustomerUser[1]).not.to.have.property('DynamicField_Department');
      const withFields = await call(server.endpoint, 'CustomerUserGet', as() + '<CustomerUserID>cust2</CustomerUserID><DynamicFields>1</DynamicFields>');
      expect(withFields.data.CustomerUser.DynamicField_Department).to.equal('Ops');
      expect(withFields.data.CustomerUser).not.to.have.property('UserPassword');
    });

    it('answers NotFound when no ID matches, MissingParameter without IDs', async () => {
      const none = await call(server.endpoint, 'CustomerUserGet', as() + '<CustomerUserID>ghost</CustomerUserID>');
      expect(none.data.Error.ErrorCode).to.equal('CustomerUserGet.NotFound');
      const missing = await call(server.endpoint, 'CustomerUserGet', as() + '<DynamicFields>1</DynamicFields>');
      expect(missing.data.Error.ErrorCode).to.equal('CustomerUserGet.MissingParameter');
    });
  });

  describe('CustomerUserSearch', () => {
    before(async () => {
      for (const login of ['search_a1', 'search_a2', 'search%b', 'SEARCH_C']) {
        await call(server.endpoint, 'CustomerUserCreate', as() + newUser(login).replace(`${login}@acme-demo.test`, `${login.replace('%', 'pct')}@acme-demo.test`)
          .replace('<UserCustomerID>ACME</UserCustomerID>', `<UserCustomerID>${login === 'search_a2' ? 'OTHER' : 'ACME'}</UserCustomerID>`)
          .replace('<ValidID>1</ValidID>', `<ValidID>${login === 'search_a2' ? 2 : 1}</ValidID>`));
      }
    });
    const search = async (inner: string) => (await call(server.endpoint, 'CustomerUserSearch', as() + inner)).data;

    it('matches a prefix with *, case-insensitively, valid only by default, login descending', async () => {
      expect((await search('<CustomerUserLogin>search*</CustomerUserLogin>')).CustomerUserID).to.deep.equal(['search_a1', 'search%b', 'SEARCH_C']
        .sort().reverse());
      expect((await search('<CustomerUserLogin>search*</CustomerUserLogin><Valid>0</Valid>')).CustomerUserID).to.include('search_a2');
    });

    it('matches exactly without *, anywhere with *x*, and takes % and _ literally', async () => {
      expect((await search('<CustomerUserLogin>Search_A1</CustomerUserLogin>')).CustomerUserID).to.equal('search_a1');
      expect((await search('<CustomerUserLogin>*%b</CustomerUserLogin>')).CustomerUserID).to.equal('search%b');
      expect((await search('<CustomerUserLogin>search_*</CustomerUserLogin>')).CustomerUserID).to.deep.equal(['search_a1', 'SEARCH_C'].sort().reverse());
    });

    it('ANDs criteria, sorts by SortBy/OrderBy pairs and applies Limit', async () => {
      const r = await search('<CustomerUserLogin>*</CustomerUserLogin><UserLastname>neu</UserLastname><UserCustomerID>ACME</UserCustomerID><SortBy>UserLogin</SortBy><OrderBy>Up</OrderBy><Limit>2</Limit>');
      expect(r.CustomerUserID).to.deep.equal(['nina', 'SEARCH_C'].sort().slice(0, 2));
    });

    it('answers the nil response element when nothing matches, and InvalidParameter for an unknown SortBy', async () => {
      const r = await call(server.endpoint, 'CustomerUserSearch', as() + '<CustomerUserLogin>zzz*</CustomerUserLogin>');
      expect(r.res.text).to.contain('<CustomerUserSearchResponse xmlns="http://www.otrs.org/TicketConnector/" xsi:nil="true" />');
      const bad = await search('<SortBy>UserPassword</SortBy>');
      expect(bad.Error.ErrorCode).to.equal('CustomerUserSearch.InvalidParameter');
    });
  });
});

describe('Case-insensitive logins beyond ASCII', function () {
  let server: RunningServer;
  before(async () => { server = await startServer(); });
  after(async () => { await server.stop(); });

  it('finds Müller as MÜLLER, refuses MÜLLER as a second login, and searches mü*', async () => {
    const agent = '<UserLogin>demo-agent</UserLogin><Password>DemoAgent1!</Password>';
    const user = (login: string) => `${agent}<CustomerUserLogin>${login}</CustomerUserLogin><UserFirstname>M</UserFirstname><UserLastname>M</UserLastname>`
      + `<UserEmail>${login === 'Müller' ? 'mueller' : 'mueller2'}@acme-demo.test</UserEmail><UserCustomerID>ACME</UserCustomerID><ValidID>2</ValidID>`;
    expect((await call(server.endpoint, 'CustomerUserCreate', user('Müller'))).data.UserLogin).to.equal('Müller');
    expect((await call(server.endpoint, 'CustomerUserCreate', user('MÜLLER'))).data.Error.ErrorCode).to.equal('CustomerUserCreate.LoginInUse');
    expect((await call(server.endpoint, 'CustomerUserUpdate', `${agent}<ID>MÜLLER</ID><UserCity>Zürich</UserCity>`)).data.ID).to.equal('Müller');
    expect((await call(server.endpoint, 'CustomerUserSearch', `${agent}<CustomerUserLogin>MÜ*</CustomerUserLogin><Valid>0</Valid>`)).data.CustomerUserID).to.equal('Müller');
  });
});
