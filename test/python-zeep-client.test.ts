// A Python integration built the way zeep is meant to be used: zeep.Client(<endpoint>?wsdl) reads the WSDL the
// server serves, and the client calls client.service.<Operation>(**fields) with plain dicts and lists. The script
// is test/clients/python/otrs_customer_user_update.py (Debian python3-zeep, run with the system /usr/bin/python3);
// it prints one JSON document with what zeep returned for every call, the HTTP status, the SOAPAction and the request
// envelope, and this file checks that against the contract (README: CustomerUserUpdate, errors) and the stored state.
//
// What only zeep exercises: its strict XSD binding of requests and responses (zeep refuses elements the WSDL does
// not allow), the WSDL's soapAction and element qualification, and the CustomerUser record declared as a repeated
// choice of named fields plus a lax wildcard (zeep: {name: value} items plus lxml elements in record._value_1).
import { expect } from 'chai';
import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { NS } from './support/soap.js';
import { projectRoot, startServer, type RunningServer } from './support/server.js';

const PYTHON = '/usr/bin/python3';   // Debian's interpreter: python3-zeep installs into it, not into pyenv/venv ones
const script = join(projectRoot, 'test', 'clients', 'python', 'otrs_customer_user_update.py');

/** What the script reports for one call. */
interface ZeepCall {
  Operation: string;
  HTTPStatus: number | null;
  SOAPAction: string | null;
  Request: string | null;
  Fault?: { faultcode: string; faultstring: string };
  TransportError?: string;
  Data?: any;
}
type ZeepOutput = Record<string, ZeepCall> & { ZeepVersion?: any };

/** Runs the script with the given steps (none: all of them) and returns its JSON. */
function runClient(wsdlUrl: string, steps: string[] = []): Promise<ZeepOutput> {
  return new Promise((resolve, reject) => {
    // requests would send even loopback requests to a proxy named in HTTP_PROXY/http_proxy; CI may export one.
    const env = { ...process.env, HTTP_PROXY: '', http_proxy: '', HTTPS_PROXY: '', https_proxy: '', NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost' };
    execFile(PYTHON, [script, wsdlUrl, ...steps], { env, timeout: 60000, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`python client failed: ${err.message}\n${stderr}\n${stdout}`));
      try { resolve(JSON.parse(stdout) as ZeepOutput); } catch (e) { reject(new Error(`python client printed no JSON (${(e as Error).message}):\n${stdout}\n${stderr}`)); }
    });
  });
}

/** A call that reached the operation and came back as a normal HTTP 200 response (business errors included). */
function answered(call: ZeepCall | undefined, operation: string): any {
  expect(call, 'call missing from the client output').to.be.an('object');
  const c = call!;
  expect(c.TransportError, 'transport error').to.equal(undefined);
  expect(c.Fault, `unexpected fault: ${JSON.stringify(c.Fault)}`).to.equal(undefined);
  expect(c.HTTPStatus).to.equal(200);
  expect(c.SOAPAction, 'the soapAction of the WSDL').to.equal(`"${NS}#${operation}"`);
  expect(c.Data, 'response data').to.be.an('object');
  return c.Data;
}

/** A successful CustomerUserUpdate: ID and a record without password material. */
function updated(call: ZeepCall | undefined): Record<string, any> {
  const data = answered(call, 'CustomerUserUpdate');
  expect(data.Error, `unexpected Error: ${JSON.stringify(data.Error)}`).to.equal(null);
  expect(data.ID).to.equal('cust1');
  expect(data.CustomerUser).to.be.an('object');
  const rec = data.CustomerUser as Record<string, any>;
  expect(rec.UserLogin).to.equal('cust1');
  expect(rec).not.to.have.property('UserPassword');
  expect(rec).not.to.have.property('PasswordHistoryData');
  return rec;
}

const customerRow = (server: RunningServer) => server.db().prepare("SELECT *, hex(last_name) AS last_name_hex FROM customer_user WHERE login = 'cust1'").get() as Record<string, any> | undefined;
const customerPreferences = (server: RunningServer) => server.db()
  .prepare("SELECT preferences_key, preferences_value FROM customer_preferences WHERE user_id = 'cust1' ORDER BY preferences_key, preferences_value").all() as { preferences_key: string; preferences_value: string }[];
const customerFieldValues = (server: RunningServer) => server.db().prepare(
  `SELECT f.name, v.value_text FROM dynamic_field_value v
     JOIN dynamic_field f ON f.id = v.field_id
     JOIN dynamic_field_obj_id_name o ON o.object_id = v.object_id
    WHERE o.object_name = 'cust1' AND o.object_type = 'CustomerUser' ORDER BY f.name, v.id`).all() as { name: string; value_text: string }[];
const preference = (server: RunningServer, key: string) => customerPreferences(server).filter((p) => p.preferences_key === key).map((p) => p.preferences_value);
const fieldValues = (server: RunningServer, name: string) => customerFieldValues(server).filter((f) => f.name === name).map((f) => f.value_text);
const sessionData = (server: RunningServer, sessionId: string) => Object.fromEntries(
  (server.db().prepare('SELECT data_key, data_value FROM sessions WHERE session_id = ?').all(sessionId) as { data_key: string; data_value: string }[])
    .map((r) => [r.data_key, r.data_value]));

interface Snapshot { row: Record<string, any> | undefined; preferences: unknown[]; fields: unknown[] }
const snapshot = (server: RunningServer): Snapshot => ({ row: customerRow(server), preferences: customerPreferences(server), fields: customerFieldValues(server) });

describe('Python zeep client built from the served WSDL', function () {
  this.timeout(120000);
  let server: RunningServer;
  let first: ZeepOutput;         // only UpdateWithSessionID (after SessionCreate)
  let afterFirst: Snapshot;
  let out: ZeepOutput;           // the whole script, every call in order
  let afterAll: Snapshot;
  let failing: ZeepOutput;       // only the two failing calls, repeated
  let afterFailing: Snapshot;

  before(async function () {
    // No skipping: without zeep this whole capability is untested, which must show as a failure.
    const probe = spawnSync(PYTHON, ['-c', 'import zeep, lxml'], { encoding: 'utf8' });
    if (probe.error || probe.status !== 0) {
      throw new Error(`Python 3 with zeep is required for this test: install it with \`apt-get install -y python3-zeep\` `
        + `(${PYTHON} -c "import zeep" failed: ${probe.error?.message ?? probe.stderr.trim()})`);
    }
    server = await startServer();
    first = await runClient(server.wsdlUrl, ['UpdateWithSessionID']);
    afterFirst = snapshot(server);
    out = await runClient(server.wsdlUrl);
    afterAll = snapshot(server);
    failing = await runClient(server.wsdlUrl, ['SessionCreateWrongPassword', 'UpdateInvalidValidID']);
    afterFailing = snapshot(server);
  });

  after(async function () {
    await server?.stop();
  });

  it('is zeep 4.x', function () {
    expect(out.ZeepVersion).to.match(/^4\./);
  });

  describe('SessionCreate', function () {
    it('returns a 32-character SessionID, stored for the agent with zeep as the user agent', function () {
      const data = answered(out.SessionCreate, 'SessionCreate');
      expect(data.Error).to.equal(null);
      expect(data.SessionID).to.match(/^[A-Za-z0-9]{32}$/);
      const session = sessionData(server, data.SessionID);
      expect(session.UserLogin).to.equal('demo-agent');
      expect(session.UserType).to.equal('User');
      expect(session.UserRemoteUserAgent).to.match(/^Zeep\//);
    });

    it('sent the request elements qualified in the service namespace (elementFormDefault="qualified")', function () {
      expect(out.SessionCreate.Request).to.match(new RegExp(`<(\\w+):SessionCreate xmlns:\\1="${NS}"><\\1:UserLogin>demo-agent</\\1:UserLogin>`));
    });

    it('answers a wrong password with the Error block in an HTTP 200 response, which zeep binds', function () {
      for (const run of [out, failing]) {
        const data = answered(run.SessionCreateWrongPassword, 'SessionCreate');
        expect(data.Error).to.deep.equal({ ErrorCode: 'SessionCreate.AuthFail', ErrorMessage: 'SessionCreate: Authorization failing!' });
        expect(data.SessionID).to.equal(null);
      }
    });
  });

  describe('CustomerUserUpdate with the SessionID', function () {
    it('sent the dynamic fields as a list, the multiselect with Value repeated, and the preferences', function () {
      const request = out.UpdateWithSessionID.Request ?? '';
      expect(request).to.match(/<(\w+):DynamicField><\1:Name>Skills<\/\1:Name><\1:Value>SQL<\/\1:Value><\1:Value>Perl<\/\1:Value><\/\1:DynamicField>/);
      expect(request).to.match(/<(\w+):UserPreferences><\1:Key>TimeZone<\/\1:Key><\1:Value>Europe\/Berlin<\/\1:Value><\/\1:UserPreferences>/);
      expect(request).to.contain('Müller');
    });

    it('returns ID and the record: names, both dynamic fields (Skills with two values), preferences', function () {
      for (const run of [first, out]) {
        const rec = updated(run.UpdateWithSessionID);
        expect(rec.UserFirstname).to.equal('Ada');
        expect(rec.UserLastname).to.equal('Müller');
        expect(rec.UserFullname).to.equal('Ada Müller');
        expect(rec.DynamicField_Department).to.equal('Research & Development <R&D>');
        expect(rec.DynamicField_Skills).to.deep.equal(['SQL', 'Perl']);
        expect(rec.UserTimeZone).to.equal('Europe/Berlin');
        expect(rec.UserLanguage).to.equal('de');
        expect(rec.ValidID).to.equal('1');
      }
    });

    it('stored the names as UTF-8, both Skills values, the Department text and the preferences', function () {
      const row = afterFirst.row!;
      expect(row.first_name).to.equal('Ada');
      expect(row.last_name).to.equal('Müller');
      expect(row.last_name_hex).to.equal(Buffer.from('Müller', 'utf8').toString('hex').toUpperCase());
      expect(afterFirst.fields).to.deep.equal([
        { name: 'Department', value_text: 'Research & Development <R&D>' },
        { name: 'Skills', value_text: 'SQL' },
        { name: 'Skills', value_text: 'Perl' },
      ]);
      expect(afterFirst.preferences).to.deep.include.members([
        { preferences_key: 'UserLanguage', preferences_value: 'de' },
        { preferences_key: 'UserTimeZone', preferences_value: 'Europe/Berlin' },
      ]);
    });
  });

  describe('AccessTokenCreate, then CustomerUserUpdate with the AccessToken', function () {
    it('returns an access token the server stored for the same agent', function () {
      const data = answered(out.AccessTokenCreate, 'AccessTokenCreate');
      expect(data.Error).to.equal(null);
      expect(data.AccessToken).to.be.a('string').and.match(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      const claims = JSON.parse(Buffer.from(data.AccessToken.split('.')[1], 'base64url').toString('utf8'));
      const row = server.db().prepare('SELECT * FROM access_token WHERE uuid = ?').get(claims.jti) as Record<string, any> | undefined;
      expect(row, 'access_token row for the jti').to.be.an('object');
      expect(String(row!.user_id)).to.equal(sessionData(server, out.SessionCreate.Data.SessionID).UserID);
    });

    it('sends a single Value to the multiselect, which replaces its two values; the other fields stay', function () {
      expect(out.UpdateWithAccessToken.Request).to.match(/<(\w+):DynamicField><\1:Name>Skills<\/\1:Name><\1:Value>Perl<\/\1:Value><\/\1:DynamicField>/);
      const rec = updated(out.UpdateWithAccessToken);
      expect(rec.DynamicField_Skills).to.equal('Perl');
      expect(rec.DynamicField_Department).to.equal('Research & Development <R&D>');
      expect(rec.UserCity).to.equal('Köln');
      expect(rec.UserLastname).to.equal('Müller');
      expect(rec.UserTimeZone).to.equal('Europe/Berlin');
    });

    it('stored one Skills value and the city', function () {
      expect(afterAll.row!.city).to.equal('Köln');
      expect(afterAll.row!.first_name).to.equal('Ada');
      expect(afterAll.row!.last_name).to.equal('Müller');
      expect(afterAll.fields).to.deep.equal([
        { name: 'Department', value_text: 'Research & Development <R&D>' },
        { name: 'Skills', value_text: 'Perl' },
      ]);
    });
  });

  describe('CustomerUserUpdate with ValidID 7', function () {
    it('sent 7 (zeep does not enforce the WSDL restriction) and got the Error block, HTTP 200, no record', function () {
      for (const run of [out, failing]) {
        expect(run.UpdateInvalidValidID.Request).to.match(/<(\w+):ValidID>7<\/\1:ValidID>/);
        const data = answered(run.UpdateInvalidValidID, 'CustomerUserUpdate');
        expect(data.Error, 'Error block').to.be.an('object');
        expect(data.Error.ErrorCode).to.equal('CustomerUserUpdate.InvalidValidID');
        expect(data.Error.ErrorMessage).to.match(/^CustomerUserUpdate: /).and.contain('7');
        expect(data.CustomerUser).to.equal(null);
        expect(data.ID).to.equal(null);
      }
    });

    it('changed nothing: after the whole run the row holds the last successful update, and repeating the call alone changes nothing', function () {
      expect(afterAll.row!.first_name).to.equal('Ada');
      expect(afterAll.row!.last_name).to.equal('Müller');
      expect(afterAll.row!.valid_id).to.equal(1);
      expect(preference(server, 'UserTimeZone')).to.deep.equal(['Europe/Berlin']);
      expect(fieldValues(server, 'Skills')).to.deep.equal(['Perl']);
      expect(afterFailing).to.deep.equal(afterAll);
    });
  });
});
