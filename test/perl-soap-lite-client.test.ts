// A legacy Perl client, written like the OTRS sample otrs.SOAPRequest.pl (SOAP::Lite, rpc-style SOAP::Data
// parameters, SOAPAction "NS#Op", xsi:type on every value, base64 auto-typing of non-ASCII strings), must work
// against this server unchanged (dialect §13). The script is test/clients/perl/otrs-customer-user-update.pl; it
// prints one JSON document with what SOAP::Lite saw for every call, and this file checks it against the contract
// (contracts §2, §3.6, product doc otrs8-CustomerUserUpdate) and against the stored state.
import { expect } from 'chai';
import { join } from 'node:path';
import { projectRoot, startServer, type RunningServer } from './support/server.js';
import { customerUserState, type CustomerUserState } from './support/state.js';
import { expectAnswered, expectInvalidValidID, expectUpdated, probe, runClientScript, WITHOUT_PROXY } from './support/client-run.js';

const script = join(projectRoot, 'test', 'clients', 'perl', 'otrs-customer-user-update.pl');

/** What the script reports for one call. */
interface PerlCall {
  Operation: string;
  HTTPStatus?: number;
  RequestTypes?: Record<string, string>;
  TransportError?: string;
  Fault?: { faultcode: string; faultstring: string };
  DeserializeError?: string;
  ResponseName?: string;
  Data?: any;
  FirstResult?: any;
}
type PerlOutput = Record<string, PerlCall> & { SOAPLiteVersion?: any };

async function runClient(endpoint: string, steps: string[] = []): Promise<PerlOutput> {
  return (await runClientScript<PerlOutput>('perl', 'perl', [script, endpoint, ...steps], { env: WITHOUT_PROXY })).out;
}

/** A call that reached the operation and came back as a normal HTTP 200 response (business errors included, §9). */
function answered(call: PerlCall | undefined, responseName: string): any {
  const c = expectAnswered(call, ['TransportError', 'Fault', 'DeserializeError']);
  expect(c.ResponseName).to.equal(responseName);
  expect(c.Data, 'response data').to.be.an('object');
  return c.Data;
}

/** A successful CustomerUserUpdate (SOAP::Lite leaves a missing element out). */
const updated = (call: PerlCall | undefined) => expectUpdated(answered(call, 'CustomerUserUpdateResponse'), undefined);

describe('SOAP::Lite client written like the OTRS sample (otrs.SOAPRequest.pl)', function () {
  this.timeout(120000);
  let server: RunningServer;
  let out: PerlOutput;
  let initial: CustomerUserState;   // cust1 before the client runs

  before(async function () {
    const { failure } = probe('perl', ['-MSOAP::Lite', '-MJSON::PP', '-e1']);
    if (failure !== undefined) {
      throw new Error('Perl with SOAP::Lite is required for this test: install it with `apt-get install -y libsoap-lite-perl` '
        + `(perl -MSOAP::Lite -e1 failed: ${failure})`);
    }
    server = await startServer();
    initial = customerUserState(server, 'cust1');
    out = await runClient(server.endpoint);
  });

  after(async function () {
    await server?.stop();
  });

  it('finds the demo customer user cust1 before the client runs', function () {
    expect(initial.row, 'demo data must contain customer user cust1').to.be.an('object');
  });

  describe('SessionCreate', function () {
    it('returns a 32-character [A-Za-z0-9] SessionID, readable through $SOM->result too', function () {
      const data = answered(out.SessionCreate, 'SessionCreateResponse');
      expect(data.Error).to.equal(undefined);
      expect(data.SessionID).to.match(/^[A-Za-z0-9]{32}$/);
      expect(out.SessionCreate.FirstResult).to.equal(data.SessionID);
    });

    it('answers a wrong password with the Error block, HTTP 200, and no SessionID', function () {
      const data = answered(out.SessionCreateWrongPassword, 'SessionCreateResponse');
      expect(data.Error).to.deep.equal({ ErrorCode: 'SessionCreate.AuthFail', ErrorMessage: 'SessionCreate: Authorization failing!' });
      expect(data).not.to.have.property('SessionID');
    });
  });

  describe('CustomerUserUpdate with a SessionID', function () {
    it('sent the names as xsd:string (the way integrators type them)', function () {
      expect(out.UpdateWithSessionID.RequestTypes).to.deep.include({ UserFirstname: 'xsd:string', UserLastname: 'xsd:string' });
    });

    it('returns ID and the updated record: names, dynamic fields, preferences', function () {
      const rec = updated(out.UpdateWithSessionID);
      expect(rec.UserFirstname).to.equal('Ada');
      expect(rec.UserLastname).to.equal('Müller');
      expect(rec.UserFullname).to.contain('Ada Müller');
      expect(rec.DynamicField_Department).to.equal('Research & Development <R&D>');
      expect(rec.DynamicField_Skills).to.deep.equal(['SQL', 'Perl']);
      expect(rec.UserTimeZone).to.equal('Europe/Berlin');
      expect(rec.UserLanguage).to.equal('de');
    });
  });

  describe('AccessTokenCreate, then CustomerUserUpdate with the AccessToken', function () {
    it('returns an AccessToken', function () {
      const data = answered(out.AccessTokenCreate, 'AccessTokenCreateResponse');
      expect(data.Error).to.equal(undefined);
      expect(data.AccessToken).to.be.a('string').and.not.equal('');
    });

    it('sent the non-ASCII values as xsd:base64Binary (SOAP::Lite auto-typing and ->type("base64"))', function () {
      expect(out.UpdateWithAccessToken.RequestTypes).to.deep.include({ UserLastname: 'xsd:base64Binary', UserCity: 'xsd:base64Binary' });
    });

    it('decodes the base64 values as UTF-8 text and changes only the fields sent', function () {
      const rec = updated(out.UpdateWithAccessToken);
      expect(rec.UserLastname).to.equal('Schröder');
      expect(rec.UserCity).to.equal('Köln');
      expect(rec.UserFirstname).to.equal('Ada');
      expect(rec.DynamicField_Skills).to.deep.equal(['SQL', 'Perl']);
      expect(rec.UserTimeZone).to.equal('Europe/Berlin');
    });
  });

  describe('CustomerUserUpdate with UserLogin and Password', function () {
    it('updates, with the base64 auto-typed last name decoded', function () {
      expect(out.UpdateWithUserLogin.RequestTypes).to.deep.include({ UserFirstname: 'xsd:string', UserLastname: 'xsd:base64Binary' });
      const rec = updated(out.UpdateWithUserLogin);
      expect(rec.UserFirstname).to.equal('Ada Augusta');
      expect(rec.UserLastname).to.equal('Müller');
      expect(rec.UserCity).to.equal('Köln');
    });

    it('stored the text as proper UTF-8 (no double encoding, no Latin-1 bytes)', function () {
      const row = customerUserState(server, 'cust1').row!;
      expect(row.first_name).to.equal('Ada Augusta');
      expect(row.last_name).to.equal('Müller');
      expect(row.city).to.equal('Köln');
      expect(row.valid_id).to.equal(initial.row!.valid_id);
    });
  });

  describe('CustomerUserUpdate with ValidID 7', function () {
    it('answers with the Error block (HTTP 200) and no record', function () {
      const data = answered(out.UpdateInvalidValidID, 'CustomerUserUpdateResponse');
      expectInvalidValidID(data.Error);
      expect(data).not.to.have.property('CustomerUser');
      expect(data.ID).to.equal(undefined);
      expect(out.UpdateInvalidValidID.RequestTypes).to.deep.include({ ValidID: 'xsd:int' });
    });

    it('left the stored customer user exactly as the last successful update left it', async function () {
      // After the full run the row must still hold what UpdateWithUserLogin wrote.
      const stored = customerUserState(server, 'cust1');
      expect(stored.row!.first_name).to.equal('Ada Augusta');
      expect(stored.row!.last_name).to.equal('Müller');

      // And repeating the failing call alone changes nothing at all: row, preferences, dynamic-field values.
      const again = await runClient(server.endpoint, ['UpdateInvalidValidID']);
      expect(answered(again.UpdateInvalidValidID, 'CustomerUserUpdateResponse').Error.ErrorCode).to.equal('CustomerUserUpdate.InvalidValidID');
      expect(customerUserState(server, 'cust1')).to.deep.equal(stored);
    });
  });
});
