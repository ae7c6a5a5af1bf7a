// The integration's day the SOAP::Lite and zeep customer-admin scripts (test/clients/perl/otrs-customer-admin.pl,
// test/clients/python/otrs_customer_admin.py) both play, with the same values (issue 5: "every operation answers
// SOAP::Lite and zeep as the contract document says, with the error codes it lists").
//
// The day is played step by step against one server whose licence pool allows 3 valid customer users (the demo
// data has 2): the script logs in once, and every later run reuses that SessionID (OTRS_SESSION_ID), so each
// failing call can run alone between two dumps of the whole database and must leave it unchanged, row for row.
// Then the whole day runs once more in a single run of the script against a fresh server and must answer the same.
//
// How each client sends the calls and binds the answers stays in its own test file (AdminClient says how it reads
// one); the tests of what the server must answer and store are the same for both and are declared here, each
// called inside the client's describe for that step.
import { expect } from 'chai';
import { startServer, type RunningServer } from './server.js';
import { customerUserState, fieldTexts, preferenceValues, sessionData } from './state.js';
import { runBetweenDumps, WITHOUT_PROXY, type DumpedRun } from './client-run.js';

/** The steps of the day, in the script's order, grouped as the test runs them. */
const SETUP = ['CompanyCreate', 'CompanyAdd', 'UserCreate', 'UserCreateDraft', 'UserAdd'];
const LOOKUPS = ['UserSearch', 'UserSearchSorted', 'UserSearchValid', 'UserSearchNone', 'UserGet', 'CompanySearch', 'CompanySearchDefaultOrder', 'CompanyGet'];
const LIFECYCLE = ['UserDeactivate', 'UserActivate'];
/** Each failing step and the exact Error block the error lists of docs/operations.md promise for it. */
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
export interface ErrorBlock { ErrorCode: string; ErrorMessage: string }
const LICENCE_EXCEEDED: ErrorBlock = {
  ErrorCode: 'CustomerUserUpdate.LicenceExceeded',
  ErrorMessage: 'CustomerUserUpdate: 3 of 3 customer user licences are in use: make another customer user invalid first!',
};
// The day's activation step is the strict policy's (ACCOUNT_ACTIVATION=strict; OTRS's default lets it through).
const LICENCE_POOL = { CUSTOMER_USER_MAX_VALID: '3', ACCOUNT_ACTIVATION: 'strict' };

/** What both scripts report for one call; each client adds its own fields (how its failures show, what it sent). */
export interface AdminCall {
  Operation: string;
  HTTPStatus?: number | null;
  Request?: string | null;
  Fault?: { faultcode: string; faultstring: string };
  TransportError?: string;
  Data?: any;
}
/** What a script prints: the report of each call, by step. */
export type AdminOutput<C extends AdminCall> = Record<string, C>;

/** How one client's test reads a reported call. */
export interface AdminClient<C extends AdminCall> {
  /** A successful answer of `operation`: its data, with no Error block (as the client binds its absence). */
  succeeded: (call: C | undefined, operation: string) => any;
  /** An answer with exactly this Error block and nothing else the client binds. */
  failed: (call: C | undefined, error: ErrorBlock) => void;
  /** A successful search answer (`data`) listing exactly `ids` under `key`, as the client binds a list. */
  listed: (data: any, key: string, ids: string[]) => void;
  /** An empty element of a company record, as the client binds it. */
  empty: '' | null;
  /** A company record's DynamicField, AccountManager with this one value, as the client binds it. */
  companyField: (value: string | null) => unknown;
}

/** Everything the day reported, and the server the step-by-step runs went to. */
export interface AdminDay<C extends AdminCall> {
  server: RunningServer;
  /** The SessionID the first run logged in with; every later step-by-step run reuses it. */
  session: string;
  setup: AdminOutput<C>;
  lookups: DumpedRun<AdminOutput<C>>;
  errors: Record<string, DumpedRun<AdminOutput<C>>>;
  lifecycle: AdminOutput<C>;
  licence: DumpedRun<AdminOutput<C>>;
  rename: AdminOutput<C>;
/** The whole day in one run (the script's default) against a fresh server. */
  wholeDay: AdminOutput<C>;
}

/** Runs the client's script against `server` with the given steps (none: all of them) in `env`; returns its JSON. */
export type RunAdminScript<C extends AdminCall> = (server: RunningServer, steps: string[], env: Record<string, string>) => Promise<AdminOutput<C>>;

/**
 * Plays the day in a `before` hook of the calling describe and stops its servers in an `after` hook; the accessor
 * returns what it reported. `renameSteps`: the client's CustomerCompanyUpdate renames and the lookups after them.
 */
export function playAdminDay<C extends AdminCall>(run: RunAdminScript<C>, renameSteps: string[]): () => AdminDay<C> {
  let server: RunningServer | undefined;
  let wholeDayServer: RunningServer | undefined;
  let day: AdminDay<C>;

  // Every run but the first reuses the SessionID the first one logged in with.
  const runAs = (at: RunningServer, steps: string[], session = '') => run(at, steps, { ...WITHOUT_PROXY, OTRS_SESSION_ID: session });

  before(async function () {
    const at = server = await startServer(LICENCE_POOL);
    const setup = await runAs(at, SETUP);
    const session: string = setup.SessionCreate?.Data?.SessionID ?? '';
    const withSession = (steps: string[]) => runAs(at, steps, session);
    const lookups = await runBetweenDumps(at, () => withSession(LOOKUPS));
    const errors: AdminDay<C>['errors'] = {};
    for (const [step] of ERRORS) errors[step] = await runBetweenDumps(at, () => withSession([step]));
    const lifecycle = await withSession(LIFECYCLE);
    const licence = await runBetweenDumps(at, () => withSession(['ErrorLicenceExceeded']));
    const rename = await withSession(renameSteps);

    wholeDayServer = await startServer(LICENCE_POOL);
    const wholeDay = await runAs(wholeDayServer, []);
    day = { server: at, session, setup, lookups, errors, lifecycle, licence, rename, wholeDay };
  });

  after(async function () {
    await server?.stop();
    await wholeDayServer?.stop();
  });

  return () => day;
}

/** Everything the step-by-step runs reported, by step. */
const stepByStep = <C extends AdminCall>(day: AdminDay<C>): AdminOutput<C> =>
  Object.assign({}, day.setup, day.lookups.out, ...Object.values(day.errors).map((e) => e.out), day.lifecycle, day.licence.out, day.rename);

/** A customer-user record as the script reports it (the zeep script flattens zeep's _value_1 list into a dict): never password material. */
export function customerUser(rec: any, login: string): Record<string, any> {
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

/** The SessionCreate of the first run: a SessionID of the demo agent. Returns the session's stored data. */
export function expectDemoAgentSession<C extends AdminCall>(day: () => AdminDay<C>, client: AdminClient<C>): Record<string, string> {
  const { server, setup } = day();
  const data = client.succeeded(setup.SessionCreate, 'SessionCreate');
  expect(data.SessionID).to.match(/^[A-Za-z0-9]{32}$/);
  const stored = sessionData(server, data.SessionID);
  expect(stored.UserLogin).to.equal('demo-agent');
  return stored;
}

/** The day as a whole: it reached every operation. */
export function itCallsEveryOperation<C extends AdminCall>(day: () => AdminDay<C>): void {
  it('calls every customer-user and customer-company operation, the aliases included', function () {
    const operations = new Set(Object.values(stepByStep(day())).filter((c) => typeof c === 'object').map((c) => c.Operation));
    expect([...operations].sort()).to.deep.equal([
      'CustomerCompanyAdd', 'CustomerCompanyCreate', 'CustomerCompanyGet', 'CustomerCompanySearch', 'CustomerCompanyUpdate',
      'CustomerUserAdd', 'CustomerUserCreate', 'CustomerUserGet', 'CustomerUserSearch', 'CustomerUserUpdate', 'SessionCreate',
    ]);
  });
}

/** CustomerCompanyCreate: what it stored. */
export function itStoresTheCreatedCompany<C extends AdminCall>(day: () => AdminDay<C>): void {
  it('stored the company', function () {
    expect(row(day().lookups.before, 'customer_company', { customer_id: 'Globex' })).to.deep.include({
      name: 'Globex Corporation', street: '1 Hammock District', city: 'Cypress Creek', country: 'USA', zip: null, valid_id: 1,
    });
  });
}

/** CustomerCompanyAdd: what it stored. */
export function itStoresTheAddedCompany<C extends AdminCall>(day: () => AdminDay<C>): void {
  it('stored the text as UTF-8', function () {
    expect(row(day().lookups.before, 'customer_company', { customer_id: 'Initech' })).to.deep.include({ name: 'Initech LLC', city: 'Zürich', comments: 'TPS reports & staplers' });
  });
}

/** CustomerCompanyCreate's answer: CustomerID and the record, the agent of the session as CreateBy and ChangeBy. */
export function expectCompanyCreated<C extends AdminCall>(day: () => AdminDay<C>, client: AdminClient<C>): void {
  const { server, session, setup } = day();
  const data = client.succeeded(setup.CompanyCreate, 'CustomerCompanyCreate');
  expect(data.CustomerID).to.equal('Globex');
  const agentId = sessionData(server, session).UserID;
  const { empty } = client;
  expect(data.CustomerCompany).to.deep.include({
    CustomerID: 'Globex', CustomerCompanyName: 'Globex Corporation', CompanyString: 'Globex Globex Corporation',
    CustomerCompanyStreet: '1 Hammock District', CustomerCompanyCity: 'Cypress Creek', CustomerCompanyCountry: 'USA',
    CustomerCompanyZIP: empty, CustomerCompanyURL: empty, CustomerCompanyComment: empty,
    Source: 'CustomerCompany', ValidID: '1', CreateBy: agentId, ChangeBy: agentId,
  });
  expect(data.CustomerCompany.DynamicField).to.deep.equal(client.companyField('Hank Scorpio'));
}

/** CustomerCompanyAdd's answer: under the alias's own name, CustomerID and the record. */
export function expectCompanyAdded<C extends AdminCall>(day: () => AdminDay<C>, client: AdminClient<C>): void {
  const data = client.succeeded(day().setup.CompanyAdd, 'CustomerCompanyAdd');
  expect(data.CustomerID).to.equal('Initech');
  expect(data.CustomerCompany).to.deep.include({
    CustomerID: 'Initech', CustomerCompanyName: 'Initech LLC', CompanyString: 'Initech Initech LLC',
    CustomerCompanyCity: 'Zürich', CustomerCompanyComment: 'TPS reports & staplers', ValidID: '1',
  });
  // The company dynamic field exists now, so every company record lists it, empty when unset.
  expect(data.CustomerCompany.DynamicField).to.deep.equal(client.companyField(client.empty));
}

/** CustomerUserCreate, a valid account and a draft: what they answered and stored. */
export function itCreatesTheCustomerUsers<C extends AdminCall>(day: () => AdminDay<C>, client: AdminClient<C>): void {
  it('returns UserLogin and the record: company fields, both dynamic fields (Skills with two values), the preferences', function () {
    const data = client.succeeded(day().setup.UserCreate, 'CustomerUserCreate');
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
    const { server, lookups } = day();
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
    const { setup, lookups } = day();
    const rec = customerUser(client.succeeded(setup.UserCreateDraft, 'CustomerUserCreate').CustomerUser, 'globex.mindy');
    expect(rec.ValidID).to.equal('2');
    expect(rec).not.to.have.property('PasswordLastSet');
    expect(row(lookups.before, 'customer_user', { login: 'globex.mindy' })).to.deep.include({ pw: null, valid_id: 2 });
  });
}

/** CustomerUserAdd: it answers under the alias's own name with UserLogin and the record, and stored the user. */
export function expectUserAdded<C extends AdminCall>(day: () => AdminDay<C>, client: AdminClient<C>): void {
  const { setup, lookups } = day();
  const data = client.succeeded(setup.UserAdd, 'CustomerUserAdd');
  expect(data.UserLogin).to.equal('initech.peter');
  expect(customerUser(data.CustomerUser, 'initech.peter')).to.deep.include({
    UserCustomerID: 'Initech', CustomerCompanyName: 'Initech LLC', DynamicField_Skills: 'TypeScript', ValidID: '2',
  });
  expect(row(lookups.before, 'customer_user', { login: 'initech.peter' })).to.deep.include({ customer_id: 'Initech', valid_id: 2 });
}

/** CustomerUserSearch by a login prefix. */
export function itFindsLoginsByPrefix<C extends AdminCall>(day: () => AdminDay<C>, client: AdminClient<C>): void {
  it('finds logins by a prefix* wildcard, all validities, sorted by SortBy UserLogin / OrderBy Up', function () {
    client.listed(client.succeeded(day().lookups.out.UserSearch, 'CustomerUserSearch'), 'CustomerUserID', ['globex.hank', 'globex.mindy']);
  });
}

/** CustomerUserSearch with SortBy UserCustomerID/UserLogin and OrderBy Up/Down: the answer. */
export function expectSortedByPosition<C extends AdminCall>(day: () => AdminDay<C>, client: AdminClient<C>): void {
  expect(client.succeeded(day().lookups.out.UserSearchSorted, 'CustomerUserSearch').CustomerUserID)
    .to.deep.equal(['cust2', 'cust1', 'globex.mindy', 'globex.hank', 'initech.peter']);
}

/** CustomerUserGet of three logins (one comma-separated pair) and an unknown one. */
export function itReturnsTheRecordsAsked<C extends AdminCall>(day: () => AdminDay<C>, client: AdminClient<C>): void {
  it('returns the records in the order asked, the unknown login skipped, with their dynamic fields', function () {
    const records = client.succeeded(day().lookups.out.UserGet, 'CustomerUserGet').CustomerUser;
    expect(records).to.be.an('array').with.length(3);
    const [hank, peter, mindy] = records;
    expect(customerUser(hank, 'globex.hank')).to.deep.include({ DynamicField_Department: 'Research & Development', UserTimeZone: 'America/Chicago', ValidID: '1' });
    expect(hank.DynamicField_Skills).to.deep.equal(['SQL', 'Perl']);
    expect(customerUser(peter, 'initech.peter')).to.deep.include({ DynamicField_Skills: 'TypeScript', DynamicField_Department: '', UserCustomerID: 'Initech' });
    expect(customerUser(mindy, 'globex.mindy')).to.deep.include({ DynamicField_Skills: '', ValidID: '2' });
  });
}

/** CustomerCompanySearch and CustomerCompanyGet, and that the lookups stored nothing. */
export function itFindsAndGetsCompanies<C extends AdminCall>(day: () => AdminDay<C>, client: AdminClient<C>): void {
  it('finds companies by a *wildcard* in the name, sorted by name up, and by CustomerID down by default', function () {
    const { lookups } = day();
    client.listed(client.succeeded(lookups.out.CompanySearch, 'CustomerCompanySearch'), 'CustomerID', ['ACME', 'Globex', 'Initech']);
    client.listed(client.succeeded(lookups.out.CompanySearchDefaultOrder, 'CustomerCompanySearch'), 'CustomerID', ['Initech', 'Globex', 'ACME']);
  });

  it('gets both companies of a comma-separated list (ids ignore case) with their dynamic field', function () {
    const records = client.succeeded(day().lookups.out.CompanyGet, 'CustomerCompanyGet').CustomerCompany;
    expect(records.map((r: any) => r.CustomerID)).to.deep.equal(['Globex', 'Initech']);
    expect(records[0].DynamicField).to.deep.equal(client.companyField('Hank Scorpio'));
    expect(records[1]).to.deep.include({ CustomerCompanyName: 'Initech LLC', CustomerCompanyCity: 'Zürich' });
  });

  it('reading changed nothing stored', function () {
    const { lookups } = day();
    expect(lookups.after).to.deep.equal(lookups.before);
  });
}

/** Each failing step, run alone: the exact Error block in an HTTP 200 answer, and the database unchanged. */
export function itRefusesEachErrorStoringNothing<C extends AdminCall>(day: () => AdminDay<C>, client: AdminClient<C>): void {
  for (const [step, ErrorCode, ErrorMessage] of ERRORS) {
    it(`${step}: ${ErrorCode}`, function () {
      const run = day().errors[step];
      client.failed(run.out[step], { ErrorCode, ErrorMessage });
      expect(run.after).to.deep.equal(run.before);
    });
  }
}

/** The licence pool (CUSTOMER_USER_MAX_VALID 3; cust1 and cust2 are valid): deactivate, activate, and the fourth refused. */
export function itKeepsTheLicencePool<C extends AdminCall>(day: () => AdminDay<C>, client: AdminClient<C>): void {
  it('deactivates one customer user with CustomerUserUpdate and activates another', function () {
    const { lifecycle, licence } = day();
    const off = client.succeeded(lifecycle.UserDeactivate, 'CustomerUserUpdate');
    expect(off.ID).to.equal('globex.hank');
    expect(customerUser(off.CustomerUser, 'globex.hank').ValidID).to.equal('2');
    const on = client.succeeded(lifecycle.UserActivate, 'CustomerUserUpdate');
    expect(on.ID).to.equal('initech.peter');
    expect(customerUser(on.CustomerUser, 'initech.peter').ValidID).to.equal('1');
    expect(rows(licence.before, 'customer_user').filter((r) => r.valid_id === 1).map((r) => r.login).sort()).to.deep.equal(['cust1', 'cust2', 'initech.peter']);
  });

  it('refuses to activate a fourth: LicenceExceeded, nothing stored', function () {
    const { licence } = day();
    client.failed(licence.out.ErrorLicenceExceeded, LICENCE_EXCEEDED);
    expect(licence.after).to.deep.equal(licence.before);
    expect(row(licence.after, 'customer_user', { login: 'globex.hank' }).valid_id).to.equal(2);
  });
}

/** CustomerCompanyUpdate renaming Globex to GLX (CustomerCompanyID + new CustomerID) and clearing its city. */
export function itReturnsTheRenamedCompany<C extends AdminCall>(day: () => AdminDay<C>, client: AdminClient<C>): void {
  it('returns the new CustomerID and the record under it: city cleared, dynamic field kept', function () {
    const data = client.succeeded(day().rename.CompanyRename, 'CustomerCompanyUpdate');
    expect(data.CustomerID).to.equal('GLX');
    expect(data.CustomerCompany).to.deep.include({ CustomerID: 'GLX', CompanyString: 'GLX Globex Corporation', CustomerCompanyName: 'Globex Corporation', CustomerCompanyCity: client.empty });
    expect(data.CustomerCompany.DynamicField).to.deep.equal(client.companyField('Hank Scorpio'));
  });
}

/**
 * What the renames stored: Globex is GLX without a city, its customer users moved and no others, the company
 * dynamic-field object renamed. `initech`: the Initech company row as the client's renames left it.
 */
export function expectRenamesStored<C extends AdminCall>(day: () => AdminDay<C>, initech: { customer_id: string; city: string }): void {
  const db = day().server.db();
  try {
    expect(db.prepare('SELECT customer_id, city FROM customer_company ORDER BY customer_id').all()).to.deep.equal([
      { customer_id: 'ACME', city: 'Springfield' }, { customer_id: 'GLX', city: null }, initech,
    ]);
    expect(db.prepare('SELECT login, customer_id FROM customer_user ORDER BY login').all()).to.deep.equal([
      { login: 'cust1', customer_id: 'ACME' }, { login: 'cust2', customer_id: 'ACME' },
      { login: 'globex.hank', customer_id: 'GLX' }, { login: 'globex.mindy', customer_id: 'GLX' }, { login: 'initech.peter', customer_id: initech.customer_id },
    ]);
    expect(db.prepare("SELECT object_name FROM dynamic_field_obj_id_name WHERE object_type = 'CustomerCompany' ORDER BY object_name").all())
      .to.deep.equal([{ object_name: 'GLX' }]);
  } finally { db.close(); }
}

/** The whole day in one run against a fresh server answers as the step-by-step runs did. */
export function itAnswersTheWholeDayAlike<C extends AdminCall>(day: () => AdminDay<C>): void {
  it('ran the same steps and got the same answers as the step-by-step runs (timestamps and SessionID aside)', function () {
    const { wholeDay } = day();
    const steps = stepByStep(day());
    expect(Object.keys(wholeDay).sort()).to.deep.equal(Object.keys(steps).sort());
    for (const step of Object.keys(steps)) {
      expect(comparable(wholeDay[step]), step).to.deep.equal(comparable(steps[step]));
    }
  });
}
