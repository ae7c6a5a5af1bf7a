// The CustomerCompany operations end to end: CustomerCompanyCreate (and its alias CustomerCompanyAdd),
// CustomerCompanyGet, CustomerCompanySearch and CustomerCompanyUpdate, with raw envelopes against a real server,
// every error code, and the stored state compared before and after every rejected request.
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { openTestDatabase, type TestDatabase } from './support/database.js';
import { startServer, type RunningServer } from './support/server.js';
import { call, NS } from './support/soap.js';
import { dumpDatabase } from './support/dump.js';

const AGENT = '<UserLogin>demo-agent</UserLogin><Password>DemoAgent1!</Password>';
const T = '2026-01-01 00:00:00';

/** CustomerCompany dynamic fields of every kind the record has to show. */
const FIELDS: Array<[string, string, object]> = [
  ['Tier', 'Dropdown', { PossibleValues: { gold: 'Gold', silver: 'Silver' } }],
  ['Regions', 'Multiselect', { PossibleValues: { EU: 'Europe', US: 'Americas', APAC: 'Asia-Pacific' } }],
  ['Audited', 'Checkbox', {}],
  ['Founded', 'Date', {}],
  ['Motto', 'Text', {}],
];

const newCompany = (id: string, name: string, extra = '') => `<CustomerID>${id}</CustomerID><CustomerCompanyName>${name}</CustomerCompanyName><ValidID>1</ValidID>${extra}`;

function expectError(r: { res: { status: number }; data: any }, code: string, messagePart?: string) {
  expect(r.res.status).to.equal(200);
  expect(r.data?.Error, JSON.stringify(r.data)).to.be.an('object');
  expect(r.data.Error.ErrorCode).to.equal(code);
  expect(r.data.Error.ErrorMessage).to.match(new RegExp(`^${code.split('.')[0]}: `));
  if (messagePart) expect(r.data.Error.ErrorMessage).to.contain(messagePart);
  expect(r.data.CustomerCompany).to.equal(undefined);
}

describe('CustomerCompany operations', function () {
  let server: RunningServer;
  let session: string;
  const as = () => `<SessionID>${session}</SessionID>`;
  const op = (operation: string, inner: string, credentials = as()) => call(server.endpoint, operation, credentials + inner);
  /** Everything stored but the agents' own bookkeeping (a login records UserLastLogin or UserLoginFailed). */
  const state = () => {
    const d = dumpDatabase(server);
    delete d.users; delete d.user_preferences; delete d.sessions;
    return d;
  };
  const rows = (query: string, ...params: unknown[]) => {
    const db = server.db();
    try { return db.prepare(query).all(...params) as any[]; } finally { db.close(); }
  };
  const write = (fn: (db: TestDatabase) => void) => {
    const db = openTestDatabase(server.dbPath);
    try { fn(db); } finally { db.close(); }
  };
  const insertCompany = (db: TestDatabase, id: string, name: string, validId = 1) => db.prepare(`INSERT INTO customer_company
    (customer_id, name, street, zip, city, country, url, comments, valid_id, create_time, create_by, change_time, change_by)
    VALUES (?, ?, NULL, NULL, NULL, NULL, NULL, NULL, ?, ?, 1, ?, 1)`).run(id, name, validId, T, T);
  const insertCustomer = (db: TestDatabase, login: string, customerId: string) => db.prepare(`INSERT INTO customer_user
    (login, email, customer_id, pw, title, first_name, last_name, valid_id, create_time, create_by, change_time, change_by)
    VALUES (?, ?, ?, NULL, NULL, 'F', 'L', 2, ?, 1, ?, 1)`).run(login, `${login}@acme-demo.test`, customerId, T, T);

  before(async () => {
    server = await startServer();
    session = (await call(server.endpoint, 'SessionCreate', AGENT)).data.SessionID;
    write((db) => {
      for (const [i, [name, type, config]] of FIELDS.entries()) {
        db.prepare(`INSERT INTO dynamic_field (internal_field, name, label, field_order, field_type, object_type, config, valid_id, create_time, create_by, change_time, change_by)
          VALUES (0, ?, ?, ?, ?, 'CustomerCompany', ?, 1, ?, 1, ?, 1)`).run(name, name, 10 + i, type, JSON.stringify(config), T, T);
      }
      // An agent in no group (OTRS's default sha2 hash): it can log in, but not administer companies.
      db.prepare(`INSERT INTO users (login, pw, title, first_name, last_name, valid_id, create_time, create_by, change_time, change_by)
        VALUES ('plain-agent', ?, NULL, 'Plain', 'Agent', 1, ?, 1, ?, 1)`).run(createHash('sha256').update('PlainPass1').digest('hex'), T, T);
    });
  });
  after(async () => { await server.stop(); });

  /** Sends a request that must fail with `code` and leave every stored row as it was. */
  async function rejects(operation: string, inner: string, code: string, messagePart?: string, credentials = as()) {
    const before = state();
    const r = await op(operation, inner, credentials);
    expectError(r, code, messagePart);
    expect(state()).to.deep.equal(before);
    return r;
  }

  describe('CustomerCompanyCreate', () => {
    it('creates a company with every field and dynamic field, and answers CustomerID and the OTRS 8 record', async () => {
      const r = await op('CustomerCompanyCreate', '<CustomerID>Globex</CustomerID><CustomerCompanyName>Globex Corporation</CustomerCompanyName>'
        + '<CustomerCompanyStreet>1 Main St</CustomerCompanyStreet><CustomerCompanyZIP>4711</CustomerCompanyZIP><CustomerCompanyCity>Cypress Creek</CustomerCompanyCity>'
        + '<CustomerCompanyCountry>USA</CustomerCompanyCountry><CustomerCompanyURL>https://globex.test</CustomerCompanyURL><CustomerCompanyComment>Hank &amp; Co</CustomerCompanyComment>'
        + '<ValidID>1</ValidID><Source>CustomerCompany</Source>'
        + '<DynamicField><Name>Tier</Name><Value>gold</Value></DynamicField><DynamicField><Name>Regions</Name><Value>EU</Value><Value>US</Value></DynamicField>'
        + '<DynamicField><Name>Audited</Name><Value>1</Value></DynamicField><DynamicField><Name>Founded</Name><Value>1999-12-31</Value></DynamicField>');
      expect(r.res.status).to.equal(200);
      expect(r.data.Error, JSON.stringify(r.data)).to.equal(undefined);
      expect(r.data.CustomerID).to.equal('Globex');
      const rec = r.data.CustomerCompany;
      expect(rec).to.include({
        CustomerID: 'Globex', CustomerCompanyName: 'Globex Corporation', CustomerCompanyStreet: '1 Main St', CustomerCompanyZIP: '4711',
        CustomerCompanyCity: 'Cypress Creek', CustomerCompanyCountry: 'USA', CustomerCompanyURL: 'https://globex.test', CustomerCompanyComment: 'Hank & Co',
        CompanyString: 'Globex Globex Corporation', Source: 'CustomerCompany', ValidID: '1', CreateBy: '2', ChangeBy: '2',
      });
      expect(rec.CreateTime).to.match(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
      expect(rec.ChangeTime).to.equal(rec.CreateTime);
      // Every CustomerCompany field, in field order, as {Name, Value}; a multiselect repeats Value; unset is empty.
      expect(rec.DynamicField).to.deep.equal([
        { Name: 'Tier', Value: 'gold' }, { Name: 'Regions', Value: ['EU', 'US'] }, { Name: 'Audited', Value: '1' },
        { Name: 'Founded', Value: '1999-12-31 00:00:00' }, { Name: 'Motto', Value: '' },
      ]);
      const [row] = rows("SELECT * FROM customer_company WHERE customer_id = 'Globex'");
      expect(row).to.include({ name: 'Globex Corporation', street: '1 Main St', zip: '4711', city: 'Cypress Creek', country: 'USA', url: 'https://globex.test', comments: 'Hank & Co', valid_id: 1, create_by: 2, change_by: 2 });
      const values = rows(`SELECT f.name, v.value_text, v.value_date, v.value_int FROM dynamic_field_value v JOIN dynamic_field f ON f.id = v.field_id
        JOIN dynamic_field_obj_id_name o ON o.object_id = v.object_id WHERE o.object_type = 'CustomerCompany' AND o.object_name = 'Globex' ORDER BY v.id`);
      expect(values).to.deep.equal([
        { name: 'Tier', value_text: 'gold', value_date: null, value_int: null },
        { name: 'Regions', value_text: 'EU', value_date: null, value_int: null },
        { name: 'Regions', value_text: 'US', value_date: null, value_int: null },
        { name: 'Audited', value_text: null, value_date: null, value_int: 1 },
        { name: 'Founded', value_text: null, value_date: '1999-12-31 00:00:00', value_int: null },
      ]);
    });

    it('writes the record children in code-point order, every DynamicField as Name then Value', async () => {
      const r = await op('CustomerCompanyGet', '<CustomerID>Globex</CustomerID><DynamicFields>1</DynamicFields>');
      const inner = r.res.text.split('<CustomerCompany>')[1].split('</CustomerCompany>')[0];
      const top = [...inner.replace(/<DynamicField>.*?<\/DynamicField>/g, '<DynamicField>').matchAll(/<([A-Za-z]+)[ >/]/g)].map((m) => m[1]);
      expect(top).to.deep.equal([...top].sort());
      expect(inner).to.contain('<DynamicField><Name>Regions</Name><Value>EU</Value><Value>US</Value></DynamicField>');
      expect(inner).to.contain('<DynamicField><Name>Motto</Name><Value /></DynamicField>');
      expect(r.res.text).to.contain(`<CustomerCompanyGetResponse xmlns="${NS}"><CustomerCompany><ChangeBy>`);
    });

    it('stores the optional fields not sent as NULL and shows them empty', async () => {
      const r = await op('CustomerCompanyCreate', newCompany('Initech', 'Initech'));
      expect(r.data.CustomerCompany).to.include({ CustomerCompanyStreet: '', CustomerCompanyURL: '', CustomerCompanyComment: '', CompanyString: 'Initech Initech' });
      const [row] = rows("SELECT street, zip, city, country, url, comments FROM customer_company WHERE customer_id = 'Initech'");
      expect(row).to.deep.equal({ street: null, zip: null, city: null, country: null, url: null, comments: null });
    });

    it('creates an invalid company (ValidID 2) and one with the longest values the columns take, counted in characters', async () => {
      const id = 'ä'.repeat(150);
      const r = await op('CustomerCompanyCreate', `<CustomerID>${id}</CustomerID><CustomerCompanyName>${'n'.repeat(200)}</CustomerCompanyName>`
        + `<CustomerCompanyStreet>${'s'.repeat(200)}</CustomerCompanyStreet><CustomerCompanyComment>${'c'.repeat(250)}</CustomerCompanyComment><ValidID>2</ValidID>`);
      expect(r.data.Error, JSON.stringify(r.data)).to.equal(undefined);
      expect(r.data.CustomerID).to.equal(id);
      expect(r.data.CustomerCompany.ValidID).to.equal('2');
    });

    it('creates a dynamic field it does not know yet as a Text field for CustomerCompany', async () => {
      const r = await op('CustomerCompanyCreate', newCompany('Hooli', 'Hooli', '<DynamicField><Name>Slogan</Name><Value>Making the world a better place</Value></DynamicField>'));
      expect(r.data.CustomerCompany.DynamicField).to.deep.include({ Name: 'Slogan', Value: 'Making the world a better place' });
      expect(rows("SELECT field_type, object_type FROM dynamic_field WHERE name = 'Slogan'")).to.deep.equal([{ field_type: 'Text', object_type: 'CustomerCompany' }]);
    });

    it('answers the add-on spelling CustomerCompanyAdd, flat and in the add-on\'s nested form, with CustomerID and CustomerCompany', async () => {
      const flat = await op('CustomerCompanyAdd', newCompany('Umbrella', 'Umbrella Corp'));
      expect(flat.res.text).to.contain('<CustomerCompanyAddResponse ');
      expect(flat.data.CustomerID).to.equal('Umbrella');
      expect(flat.data.CustomerCompany.CustomerCompanyName).to.equal('Umbrella Corp');

      const nested = await op('CustomerCompanyAdd', '<Source>CustomerCompany</Source><CustomerCompany><CustomerID>Soylent</CustomerID>'
        + '<CustomerCompanyName>Soylent Corp</CustomerCompanyName><CustomerCompanyCity>New York</CustomerCompanyCity><ValidID>1</ValidID></CustomerCompany>'
        + '<DynamicField><Name>Tier</Name><Value>silver</Value></DynamicField>');
      expect(nested.data.Error, JSON.stringify(nested.data)).to.equal(undefined);
      expect(nested.data.CustomerID).to.equal('Soylent');
      expect(nested.data.CustomerCompany).to.include({ CustomerCompanyName: 'Soylent Corp', CustomerCompanyCity: 'New York' });
      expect(nested.data.CustomerCompany.DynamicField).to.deep.include({ Name: 'Tier', Value: 'silver' });
      // The nested form works under the OTRS 8 name too: same class.
      const create = await op('CustomerCompanyCreate', '<CustomerCompany><CustomerID>Tyrell</CustomerID><CustomerCompanyName>Tyrell Corp</CustomerCompanyName><ValidID>1</ValidID></CustomerCompany>');
      expect(create.data.CustomerID).to.equal('Tyrell');

      await rejects('CustomerCompanyAdd', newCompany('UMBRELLA', 'Another Umbrella'), 'CustomerCompanyAdd.CustomerIDInUse', "'UMBRELLA'");
    });

    const rejected: Array<[string, string, string, string?]> = [
      ['an empty request', '', 'MissingParameter', 'The request is empty!'],
      ['no CustomerID', '<CustomerCompanyName>No Id</CustomerCompanyName><ValidID>1</ValidID>', 'MissingParameter', 'CustomerID parameter is missing!'],
      ['an empty CustomerID', newCompany('', 'No Id'), 'MissingParameter', 'CustomerID parameter is missing!'],
      ['no CustomerCompanyName', '<CustomerID>no-name</CustomerID><ValidID>1</ValidID>', 'MissingParameter', 'CustomerCompanyName parameter is missing!'],
      ['a nil CustomerCompanyName', '<CustomerID>no-name</CustomerID><CustomerCompanyName xsi:nil="true"/><ValidID>1</ValidID>', 'MissingParameter', 'CustomerCompanyName'],
      ['no ValidID', '<CustomerID>no-valid</CustomerID><CustomerCompanyName>No Valid</CustomerCompanyName>', 'MissingParameter', 'ValidID parameter is missing!'],
      ['an empty nested CustomerCompany', '<CustomerCompany/>', 'MissingParameter', 'CustomerCompany parameter is missing!'],
      ['a DynamicField without Name', newCompany('df-x', 'DF X', '<DynamicField><Value>x</Value></DynamicField>'), 'MissingParameter', 'DynamicField[0]->Name'],
      ['a CustomerID used by another company, in another case', newCompany('acme', 'Not ACME'), 'CustomerIDInUse', "A customer company with the CustomerID 'acme' already exists!"],
      ['a name used by another company, in another case', newCompany('acme-2', 'acme inc.'), 'CompanyNameInUse', "A customer company with the name 'acme inc.' already exists!"],
      ['ValidID 7', '<CustomerID>v7</CustomerID><CustomerCompanyName>V7</CustomerCompanyName><ValidID>7</ValidID>', 'InvalidValidID', "ValidID '7' is invalid"],
      ['ValidID 0', '<CustomerID>v0</CustomerID><CustomerCompanyName>V0</CustomerCompanyName><ValidID>0</ValidID>', 'InvalidValidID', "'0'"],
      ['ValidID "valid"', '<CustomerID>vv</CustomerID><CustomerCompanyName>VV</CustomerCompanyName><ValidID>valid</ValidID>', 'InvalidValidID', "'valid'"],
      ['a CustomerID longer than 150 characters', newCompany('x'.repeat(151), 'Long Id'), 'InvalidParameter', 'Parameter CustomerID is longer than 150 characters!'],
      ['a CustomerID with a control character', newCompany('tab\there', 'Tab'), 'InvalidParameter', 'control characters'],
      ['a name longer than 200 characters', newCompany('long-name', 'n'.repeat(201)), 'InvalidParameter', 'Parameter CustomerCompanyName is longer than 200 characters!'],
      ['a street longer than 200 characters', newCompany('long-street', 'Long Street', `<CustomerCompanyStreet>${'s'.repeat(201)}</CustomerCompanyStreet>`), 'InvalidParameter', 'CustomerCompanyStreet is longer than 200'],
      ['a URL longer than 200 characters', newCompany('long-url', 'Long URL', `<CustomerCompanyURL>${'u'.repeat(201)}</CustomerCompanyURL>`), 'InvalidParameter', 'CustomerCompanyURL is longer than 200'],
      ['a comment longer than 250 characters', newCompany('long-comment', 'Long Comment', `<CustomerCompanyComment>${'c'.repeat(251)}</CustomerCompanyComment>`), 'InvalidParameter', 'CustomerCompanyComment is longer than 250'],
      ['a structure where a string belongs', newCompany('struct', 'Struct', '<CustomerCompanyCity><A>1</A></CustomerCompanyCity>'), 'InvalidParameter', 'CustomerCompanyCity'],
      ['an unknown Source', newCompany('src', 'Src', '<Source>CustomerCompany1</Source>'), 'InvalidParameter', 'Source'],
      ['a dynamic field value its field does not allow', newCompany('df-bad', 'DF Bad', '<DynamicField><Name>Tier</Name><Value>bronze</Value></DynamicField>'), 'InvalidParameter', "DynamicField Tier: 'bronze' is not one of its possible values (gold, silver)!"],
      ['a customer-user dynamic field', newCompany('df-cu', 'DF CU', '<DynamicField><Name>Department</Name><Value>Sales</Value></DynamicField>'), 'InvalidParameter', 'DynamicField Department is not a CustomerCompany field!'],
      ['a dynamic field given twice', newCompany('df-2', 'DF 2', '<DynamicField><Name>Motto</Name><Value>a</Value></DynamicField><DynamicField><Name>Motto</Name><Value>b</Value></DynamicField>'), 'InvalidParameter', 'DynamicField Motto is given more than once!'],
      ['an invalid dynamic field name (nothing auto-created)', newCompany('df-name', 'DF Name', '<DynamicField><Name>Bad-Name</Name><Value>x</Value></DynamicField>'), 'InvalidParameter', "DynamicField name 'Bad-Name' is invalid"],
      ['both the nested and the flat form', '<CustomerID>mixed</CustomerID><CustomerCompany><CustomerID>mixed</CustomerID><CustomerCompanyName>Mixed</CustomerCompanyName><ValidID>1</ValidID></CustomerCompany>', 'InvalidParameter', 'Parameter CustomerID is given both inside CustomerCompany and beside it!'],
      ['a nested CustomerCompany that is text', '<CustomerCompany>Acme</CustomerCompany>', 'InvalidParameter', 'CustomerCompany'],
    ];
    for (const [what, inner, reason, message] of rejected) {
      it(`refuses ${what} with CustomerCompanyCreate.${reason}, changing nothing`, async () => {
        await rejects('CustomerCompanyCreate', inner, `CustomerCompanyCreate.${reason}`, message, inner === '' ? '' : as());   // an empty request has no credentials either
      });
    }

    it('rolls back a dynamic field it auto-created when a later check fails', async () => {
      await rejects('CustomerCompanyCreate', newCompany('rollback', 'Rollback', '<DynamicField><Name>Brandnew</Name><Value>x</Value></DynamicField><DynamicField><Name>Tier</Name><Value>x</Value></DynamicField>'),
        'CustomerCompanyCreate.InvalidParameter', 'Tier');
      expect(rows("SELECT * FROM dynamic_field WHERE name = 'Brandnew'")).to.deep.equal([]);
    });
  });

  describe('authentication and permission (every operation)', () => {
    const requests: Array<[string, string]> = [
      ['CustomerCompanyCreate', newCompany('Hacked', 'Hacked Inc.')],
      ['CustomerCompanyAdd', newCompany('Hacked', 'Hacked Inc.')],
      ['CustomerCompanyGet', '<CustomerID>ACME</CustomerID>'],
      ['CustomerCompanySearch', '<CustomerCompanyName>*</CustomerCompanyName>'],
      ['CustomerCompanyUpdate', '<CustomerID>ACME</CustomerID><CustomerCompanyName>Hacked</CustomerCompanyName>'],
    ];
    for (const [operation, inner] of requests) {
      for (const [what, credentials] of [
        ['a wrong password', '<UserLogin>demo-agent</UserLogin><Password>wrong</Password>'],
        ['no credentials', ''],
        ['a bogus SessionID', '<SessionID>abcdefghijklmnopqrstuvwxyz123456</SessionID>'],
      ] as const) {
        it(`${operation}: answers ${what} with ${operation}.AuthFail, changing nothing`, async () => {
          const r = await rejects(operation, inner, `${operation}.AuthFail`, undefined, credentials);
          expect(r.data.Error.ErrorMessage).to.equal(`${operation}: Authorization failing!`);
        });
      }
      it(`${operation}: denies customers and agents without rw in CUSTOMER_USER_ADMIN_GROUPS (${operation}.AccessDenied), changing nothing`, async () => {
        const customer = await call(server.endpoint, 'SessionCreate', '<CustomerUserLogin>cust1</CustomerUserLogin><Password>CustPass1!</Password>');
        await rejects(operation, inner, `${operation}.AccessDenied`, 'User does not have access to', `<SessionID>${customer.data.SessionID}</SessionID>`);
        await rejects(operation, inner, `${operation}.AccessDenied`, 'User does not have access to', '<UserLogin>plain-agent</UserLogin><Password>PlainPass1</Password>');
      });
    }

    it('works with UserLogin + Password and with an AccessToken', async () => {
      const byLogin = await op('CustomerCompanyGet', '<CustomerID>ACME</CustomerID>', AGENT);
      expect(byLogin.data.CustomerCompany.CustomerID).to.equal('ACME');
      const token = (await call(server.endpoint, 'AccessTokenCreate', AGENT)).data.AccessToken;
      const byToken = await op('CustomerCompanySearch', '<CustomerID>acme</CustomerID>', `<AccessToken>${token}</AccessToken>`);
      expect(byToken.data.CustomerID).to.equal('ACME');
    });
  });

  describe('CustomerCompanyGet', () => {
    it('returns one company, found ignoring case, without dynamic fields unless asked', async () => {
      const r = await op('CustomerCompanyGet', '<CustomerID>globex</CustomerID>');
      expect(r.data.Error).to.equal(undefined);
      const rec = r.data.CustomerCompany;
      expect(rec).to.include({ CustomerID: 'Globex', CustomerCompanyName: 'Globex Corporation', CompanyString: 'Globex Globex Corporation', Source: 'CustomerCompany', ValidID: '1' });
      expect(rec).not.to.have.property('DynamicField');
      for (const key of ['CustomerCompanyStreet', 'CustomerCompanyZIP', 'CustomerCompanyCity', 'CustomerCompanyCountry', 'CustomerCompanyURL', 'CustomerCompanyComment', 'CreateTime', 'CreateBy', 'ChangeTime', 'ChangeBy']) {
        expect(rec, key).to.have.property(key);
      }
    });

    it('returns several companies, repeated or comma-separated, in the order asked, skipping unknown ids and repeats', async () => {
      const repeated = await op('CustomerCompanyGet', '<CustomerID>Initech</CustomerID><CustomerID>nope</CustomerID><CustomerID>ACME</CustomerID><CustomerID>initech</CustomerID>');
      expect(repeated.data.CustomerCompany.map((c: any) => c.CustomerID)).to.deep.equal(['Initech', 'ACME']);
      const commas = await op('CustomerCompanyGet', '<CustomerID>Umbrella, nope ,ACME,,Globex</CustomerID>');
      expect(commas.data.CustomerCompany.map((c: any) => c.CustomerID)).to.deep.equal(['Umbrella', 'ACME', 'Globex']);
    });

    it('includes the dynamic fields with DynamicFields=1 (multiselect values repeated)', async () => {
      const r = await op('CustomerCompanyGet', '<CustomerID>Globex</CustomerID><CustomerID>ACME</CustomerID><DynamicFields>1</DynamicFields>');
      const [globex, acme] = r.data.CustomerCompany;
      expect(globex.DynamicField).to.deep.include({ Name: 'Regions', Value: ['EU', 'US'] });
      expect(globex.DynamicField).to.deep.include({ Name: 'Tier', Value: 'gold' });
      expect(acme.DynamicField).to.deep.include({ Name: 'Tier', Value: '' });
      const off = await op('CustomerCompanyGet', '<CustomerID>Globex</CustomerID><DynamicFields>0</DynamicFields>');
      expect(off.data.CustomerCompany).not.to.have.property('DynamicField');
    });

    it('finds a company whose id contains a comma as a whole', async () => {
      await op('CustomerCompanyCreate', newCompany('Smith, Jones &amp; Co', 'Smith Jones'));
      const r = await op('CustomerCompanyGet', '<CustomerID>smith, jones &amp; co</CustomerID>');
      expect(r.data.CustomerCompany.CustomerID).to.equal('Smith, Jones & Co');
    });

    const rejected: Array<[string, string, string, string?]> = [
      ['an empty request', '', 'MissingParameter', 'The request is empty!'],
      ['no CustomerID', '<DynamicFields>1</DynamicFields>', 'MissingParameter', 'CustomerID parameter is missing!'],
      ['an empty CustomerID', '<CustomerID/>', 'MissingParameter', 'CustomerID parameter is missing!'],
      ['only commas', '<CustomerID> , ,</CustomerID>', 'NotFound'],
      ['only unknown ids', '<CustomerID>nope</CustomerID><CustomerID>nada,niente</CustomerID>', 'NotFound', 'No customer company found for the given CustomerID!'],
      ['a structure for CustomerID', '<CustomerID><A>1</A></CustomerID>', 'InvalidParameter', 'CustomerID'],
      ['more than 1000 ids', `<CustomerID>${Array.from({ length: 1001 }, (_, i) => `c${i}`).join(',')}</CustomerID>`, 'InvalidParameter', 'At most 1000'],
    ];
    for (const [what, inner, reason, message] of rejected) {
      it(`answers ${what} with CustomerCompanyGet.${reason}`, async () => {
        await rejects('CustomerCompanyGet', inner, `CustomerCompanyGet.${reason}`, message, inner === '' ? '' : as());   // an empty request has no credentials either
      });
    }
  });

  describe('CustomerCompanySearch', () => {
    // Ids and names chosen so that a SQL wildcard taken literally or a literal taken as a wildcard shows.
    before(() => write((db) => {
      insertCompany(db, 'srch-100', 'Alpha 100% Pure');
      insertCompany(db, 'srch_101', 'Beta_Test');
      insertCompany(db, 'srch-102', 'alphabet soup');
      insertCompany(db, 'srch-103', 'Gamma (closed)', 2);
      insertCompany(db, 'srchX104', 'Delta');
      insertCompany(db, 'srch-105', 'Betaxtest', 3);
    }));
    const search = (inner: string) => op('CustomerCompanySearch', inner);
    const ids = async (inner: string) => {
      const r = await search(inner);
      expect(r.data?.Error, JSON.stringify(r.data)).to.equal(undefined);
      return r.data?.CustomerID === undefined ? [] : ([] as string[]).concat(r.data.CustomerID);
    };

    it('matches a name exactly, ignoring case', async () => {
      expect(await ids('<CustomerCompanyName>ALPHA 100% PURE</CustomerCompanyName>')).to.deep.equal(['srch-100']);
      expect(await ids('<CustomerCompanyName>Alpha</CustomerCompanyName>')).to.deep.equal([]);
    });

    it('matches prefix* and *infix*', async () => {
      expect(await ids('<CustomerCompanyName>alpha*</CustomerCompanyName>')).to.deep.equal(['srch-102', 'srch-100']);
      expect(await ids('<CustomerID>srch*</CustomerID><CustomerCompanyName>*TA*</CustomerCompanyName>')).to.deep.equal(['srch_101', 'srchX104']);
      expect(await ids('<CustomerCompanyName>*soup</CustomerCompanyName>')).to.deep.equal(['srch-102']);
    });

    it('takes % and _ literally', async () => {
      expect(await ids('<CustomerCompanyName>*%*</CustomerCompanyName>')).to.deep.equal(['srch-100']);
      expect(await ids('<CustomerCompanyName>Alpha 100%</CustomerCompanyName>')).to.deep.equal([]);
      expect(await ids('<CustomerID>srch_*</CustomerID><Valid>0</Valid>')).to.deep.equal(['srch_101']);
      expect(await ids('<CustomerCompanyName>Beta_*</CustomerCompanyName><Valid>0</Valid>')).to.deep.equal(['srch_101']);
    });

    it('finds valid companies only by default, every company with Valid=0', async () => {
      expect(await ids('<CustomerID>srch*</CustomerID>')).to.deep.equal(['srch_101', 'srchX104', 'srch-102', 'srch-100']);
      expect(await ids('<CustomerID>srch*</CustomerID><Valid>1</Valid>')).to.deep.equal(['srch_101', 'srchX104', 'srch-102', 'srch-100']);
      expect(await ids('<CustomerID>srch*</CustomerID><Valid>0</Valid>')).to.deep.equal(['srch_101', 'srchX104', 'srch-105', 'srch-103', 'srch-102', 'srch-100']);
    });

    it('sorts by CustomerID descending by default, and by SortBy and OrderBy when given (code-point order)', async () => {
      expect(await ids('<CustomerID>srch*</CustomerID><OrderBy>Up</OrderBy>')).to.deep.equal(['srch-100', 'srch-102', 'srchX104', 'srch_101']);
      expect(await ids('<CustomerID>srch*</CustomerID><SortBy>CustomerCompanyName</SortBy><OrderBy>Up</OrderBy>')).to.deep.equal(['srch-100', 'srch_101', 'srchX104', 'srch-102']);
      expect(await ids('<CustomerID>srch*</CustomerID><SortBy>CustomerCompanyName</SortBy>')).to.deep.equal(['srch-102', 'srchX104', 'srch_101', 'srch-100']);
      expect(await ids('<CustomerID>srch*</CustomerID><SortBy>CustomerID</SortBy><OrderBy>Down</OrderBy>')).to.deep.equal(['srch_101', 'srchX104', 'srch-102', 'srch-100']);
    });

    it('stops at Limit (0: no limit)', async () => {
      expect(await ids('<CustomerID>srch*</CustomerID><Limit>2</Limit>')).to.deep.equal(['srch_101', 'srchX104']);
      expect(await ids('<CustomerID>srch*</CustomerID><Limit>0</Limit>')).to.have.length(4);
    });

    it('ANDs CustomerID and CustomerCompanyName; a repeated CustomerID matches any of its values', async () => {
      expect(await ids('<CustomerID>srch-1*</CustomerID><CustomerCompanyName>*a*</CustomerCompanyName>')).to.deep.equal(['srch-102', 'srch-100']);
      expect(await ids('<CustomerID>SRCH-100</CustomerID><CustomerID>srchx*</CustomerID><CustomerID>nope</CustomerID>')).to.deep.equal(['srchX104', 'srch-100']);
    });

    it('without criteria (or with a bare *) lists every valid company', async () => {
      const all = rows('SELECT customer_id FROM customer_company WHERE valid_id = 1 ORDER BY customer_id DESC').map((r) => r.customer_id);
      expect(await ids('<Valid>1</Valid>')).to.deep.equal(all);
      expect(await ids('<CustomerID>*</CustomerID><CustomerCompanyName>*</CustomerCompanyName>')).to.deep.equal(all);
    });

    it('answers no match with the nil response element, as OTRS does for empty data', async () => {
      const r = await search('<CustomerCompanyName>no such company*</CustomerCompanyName>');
      expect(r.res.status).to.equal(200);
      expect(r.res.text).to.contain(`<soap:Body><CustomerCompanySearchResponse xmlns="${NS}" xsi:nil="true" /></soap:Body>`);
    });

    const rejected: Array<[string, string, string, string?]> = [
      ['an empty request', '', 'MissingParameter', 'The request is empty!'],
      ['SortBy Name', '<SortBy>Name</SortBy>', 'InvalidParameter', 'SortBy'],
      ['OrderBy Asc', '<OrderBy>Asc</OrderBy>', 'InvalidParameter', 'OrderBy'],
      ['Valid 2', '<Valid>2</Valid>', 'InvalidParameter', 'Valid'],
      ['Limit -1', '<Limit>-1</Limit>', 'InvalidParameter', 'Limit'],
      ['Limit ten', '<Limit>ten</Limit>', 'InvalidParameter', 'Limit'],
      ['a structure for CustomerCompanyName', '<CustomerCompanyName><A>1</A></CustomerCompanyName>', 'InvalidParameter', 'CustomerCompanyName'],
    ];
    for (const [what, inner, reason, message] of rejected) {
      it(`answers ${what} with CustomerCompanySearch.${reason}`, async () => {
        await rejects('CustomerCompanySearch', inner, `CustomerCompanySearch.${reason}`, message, inner === '' ? '' : as());   // an empty request has no credentials either
      });
    }
  });

  describe('CustomerCompanyUpdate', () => {
    const update = (inner: string) => op('CustomerCompanyUpdate', inner);
    const company = (id: string) => rows('SELECT * FROM customer_company WHERE customer_id = ?', id)[0];

    it('changes only the fields sent and answers CustomerID and the whole record', async () => {
      const before = company('Initech');
      const r = await update('<CustomerID>Initech</CustomerID><CustomerCompanyCity>Austin</CustomerCompanyCity><CustomerCompanyURL>https://initech.test</CustomerCompanyURL>');
      expect(r.data.Error, JSON.stringify(r.data)).to.equal(undefined);
      expect(r.data.CustomerID).to.equal('Initech');
      expect(r.data.CustomerCompany).to.include({ CustomerID: 'Initech', CustomerCompanyName: 'Initech', CustomerCompanyCity: 'Austin', CustomerCompanyURL: 'https://initech.test', ChangeBy: '2' });
      expect(r.data.CustomerCompany.DynamicField).to.be.an('array');
      const after = company('Initech');
      expect(after).to.deep.equal({ ...before, city: 'Austin', url: 'https://initech.test', change_time: after.change_time, change_by: 2 });
    });

    it('finds the company ignoring case; xsi:nil clears an optional field, an empty one stores empty text', async () => {
      const r = await update('<CustomerID>INITECH</CustomerID><CustomerCompanyCity xsi:nil="true"/><CustomerCompanyComment></CustomerCompanyComment><ValidID>2</ValidID>');
      expect(r.data.CustomerID).to.equal('Initech');
      expect(r.data.CustomerCompany).to.include({ CustomerCompanyCity: '', CustomerCompanyComment: '', ValidID: '2' });
      expect(company('Initech')).to.include({ city: null, comments: '', url: 'https://initech.test', valid_id: 2 });
    });

    it('renames the company (CustomerCompanyName), also to its own name in another case', async () => {
      const r = await update('<CustomerID>Initech</CustomerID><CustomerCompanyName>Initech LLC</CustomerCompanyName>');
      expect(r.data.CustomerCompany).to.include({ CustomerCompanyName: 'Initech LLC', CompanyString: 'Initech Initech LLC' });
      const same = await update('<CustomerID>Initech</CustomerID><CustomerCompanyName>INITECH llc</CustomerCompanyName>');
      expect(same.data.CustomerCompany.CustomerCompanyName).to.equal('INITECH llc');
    });

    it('sets, replaces and clears dynamic fields', async () => {
      const set = await update('<CustomerID>Initech</CustomerID><DynamicField><Name>Regions</Name><Value>APAC</Value><Value>EU</Value></DynamicField><DynamicField><Name>Motto</Name><Value>Is this good for the company?</Value></DynamicField>');
      expect(set.data.CustomerCompany.DynamicField).to.deep.include({ Name: 'Regions', Value: ['APAC', 'EU'] });
      expect(set.data.CustomerCompany.DynamicField).to.deep.include({ Name: 'Motto', Value: 'Is this good for the company?' });
      const replaced = await update('<CustomerID>Initech</CustomerID><DynamicField><Name>Regions</Name><Value>US</Value></DynamicField>');
      expect(replaced.data.CustomerCompany.DynamicField).to.deep.include({ Name: 'Regions', Value: 'US' });
      expect(replaced.data.CustomerCompany.DynamicField).to.deep.include({ Name: 'Motto', Value: 'Is this good for the company?' });
      const cleared = await update('<CustomerID>Initech</CustomerID><DynamicField><Name>Regions</Name><Value xsi:nil="true"/></DynamicField><DynamicField><Name>Motto</Name><Value></Value></DynamicField>');
      expect(cleared.data.CustomerCompany.DynamicField).to.deep.include({ Name: 'Regions', Value: '' });
      expect(cleared.data.CustomerCompany.DynamicField).to.deep.include({ Name: 'Motto', Value: '' });
    });

    it('renames the CustomerID (CustomerCompanyID = current id) and moves all its customer users, beyond OTRS\'s 250, and its dynamic-field values', async () => {
      write((db) => {
        insertCompany(db, 'BigCo', 'Big Company');
        insertCompany(db, 'OtherCo', 'Other Company');
        db.transaction(() => {
          for (let i = 0; i < 300; i++) insertCustomer(db, `big${i}`, i % 2 === 0 ? 'BigCo' : 'bigco');
          insertCustomer(db, 'other1', 'OtherCo');
        })();
      });
      await update('<CustomerID>BigCo</CustomerID><DynamicField><Name>Tier</Name><Value>gold</Value></DynamicField>');
      const r = await update('<CustomerCompanyID>bigco</CustomerCompanyID><CustomerID>MegaCo</CustomerID><CustomerCompanyComment>renamed</CustomerCompanyComment>');
      expect(r.data.Error, JSON.stringify(r.data)).to.equal(undefined);
      expect(r.data.CustomerID).to.equal('MegaCo');
      expect(r.data.CustomerCompany).to.include({ CustomerID: 'MegaCo', CompanyString: 'MegaCo Big Company', CustomerCompanyComment: 'renamed' });
      expect(r.data.CustomerCompany.DynamicField).to.deep.include({ Name: 'Tier', Value: 'gold' });
      expect(company('BigCo')).to.equal(undefined);
      const moved = rows("SELECT customer_id, change_by, count(*) AS n FROM customer_user WHERE login LIKE 'big%' GROUP BY customer_id, change_by");
      expect(moved).to.deep.equal([{ customer_id: 'MegaCo', change_by: 2, n: 300 }]);
      expect(rows("SELECT customer_id FROM customer_user WHERE login = 'other1'")).to.deep.equal([{ customer_id: 'OtherCo' }]);
      expect(rows("SELECT object_name FROM dynamic_field_obj_id_name WHERE object_type = 'CustomerCompany' AND object_name IN ('BigCo', 'MegaCo')")).to.deep.equal([{ object_name: 'MegaCo' }]);
      expectError(await op('CustomerCompanyGet', '<CustomerID>BigCo</CustomerID>'), 'CustomerCompanyGet.NotFound');
      // A moved customer user's record carries the company under its new id.
      const user = await op('CustomerUserGet', '<CustomerUserID>big7</CustomerUserID>');
      expect(user.data.CustomerUser).to.include({ UserCustomerID: 'MegaCo', CustomerCompanyName: 'Big Company', CompanyString: 'MegaCo Big Company' });
    });

    it('renames the CustomerID to itself in another case', async () => {
      const r = await update('<CustomerCompanyID>MegaCo</CustomerCompanyID><CustomerID>MEGACO</CustomerID>');
      expect(r.data.CustomerID).to.equal('MEGACO');
      expect(rows("SELECT DISTINCT customer_id FROM customer_user WHERE login LIKE 'big%'")).to.deep.equal([{ customer_id: 'MEGACO' }]);
    });

    it('keeps the id when CustomerCompanyID comes with an empty CustomerID', async () => {
      const r = await update('<CustomerCompanyID>megaco</CustomerCompanyID><CustomerID></CustomerID><CustomerCompanyZIP>12345</CustomerCompanyZIP>');
      expect(r.data.CustomerID).to.equal('MEGACO');
      expect(r.data.CustomerCompany.CustomerCompanyZIP).to.equal('12345');
    });

    it('understands the add-on\'s nested form: CustomerID is the current id, CustomerCompany.CustomerID the new one', async () => {
      const r = await update('<CustomerID>Hooli</CustomerID><CustomerCompany><CustomerID>Hooli XYZ</CustomerID><CustomerCompanyCity>Palo Alto</CustomerCompanyCity></CustomerCompany>');
      expect(r.data.Error, JSON.stringify(r.data)).to.equal(undefined);
      expect(r.data.CustomerID).to.equal('Hooli XYZ');
      expect(r.data.CustomerCompany).to.include({ CustomerCompanyCity: 'Palo Alto', CustomerCompanyName: 'Hooli' });
      const fieldsOnly = await update('<CustomerID>hooli xyz</CustomerID><CustomerCompany><CustomerCompanyCountry>USA</CustomerCompanyCountry></CustomerCompany>');
      expect(fieldsOnly.data.CustomerID).to.equal('Hooli XYZ');
      expect(fieldsOnly.data.CustomerCompany.CustomerCompanyCountry).to.equal('USA');
    });

    const rejected: Array<[string, string, string, string?]> = [
      ['an empty request', '', 'MissingParameter', 'The request is empty!'],
      ['no CustomerID', '<CustomerCompanyName>X</CustomerCompanyName>', 'MissingParameter', 'CustomerID parameter is missing!'],
      ['an empty CustomerID', '<CustomerID/><CustomerCompanyName>X</CustomerCompanyName>', 'MissingParameter', 'CustomerID parameter is missing!'],
      ['an unknown CustomerID', '<CustomerID>nope</CustomerID><CustomerCompanyCity>X</CustomerCompanyCity>', 'NotFound', "No customer company found with CustomerID 'nope'!"],
      ['an unknown CustomerCompanyID', '<CustomerCompanyID>nope</CustomerCompanyID><CustomerID>nope2</CustomerID>', 'NotFound', "'nope'"],
      ['a new CustomerID of another company, in another case', '<CustomerCompanyID>Umbrella</CustomerCompanyID><CustomerID>globex</CustomerID>', 'CustomerIDInUse', "A customer company with the CustomerID 'globex' already exists!"],
      ['a name of another company, in another case', '<CustomerID>Umbrella</CustomerID><CustomerCompanyName>GLOBEX CORPORATION</CustomerCompanyName>', 'CompanyNameInUse', "'GLOBEX CORPORATION'"],
      ['ValidID 4', '<CustomerID>Umbrella</CustomerID><ValidID>4</ValidID>', 'InvalidValidID', "ValidID '4' is invalid"],
      ['ValidID "x"', '<CustomerID>Umbrella</CustomerID><ValidID>x</ValidID>', 'InvalidValidID'],
      ['an empty name', '<CustomerID>Umbrella</CustomerID><CustomerCompanyName></CustomerCompanyName>', 'InvalidParameter', 'Parameter CustomerCompanyName must not be empty!'],
      ['a nil name', '<CustomerID>Umbrella</CustomerID><CustomerCompanyName xsi:nil="true"/>', 'InvalidParameter', 'CustomerCompanyName must not be empty'],
      ['a nil new CustomerID', '<CustomerCompanyID>Umbrella</CustomerCompanyID><CustomerID xsi:nil="true"/>', 'InvalidParameter', 'Parameter CustomerID must not be empty!'],
      ['a new CustomerID longer than 150 characters', `<CustomerCompanyID>Umbrella</CustomerCompanyID><CustomerID>${'x'.repeat(151)}</CustomerID>`, 'InvalidParameter', 'longer than 150'],
      ['a city longer than 200 characters', `<CustomerID>Umbrella</CustomerID><CustomerCompanyCity>${'c'.repeat(201)}</CustomerCompanyCity>`, 'InvalidParameter', 'CustomerCompanyCity is longer than 200'],
      ['a structure where a string belongs', '<CustomerID>Umbrella</CustomerID><CustomerCompanyZIP><A>1</A></CustomerCompanyZIP>', 'InvalidParameter', 'CustomerCompanyZIP'],
      ['a Checkbox value other than 0 or 1', '<CustomerID>Umbrella</CustomerID><DynamicField><Name>Audited</Name><Value>yes</Value></DynamicField>', 'InvalidParameter', 'DynamicField Audited: a Checkbox value must be 0 or 1!'],
      ['a Date that does not exist', '<CustomerID>Umbrella</CustomerID><DynamicField><Name>Founded</Name><Value>2023-02-30</Value></DynamicField>', 'InvalidParameter', "DynamicField Founded: '2023-02-30' is not a date"],
      ['two values for a Dropdown', '<CustomerID>Umbrella</CustomerID><DynamicField><Name>Tier</Name><Value>gold</Value><Value>silver</Value></DynamicField>', 'InvalidParameter', 'takes one value, got 2'],
      ['a field both nested and flat', '<CustomerID>Umbrella</CustomerID><CustomerCompanyCity>A</CustomerCompanyCity><CustomerCompany><CustomerCompanyCity>B</CustomerCompanyCity></CustomerCompany>', 'InvalidParameter', 'CustomerCompanyCity is given both'],
    ];
    for (const [what, inner, reason, message] of rejected) {
      it(`refuses ${what} with CustomerCompanyUpdate.${reason}, changing nothing`, async () => {
        await rejects('CustomerCompanyUpdate', inner, `CustomerCompanyUpdate.${reason}`, message, inner === '' ? '' : as());   // an empty request has no credentials either
      });
    }

    it('moves nothing when a rename fails on a later check (one transaction)', async () => {
      const r = await rejects('CustomerCompanyUpdate', '<CustomerCompanyID>MEGACO</CustomerCompanyID><CustomerID>GigaCo</CustomerID><DynamicField><Name>Tier</Name><Value>platinum</Value></DynamicField>',
        'CustomerCompanyUpdate.InvalidParameter', 'platinum');
      expect(r.data.CustomerID).to.equal(undefined);
      expect(rows("SELECT count(*) AS n FROM customer_user WHERE customer_id = 'MEGACO'")).to.deep.equal([{ n: 300 }]);
    });
  });

  describe('with DYNAMIC_FIELD_AUTO_CREATE=0', () => {
    let strict: RunningServer;
    before(async () => { strict = await startServer({ DYNAMIC_FIELD_AUTO_CREATE: '0' }); });
    after(async () => { await strict.stop(); });

    it('refuses an unknown dynamic field with InvalidParameter and creates nothing', async () => {
      const before = dumpDatabase(strict);
      const r = await call(strict.endpoint, 'CustomerCompanyCreate', AGENT + newCompany('Strict', 'Strict Inc.', '<DynamicField><Name>Unknown</Name><Value>x</Value></DynamicField>'));
      expectError(r, 'CustomerCompanyCreate.InvalidParameter', 'DynamicField Unknown does not exist for CustomerCompany!');
      const after = dumpDatabase(strict);
      for (const d of [before, after]) { delete d.users; delete d.user_preferences; }
      expect(after).to.deep.equal(before);
    });
  });
});
