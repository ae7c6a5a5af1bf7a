// An integration's day with a legacy Perl client (issue 5: "every operation answers SOAP::Lite and zeep as the
// contract document says, with the error codes it lists"). The client is test/clients/perl/otrs-customer-admin.pl,
// written like the OTRS sample otrs.SOAPRequest.pl (uri/proxy/SOAP::Data/call, xsi:type on every value, base64
// auto-typing of non-ASCII strings, the add-on's nested CustomerCompany{...} and CustomerUser{...} forms for the
// aliases and for a rename); it prints one JSON document with what SOAP::Lite saw for every call, and this file
// checks it against the contract in docs/operations.md (CustomerUserCreate/Add, CustomerUserGet, CustomerUserSearch, the
// CustomerCompany operations, account lifecycle) and against the stored state.
//
// The day and the checks the zeep client shares are in support/customer-admin-scenario.ts; what SOAP::Lite sends
// and how it binds the answers (a scalar for a single value, undef for nil, the nested forms) stay here.
import { expect } from 'chai';
import { join } from 'node:path';
import { projectRoot } from './support/server.js';
import { expectAnswered, probe, runClientScript } from './support/client-run.js';
import { NS } from './support/soap.js';
import {
  customerUser, expectCompanyAdded, expectCompanyCreated, expectDemoAgentSession, expectRenamesStored,
  expectSortedByPosition, expectUserAdded, itAnswersTheWholeDayAlike, itCallsEveryOperation, itCreatesTheCustomerUsers,
  itFindsAndGetsCompanies, itFindsLoginsByPrefix, itKeepsTheLicencePool, itRefusesEachErrorStoringNothing,
  itReturnsTheRecordsAsked, itReturnsTheRenamedCompany, itStoresTheAddedCompany, itStoresTheCreatedCompany,
  playAdminDay, type AdminCall, type AdminClient,
} from './support/customer-admin-scenario.js';

const script = join(projectRoot, 'test', 'clients', 'perl', 'otrs-customer-admin.pl');

/** What the script reports for one call. */
interface PerlCall extends AdminCall {
  HTTPStatus?: number;
  Request?: string;
  DeserializeError?: string;
  ResponseName?: string;
}

/** A call that reached the operation and came back as a normal HTTP 200 response (business errors included). */
function answered(call: PerlCall | undefined, operation: string): any {
  const c = expectAnswered(call, ['TransportError', 'Fault', 'DeserializeError'], (x) => `\nrequest: ${x.Request}`);
  expect(c.Operation).to.equal(operation);
  expect(c.ResponseName).to.equal(`${operation}Response`);
  return c.Data;
}

/** A successful answer: data without an Error block. */
function succeeded(call: PerlCall | undefined, operation: string): any {
  const data = answered(call, operation);
  expect(data, 'response data').to.be.an('object');
  expect(data.Error, `unexpected Error: ${JSON.stringify(data.Error)}`).to.equal(undefined);
  return data;
}

/** How SOAP::Lite binds the answers the shared checks read. */
const soapLite: AdminClient<PerlCall> = {
  succeeded,
  // An error answer is the Error block and nothing else.
  failed: (call, error) => expect(answered(call, error.ErrorCode.split('.')[0])).to.deep.equal({ Error: error }),
  // A list answer is the list alone (a scalar when it holds one value: see UserSearchValid).
  listed: (data, key, ids) => expect(data).to.deep.equal({ [key]: ids }),
  // An empty element is an empty string; a single DynamicField a Name/Value pair with a scalar Value.
  empty: '',
  companyField: (Value) => ({ Name: 'AccountManager', Value }),
};

describe('SOAP::Lite client administering customers: an integration\'s day (otrs-customer-admin.pl)', function () {
  this.timeout(120000);
  before(function () {
    const { failure } = probe('perl', ['-MSOAP::Lite', '-MJSON::PP', '-e1']);
    if (failure !== undefined) {
      throw new Error('Perl with SOAP::Lite is required for this test: install it with `apt-get install -y libsoap-lite-perl` '
        + `(perl -MSOAP::Lite -e1 failed: ${failure})`);
    }
  });
  const day = playAdminDay<PerlCall>(
    async (server, steps, env) => (await runClientScript<Record<string, PerlCall>>('perl', 'perl', [script, server.endpoint, ...steps], { env })).out,
    ['CompanyRename', 'UserSearchMoved', 'UserGetMoved', 'CompanyRenameNested'],
  );

  it('logs in with SessionCreate: a SessionID of the demo agent', function () {
    expectDemoAgentSession(day, soapLite);
  });

  itCallsEveryOperation(day);

  describe('CustomerCompanyCreate', function () {
    it('returns CustomerID and the record: fields, CompanyString, Source, the dynamic field as a Name/Value pair, the agent as CreateBy', function () {
      expectCompanyCreated(day, soapLite);
    });

    itStoresTheCreatedCompany(day);
  });

  describe('CustomerCompanyAdd with the add-on\'s nested CustomerCompany form', function () {
    it('sent the fields inside CustomerCompanyAdd/CustomerCompany, the non-ASCII city auto-typed as xsd:base64Binary', function () {
      const { session, setup } = day();
      const request = setup.CompanyAdd.Request ?? '';
      expect(request).to.contain(`<CustomerCompanyAdd xmlns="${NS}"><SessionID xsi:type="xsd:string">${session}</SessionID>`
        + '<CustomerCompany><CustomerID xsi:type="xsd:string">Initech</CustomerID>');
      expect(request).to.match(/<CustomerCompanyCity xsi:type="xsd:base64Binary">[^<]+<\/CustomerCompanyCity>/);
    });

    it('answers under the alias\'s own name with CustomerID and the record', function () {
      expectCompanyAdded(day, soapLite);
    });

    itStoresTheAddedCompany(day);
  });

  describe('CustomerUserCreate with a DynamicField list and UserPreferences', function () {
    itCreatesTheCustomerUsers(day, soapLite);
  });

  describe('CustomerUserAdd with the add-on\'s nested CustomerUser form', function () {
    it('sent the record inside CustomerUserAdd/CustomerUser, the login as UserLogin, the DynamicField beside it', function () {
      const { setup } = day();
      expect(setup.UserAdd.Request).to.contain('<CustomerUser><UserLogin xsi:type="xsd:string">initech.peter</UserLogin>');
      expect(setup.UserAdd.Request).to.contain('</CustomerUser><DynamicField><Name xsi:type="xsd:string">Skills</Name>');
    });

    it('answers under the alias\'s own name with UserLogin and the record', function () {
      expectUserAdded(day, soapLite);
    });
  });

  describe('CustomerUserSearch', function () {
    itFindsLoginsByPrefix(day, soapLite);

    it('pairs repeated SortBy and OrderBy by position (UserCustomerID up, then UserLogin down)', function () {
      expect(day().lookups.out.UserSearchSorted.Request).to.contain('<SortBy xsi:type="xsd:string">UserCustomerID</SortBy><SortBy xsi:type="xsd:string">UserLogin</SortBy>'
        + '<OrderBy xsi:type="xsd:string">Up</OrderBy><OrderBy xsi:type="xsd:string">Down</OrderBy>');
      expectSortedByPosition(day, soapLite);
    });

    it('finds valid customer users only by default (one login, which SOAP::Lite binds as a scalar)', function () {
      expect(succeeded(day().lookups.out.UserSearchValid, 'CustomerUserSearch')).to.deep.equal({ CustomerUserID: 'globex.hank' });
    });

    it('answers no match with the nil response element, which SOAP::Lite reads as undef', function () {
      expect(answered(day().lookups.out.UserSearchNone, 'CustomerUserSearch')).to.equal(null);
    });
  });

  describe('CustomerUserGet', function () {
    it('sent CustomerUserID repeated and comma-separated', function () {
      expect(day().lookups.out.UserGet.Request).to.contain('<CustomerUserID xsi:type="xsd:string">globex.hank</CustomerUserID>'
        + '<CustomerUserID xsi:type="xsd:string">initech.peter,globex.mindy</CustomerUserID><CustomerUserID xsi:type="xsd:string">nobody</CustomerUserID>');
    });

    itReturnsTheRecordsAsked(day, soapLite);
  });

  describe('CustomerCompanySearch and CustomerCompanyGet', function () {
    itFindsAndGetsCompanies(day, soapLite);
  });

  describe('errors: the exact Error block in an HTTP 200 answer, and nothing stored', function () {
    itRefusesEachErrorStoringNothing(day, soapLite);
  });

  describe('the licence pool (CUSTOMER_USER_MAX_VALID 3; cust1 and cust2 are valid)', function () {
    itKeepsTheLicencePool(day, soapLite);
  });

  describe('CustomerCompanyUpdate renaming the companies (CustomerCompanyID + new CustomerID, and the add-on\'s nested form)', function () {
    it('sent the current id as CustomerCompanyID, the new one as CustomerID, and the city as xsi:nil', function () {
      expect(day().rename.CompanyRename.Request).to.contain('<CustomerCompanyID xsi:type="xsd:string">Globex</CustomerCompanyID>'
        + '<CustomerID xsi:type="xsd:string">GLX</CustomerID><CustomerCompanyCity xsi:nil="true" />');
    });

    itReturnsTheRenamedCompany(day, soapLite);

    it('moved the company\'s customer users, and only them; the search and the record show the new id', function () {
      const { rename } = day();
      expect(succeeded(rename.UserSearchMoved, 'CustomerUserSearch')).to.deep.equal({ CustomerUserID: ['globex.mindy', 'globex.hank'] });
      const got = succeeded(rename.UserGetMoved, 'CustomerUserGet');
      expect(customerUser(got.CustomerUser, 'globex.hank')).to.deep.include({
        UserCustomerID: 'GLX', CustomerID: 'GLX', CustomerCompanyName: 'Globex Corporation', DynamicField_Department: 'Research & Development',
      });
    });

    it('renames in the add-on\'s form too: the current id as CustomerID, the new one inside CustomerCompany', function () {
      const { rename } = day();
      expect(rename.CompanyRenameNested.Request).to.contain('<CustomerID xsi:type="xsd:string">Initech</CustomerID>'
        + '<CustomerCompany><CustomerID xsi:type="xsd:string">Initech-LLC</CustomerID>');
      const data = succeeded(rename.CompanyRenameNested, 'CustomerCompanyUpdate');
      expect(data.CustomerID).to.equal('Initech-LLC');
      expect(data.CustomerCompany).to.deep.include({ CustomerID: 'Initech-LLC', CompanyString: 'Initech-LLC Initech LLC', CustomerCompanyCity: 'Austin' });
    });

    it('stored both renames: company rows, each company\'s customer users moved and no others, the company dynamic-field object', function () {
      expectRenamesStored(day, { customer_id: 'Initech-LLC', city: 'Austin' });
    });
  });

  describe('the whole day in one run of the script (its default), against a fresh server', function () {
    itAnswersTheWholeDayAlike(day);
  });
});
