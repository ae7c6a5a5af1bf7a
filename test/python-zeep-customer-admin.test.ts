// An integration's day with a Python zeep client (issue 5: "every operation answers SOAP::Lite and zeep as the
// contract document says, with the error codes it lists"). The client is test/clients/python/otrs_customer_admin.py:
// zeep.Client(<endpoint>?wsdl), then client.service.<Operation>(**fields) with plain dicts and lists (Debian
// python3-zeep, run with the system /usr/bin/python3). It prints one JSON document with what zeep returned for every
// call, the HTTP status, the SOAPAction and the request envelope, and this file checks that against the README's
// contract (CustomerUserCreate/Add, CustomerUserGet, CustomerUserSearch, CustomerCompany operations, account
// lifecycle) and against the stored state.
//
// What only zeep exercises here: the served WSDL's description of every new operation, bound strictly both ways
// (zeep refuses request fields and response elements the WSDL does not allow), the CustomerCompany record as a
// sequence with its DynamicField list, the CustomerUser record's repeated choice plus wildcard inside the
// CustomerUserGet list, and the nil search response. The add-on's nested request forms are not in the WSDL, so zeep
// sends the flat form under the alias names too.
//
// The day is played step by step against one server whose licence pool allows 3 valid customer users (the demo
// data has 2): the script logs in once, and every later run reuses that SessionID (OTRS_SESSION_ID), so each
// failing call can run alone between two dumps of the whole database and must leave it unchanged, row for row.
// Then the whole day runs once more in a single run of the script against a fresh server and must answer the same.
import { expect } from 'chai';
import { join } from 'node:path';
import { NS } from './support/soap.js';
import { projectRoot, startServer, type RunningServer } from './support/server.js';
import { customerUserState, fieldTexts, preferenceValues, sessionData } from './support/state.js';
import { expectAnswered, probe, runBetweenDumps, runClientScript, WITHOUT_PROXY, type DumpedRun } from './support/client-run.js';

const PYTHON = '/usr/bin/python3';   // Debian's interpreter: python3-zeep installs into it, not into pyenv/venv ones
const script = join(projectRoot, 'test', 'clients', 'python', 'otrs_customer_admin.py');

/** What the script reports for one call. */
interface ZeepCall {
  Operation: string;
  HTTPStatus: number | null;
  SOAPAction: string | null;
  Request: string | null;
  Fault?: { faultcode: string; faultstring: string };
  TransportError?: string;
  ClientError?: string;
  Response?: string;
  Data?: any;
}
type ZeepOutput = Record<string, ZeepCall>;

/** The steps of the day, in the script's order, grouped as the test runs them. */
const SETUP = ['CompanyCreate', 'CompanyAdd', 'UserCreate', 'UserCreateDraft', 'UserAdd'];
const LOOKUPS = ['UserSearch', 'UserSearchSorted', 'UserSearchValid', 'UserSearchNone', 'UserGet', 'CompanySearch', 'CompanySearchDefaultOrder', 'CompanyGet'];
/** Each failing step and the exact Error block the README's error lists promise for it. */
const ERRORS: Array<[step: string, ErrorCode: string, ErrorMessage: string]> = [
  ['ErrorMissingParameter', 'CustomerUserCreate.MissingParameter', 'CustomerUserCreate: UserEmail parameter is missing!'],
  ['ErrorLoginInUse', 'CustomerUserAdd.LoginInUse', "CustomerUserAdd: A customer user with the login 'GLOBEX.HANK' already exists!"],
  ['ErrorCustomerIDInUse', 'CustomerCompanyCreate.CustomerIDInUse', "CustomerCompanyCreate: A customer company with the CustomerID 'globex' already exists!"],
  ['ErrorCompanyNameInUse', 'CustomerCompanyUpdate.CompanyNameInUse', "CustomerCompanyUpdate: A customer company with the name 'GLOBEX CORPORATION' already exists!"],
  ['ErrorInvalidValidID', 'CustomerUserCreate.InvalidValidID', "CustomerUserCreate: ValidID '9' is invalid: it must be 1 (valid), 2 (invalid) or 3 (invalid-temporarily)!"],
  ['ErrorCompanyInvalidValidID', 'CustomerCompanyUpdate.InvalidValidID', "CustomerCompanyUpdate: ValidID '4' is invalid: it must be 1 (valid), 2 (invalid) or 3 (invalid-temporarily)!"],
  ['ErrorCannotActivate', 'CustomerUserUpdate.CannotActivate', 'CustomerUserUpdate: The customer user cannot be made valid: no password is set!'],
  ['ErrorUserNotFound', 'CustomerUserGet.NotFound', 'CustomerUserGet: No customer user found for the given CustomerUserID!'],
  ['ErrorCompanyNotFound', 'CustomerCompanyUpdate.NotFound', "CustomerCompanyUpdate: No customer company found with CustomerID 'Umbrella'!"],
  ['ErrorInvalidEmail', 'CustomerUserCreate.InvalidEmail', "CustomerUserCreate: Email address 'lenny@example.com' is invalid (config)!"],
  ['ErrorEmailInUse', 'CustomerUserUpdate.EmailInUse', "CustomerUserUpdate: The email address 'HANK@globex.test' is already in use for another customer user!"],
  ['ErrorInvalidParameter', 'CustomerUserSearch.InvalidParameter', 'CustomerUserSearch: Parameter SortBy[0] is invalid (must be equal to one of the allowed values)!'],
  ['ErrorAuthFail', 'CustomerCompanySearch.AuthFail', 'CustomerCompanySearch: Authorization failing!'],
];
const LICENCE_EXCEEDED = {
  ErrorCode: 'CustomerUserUpdate.LicenceExceeded',
  ErrorMessage: 'CustomerUserUpdate: 3 of 3 customer user licences are in use: make another customer user invalid first!',
};

async function runClient(server: RunningServer, steps: string[], session = ''): Promise<ZeepOutput> {
  const env = { ...WITHOUT_PROXY, OTRS_SESSION_ID: session };
  return (await runClientScript<ZeepOutput>('python', PYTHON, [script, server.wsdlUrl, ...steps], { env })).out;
}

/** A call that reached the operation, with the WSDL's soapAction, came back as HTTP 200 and was bound by zeep. */
function answered(call: ZeepCall | undefined, operation: string): any {
  const c = expectAnswered(call, ['TransportError', 'Fault', 'ClientError'], (x) => `\nrequest: ${x.Request}\nresponse: ${x.Response}`);
  expect(c.Operation).to.equal(operation);
  expect(c.SOAPAction, 'the soapAction of the WSDL').to.equal(`"${NS}#${operation}"`);
  expect(c.Data, 'response data').to.be.an('object');
  return c.Data;
}

/** A successful answer: zeep binds the absent Error element as null. */
function succeeded(call: ZeepCall | undefined, operation: string): any {
  const data = answered(call, operation);
  expect(data.Error, `unexpected Error: ${JSON.stringify(data.Error)}`).to.equal(null);
  return data;
}

/** An error answer: the exact Error block, and every other element of the response absent (null, or an empty list). */
function failed(call: ZeepCall | undefined, error: { ErrorCode: string; ErrorMessage: string }): void {
  const data = answered(call, error.ErrorCode.split('.')[0]);
  expect(data.Error).to.deep.equal(error);
  const present = Object.entries(data).filter(([k, v]) => k !== 'Error' && v !== null && !(Array.isArray(v) && v.length === 0));
  expect(present, 'response elements beside Error').to.deep.equal([]);
}

/** A customer-user record (the script flattens zeep's _value_1 list into a dict): never password material. */
function customerUser(rec: any, login: string): Record<string, any> {
  expect(rec, 'CustomerUser record').to.be.an('object');
  expect(rec.UserLogin).to.equal(login);
  expect(rec.UserID).to.equal(login);
  expect(rec).not.to.have.property('UserPassword');
  expect(rec).not.to.have.property('PasswordHistoryData');
  return rec;
}

/** Drops what differs between two runs of the same day: timestamps, the SessionID, the request (it carries it). */
function comparable(value: any): any {
  if (Array.isArray(value)) return value.map(comparable);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value)
    .filter(([k]) => !['CreateTime', 'ChangeTime', 'PasswordLastSet', 'SessionID', 'Request'].includes(k))
    .map(([k, v]) => [k, comparable(v)]));
}

/** The rows of a table in a database dump, and the one row that matches. */
const rows = (dump: Record<string, unknown[]>, table: string) => dump[table] as Array<Record<string, any>>;
const row = (dump: Record<string, unknown[]>, table: string, match: Record<string, unknown>) =>
  rows(dump, table).find((r) => Object.entries(match).every(([k, v]) => r[k] === v))!;

/** The request element and its first child, qualified with one prefix bound to the service namespace. */
const requestStart = (operation: string, firstChild: string) =>
  new RegExp(`<(\\w+):${operation} xmlns:\\1="${NS}"><\\1:SessionID>[A-Za-z0-9]{32}</\\1:SessionID>${firstChild.replace(/\$\$/g, '\\1')}`);

describe('Python zeep client administering customers: an integration\'s day (otrs_customer_admin.py)', function () {
  this.timeout(120000);
  let server: RunningServer;
  let session: string;
  let setup: ZeepOutput;
  let lookups: DumpedRun<ZeepOutput>;
  const errors: Record<string, DumpedRun<ZeepOutput>> = {};
  let lifecycle: ZeepOutput;
  let licence: DumpedRun<ZeepOutput>;
  let rename: ZeepOutput;
  let wholeDayServer: RunningServer | undefined;
  let wholeDay: ZeepOutput;

  before(async function () {
    const { failure } = probe(PYTHON, ['-c', 'import zeep, lxml']);
    if (failure !== undefined) {
      throw new Error(`Python 3 with zeep is required for this test: install it with \`apt-get install -y python3-zeep\` `
        + `(${PYTHON} -c "import zeep" failed: ${failure})`);
    }
    server = await startServer({ CUSTOMER_USER_MAX_VALID: '3' });
    setup = await runClient(server, SETUP);
    session = setup.SessionCreate?.Data?.SessionID ?? '';
    lookups = await runBetweenDumps(server, () => runClient(server, LOOKUPS, session));
    for (const [step] of ERRORS) errors[step] = await runBetweenDumps(server, () => runClient(server, [step], session));
    lifecycle = await runClient(server, ['UserDeactivate', 'UserActivate'], session);
    licence = await runBetweenDumps(server, () => runClient(server, ['ErrorLicenceExceeded'], session));
    rename = await runClient(server, ['CompanyRename', 'UserSearchMoved', 'UserGetMoved'], session);

    wholeDayServer = await startServer({ CUSTOMER_USER_MAX_VALID: '3' });
    wholeDay = await runClient(wholeDayServer, []);
  });

  after(async function () {
    await server?.stop();
    await wholeDayServer?.stop();
  });

  /** Everything the step-by-step runs reported, by step. */
  const stepByStep = (): ZeepOutput => Object.assign({}, setup, lookups.out, ...Object.values(errors).map((e) => e.out), lifecycle, licence.out, rename);

  it('logs in with SessionCreate: a SessionID of the demo agent, with zeep as the user agent', function () {
    const data = succeeded(setup.SessionCreate, 'SessionCreate');
    expect(data.SessionID).to.match(/^[A-Za-z0-9]{32}$/);
    const stored = sessionData(server, data.SessionID);
    expect(stored.UserLogin).to.equal('demo-agent');
    expect(stored.UserRemoteUserAgent).to.match(/^Zeep\//);
  });

  it('calls every customer-user and customer-company operation, the aliases included', function () {
    const operations = new Set(Object.values(stepByStep()).filter((c) => typeof c === 'object').map((c) => c.Operation));
    expect([...operations].sort()).to.deep.equal([
      'CustomerCompanyAdd', 'CustomerCompanyCreate', 'CustomerCompanyGet', 'CustomerCompanySearch', 'CustomerCompanyUpdate',
      'CustomerUserAdd', 'CustomerUserCreate', 'CustomerUserGet', 'CustomerUserSearch', 'CustomerUserUpdate', 'SessionCreate',
    ]);
  });

  describe('CustomerCompanyCreate', function () {
    it('sent the request qualified in the service namespace, the DynamicField as a Name/Value list', function () {
      expect(setup.CompanyCreate.Request).to.match(requestStart('CustomerCompanyCreate', '<$$:CustomerID>Globex</$$:CustomerID>'));
      expect(setup.CompanyCreate.Request).to.match(/<(\w+):DynamicField><\1:Name>AccountManager<\/\1:Name><\1:Value>Hank Scorpio<\/\1:Value><\/\1:DynamicField>/);
    });

    it('returns CustomerID and the record: fields (empty ones bound as null), CompanyString, Source, the DynamicField list, the agent as CreateBy', function () {
      const data = succeeded(setup.CompanyCreate, 'CustomerCompanyCreate');
      expect(data.CustomerID).to.equal('Globex');
      const agentId = sessionData(server, session).UserID;
      expect(data.CustomerCompany).to.deep.include({
        CustomerID: 'Globex', CustomerCompanyName: 'Globex Corporation', CompanyString: 'Globex Globex Corporation',
        CustomerCompanyStreet: '1 Hammock District', CustomerCompanyCity: 'Cypress Creek', CustomerCompanyCountry: 'USA',
        CustomerCompanyZIP: null, CustomerCompanyURL: null, CustomerCompanyComment: null,
        Source: 'CustomerCompany', ValidID: '1', CreateBy: agentId, ChangeBy: agentId,
      });
      expect(data.CustomerCompany.DynamicField).to.deep.equal([{ Name: 'AccountManager', Value: ['Hank Scorpio'] }]);
    });

    it('stored the company', function () {
      expect(row(lookups.before, 'customer_company', { customer_id: 'Globex' })).to.deep.include({
        name: 'Globex Corporation', street: '1 Hammock District', city: 'Cypress Creek', country: 'USA', zip: null, valid_id: 1,
      });
    });
  });

  describe('CustomerCompanyAdd (the alias; the flat form, the only one the WSDL describes)', function () {
    it('sent the fields flat, the non-ASCII city as UTF-8 text', function () {
      expect(setup.CompanyAdd.Request).to.match(requestStart('CustomerCompanyAdd', '<$$:CustomerID>Initech</$$:CustomerID>'));
      expect(setup.CompanyAdd.Request).to.match(/<(\w+):CustomerCompanyCity>Zürich<\/\1:CustomerCompanyCity>/);
    });

    it('answers under the alias\'s own name with CustomerID and the record, the unset dynamic field as a nil Value', function () {
      const data = succeeded(setup.CompanyAdd, 'CustomerCompanyAdd');
      expect(data.CustomerID).to.equal('Initech');
      expect(data.CustomerCompany).to.deep.include({
        CustomerID: 'Initech', CustomerCompanyName: 'Initech LLC', CompanyString: 'Initech Initech LLC',
        CustomerCompanyCity: 'Zürich', CustomerCompanyComment: 'TPS reports & staplers', ValidID: '1',
      });
      expect(data.CustomerCompany.DynamicField).to.deep.equal([{ Name: 'AccountManager', Value: [null] }]);
    });

    it('stored the text as UTF-8', function () {
      expect(row(lookups.before, 'customer_company', { customer_id: 'Initech' })).to.deep.include({ name: 'Initech LLC', city: 'Zürich', comments: 'TPS reports & staplers' });
    });
  });

  describe('CustomerUserCreate with a DynamicField list and UserPreferences', function () {
    it('sent the multiselect with Value repeated, and the preferences as Key/Value entries', function () {
      const request = setup.UserCreate.Request ?? '';
      expect(request).to.match(/<(\w+):DynamicField><\1:Name>Skills<\/\1:Name><\1:Value>SQL<\/\1:Value><\1:Value>Perl<\/\1:Value><\/\1:DynamicField>/);
      expect(request).to.match(/<(\w+):UserPreferences><\1:Key>TimeZone<\/\1:Key><\1:Value>America\/Chicago<\/\1:Value><\/\1:UserPreferences>/);
    });

    it('returns UserLogin and the record: company fields, both dynamic fields (Skills with two values), the preferences', function () {
      const data = succeeded(setup.UserCreate, 'CustomerUserCreate');
      expect(data.UserLogin).to.equal('globex.hank');
      const rec = customerUser(data.CustomerUser, 'globex.hank');
      expect(rec).to.deep.include({
        UserFirstname: 'Hank', UserLastname: 'Scorpio', UserFullname: 'Hank Scorpio', UserEmail: 'hank@globex.test',
        UserCustomerID: 'Globex', CustomerID: 'Globex', CustomerCompanyName: 'Globex Corporation', CompanyString: 'Globex Globex Corporation',
        DynamicField_Department: 'Research & Development', UserTimeZone: 'America/Chicago', UserLanguage: 'en',
        Source: 'CustomerUser', ValidID: '1',
      });
      expect(rec.DynamicField_Skills).to.deep.equal(['SQL', 'Perl']);
      expect(rec.PasswordLastSet).to.match(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    });

    it('stored a valid account with a password hash, the dynamic-field values and the preferences', function () {
      const stored = row(lookups.before, 'customer_user', { login: 'globex.hank' });
      expect(stored).to.deep.include({ customer_id: 'Globex', email: 'hank@globex.test', valid_id: 1 });
      expect(stored.pw).to.be.a('string').and.not.equal('Globex-Pass-2026');
      const state = customerUserState(server, 'globex.hank');
      expect(fieldTexts(state)).to.deep.equal([
        { name: 'Department', value_text: 'Research & Development' },
        { name: 'Skills', value_text: 'SQL' },
        { name: 'Skills', value_text: 'Perl' },
      ]);
      expect(preferenceValues(state, 'UserTimeZone')).to.deep.equal(['America/Chicago']);
      expect(preferenceValues(state, 'UserLanguage')).to.deep.equal(['en']);
    });

    it('created a draft: invalid, without a password', function () {
      const rec = customerUser(succeeded(setup.UserCreateDraft, 'CustomerUserCreate').CustomerUser, 'globex.mindy');
      expect(rec.ValidID).to.equal('2');
      expect(rec).not.to.have.property('PasswordLastSet');
      expect(row(lookups.before, 'customer_user', { login: 'globex.mindy' })).to.deep.include({ pw: null, valid_id: 2 });
    });
  });

  describe('CustomerUserAdd (the alias; the flat form)', function () {
    it('answers under the alias\'s own name with UserLogin and the record', function () {
      expect(setup.UserAdd.Request).to.match(requestStart('CustomerUserAdd', '<$$:CustomerUserLogin>initech.peter</$$:CustomerUserLogin>'));
      const data = succeeded(setup.UserAdd, 'CustomerUserAdd');
      expect(data.UserLogin).to.equal('initech.peter');
      expect(customerUser(data.CustomerUser, 'initech.peter')).to.deep.include({
        UserCustomerID: 'Initech', CustomerCompanyName: 'Initech LLC', DynamicField_Skills: 'TypeScript', ValidID: '2',
      });
      expect(row(lookups.before, 'customer_user', { login: 'initech.peter' })).to.deep.include({ customer_id: 'Initech', valid_id: 2 });
    });
  });

  describe('CustomerUserSearch', function () {
    it('finds logins by a prefix* wildcard, all validities, sorted by SortBy UserLogin / OrderBy Up', function () {
      expect(succeeded(lookups.out.UserSearch, 'CustomerUserSearch').CustomerUserID).to.deep.equal(['globex.hank', 'globex.mindy']);
    });

    it('pairs repeated SortBy and OrderBy by position (UserCustomerID up, then UserLogin down)', function () {
      expect(lookups.out.UserSearchSorted.Request).to.match(
        /<(\w+):SortBy>UserCustomerID<\/\1:SortBy><\1:SortBy>UserLogin<\/\1:SortBy><\1:OrderBy>Up<\/\1:OrderBy><\1:OrderBy>Down<\/\1:OrderBy>/);
      expect(succeeded(lookups.out.UserSearchSorted, 'CustomerUserSearch').CustomerUserID)
        .to.deep.equal(['cust2', 'cust1', 'globex.mindy', 'globex.hank', 'initech.peter']);
    });

    it('finds valid customer users only by default', function () {
      expect(succeeded(lookups.out.UserSearchValid, 'CustomerUserSearch').CustomerUserID).to.deep.equal(['globex.hank']);
    });

    it('answers no match with the nil response element, which zeep binds as an empty list', function () {
      expect(succeeded(lookups.out.UserSearchNone, 'CustomerUserSearch')).to.deep.equal({ CustomerUserID: [], Error: null });
    });
  });

  describe('CustomerUserGet', function () {
    it('sent CustomerUserID repeated and comma-separated', function () {
      expect(lookups.out.UserGet.Request).to.match(
        /<(\w+):CustomerUserID>globex.hank<\/\1:CustomerUserID><\1:CustomerUserID>initech.peter,globex.mindy<\/\1:CustomerUserID><\1:CustomerUserID>nobody<\/\1:CustomerUserID>/);
    });

    it('returns the records in the order asked, the unknown login skipped, with their dynamic fields', function () {
      const records = succeeded(lookups.out.UserGet, 'CustomerUserGet').CustomerUser;
      expect(records).to.be.an('array').with.length(3);
      const [hank, peter, mindy] = records;
      expect(customerUser(hank, 'globex.hank')).to.deep.include({ DynamicField_Department: 'Research & Development', UserTimeZone: 'America/Chicago', ValidID: '1' });
      expect(hank.DynamicField_Skills).to.deep.equal(['SQL', 'Perl']);
      expect(customerUser(peter, 'initech.peter')).to.deep.include({ DynamicField_Skills: 'TypeScript', DynamicField_Department: '', UserCustomerID: 'Initech' });
      expect(customerUser(mindy, 'globex.mindy')).to.deep.include({ DynamicField_Skills: '', ValidID: '2' });
    });
  });

  describe('CustomerCompanySearch and CustomerCompanyGet', function () {
    it('finds companies by a *wildcard* in the name, sorted by name up, and by CustomerID down by default', function () {
      expect(succeeded(lookups.out.CompanySearch, 'CustomerCompanySearch').CustomerID).to.deep.equal(['ACME', 'Globex', 'Initech']);
      expect(succeeded(lookups.out.CompanySearchDefaultOrder, 'CustomerCompanySearch').CustomerID).to.deep.equal(['Initech', 'Globex', 'ACME']);
    });

    it('gets both companies of a comma-separated list (ids ignore case) with their dynamic field', function () {
      const records = succeeded(lookups.out.CompanyGet, 'CustomerCompanyGet').CustomerCompany;
      expect(records.map((r: any) => r.CustomerID)).to.deep.equal(['Globex', 'Initech']);
      expect(records[0].DynamicField).to.deep.equal([{ Name: 'AccountManager', Value: ['Hank Scorpio'] }]);
      expect(records[1]).to.deep.include({ CustomerCompanyName: 'Initech LLC', CustomerCompanyCity: 'Zürich' });
    });

    it('reading changed nothing stored', function () {
      expect(lookups.after).to.deep.equal(lookups.before);
    });
  });

  describe('errors: the exact Error block in an HTTP 200 answer, which zeep binds, and nothing stored', function () {
    for (const [step, ErrorCode, ErrorMessage] of ERRORS) {
      it(`${step}: ${ErrorCode}`, function () {
        const run = errors[step];
        failed(run.out[step], { ErrorCode, ErrorMessage });
        expect(run.after).to.deep.equal(run.before);
      });
    }

    it('sent ValidID 9 (zeep does not enforce the WSDL restriction) and left out the missing UserEmail', function () {
      expect(errors.ErrorInvalidValidID.out.ErrorInvalidValidID.Request).to.match(/<(\w+):ValidID>9<\/\1:ValidID>/);
      expect(errors.ErrorMissingParameter.out.ErrorMissingParameter.Request).not.to.contain('UserEmail');
    });
  });

  describe('the licence pool (CUSTOMER_USER_MAX_VALID 3; cust1 and cust2 are valid)', function () {
    it('deactivates one customer user with CustomerUserUpdate and activates another', function () {
      const off = succeeded(lifecycle.UserDeactivate, 'CustomerUserUpdate');
      expect(off.ID).to.equal('globex.hank');
      expect(customerUser(off.CustomerUser, 'globex.hank').ValidID).to.equal('2');
      const on = succeeded(lifecycle.UserActivate, 'CustomerUserUpdate');
      expect(on.ID).to.equal('initech.peter');
      expect(customerUser(on.CustomerUser, 'initech.peter').ValidID).to.equal('1');
      expect(rows(licence.before, 'customer_user').filter((r) => r.valid_id === 1).map((r) => r.login).sort()).to.deep.equal(['cust1', 'cust2', 'initech.peter']);
    });

    it('refuses to activate a fourth: LicenceExceeded, nothing stored', function () {
      failed(licence.out.ErrorLicenceExceeded, LICENCE_EXCEEDED);
      expect(licence.after).to.deep.equal(licence.before);
      expect(row(licence.after, 'customer_user', { login: 'globex.hank' }).valid_id).to.equal(2);
    });
  });

  describe('CustomerCompanyUpdate renaming the company (CustomerCompanyID + new CustomerID)', function () {
    it('sent the current id as CustomerCompanyID, the new one as CustomerID, and the city as xsi:nil', function () {
      expect(rename.CompanyRename.Request).to.match(requestStart('CustomerCompanyUpdate',
        '<$$:CustomerCompanyID>Globex</$$:CustomerCompanyID><$$:CustomerID>GLX</$$:CustomerID><$$:CustomerCompanyCity xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/>'));
    });

    it('returns the new CustomerID and the record under it: city cleared, dynamic field kept', function () {
      const data = succeeded(rename.CompanyRename, 'CustomerCompanyUpdate');
      expect(data.CustomerID).to.equal('GLX');
      expect(data.CustomerCompany).to.deep.include({ CustomerID: 'GLX', CompanyString: 'GLX Globex Corporation', CustomerCompanyName: 'Globex Corporation', CustomerCompanyCity: null });
      expect(data.CustomerCompany.DynamicField).to.deep.equal([{ Name: 'AccountManager', Value: ['Hank Scorpio'] }]);
    });

    it('moved the company\'s customer users, and only them; the search and the record show the new id', function () {
      expect(succeeded(rename.UserSearchMoved, 'CustomerUserSearch').CustomerUserID).to.deep.equal(['globex.mindy', 'globex.hank']);
      const got = succeeded(rename.UserGetMoved, 'CustomerUserGet').CustomerUser;
      expect(got).to.have.length(1);
      expect(customerUser(got[0], 'globex.hank')).to.deep.include({
        UserCustomerID: 'GLX', CustomerID: 'GLX', CustomerCompanyName: 'Globex Corporation', DynamicField_Department: 'Research & Development',
      });
    });

    it('stored the rename: company row, customer users, company dynamic-field object', function () {
      const db = server.db();
      try {
        expect(db.prepare('SELECT customer_id, city FROM customer_company ORDER BY customer_id').all()).to.deep.equal([
          { customer_id: 'ACME', city: 'Springfield' }, { customer_id: 'GLX', city: null }, { customer_id: 'Initech', city: 'Zürich' },
        ]);
        expect(db.prepare('SELECT login, customer_id FROM customer_user ORDER BY login').all()).to.deep.equal([
          { login: 'cust1', customer_id: 'ACME' }, { login: 'cust2', customer_id: 'ACME' },
          { login: 'globex.hank', customer_id: 'GLX' }, { login: 'globex.mindy', customer_id: 'GLX' }, { login: 'initech.peter', customer_id: 'Initech' },
        ]);
        expect(db.prepare("SELECT object_name FROM dynamic_field_obj_id_name WHERE object_type = 'CustomerCompany' ORDER BY object_name").all())
          .to.deep.equal([{ object_name: 'GLX' }]);
      } finally { db.close(); }
    });
  });

  describe('the whole day in one run of the script (its default), against a fresh server', function () {
    it('ran the same steps and got the same answers as the step-by-step runs (timestamps and SessionID aside)', function () {
      const steps = stepByStep();
      expect(Object.keys(wholeDay).sort()).to.deep.equal(Object.keys(steps).sort());
      for (const step of Object.keys(steps)) {
        expect(comparable(wholeDay[step]), step).to.deep.equal(comparable(steps[step]));
      }
    });
  });
});
