// A Python integration built the way zeep is meant to be used: zeep.Client(<endpoint>?wsdl) reads the WSDL the
// server serves, and the client calls client.service.<Operation>(**fields) with plain dicts and lists. The script
// is test/clients/python/otrs_customer_user_update.py (Debian python3-zeep, run with the system /usr/bin/python3);
// it prints one JSON document with what zeep returned for every call, the HTTP status, the SOAPAction and the request
// envelope, and this file checks that against the contract (docs/operations.md: CustomerUserUpdate, errors) and the stored state.
//
// What only zeep exercises: its strict XSD binding of requests and responses (zeep refuses elements the WSDL does
// not allow), the WSDL's soapAction and element qualification, and the CustomerUser record declared as a repeated
// choice of named fields plus a lax wildcard (zeep: {name: value} items plus lxml elements in record._value_1).
import { expect } from 'chai';
import { join } from 'node:path';
import { NS } from './support/soap.js';
import { projectRoot, startServer, type RunningServer } from './support/server.js';
import { sessionData } from './support/state.js';
import { expectAnswered, expectInvalidValidID, expectTokenOfSessionUser, expectUpdated, probe, runClientScript, WITHOUT_PROXY } from './support/client-run.js';
import {
  expectAccessTokenUpdateRecord, itAnswersAndStoresTheSessionUpdate, itChangesNothingOnFailure, itStoresTheAccessTokenUpdate,
  runScenario, type ScenarioRuns,
} from './support/client-scenario.js';

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
async function runClient(wsdlUrl: string, steps: string[]): Promise<ZeepOutput> {
  return (await runClientScript<ZeepOutput>('python', PYTHON, [script, wsdlUrl, ...steps], { env: WITHOUT_PROXY })).out;
}

/** A call that reached the operation, with the WSDL's soapAction, and came back as a normal HTTP 200 response. */
function answered(call: ZeepCall | undefined, operation: string): any {
  const c = expectAnswered(call, ['TransportError', 'Fault']);
  expect(c.SOAPAction, 'the soapAction of the WSDL').to.equal(`"${NS}#${operation}"`);
  expect(c.Data, 'response data').to.be.an('object');
  return c.Data;
}

/** A successful CustomerUserUpdate (zeep binds a missing element as null). */
const updated = (call: ZeepCall | undefined) => expectUpdated(answered(call, 'CustomerUserUpdate'), null);

describe('Python zeep client built from the served WSDL', function () {
  this.timeout(120000);
  let server: RunningServer;
  let runs: ScenarioRuns<ZeepOutput>;

  before(async function () {
    const { failure } = probe(PYTHON, ['-c', 'import zeep, lxml']);
    if (failure !== undefined) {
      throw new Error(`Python 3 with zeep is required for this test: install it with \`apt-get install -y python3-zeep\` `
        + `(${PYTHON} -c "import zeep" failed: ${failure})`);
    }
    server = await startServer();
    runs = await runScenario(server, (steps) => runClient(server.wsdlUrl, steps));
  });

  after(async function () {
    await server?.stop();
  });

  it('is zeep 4.x', function () {
    expect(runs.out.ZeepVersion).to.match(/^4\./);
  });

  describe('SessionCreate', function () {
    it('returns a 32-character SessionID, stored for the agent with zeep as the user agent', function () {
      const data = answered(runs.out.SessionCreate, 'SessionCreate');
      expect(data.Error).to.equal(null);
      expect(data.SessionID).to.match(/^[A-Za-z0-9]{32}$/);
      const session = sessionData(server, data.SessionID);
      expect(session.UserLogin).to.equal('demo-agent');
      expect(session.UserType).to.equal('User');
      expect(session.UserRemoteUserAgent).to.match(/^Zeep\//);
    });

    it('sent the request elements qualified in the service namespace (elementFormDefault="qualified")', function () {
      expect(runs.out.SessionCreate.Request).to.match(new RegExp(`<(\\w+):SessionCreate xmlns:\\1="${NS}"><\\1:UserLogin>demo-agent</\\1:UserLogin>`));
    });

    it('answers a wrong password with the Error block in an HTTP 200 response, which zeep binds', function () {
      for (const run of [runs.out, runs.failing]) {
        const data = answered(run.SessionCreateWrongPassword, 'SessionCreate');
        expect(data.Error).to.deep.equal({ ErrorCode: 'SessionCreate.AuthFail', ErrorMessage: 'SessionCreate: Authorization failing!' });
        expect(data.SessionID).to.equal(null);
      }
    });
  });

  describe('CustomerUserUpdate with the SessionID', function () {
    it('sent the dynamic fields as a list, the multiselect with Value repeated, and the preferences', function () {
      const request = runs.out.UpdateWithSessionID.Request ?? '';
      expect(request).to.match(/<(\w+):DynamicField><\1:Name>Skills<\/\1:Name><\1:Value>SQL<\/\1:Value><\1:Value>Perl<\/\1:Value><\/\1:DynamicField>/);
      expect(request).to.match(/<(\w+):UserPreferences><\1:Key>TimeZone<\/\1:Key><\1:Value>Europe\/Berlin<\/\1:Value><\/\1:UserPreferences>/);
      expect(request).to.contain('Müller');
    });

    itAnswersAndStoresTheSessionUpdate(() => runs, (run) => updated(run.UpdateWithSessionID));
  });

  describe('AccessTokenCreate, then CustomerUserUpdate with the AccessToken', function () {
    it('returns an access token the server stored for the same agent', function () {
      const data = answered(runs.out.AccessTokenCreate, 'AccessTokenCreate');
      expect(data.Error).to.equal(null);
      expectTokenOfSessionUser(server, data.AccessToken, runs.out.SessionCreate.Data.SessionID);
    });

    it('sends a single Value to the multiselect, which replaces its two values; the other fields stay', function () {
      expect(runs.out.UpdateWithAccessToken.Request).to.match(/<(\w+):DynamicField><\1:Name>Skills<\/\1:Name><\1:Value>Perl<\/\1:Value><\/\1:DynamicField>/);
      expectAccessTokenUpdateRecord(updated(runs.out.UpdateWithAccessToken));
    });

    itStoresTheAccessTokenUpdate(() => runs);
  });

  describe('CustomerUserUpdate with ValidID 7', function () {
    it('sent 7 (zeep does not enforce the WSDL restriction) and got the Error block, HTTP 200, no record', function () {
      for (const run of [runs.out, runs.failing]) {
        expect(run.UpdateInvalidValidID.Request).to.match(/<(\w+):ValidID>7<\/\1:ValidID>/);
        const data = answered(run.UpdateInvalidValidID, 'CustomerUserUpdate');
        expectInvalidValidID(data.Error);
        expect(data.CustomerUser).to.equal(null);
        expect(data.ID).to.equal(null);
      }
    });

    itChangesNothingOnFailure(() => runs);
  });
});
