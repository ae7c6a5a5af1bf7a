// An integration's day with a Python zeep client (issue 5: "every operation answers SOAP::Lite and zeep as the
// contract document says, with the error codes it lists"). The client is test/clients/python/otrs_customer_admin.py:
// zeep.Client(<endpoint>?wsdl), then client.service.<Operation>(**fields) with plain dicts and lists (Debian
// python3-zeep, run with the system /usr/bin/python3). It prints one JSON document with what zeep returned for every
// call, the HTTP status, the SOAPAction and the request envelope, and this file checks that against the contract in
// docs/operations.md (CustomerUserCreate/Add, CustomerUserGet, CustomerUserSearch, CustomerCompany operations, account
// lifecycle) and against the stored state.
//
// What only zeep exercises here: the served WSDL's description of every new operation, bound strictly both ways
// (zeep refuses request fields and response elements the WSDL does not allow), the CustomerCompany record as a
// sequence with its DynamicField list, the CustomerUser record's repeated choice plus wildcard inside the
// CustomerUserGet list, and the nil search response. The add-on's nested request forms are not in the WSDL, so zeep
// sends the flat form under the alias names too.
//
// The day and the checks the SOAP::Lite client shares are in support/customer-admin-scenario.ts; what zeep sends
// and how it binds the answers (null for an absent element, lists, an empty list for nil) stay here.
import { expect } from 'chai';
import { join } from 'node:path';
import { NS } from './support/soap.js';
import { projectRoot } from './support/server.js';
import { expectAnswered, probe, runClientScript } from './support/client-run.js';
import {
  customerUser, expectCompanyAdded, expectCompanyCreated, expectDemoAgentSession, expectRenamesStored,
  expectSortedByPosition, expectUserAdded, itAnswersTheWholeDayAlike, itCallsEveryOperation, itCreatesTheCustomerUsers,
  itFindsAndGetsCompanies, itFindsLoginsByPrefix, itKeepsTheLicencePool, itRefusesEachErrorStoringNothing,
  itReturnsTheRecordsAsked, itReturnsTheRenamedCompany, itStoresTheAddedCompany, itStoresTheCreatedCompany,
  playAdminDay, type AdminCall, type AdminClient, type ErrorBlock,
} from './support/customer-admin-scenario.js';

const PYTHON = '/usr/bin/python3';   // Debian's interpreter: python3-zeep installs into it, not into pyenv/venv ones
const script = join(projectRoot, 'test', 'clients', 'python', 'otrs_customer_admin.py');

/** What the script reports for one call. */
interface ZeepCall extends AdminCall {
  HTTPStatus: number | null;
  SOAPAction: string | null;
  Request: string | null;
  ClientError?: string;
  Response?: string;
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
function failed(call: ZeepCall | undefined, error: ErrorBlock): void {
  const data = answered(call, error.ErrorCode.split('.')[0]);
  expect(data.Error).to.deep.equal(error);
  const present = Object.entries(data).filter(([k, v]) => k !== 'Error' && v !== null && !(Array.isArray(v) && v.length === 0));
  expect(present, 'response elements beside Error').to.deep.equal([]);
}

/** How zeep binds the answers the shared checks read. */
const zeep: AdminClient<ZeepCall> = {
  succeeded,
  failed,
  // A list answer is a list beside the null Error, even with one value.
  listed: (data, key, ids) => expect(data[key]).to.deep.equal(ids),
  // An empty element is null; the DynamicField a list of Name/Value entries, each Value a list (nil: [null]).
  empty: null,
  companyField: (Value) => [{ Name: 'AccountManager', Value: [Value] }],
};

/** The request element and its first child, qualified with one prefix bound to the service namespace. */
const requestStart = (operation: string, firstChild: string) =>
  new RegExp(`<(\\w+):${operation} xmlns:\\1="${NS}"><\\1:SessionID>[A-Za-z0-9]{32}</\\1:SessionID>${firstChild.replace(/\$\$/g, '\\1')}`);

describe('Python zeep client administering customers: an integration\'s day (otrs_customer_admin.py)', function () {
  this.timeout(120000);
  before(function () {
    const { failure } = probe(PYTHON, ['-c', 'import zeep, lxml']);
    if (failure !== undefined) {
      throw new Error(`Python 3 with zeep is required for this test: install it with \`apt-get install -y python3-zeep\` `
        + `(${PYTHON} -c "import zeep" failed: ${failure})`);
    }
  });
  const day = playAdminDay<ZeepCall>(
    async (server, steps, env) => (await runClientScript<Record<string, ZeepCall>>('python', PYTHON, [script, server.wsdlUrl, ...steps], { env })).out,
    ['CompanyRename', 'UserSearchMoved', 'UserGetMoved'],
  );

  it('logs in with SessionCreate: a SessionID of the demo agent, with zeep as the user agent', function () {
    const stored = expectDemoAgentSession(day, zeep);
    expect(stored.UserRemoteUserAgent).to.match(/^Zeep\//);
  });

  itCallsEveryOperation(day);

  describe('CustomerCompanyCreate', function () {
    it('sent the request qualified in the service namespace, the DynamicField as a Name/Value list', function () {
      const { setup } = day();
      expect(setup.CompanyCreate.Request).to.match(requestStart('CustomerCompanyCreate', '<$$:CustomerID>Globex</$$:CustomerID>'));
      expect(setup.CompanyCreate.Request).to.match(/<(\w+):DynamicField><\1:Name>AccountManager<\/\1:Name><\1:Value>Hank Scorpio<\/\1:Value><\/\1:DynamicField>/);
    });

    it('returns CustomerID and the record: fields (empty ones bound as null), CompanyString, Source, the DynamicField list, the agent as CreateBy', function () {
      expectCompanyCreated(day, zeep);
    });

    itStoresTheCreatedCompany(day);
  });

  describe('CustomerCompanyAdd (the alias; the flat form, the only one the WSDL describes)', function () {
    it('sent the fields flat, the non-ASCII city as UTF-8 text', function () {
      const { setup } = day();
      expect(setup.CompanyAdd.Request).to.match(requestStart('CustomerCompanyAdd', '<$$:CustomerID>Initech</$$:CustomerID>'));
      expect(setup.CompanyAdd.Request).to.match(/<(\w+):CustomerCompanyCity>Zürich<\/\1:CustomerCompanyCity>/);
    });

    it('answers under the alias\'s own name with CustomerID and the record, the unset dynamic field as a nil Value', function () {
      expectCompanyAdded(day, zeep);
    });

    itStoresTheAddedCompany(day);
  });

  describe('CustomerUserCreate with a DynamicField list and UserPreferences', function () {
    it('sent the multiselect with Value repeated, and the preferences as Key/Value entries', function () {
      const request = day().setup.UserCreate.Request ?? '';
      expect(request).to.match(/<(\w+):DynamicField><\1:Name>Skills<\/\1:Name><\1:Value>SQL<\/\1:Value><\1:Value>Perl<\/\1:Value><\/\1:DynamicField>/);
      expect(request).to.match(/<(\w+):UserPreferences><\1:Key>TimeZone<\/\1:Key><\1:Value>America\/Chicago<\/\1:Value><\/\1:UserPreferences>/);
    });

    itCreatesTheCustomerUsers(day, zeep);
  });

  describe('CustomerUserAdd (the alias; the flat form)', function () {
    it('answers under the alias\'s own name with UserLogin and the record', function () {
      expect(day().setup.UserAdd.Request).to.match(requestStart('CustomerUserAdd', '<$$:CustomerUserLogin>initech.peter</$$:CustomerUserLogin>'));
      expectUserAdded(day, zeep);
    });
  });

  describe('CustomerUserSearch', function () {
    itFindsLoginsByPrefix(day, zeep);

    it('pairs repeated SortBy and OrderBy by position (UserCustomerID up, then UserLogin down)', function () {
      expect(day().lookups.out.UserSearchSorted.Request).to.match(
        /<(\w+):SortBy>UserCustomerID<\/\1:SortBy><\1:SortBy>UserLogin<\/\1:SortBy><\1:OrderBy>Up<\/\1:OrderBy><\1:OrderBy>Down<\/\1:OrderBy>/);
      expectSortedByPosition(day, zeep);
    });

    it('finds valid customer users only by default', function () {
      expect(succeeded(day().lookups.out.UserSearchValid, 'CustomerUserSearch').CustomerUserID).to.deep.equal(['globex.hank']);
    });

    it('answers no match with the nil response element, which zeep binds as an empty list', function () {
      expect(succeeded(day().lookups.out.UserSearchNone, 'CustomerUserSearch')).to.deep.equal({ CustomerUserID: [], Error: null });
    });
  });

  describe('CustomerUserGet', function () {
    it('sent CustomerUserID repeated and comma-separated', function () {
      expect(day().lookups.out.UserGet.Request).to.match(
        /<(\w+):CustomerUserID>globex.hank<\/\1:CustomerUserID><\1:CustomerUserID>initech.peter,globex.mindy<\/\1:CustomerUserID><\1:CustomerUserID>nobody<\/\1:CustomerUserID>/);
    });

    itReturnsTheRecordsAsked(day, zeep);
  });

  describe('CustomerCompanySearch and CustomerCompanyGet', function () {
    itFindsAndGetsCompanies(day, zeep);
  });

  describe('errors: the exact Error block in an HTTP 200 answer, which zeep binds, and nothing stored', function () {
    itRefusesEachErrorStoringNothing(day, zeep);

    it('sent ValidID 9 (zeep does not enforce the WSDL restriction) and left out the missing UserEmail', function () {
      const { errors } = day();
      expect(errors.ErrorInvalidValidID.out.ErrorInvalidValidID.Request).to.match(/<(\w+):ValidID>9<\/\1:ValidID>/);
      expect(errors.ErrorMissingParameter.out.ErrorMissingParameter.Request).not.to.contain('UserEmail');
    });
  });

  describe('the licence pool (CUSTOMER_USER_MAX_VALID 3; cust1 and cust2 are valid)', function () {
    itKeepsTheLicencePool(day, zeep);
  });

  describe('CustomerCompanyUpdate renaming the company (CustomerCompanyID + new CustomerID)', function () {
    it('sent the current id as CustomerCompanyID, the new one as CustomerID, and the city as xsi:nil', function () {
      expect(day().rename.CompanyRename.Request).to.match(requestStart('CustomerCompanyUpdate',
        '<$$:CustomerCompanyID>Globex</$$:CustomerCompanyID><$$:CustomerID>GLX</$$:CustomerID><$$:CustomerCompanyCity xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/>'));
    });

    itReturnsTheRenamedCompany(day, zeep);

    it('moved the company\'s customer users, and only them; the search and the record show the new id', function () {
      const { rename } = day();
      expect(succeeded(rename.UserSearchMoved, 'CustomerUserSearch').CustomerUserID).to.deep.equal(['globex.mindy', 'globex.hank']);
      const got = succeeded(rename.UserGetMoved, 'CustomerUserGet').CustomerUser;
      expect(got).to.have.length(1);
      expect(customerUser(got[0], 'globex.hank')).to.deep.include({
        UserCustomerID: 'GLX', CustomerID: 'GLX', CustomerCompanyName: 'Globex Corporation', DynamicField_Department: 'Research & Development',
      });
    });

    it('stored the rename: company row, customer users, company dynamic-field object', function () {
      expectRenamesStored(day, { customer_id: 'Initech', city: 'Zürich' });
    });
  });

  describe('the whole day in one run of the script (its default), against a fresh server', function () {
    itAnswersTheWholeDayAlike(day);
  });
});
