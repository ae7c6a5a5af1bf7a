// An integration's day, end to end (issue 5): a CRM creates a company, adds its people, finds them again with
// wildcards, updates them with dynamic fields, deactivates one, runs into the licence limit, and reactivates
// after freeing a licence. Every step through SOAP, with the state read back through the API.
import { expect } from 'chai';
import { startServer, type RunningServer } from './support/server.js';
import { call } from './support/soap.js';

describe('An integration\'s day', function () {
  let server: RunningServer;
  let session: string;
  const op = async (name: string, inner: string) => {
    const r = await call(server.endpoint, name, `<SessionID>${session}</SessionID>${inner}`);
    expect(r.res.status, `${name}: ${r.res.text}`).to.equal(200);
    return r.data;
  };
  // Demo data has two valid customer users; the pool allows five.
  before(async () => {
    server = await startServer({ CUSTOMER_USER_MAX_VALID: '5' });
    session = (await call(server.endpoint, 'SessionCreate', '<UserLogin>demo-agent</UserLogin><Password>DemoAgent1!</Password>')).data.SessionID;
  });
  after(async () => { await server.stop(); });

  it('creates the company', async () => {
    const r = await op('CustomerCompanyCreate', '<CustomerID>GLOBEX</CustomerID><CustomerCompanyName>Globex Corporation</CustomerCompanyName>'
      + '<CustomerCompanyCity>Cypress Creek</CustomerCompanyCity><ValidID>1</ValidID>');
    expect(r.Error).to.equal(undefined);
    expect(r.CustomerID).to.equal('GLOBEX');
  });

  it('adds three people, the third as an invalid draft', async () => {
    for (const [login, valid] of [['globex.hank', 1], ['globex.mindy', 1], ['globex.frank', 2]] as const) {
      const r = await op('CustomerUserCreate', `<CustomerUserLogin>${login}</CustomerUserLogin><UserFirstname>${login.split('.')[1]}</UserFirstname>`
        + `<UserLastname>Globex</UserLastname><UserEmail>${login}@globex.test</UserEmail><UserCustomerID>GLOBEX</UserCustomerID>`
        + `<ValidID>${valid}</ValidID><UserPassword>Globex-Pass-2026</UserPassword>`);
      expect(r.Error, login).to.equal(undefined);
      expect(r.CustomerUser.CustomerCompanyName).to.equal('Globex Corporation');
    }
  });

  it('finds them with wildcards: valid ones by default, all with Valid=0', async () => {
    expect((await op('CustomerUserSearch', '<CustomerUserLogin>globex.*</CustomerUserLogin>')).CustomerUserID).to.deep.equal(['globex.mindy', 'globex.hank']);
    expect((await op('CustomerUserSearch', '<UserCustomerID>globex</UserCustomerID><Valid>0</Valid><SortBy>UserLogin</SortBy><OrderBy>Up</OrderBy>')).CustomerUserID)
      .to.deep.equal(['globex.frank', 'globex.hank', 'globex.mindy']);
    expect((await op('CustomerCompanySearch', '<CustomerCompanyName>glob*</CustomerCompanyName>')).CustomerID).to.equal('GLOBEX');
  });

  it('updates them with dynamic fields and preferences', async () => {
    const r = await op('CustomerUserUpdate', '<ID>globex.hank</ID><DynamicField><Name>Skills</Name><Value>SQL</Value><Value>TypeScript</Value></DynamicField>'
      + '<DynamicField><Name>Department</Name><Value>Sales</Value></DynamicField><UserPreferences><Key>Language</Key><Value>en</Value></UserPreferences>');
    expect(r.CustomerUser.DynamicField_Skills).to.deep.equal(['SQL', 'TypeScript']);
    const got = await op('CustomerUserGet', '<CustomerUserID>globex.hank</CustomerUserID><DynamicFields>1</DynamicFields>');
    expect(got.CustomerUser).to.include({ DynamicField_Department: 'Sales', UserLanguage: 'en' });
  });

  it('hits the licence limit when activating beyond the pool, and gets through after freeing a licence', async () => {
    // cust1, cust2, hank, mindy: four valid; one more fits.
    const fifth = await op('CustomerUserCreate', '<CustomerUserLogin>globex.homer</CustomerUserLogin><UserFirstname>Homer</UserFirstname><UserLastname>Globex</UserLastname>'
      + '<UserEmail>globex.homer@globex.test</UserEmail><UserCustomerID>GLOBEX</UserCustomerID><ValidID>1</ValidID><UserPassword>Globex-Pass-2026</UserPassword>');
    expect(fifth.Error).to.equal(undefined);
    const sixth = await op('CustomerUserUpdate', '<ID>globex.frank</ID><ValidID>1</ValidID>');
    expect(sixth.Error).to.deep.equal({ ErrorCode: 'CustomerUserUpdate.LicenceExceeded', ErrorMessage: 'CustomerUserUpdate: 5 of 5 customer user licences are in use: make another customer user invalid first!' });

    expect((await op('CustomerUserUpdate', '<ID>globex.homer</ID><ValidID>2</ValidID>')).CustomerUser.ValidID).to.equal('2');
    expect((await op('CustomerUserUpdate', '<ID>globex.frank</ID><ValidID>1</ValidID>')).CustomerUser.ValidID).to.equal('1');
    const login = await call(server.endpoint, 'SessionCreate', '<CustomerUserLogin>globex.frank</CustomerUserLogin><Password>Globex-Pass-2026</Password>');
    expect(login.data.SessionID).to.match(/^[A-Za-z0-9]{32}$/);
  });

  it('renames the company and its people move with it', async () => {
    const r = await op('CustomerCompanyUpdate', '<CustomerCompanyID>GLOBEX</CustomerCompanyID><CustomerID>GLOBEX-CORP</CustomerID>');
    expect(r.Error).to.equal(undefined);
    const people = await op('CustomerUserSearch', '<UserCustomerID>GLOBEX-CORP</UserCustomerID><Valid>0</Valid>');
    expect(people.CustomerUserID).to.have.length(4);
  });
});
