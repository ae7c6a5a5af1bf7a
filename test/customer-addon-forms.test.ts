// The request forms of the two public customer add-ons (issue 15), as their clients send them: GIExtension
// (criteria in `Search`, records nested in `CustomerUser`, answers `CustomerUser`) and otrs-gi-customer-operation
// (criteria in `SearchDetail`, answers `CustomerUserIDs` / `CustomerIDs`); OTRS's own behaviour for a create
// without a password, the strict activation policy beside it; and the bounds on every search input.
import { expect } from 'chai';
import { startServer, type RunningServer } from './support/server.js';
import { call } from './support/soap.js';
import { dumpDatabase } from './support/dump.js';

const agent = '<UserLogin>demo-agent</UserLogin><Password>DemoAgent1!</Password>';

describe('Customer add-on request forms', function () {
  let server: RunningServer;
  let session: string;
  const as = () => `<SessionID>${session}</SessionID>`;
  const op = (name: string, inner: string) => call(server.endpoint, name, inner);
  const code = (r: { data: any }) => r.data.Error?.ErrorCode;
  const row = (sql: string, ...args: unknown[]) => { const db = server.db(); try { return db.prepare(sql).get(...args) as any; } finally { db.close(); } };

  before(async () => {
    server = await startServer();
    session = (await op('SessionCreate', agent)).data.SessionID;
    // A second company and its customer user, so that an unfiltered search would show.
    expect(code(await op('CustomerCompanyCreate', as() + '<CustomerID>Globex</CustomerID><CustomerCompanyName>Globex Corporation</CustomerCompanyName><CustomerCompanyCity>Cypress Creek</CustomerCompanyCity><ValidID>1</ValidID>'))).to.equal(undefined);
    expect(code(await op('CustomerUserCreate', as() + '<CustomerUserLogin>hank</CustomerUserLogin><UserFirstname>Hank</UserFirstname><UserLastname>Scorpio</UserLastname>'
      + '<UserEmail>hank@globex-demo.test</UserEmail><UserCustomerID>Globex</UserCustomerID><ValidID>1</ValidID><UserPassword>Hank-2026</UserPassword>'))).to.equal(undefined);
  });
  after(async () => { await server.stop(); });

  describe('CustomerUserSearch', () => {
    it('applies GIExtension Search criteria and answers the list as CustomerUser (no unfiltered list)', async () => {
      const r = await op('CustomerUserSearch', as() + '<Search><UserEmail>cust1*</UserEmail></Search>');
      expect(code(r)).to.equal(undefined);
      expect(r.data.CustomerUser).to.equal('cust1');
      expect(r.data).not.to.have.property('CustomerUserID');
      const two = await op('CustomerUserSearch', agent + '<Search><UserCustomerID> ACME </UserCustomerID></Search>');
      expect(two.data.CustomerUser).to.deep.equal(['cust2', 'cust1']);
    });

    it('applies otrs-gi-customer-operation SearchDetail criteria, with the backend keys, and answers CustomerUserIDs', async () => {
      const r = await op('CustomerUserSearch', as() + '<SearchDetail><UserLogin>*</UserLogin><UserLastname>sc*</UserLastname></SearchDetail>');
      expect(r.data.CustomerUserIDs).to.equal('hank');
      const sorted = await op('CustomerUserSearch', as() + '<SearchDetail><UserCustomerID>acme</UserCustomerID><OrderBy>UserLogin</OrderBy><OrderByDirection>Up</OrderByDirection></SearchDetail>');
      expect(sorted.data.CustomerUserIDs).to.deep.equal(['cust1', 'cust2']);
      const none = await op('CustomerUserSearch', as() + '<SearchDetail><UserEmail>nobody*</UserEmail></SearchDetail>');
      expect(code(none)).to.equal(undefined);
      expect(none.res.text).to.contain('<CustomerUserSearchResponse xmlns="http://www.otrs.org/TicketConnector/" xsi:nil="true"');
    });

    it('refuses a search key it does not understand, in every form, instead of ignoring it', async () => {
      for (const inner of ['<Search><UserMail>cust1*</UserMail></Search>', '<SearchDetail><DynamicField_Department><Equals>Sales</Equals></DynamicField_Department></SearchDetail>',
        '<UserCity>Berlin</UserCity>', '<Search><UserEmail>cust1*</UserEmail></Search><UserLastname>x</UserLastname>']) {
        const r = await op('CustomerUserSearch', as() + inner);
        expect(code(r), inner).to.equal('CustomerUserSearch.InvalidParameter');
        expect(r.data).not.to.have.property('CustomerUser');
      }
      expect(code(await op('CustomerUserSearch', as() + '<Search></Search>'))).to.equal('CustomerUserSearch.MissingParameter');
    });
  });

  describe('CustomerCompanySearch', () => {
    it('applies GIExtension Search criteria (any company field) and answers CustomerCompany', async () => {
      const r = await op('CustomerCompanySearch', as() + '<Search><CustomerCompanyCity>cypress*</CustomerCompanyCity></Search>');
      expect(code(r)).to.equal(undefined);
      expect(r.data.CustomerCompany).to.equal('Globex');
    });

    it('applies SearchDetail criteria and answers CustomerIDs', async () => {
      const r = await op('CustomerCompanySearch', as() + '<SearchDetail><CustomerCompanyName>acme*</CustomerCompanyName></SearchDetail>');
      expect(r.data.CustomerIDs).to.equal('ACME');
      const sorted = await op('CustomerCompanySearch', as() + '<SearchDetail><CustomerID>*</CustomerID><SortBy>CustomerID</SortBy><OrderBy>Up</OrderBy></SearchDetail>');
      expect(sorted.data.CustomerIDs).to.deep.equal(['ACME', 'Globex']);
    });

    it('refuses an unknown search key', async () => {
      expect(code(await op('CustomerCompanySearch', as() + '<Search><CompanyName>acme</CompanyName></Search>'))).to.equal('CustomerCompanySearch.InvalidParameter');
      expect(code(await op('CustomerCompanySearch', as() + '<CustomerCompanyCity>x</CustomerCompanyCity>'))).to.equal('CustomerCompanySearch.InvalidParameter');
    });
  });

  describe('CustomerUserUpdate in the add-on form', () => {
    it('accepts CustomerUserID with the changes inside CustomerUser, changing only what is sent', async () => {
      const r = await op('CustomerUserUpdate', as() + '<CustomerUserID>cust2</CustomerUserID><CustomerUser><UserFirstname>Christa</UserFirstname></CustomerUser>');
      expect(code(r)).to.equal(undefined);
      expect(r.data.CustomerUserID).to.equal('cust2');
      expect(r.data.CustomerUser.UserFirstname).to.equal('Christa');
      expect(row("SELECT first_name, last_name, email FROM customer_user WHERE login = 'cust2'")).to.deep.equal({ first_name: 'Christa', last_name: 'Client', email: 'cust2@acme-demo.test' });
    });

    it('renames by CustomerUser->UserLogin and sets CustomerUser->Password as the account password', async () => {
      const r = await op('CustomerUserUpdate', agent + '<CustomerUserID>hank</CustomerUserID><CustomerUser><UserLogin>hank.s</UserLogin><Password>New-Hank-1</Password></CustomerUser>');
      expect(code(r)).to.equal(undefined);
      expect(r.data.CustomerUserID).to.equal('hank.s');
      expect((await op('SessionCreate', '<CustomerUserLogin>hank.s</CustomerUserLogin><Password>New-Hank-1</Password>')).data.SessionID).to.match(/^[A-Za-z0-9]{32}$/);
    });

    it('a failed add-on update changes nothing', async () => {
      const before = await dumpDatabase(server);
      expect(code(await op('CustomerUserUpdate', as() + '<CustomerUserID>ghost</CustomerUserID><CustomerUser><UserFirstname>G</UserFirstname></CustomerUser>'))).to.equal('CustomerUserUpdate.NotFound');
      expect(code(await op('CustomerUserUpdate', as() + '<CustomerUserID>cust1</CustomerUserID><CustomerUser><UserFirstname>A</UserFirstname></CustomerUser><UserFirstname>B</UserFirstname>'))).to.equal('CustomerUserUpdate.InvalidParameter');
      expect(await dumpDatabase(server)).to.deep.equal(before);
    });
  });

  describe('Creates without a password (OTRS default)', () => {
    it('CustomerUserAdd (GIExtension form) creates a valid customer user with no password, which cannot log in', async () => {
      const r = await op('CustomerUserAdd', as() + '<CustomerUser><UserLogin>nopw</UserLogin><UserFirstname>No</UserFirstname><UserLastname>Pass</UserLastname>'
        + '<UserEmail>nopw@acme-demo.test</UserEmail><UserCustomerID>ACME</UserCustomerID><ValidID>1</ValidID></CustomerUser>');
      expect(code(r)).to.equal(undefined);
      expect(r.data.CustomerUser.ValidID).to.equal('1');
      expect(row("SELECT pw, valid_id FROM customer_user WHERE login = 'nopw'")).to.deep.equal({ pw: null, valid_id: 1 });
      expect(code(await op('SessionCreate', '<CustomerUserLogin>nopw</CustomerUserLogin><Password>x</Password>'))).to.equal('SessionCreate.AuthFail');
    });

    it('CustomerUserCreate (OTRS 8 form) creates a valid customer user without password, in a company that does not exist', async () => {
      const r = await op('CustomerUserCreate', as() + '<CustomerUserLogin>flat</CustomerUserLogin><UserFirstname>F</UserFirstname><UserLastname>L</UserLastname>'
        + '<UserEmail>flat@acme-demo.test</UserEmail><UserCustomerID>GHOST</UserCustomerID><ValidID>1</ValidID>');
      expect(code(r)).to.equal(undefined);
      expect(row("SELECT pw, valid_id, customer_id FROM customer_user WHERE login = 'flat'")).to.deep.equal({ pw: null, valid_id: 1, customer_id: 'GHOST' });
    });

    it('takes <Password> inside <CustomerUser> as the new account\'s password; the caller\'s is the top-level one', async () => {
      const r = await op('CustomerUserAdd', agent + '<CustomerUser><UserLogin>withpw</UserLogin><UserFirstname>With</UserFirstname><UserLastname>Pass</UserLastname>'
        + '<UserEmail>withpw@acme-demo.test</UserEmail><UserCustomerID>ACME</UserCustomerID><ValidID>1</ValidID><Password>Own-Pass-1</Password></CustomerUser>');
      expect(code(r)).to.equal(undefined);
      expect((await op('SessionCreate', '<CustomerUserLogin>withpw</CustomerUserLogin><Password>Own-Pass-1</Password>')).data.SessionID).to.match(/^[A-Za-z0-9]{32}$/);
    });

    it('UserAdd without a password creates a valid agent with a random password, as OTRS does', async () => {
      const r = await op('UserAdd', as() + '<Login>nopw-agent</Login><UserFirstname>No</UserFirstname><UserLastname>Pass</UserLastname><UserEmail>nopw-agent@acme-demo.test</UserEmail><ValidID>1</ValidID>');
      expect(code(r)).to.equal(undefined);
      const stored = row("SELECT pw, valid_id FROM users WHERE login = 'nopw-agent'");
      expect(stored.valid_id).to.equal(1);
      expect(stored.pw).to.be.a('string').and.not.equal('');
    });

    it('GIExtension UserAdd takes User->Password as the agent\'s password, not as the caller\'s', async () => {
      const r = await op('UserAdd', agent + '<User><UserLogin>gix-agent</UserLogin><UserFirstname>G</UserFirstname><UserLastname>X</UserLastname><UserEmail>gix@acme-demo.test</UserEmail>'
        + '<ValidID>1</ValidID><Password>Gix-Agent-1</Password></User>');
      expect(code(r)).to.equal(undefined);
      expect((await op('SessionCreate', '<UserLogin>gix-agent</UserLogin><Password>Gix-Agent-1</Password>')).data.SessionID).to.match(/^[A-Za-z0-9]{32}$/);
    });
  });

  describe('otrs-gi-customer-operation CustomerUserCreate', () => {
    it('needs UserLogin, names and e-mail; ValidID defaults to 1; answers CustomerUserID', async () => {
      expect((await op('CustomerUserCreate', as() + '<CustomerUser><UserLogin>gco1</UserLogin><UserFirstname>G</UserFirstname><UserLastname>Co</UserLastname></CustomerUser>')).data.Error)
        .to.deep.equal({ ErrorCode: 'CustomerUserCreate.MissingParameter', ErrorMessage: 'CustomerUserCreate: CustomerUser->UserEmail parameter is missing!' });
      const r = await op('CustomerUserCreate', as() + '<CustomerUser><UserLogin> gco1 </UserLogin><UserFirstname>G</UserFirstname><UserLastname>Co</UserLastname>'
        + '<UserEmail>gco1@acme-demo.test</UserEmail><UserCustomerID>ACME</UserCustomerID></CustomerUser>');
      expect(code(r)).to.equal(undefined);
      expect(r.data.CustomerUserID).to.equal('gco1');
      expect(row("SELECT valid_id, customer_id FROM customer_user WHERE login = 'gco1'")).to.deep.equal({ valid_id: 1, customer_id: 'ACME' });
    });

    it('answers the add-on\'s codes: ValidateUserLogin, ValidateCompany, EmailValidate', async () => {
      const user = (login: string, extra: string) => `<CustomerUser><UserLogin>${login}</UserLogin><UserFirstname>G</UserFirstname><UserLastname>Co</UserLastname>${extra}</CustomerUser>`;
      const before = await dumpDatabase(server);
      expect(code(await op('CustomerUserCreate', as() + user('cust1', '<UserEmail>x1@acme-demo.test</UserEmail>')))).to.equal('CustomerUserCreate.ValidateUserLogin');
      expect(code(await op('CustomerUserCreate', as() + user('gco2', '<UserEmail>gco2@acme-demo.test</UserEmail><UserCustomerID>GHOST</UserCustomerID>')))).to.equal('CustomerUserCreate.ValidateCompany');
      expect(code(await op('CustomerUserCreate', as() + user('gco3', '<UserEmail>not-an-address</UserEmail>')))).to.equal('CustomerUserCreate.EmailValidate');
      expect(await dumpDatabase(server)).to.deep.equal(before);
    });
  });

  describe('Search bounds', () => {
    const long = 'a'.repeat(60_000) + '*';
    it('answers InvalidParameter naming SEARCH_MAX_PATTERN_LENGTH for a 60 KB pattern, not a Fault', async () => {
      for (const [name, inner] of [['CustomerUserSearch', `<UserEmail>${long}</UserEmail>`], ['CustomerUserSearch', `<Search><UserLastname>${long}</UserLastname></Search>`],
        ['CustomerCompanySearch', `<CustomerCompanyName>${long}</CustomerCompanyName>`], ['CustomerCompanySearch', `<SearchDetail><CustomerID>${long}</CustomerID></SearchDetail>`],
        ['UserSearch', `<Login>${long}</Login>`]]) {
        const r = await op(name, as() + inner);
        expect(r.res.status, name).to.equal(200);
        expect(code(r), name).to.equal(`${name}.InvalidParameter`);
        expect(r.data.Error.ErrorMessage).to.contain('SEARCH_MAX_PATTERN_LENGTH');
      }
    });

    it('answers InvalidParameter naming SEARCH_MAX_VALUES for 30,000 ids or 5,000 SortBy values', async () => {
      const ids = Array.from({ length: 30_000 }, (_, i) => `<CustomerID>c${i}</CustomerID>`).join('');
      const sorts = '<SortBy>UserLogin</SortBy>'.repeat(5000);
      for (const [name, inner] of [['CustomerCompanySearch', ids], ['CustomerUserSearch', sorts], ['CustomerUserSearch', `<SearchDetail>${'<OrderBy>UserLogin</OrderBy>'.repeat(5000)}</SearchDetail>`]]) {
        const r = await op(name, as() + inner);
        expect(r.res.status, name).to.equal(200);
        expect(code(r), name).to.equal(`${name}.InvalidParameter`);
        expect(r.data.Error.ErrorMessage).to.contain('SEARCH_MAX_VALUES');
      }
    });
  });
});

describe('Strict activation policy (ACCOUNT_ACTIVATION=strict)', function () {
  let server: RunningServer;
  let session: string;
  before(async () => {
    server = await startServer({ ACCOUNT_ACTIVATION: 'strict' });
    session = (await call(server.endpoint, 'SessionCreate', agent)).data.SessionID;
  });
  after(async () => { await server.stop(); });

  it('refuses a valid account without a password (CannotActivate), and nothing is written', async () => {
    const r = await call(server.endpoint, 'CustomerUserAdd', `<SessionID>${session}</SessionID><CustomerUser><UserLogin>nopw</UserLogin><UserFirstname>No</UserFirstname>`
      + '<UserLastname>Pass</UserLastname><UserEmail>nopw@acme-demo.test</UserEmail><UserCustomerID>ACME</UserCustomerID><ValidID>1</ValidID></CustomerUser>');
    expect(r.data.Error.ErrorCode).to.equal('CustomerUserAdd.CannotActivate');
    const ghost = await call(server.endpoint, 'CustomerUserCreate', `<SessionID>${session}</SessionID><CustomerUserLogin>ghost</CustomerUserLogin><UserFirstname>G</UserFirstname>`
      + '<UserLastname>H</UserLastname><UserEmail>ghost@acme-demo.test</UserEmail><UserCustomerID>GHOST</UserCustomerID><ValidID>1</ValidID><UserPassword>Ghost-2026</UserPassword>');
    expect(ghost.data.Error.ErrorCode).to.equal('CustomerUserCreate.CannotActivate');
    expect(ghost.data.Error.ErrorMessage).to.contain("company 'GHOST' does not exist");
    const u = await call(server.endpoint, 'UserAdd', `<SessionID>${session}</SessionID><Login>nopw-agent</Login><UserFirstname>No</UserFirstname><UserLastname>Pass</UserLastname>`
      + '<UserEmail>nopw-agent@acme-demo.test</UserEmail><ValidID>1</ValidID>');
    expect(u.data.Error.ErrorCode).to.equal('UserAdd.CannotActivate');
    const db = server.db();
    expect(db.prepare("SELECT count(*) AS n FROM customer_user WHERE login = 'nopw'").get()).to.deep.equal({ n: 0 });
    expect(db.prepare("SELECT count(*) AS n FROM users WHERE login = 'nopw-agent'").get()).to.deep.equal({ n: 0 });
    db.close();
  });
});
