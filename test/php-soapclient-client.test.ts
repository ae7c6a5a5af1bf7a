// A PHP integration written with PHP's own SoapClient (Debian php-cli, php-soap; php-xml for SimpleXML), in both
// ways OTRS integrations use it. The script test/clients/php/otrs-customer-user-update.php takes the mode:
//   wsdl      new SoapClient(<endpoint>?wsdl): document/literal from the served WSDL, SOAPAction "NS#Op" from it;
//   non-wsdl  new SoapClient(null, [location, uri, SOAP_RPC, SOAP_ENCODED]) with SoapParams, as in
//             tubssz/otrs-web-service-client: every value carries xsi:type, associative arrays go out as Apache
//             Maps (xmlns:ns2="http://xml.apache.org/xml-soap") and lists as SOAP-ENC arrays, SOAPAction "uri#Op".
// It prints one JSON document with what SoapClient returned for every call, the record as the integrator reads it,
// the HTTP status, the SOAPAction and the request envelope; this file checks that against the contract (docs/operations.md:
// CustomerUserUpdate, errors, the xsi:type/Map/soapenc:Array decoding deviation) and against the stored state.
import { expect } from 'chai';
import { join } from 'node:path';
import { NS } from './support/soap.js';
import { projectRoot, startServer, type RunningServer } from './support/server.js';
import { sessionData } from './support/state.js';
import { expectAnswered, expectInvalidValidID, expectTokenOfSessionUser, expectUpdated, probe, runClientScript } from './support/client-run.js';
import {
  expectAccessTokenUpdateRecord, itAnswersAndStoresTheSessionUpdate, itChangesNothingOnFailure, itStoresTheAccessTokenUpdate,
  runScenario, type ScenarioRuns,
} from './support/client-scenario.js';

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
async function runClient(mode: Mode, url: string, steps: string[]): Promise<PhpOutput> {
  return (await runClientScript<PhpOutput>('php', 'php', [script, mode, url, ...steps])).out;
}

/** A call that reached the operation and came back as a normal HTTP 200 response (business errors included). */
function answered(call: PhpCall | undefined, operation: string): PhpCall {
  const c = expectAnswered(call, ['Fault']);
  // WSDL mode takes the WSDL's soapAction, non-WSDL mode writes "<uri>#<method>": the same string here.
  expect(c.SOAPAction).to.equal(`"${NS}#${operation}"`);
  return c;
}

/** A successful CustomerUserUpdate (SoapClient binds a missing element as null). */
const updated = (call: PhpCall | undefined) => expectUpdated(answered(call, 'CustomerUserUpdate'), null);

/** The value SessionCreate/AccessTokenCreate returned: an object {Name: value} with the WSDL, the bare value without. */
const single = (mode: Mode, c: PhpCall, name: string): string => (mode === 'wsdl' ? c.Returned?.[name] : c.Returned);

describe('PHP SoapClient', function () {
  before(function () {
    const { failure, stdout } = probe('php', ['-r', 'echo json_encode(["soap" => extension_loaded("soap"), "simplexml" => extension_loaded("simplexml")]);']);
    if (failure !== undefined) {
      throw new Error('PHP is required for this test: install it with `apt-get install -y php-cli php-soap php-xml` '
        + `(php -r failed: ${failure})`);
    }
    const loaded = JSON.parse(stdout) as { soap: boolean; simplexml: boolean };
    const missing = [!loaded.soap && 'php-soap', !loaded.simplexml && 'php-xml'].filter(Boolean);
    if (missing.length > 0) {
      throw new Error(`PHP extensions missing for this test (SoapClient: php-soap, SimpleXML: php-xml): install them with \`apt-get install -y ${missing.join(' ')}\``);
    }
  });

  for (const mode of ['wsdl', 'non-wsdl'] as const) {
    describe(mode === 'wsdl' ? 'in WSDL mode, built from the served WSDL' : 'in non-WSDL mode (SOAP_RPC, SOAP_ENCODED, SoapParam)', function () {
      this.timeout(120000);
      let server: RunningServer;
      let runs: ScenarioRuns<PhpOutput>;

      before(async function () {
        server = await startServer();
        const url = mode === 'wsdl' ? server.wsdlUrl : server.endpoint;
        runs = await runScenario(server, (steps) => runClient(mode, url, steps));
      });

      after(async function () {
        await server?.stop();
      });

      it('ran in the requested mode with PHP 8 and its bundled soap extension', function () {
        expect(runs.out.Mode).to.equal(mode);
        expect(runs.out.PHPVersion).to.match(/^8\./);
        expect(runs.out.SoapExtensionVersion).to.equal(runs.out.PHPVersion);
      });

      describe('SessionCreate', function () {
        it('returns a 32-character SessionID, stored for the agent with PHP-SOAP as the user agent', function () {
          const c = answered(runs.out.SessionCreate, 'SessionCreate');
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
            const request = runs.out.SessionCreate.Request ?? '';
            expect(request).to.match(new RegExp(`xmlns:(\\w+)="${NS}"><SOAP-ENV:Body><\\1:SessionCreate><\\1:UserLogin>demo-agent</\\1:UserLogin>`));
            expect(request).not.to.contain('xsi:type');
          });
        } else {
          it('sent RPC/encoded: unqualified children, each with xsi:type="xsd:string", in the SOAP encoding style', function () {
            const request = runs.out.SessionCreate.Request ?? '';
            expect(request).to.contain('SOAP-ENV:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"');
            expect(request).to.match(new RegExp(`xmlns:(\\w+)="${NS}".*<\\1:SessionCreate><UserLogin xsi:type="xsd:string">demo-agent</UserLogin><Password xsi:type="xsd:string">`));
          });
        }

        it('answers a wrong password with the Error block in an HTTP 200 response, not a SoapFault', function () {
          for (const run of [runs.out, runs.failing]) {
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
            const request = runs.out.UpdateWithSessionID.Request ?? '';
            expect(request).to.match(/<(\w+):DynamicField><\1:Name>Skills<\/\1:Name><\1:Value>SQL<\/\1:Value><\1:Value>Perl<\/\1:Value><\/\1:DynamicField>/);
            expect(request).to.match(/<(\w+):UserPreferences><\1:Key>TimeZone<\/\1:Key><\1:Value>Europe\/Berlin<\/\1:Value><\/\1:UserPreferences>/);
            expect(request).to.contain('<ns1:UserLastname>Müller</ns1:UserLastname>');
          });

          it('binds the declared fields as properties and hands the DynamicField_* elements over as raw XML in "any"', function () {
            const returned = runs.out.UpdateWithSessionID.Returned?.CustomerUser;
            expect(returned).to.be.an('object');
            expect(returned.UserLastname).to.equal('Müller');
            expect(returned.UserTimeZone).to.equal('Europe/Berlin');
            expect(returned).not.to.have.property('DynamicField_Skills');
            expect(returned.any).to.be.a('string')
              .and.contain('<DynamicField_Skills>SQL</DynamicField_Skills><DynamicField_Skills>Perl</DynamicField_Skills>');
          });
        } else {
          it('sent each dynamic field and preference as an Apache Map, the two Skills values as a SOAP-ENC array', function () {
            const request = runs.out.UpdateWithSessionID.Request ?? '';
            expect(request).to.contain('xmlns:ns2="http://xml.apache.org/xml-soap"');
            expect(request).to.contain('<DynamicField xsi:type="ns2:Map"><item><key xsi:type="xsd:string">Name</key><value xsi:type="xsd:string">Skills</value></item>'
              + '<item><key xsi:type="xsd:string">Value</key><value SOAP-ENC:arrayType="xsd:string[2]" xsi:type="SOAP-ENC:Array">'
              + '<item xsi:type="xsd:string">SQL</item><item xsi:type="xsd:string">Perl</item></value></item></DynamicField>');
            expect(request).to.contain('<UserPreferences xsi:type="ns2:Map"><item><key xsi:type="xsd:string">Key</key><value xsi:type="xsd:string">TimeZone</value></item>'
              + '<item><key xsi:type="xsd:string">Value</key><value xsi:type="xsd:string">Europe/Berlin</value></item></UserPreferences>');
            expect(request).to.contain('<UserLastname xsi:type="xsd:string">Müller</UserLastname>');
          });

          it('gets every record child as a property, the repeated DynamicField_Skills as an array', function () {
            const returned = runs.out.UpdateWithSessionID.Returned;
            expect(returned).to.have.keys('CustomerUser', 'ID');
            expect(returned.CustomerUser.DynamicField_Skills).to.deep.equal(['SQL', 'Perl']);
            expect(returned.CustomerUser.UserLastname).to.equal('Müller');
          });
        }

        itAnswersAndStoresTheSessionUpdate(() => runs, (run) => updated(run.UpdateWithSessionID));
      });

      describe('AccessTokenCreate, then CustomerUserUpdate with the AccessToken', function () {
        it('returns an access token the server stored for the same agent', function () {
          const c = answered(runs.out.AccessTokenCreate, 'AccessTokenCreate');
          expect(c.Error).to.equal(null);
          expectTokenOfSessionUser(server, single(mode, c, 'AccessToken'), single(mode, runs.out.SessionCreate, 'SessionID'));
        });

        it('sends a single Value to the multiselect, which replaces its two values; the other fields stay', function () {
          const request = runs.out.UpdateWithAccessToken.Request ?? '';
          if (mode === 'wsdl') {
            expect(request).to.match(/<(\w+):DynamicField><\1:Name>Skills<\/\1:Name><\1:Value>Perl<\/\1:Value><\/\1:DynamicField>/);
          } else {
            expect(request).to.contain('<DynamicField xsi:type="ns2:Map"><item><key xsi:type="xsd:string">Name</key><value xsi:type="xsd:string">Skills</value></item>'
              + '<item><key xsi:type="xsd:string">Value</key><value xsi:type="xsd:string">Perl</value></item></DynamicField>');
          }
          expectAccessTokenUpdateRecord(updated(runs.out.UpdateWithAccessToken));
        });

        itStoresTheAccessTokenUpdate(() => runs);
      });

      describe('CustomerUserUpdate with ValidID 7', function () {
        it('sent 7 (SoapClient does not enforce the WSDL restriction) and got the Error block, HTTP 200, no record', function () {
          for (const run of [runs.out, runs.failing]) {
            const request = run.UpdateInvalidValidID.Request ?? '';
            expect(request).to.match(mode === 'wsdl' ? /<(\w+):ValidID>7<\/\1:ValidID>/ : /<ValidID xsi:type="xsd:int">7<\/ValidID>/);
            const c = answered(run.UpdateInvalidValidID, 'CustomerUserUpdate');
            expectInvalidValidID(c.Error);
            // Nothing but the Error came back.
            expect(c.Returned).to.deep.equal(mode === 'wsdl' ? { Error: c.Error } : c.Error);
          }
        });

        itChangesNothingOnFailure(() => runs);
      });
    });
  }
});
