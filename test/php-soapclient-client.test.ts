// A PHP integration written with PHP's own SoapClient (Debian php-cli, php-soap; php-xml for SimpleXML), in both
// ways OTRS integrations use it. The script test/clients/php/otrs-customer-user-update.php takes the mode:
//   wsdl      new SoapClient(<endpoint>?wsdl): document/literal from the served WSDL, SOAPAction "NS#Op" from it;
//   non-wsdl  new SoapClient(null, [location, uri, SOAP_RPC, SOAP_ENCODED]) with SoapParams, as in
//             tubssz/otrs-web-service-client: every value carries xsi:type, associative arrays go out as Apache
//             Maps (xmlns:ns2="http://xml.apache.org/xml-soap") and lists as SOAP-ENC arrays, SOAPAction "uri#Op".
// It prints one JSON document with what SoapClient returned for every call, the record as the integrator reads it,
// the HTTP status, the SOAPAction and the request envelope; this file checks that against the contract (README:
// CustomerUserUpdate, errors, the xsi:type/Map/soapenc:Array decoding deviation) and against the stored state.
import { expect } from 'chai';
import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { NS } from './support/soap.js';
import { projectRoot, startServer, type RunningServer } from './support/server.js';

const script = join(projectRoot, 'test', 'clients', 'php', 'otrs-customer-user-update.php');

type Mode = 'wsdl' | 'non-wsdl';

/** What the script reports for one call. */
interface PhpCall {
  Operation: string;
  Returned?: any;
  Fault?: { faultcode: string; faultstring: string };
  HTTPStatus?: number;
  SOAPAction?: string;
  Request?: string | null;
  Error: { ErrorCode: string; ErrorMessage: string } | null;
  ID?: string | null;
  CustomerUser?: Record<string, any> | null;
}
type PhpOutput = Record<string, PhpCall> & { Mode?: any; PHPVersion?: any; SoapExtensionVersion?: any };

/** Runs the script in the given mode with the given steps (none: all of them) and returns its JSON. */
function runClient(mode: Mode, url: string, steps: string[] = []): Promise<PhpOutput> {
  return new Promise((resolve, reject) => {
    execFile('php', [script, mode, url, ...steps], { timeout: 60000, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`php client failed: ${err.message}\n${stderr}\n${stdout}`));
      try { resolve(JSON.parse(stdout) as PhpOutput); } catch (e) { reject(new Error(`php client printed no JSON (${(e as Error).message}):\n${stdout}\n${stderr}`)); }
    });
  });
}

/** A call that reached the operation and came back as a normal HTTP 200 response (business errors included). */
function answered(call: PhpCall | undefined, operation: string): PhpCall {
  expect(call, 'call missing from the client output').to.be.an('object');
  const c = call!;
  expect(c.Fault, `unexpected SoapFault: ${JSON.stringify(c.Fault)}`).to.equal(undefined);
  expect(c.HTTPStatus).to.equal(200);
  // WSDL mode takes the WSDL's soapAction, non-WSDL mode writes "<uri>#<method>": the same string here.
  expect(c.SOAPAction).to.equal(`"${NS}#${operation}"`);
  return c;
}

/** A successful CustomerUserUpdate: ID and a record without password material. */
function updated(call: PhpCall | undefined): Record<string, any> {
  const c = answered(call, 'CustomerUserUpdate');
  expect(c.Error, `unexpected Error: ${JSON.stringify(c.Error)}`).to.equal(null);
  expect(c.ID).to.equal('cust1');
  expect(c.CustomerUser).to.be.an('object');
  const rec = c.CustomerUser!;
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

/** The value SessionCreate/AccessTokenCreate returned: an object {Name: value} with the WSDL, the bare value without. */
const single = (mode: Mode, c: PhpCall, name: string): string => (mode === 'wsdl' ? c.Returned?.[name] : c.Returned);

describe('PHP SoapClient', function () {
  before(function () {
    // No skipping: without PHP's SOAP extension this whole capability is untested, which must show as a failure.
    const probe = spawnSync('php', ['-r', 'echo json_encode(["soap" => extension_loaded("soap"), "simplexml" => extension_loaded("simplexml")]);'], { encoding: 'utf8' });
    if (probe.error || probe.status !== 0) {
      throw new Error('PHP is required for this test: install it with `apt-get install -y php-cli php-soap php-xml` '
        + `(php -r failed: ${probe.error?.message ?? probe.stderr.trim()})`);
    }
    const loaded = JSON.parse(probe.stdout) as { soap: boolean; simplexml: boolean };
    const missing = [!loaded.soap && 'php-soap', !loaded.simplexml && 'php-xml'].filter(Boolean);
    if (missing.length > 0) {
      throw new Error(`PHP extensions missing for this test (SoapClient: php-soap, SimpleXML: php-xml): install them with \`apt-get install -y ${missing.join(' ')}\``);
    }
  });

  for (const mode of ['wsdl', 'non-wsdl'] as const) {
    describe(mode === 'wsdl' ? 'in WSDL mode, built from the served WSDL' : 'in non-WSDL mode (SOAP_RPC, SOAP_ENCODED, SoapParam)', function () {
      this.timeout(120000);
      let server: RunningServer;
      let url: string;
      let first: PhpOutput;        // only UpdateWithSessionID (after SessionCreate)
      let afterFirst: Snapshot;
      let out: PhpOutput;          // the whole script, every call in order
      let afterAll: Snapshot;
      let failing: PhpOutput;      // only the two failing calls, repeated
      let afterFailing: Snapshot;

      before(async function () {
        server = await startServer();
        url = mode === 'wsdl' ? server.wsdlUrl : server.endpoint;
        first = await runClient(mode, url, ['UpdateWithSessionID']);
        afterFirst = snapshot(server);
        out = await runClient(mode, url);
        afterAll = snapshot(server);
        failing = await runClient(mode, url, ['SessionCreateWrongPassword', 'UpdateInvalidValidID']);
        afterFailing = snapshot(server);
      });

      after(async function () {
        await server?.stop();
      });

      it('ran in the requested mode with PHP 8 and its bundled soap extension', function () {
        expect(out.Mode).to.equal(mode);
        expect(out.PHPVersion).to.match(/^8\./);
        expect(out.SoapExtensionVersion).to.equal(out.PHPVersion);
      });

      describe('SessionCreate', function () {
        it('returns a 32-character SessionID, stored for the agent with PHP-SOAP as the user agent', function () {
          const c = answered(out.SessionCreate, 'SessionCreate');
          expect(c.Error).to.equal(null);
          const sessionId = single(mode, c, 'SessionID');
          expect(sessionId).to.match(/^[A-Za-z0-9]{32}$/);
          const session = sessionData(server, sessionId);
          expect(session.UserLogin).to.equal('demo-agent');
          expect(session.UserType).to.equal('User');
          expect(session.UserRemoteUserAgent).to.match(/^PHP-SOAP\//);
        });

        if (mode === 'wsdl') {
          it('sent document/literal: children qualified in the service namespace, no xsi:type', function () {
            const request = out.SessionCreate.Request ?? '';
            expect(request).to.match(new RegExp(`xmlns:(\\w+)="${NS}"><SOAP-ENV:Body><\\1:SessionCreate><\\1:UserLogin>demo-agent</\\1:UserLogin>`));
            expect(request).not.to.contain('xsi:type');
          });
        } else {
          it('sent RPC/encoded: unqualified children, each with xsi:type="xsd:string", in the SOAP encoding style', function () {
            const request = out.SessionCreate.Request ?? '';
            expect(request).to.contain('SOAP-ENV:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"');
            expect(request).to.match(new RegExp(`xmlns:(\\w+)="${NS}".*<\\1:SessionCreate><UserLogin xsi:type="xsd:string">demo-agent</UserLogin><Password xsi:type="xsd:string">`));
          });
        }

        it('answers a wrong password with the Error block in an HTTP 200 response, not a SoapFault', function () {
          for (const run of [out, failing]) {
            const c = answered(run.SessionCreateWrongPassword, 'SessionCreate');
            const error = { ErrorCode: 'SessionCreate.AuthFail', ErrorMessage: 'SessionCreate: Authorization failing!' };
            expect(c.Error).to.deep.equal(error);
            // With the WSDL SoapClient returns the response element; in RPC mode its only child, the Error itself.
            expect(c.Returned).to.deep.equal(mode === 'wsdl' ? { Error: error } : error);
          }
        });
      });

      describe('CustomerUserUpdate with the SessionID', function () {
        if (mode === 'wsdl') {
          it('sent the dynamic fields as a list, the multiselect with Value repeated, and the preferences', function () {
            const request = out.UpdateWithSessionID.Request ?? '';
            expect(request).to.match(/<(\w+):DynamicField><\1:Name>Skills<\/\1:Name><\1:Value>SQL<\/\1:Value><\1:Value>Perl<\/\1:Value><\/\1:DynamicField>/);
            expect(request).to.match(/<(\w+):UserPreferences><\1:Key>TimeZone<\/\1:Key><\1:Value>Europe\/Berlin<\/\1:Value><\/\1:UserPreferences>/);
            expect(request).to.contain('<ns1:UserLastname>Müller</ns1:UserLastname>');
          });

          it('binds the declared fields as properties and hands the DynamicField_* elements over as raw XML in "any"', function () {
            const returned = out.UpdateWithSessionID.Returned?.CustomerUser;
            expect(returned).to.be.an('object');
            expect(returned.UserLastname).to.equal('Müller');
            expect(returned.UserTimeZone).to.equal('Europe/Berlin');
            expect(returned).not.to.have.property('DynamicField_Skills');
            expect(returned.any).to.be.a('string')
              .and.contain('<DynamicField_Skills>SQL</DynamicField_Skills><DynamicField_Skills>Perl</DynamicField_Skills>');
          });
        } else {
          it('sent each dynamic field and preference as an Apache Map, the two Skills values as a SOAP-ENC array', function () {
            const request = out.UpdateWithSessionID.Request ?? '';
            expect(request).to.contain('xmlns:ns2="http://xml.apache.org/xml-soap"');
            expect(request).to.contain('<DynamicField xsi:type="ns2:Map"><item><key xsi:type="xsd:string">Name</key><value xsi:type="xsd:string">Skills</value></item>'
              + '<item><key xsi:type="xsd:string">Value</key><value SOAP-ENC:arrayType="xsd:string[2]" xsi:type="SOAP-ENC:Array">'
              + '<item xsi:type="xsd:string">SQL</item><item xsi:type="xsd:string">Perl</item></value></item></DynamicField>');
            expect(request).to.contain('<UserPreferences xsi:type="ns2:Map"><item><key xsi:type="xsd:string">Key</key><value xsi:type="xsd:string">TimeZone</value></item>'
              + '<item><key xsi:type="xsd:string">Value</key><value xsi:type="xsd:string">Europe/Berlin</value></item></UserPreferences>');
            expect(request).to.contain('<UserLastname xsi:type="xsd:string">Müller</UserLastname>');
          });

          it('gets every record child as a property, the repeated DynamicField_Skills as an array', function () {
            const returned = out.UpdateWithSessionID.Returned;
            expect(returned).to.have.keys('CustomerUser', 'ID');
            expect(returned.CustomerUser.DynamicField_Skills).to.deep.equal(['SQL', 'Perl']);
            expect(returned.CustomerUser.UserLastname).to.equal('Müller');
          });
        }

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
          const c = answered(out.AccessTokenCreate, 'AccessTokenCreate');
          expect(c.Error).to.equal(null);
          const token = single(mode, c, 'AccessToken');
          expect(token).to.be.a('string').and.match(/^[\w-]+\.[\w-]+\.[\w-]+$/);
          const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
          const row = server.db().prepare('SELECT * FROM access_token WHERE uuid = ?').get(claims.jti) as Record<string, any> | undefined;
          expect(row, 'access_token row for the jti').to.be.an('object');
          expect(String(row!.user_id)).to.equal(sessionData(server, single(mode, out.SessionCreate, 'SessionID')).UserID);
        });

        it('sends a single Value to the multiselect, which replaces its two values; the other fields stay', function () {
          const request = out.UpdateWithAccessToken.Request ?? '';
          if (mode === 'wsdl') {
            expect(request).to.match(/<(\w+):DynamicField><\1:Name>Skills<\/\1:Name><\1:Value>Perl<\/\1:Value><\/\1:DynamicField>/);
          } else {
            expect(request).to.contain('<DynamicField xsi:type="ns2:Map"><item><key xsi:type="xsd:string">Name</key><value xsi:type="xsd:string">Skills</value></item>'
              + '<item><key xsi:type="xsd:string">Value</key><value xsi:type="xsd:string">Perl</value></item></DynamicField>');
          }
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
        it('sent 7 (SoapClient does not enforce the WSDL restriction) and got the Error block, HTTP 200, no record', function () {
          for (const run of [out, failing]) {
            const request = run.UpdateInvalidValidID.Request ?? '';
            expect(request).to.match(mode === 'wsdl' ? /<(\w+):ValidID>7<\/\1:ValidID>/ : /<ValidID xsi:type="xsd:int">7<\/ValidID>/);
            const c = answered(run.UpdateInvalidValidID, 'CustomerUserUpdate');
            expect(c.Error, 'Error block').to.be.an('object');
            expect(c.Error!.ErrorCode).to.equal('CustomerUserUpdate.InvalidValidID');
            expect(c.Error!.ErrorMessage).to.match(/^CustomerUserUpdate: /).and.contain('7');
            // Nothing but the Error came back.
            expect(c.Returned).to.deep.equal(mode === 'wsdl' ? { Error: c.Error } : c.Error);
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
  }
});
