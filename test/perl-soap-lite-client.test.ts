// A legacy Perl client, written like the OTRS sample otrs.SOAPRequest.pl (SOAP::Lite, rpc-style SOAP::Data
// parameters, SOAPAction "NS#Op", xsi:type on every value, base64 auto-typing of non-ASCII strings), must work
// against this server unchanged (dialect §13). The script is test/clients/perl/otrs-customer-user-update.pl; it
// prints one JSON document with what SOAP::Lite saw for every call, and this file checks it against the contract
// (contracts §2, §3.6, product doc otrs8-CustomerUserUpdate) and against the stored state.
import { expect } from 'chai';
import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot, startServer, type RunningServer } from './support/server.js';

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

function runClient(endpoint: string, steps: string[] = []): Promise<PerlOutput> {
  return new Promise((resolve, reject) => {
    // LWP would send even loopback requests to a proxy named in HTTP_proxy/http_proxy; CI may export one.
    const env = { ...process.env, HTTP_proxy: '', http_proxy: '', HTTPS_proxy: '', https_proxy: '', no_proxy: '127.0.0.1,localhost' };
    execFile('perl', [script, endpoint, ...steps], { env, timeout: 60000, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`perl client failed: ${err.message}\n${stderr}`));
      try { resolve(JSON.parse(stdout) as PerlOutput); } catch (e) { reject(new Error(`perl client printed no JSON (${(e as Error).message}):\n${stdout}\n${stderr}`)); }
    });
  });
}

/** A call that reached the operation and came back as a normal HTTP 200 response (business errors included, §9). */
function answered(call: PerlCall | undefined, responseName: string): any {
  expect(call, 'call missing from the client output').to.be.an('object');
  const c = call!;
  expect(c.TransportError, 'transport error').to.equal(undefined);
  expect(c.Fault, `unexpected fault: ${JSON.stringify(c.Fault)}`).to.equal(undefined);
  expect(c.DeserializeError, 'SOAP::Deserializer could not read the response').to.equal(undefined);
  expect(c.HTTPStatus).to.equal(200);
  expect(c.ResponseName).to.equal(responseName);
  expect(c.Data, 'response data').to.be.an('object');
  return c.Data;
}

/** A successful CustomerUserUpdate: ID and a record without password material. */
function updated(call: PerlCall | undefined): Record<string, any> {
  const data = answered(call, 'CustomerUserUpdateResponse');
  expect(data.Error, `unexpected Error: ${JSON.stringify(data.Error)}`).to.equal(undefined);
  expect(data.ID).to.equal('cust1');
  expect(data.CustomerUser).to.be.an('object');
  const rec = data.CustomerUser as Record<string, any>;
  expect(rec.UserLogin).to.equal('cust1');
  expect(rec).not.to.have.property('UserPassword');
  expect(rec).not.to.have.property('PasswordHistoryData');
  return rec;
}

const customerRow = (server: RunningServer) => server.db().prepare("SELECT * FROM customer_user WHERE login = 'cust1'").get() as Record<string, unknown> | undefined;
const customerPreferences = (server: RunningServer) => server.db()
  .prepare("SELECT preferences_key, preferences_value FROM customer_preferences WHERE user_id = 'cust1' ORDER BY preferences_key, preferences_value").all();
const customerFieldValues = (server: RunningServer) => server.db().prepare(
  `SELECT f.name, v.value_text, v.value_date, v.value_int FROM dynamic_field_value v
     JOIN dynamic_field f ON f.id = v.field_id
     JOIN dynamic_field_obj_id_name o ON o.object_id = v.object_id
    WHERE o.object_name = 'cust1' AND o.object_type = 'CustomerUser' ORDER BY f.name, v.id`).all();

describe('SOAP::Lite client written like the OTRS sample (otrs.SOAPRequest.pl)', function () {
  this.timeout(120000);
  let server: RunningServer;
  let out: PerlOutput;
  let rowBefore: Record<string, unknown> | undefined;

  before(async function () {
    // No skipping: without SOAP::Lite this whole capability is untested, which must show as a failure.
    const probe = spawnSync('perl', ['-MSOAP::Lite', '-MJSON::PP', '-e1'], { encoding: 'utf8' });
    if (probe.error || probe.status !== 0) {
      throw new Error('Perl with SOAP::Lite is required for this test: install it with `apt-get install -y libsoap-lite-perl` '
        + `(perl -MSOAP::Lite -e1 failed: ${probe.error?.message ?? probe.stderr.trim()})`);
    }
    server = await startServer();
    rowBefore = customerRow(server);
    out = await runClient(server.endpoint);
  });

  after(async function () {
    await server?.stop();
  });

  it('finds the demo customer user cust1 before the client runs', function () {
    expect(rowBefore, 'demo data must contain customer user cust1').to.be.an('object');
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
      const row = customerRow(server)!;
      expect(row.first_name).to.equal('Ada Augusta');
      expect(row.last_name).to.equal('Müller');
      expect(row.city).to.equal('Köln');
      expect(row.valid_id).to.equal(rowBefore!.valid_id);
    });
  });

  describe('CustomerUserUpdate with ValidID 7', function () {
    it('answers with the Error block (HTTP 200) and no record', function () {
      const data = answered(out.UpdateInvalidValidID, 'CustomerUserUpdateResponse');
      expect(data.Error, 'Error block').to.be.an('object');
      expect(data.Error.ErrorCode).to.equal('CustomerUserUpdate.InvalidValidID');
      expect(data.Error.ErrorMessage).to.match(/^CustomerUserUpdate: /).and.contain('7');
      expect(data).not.to.have.property('CustomerUser');
      expect(data.ID).to.equal(undefined);
      expect(out.UpdateInvalidValidID.RequestTypes).to.deep.include({ ValidID: 'xsd:int' });
    });

    it('left the stored customer user exactly as the last successful update left it', async function () {
      // After the full run the row must still hold what UpdateWithUserLogin wrote.
      const before = customerRow(server)!;
      expect(before.first_name).to.equal('Ada Augusta');
      expect(before.last_name).to.equal('Müller');
      const prefsBefore = customerPreferences(server);
      const fieldsBefore = customerFieldValues(server);

      // And repeating the failing call alone changes nothing at all.
      const again = await runClient(server.endpoint, ['UpdateInvalidValidID']);
      expect(answered(again.UpdateInvalidValidID, 'CustomerUserUpdateResponse').Error.ErrorCode).to.equal('CustomerUserUpdate.InvalidValidID');
      expect(customerRow(server)).to.deep.equal(before);
      expect(customerPreferences(server)).to.deep.equal(prefsBefore);
      expect(customerFieldValues(server)).to.deep.equal(fieldsBefore);
    });
  });
});
