// Clients generated from the served WSDL (Python zeep, PHP SoapClient in WSDL mode) against every operation of the
// default web service: the documented error answers (at least AuthFail, or SessionInvalid for SessionGet, and
// MissingParameter) arrive as data, the Error element bound like any field, never as a parsing exception; and a
// Fault of a web service with StandardFaults is the client's own exception with the server's text (zeep raises
// Fault, PHP throws SoapFault). The scripts are test/clients/python/otrs_error_answers.py and
// test/clients/php/otrs-error-answers.php.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot, startServer, type RunningServer } from './support/server.js';
import { probe, runClientScript, WITHOUT_PROXY } from './support/client-run.js';
import { defaultWebserviceVariant } from './support/webservices.js';

interface Answer { Operation: string; HTTPStatus: number | null; Error?: { ErrorCode: string; ErrorMessage: string } | null; Fault?: { faultcode: string; faultstring: string }; Exception?: string; Returned?: unknown }
interface Call { Name: string; Operation: string; Fields: Record<string, unknown> }

const operations = Object.keys(JSON.parse(readFileSync(join(projectRoot, 'wsdl', 'GenericTicketConnectorSOAP.webservice.json'), 'utf8')).Provider.Operation as object);
const agent = { UserLogin: 'demo-agent', Password: 'DemoAgent1!' };
const wrong = { UserLogin: 'demo-agent', Password: 'not-the-password' };

/** Fields each operation needs to get past its parameter checks (so that wrong credentials are what fails). */
const complete: Record<string, Record<string, unknown>> = {
  SessionCreate: {}, AccessTokenCreate: {}, SessionGet: {}, SessionRemove: { SessionID: 'A'.repeat(32) },
  CustomerUserUpdate: { ID: 'cust1', UserFirstname: 'Changed' },
  CustomerUserCreate: { CustomerUserLogin: 'jdoe', UserFirstname: 'John', UserLastname: 'Doe', UserEmail: 'jdoe@acme-demo.test', UserCustomerID: 'ACME', ValidID: 1 },
  CustomerUserAdd: { CustomerUserLogin: 'jdoe', UserFirstname: 'John', UserLastname: 'Doe', UserEmail: 'jdoe@acme-demo.test', UserCustomerID: 'ACME', ValidID: 1 },
  CustomerUserGet: { CustomerUserID: ['cust1'] }, CustomerUserSearch: { CustomerUserLogin: 'cust*' },
  CustomerCompanyCreate: { CustomerID: 'Globex', CustomerCompanyName: 'Globex Corporation', ValidID: 1 },
  CustomerCompanyAdd: { CustomerID: 'Globex', CustomerCompanyName: 'Globex Corporation', ValidID: 1 },
  CustomerCompanyGet: { CustomerID: ['ACME'] }, CustomerCompanySearch: { CustomerID: 'AC*' },
  CustomerCompanyUpdate: { CustomerID: 'ACME', CustomerCompanyCity: 'Changed' },
  UserGet: { Login: 'demo-agent' }, UserSearch: { Search: 'demo' },
  UserAdd: { Login: 'nina', UserFirstname: 'Nina', UserLastname: 'Newhire', UserEmail: 'nina@acme-demo.test', ValidID: 1 },
  UserUpdate: { UserID: '2', UserFirstname: 'Changed' },
};

/**
 * Requests without what each operation requires: the WSDL's required elements are sent, but empty (PHP refuses to
 * send a request without them); the searches, which require nothing, get the empty request.
 */
const missing: Record<string, Record<string, unknown>> = {
  SessionCreate: { Password: '' }, AccessTokenCreate: { Password: '' }, SessionGet: { SessionID: '' }, SessionRemove: { ...agent, SessionID: '' },
  CustomerUserUpdate: { ...agent, ID: '' }, CustomerUserCreate: { ...agent }, CustomerUserAdd: { ...agent },
  CustomerUserGet: { ...agent, CustomerUserID: [''] }, CustomerUserSearch: {},
  CustomerCompanyCreate: { ...agent, CustomerID: '', CustomerCompanyName: '', ValidID: 1 }, CustomerCompanyAdd: { ...agent, CustomerID: '', CustomerCompanyName: '', ValidID: 1 },
  CustomerCompanyGet: { ...agent, CustomerID: [''] }, CustomerCompanySearch: {}, CustomerCompanyUpdate: { ...agent, CustomerID: '' },
  UserGet: { ...agent }, UserSearch: {}, UserAdd: { ...agent, Login: '' }, UserUpdate: { ...agent, UserID: '' },
};

/** What each operation answers to the two requests: its documented codes. */
const expected = (op: string) => ({
  credentials: op === 'SessionGet' ? 'SessionGet.SessionInvalid' : `${op}.AuthFail`,
  missing: `${op}.MissingParameter`,
});

const calls: Call[] = operations.flatMap((op) => [
  { Name: `${op}:credentials`, Operation: op, Fields: op === 'SessionGet' ? { SessionID: 'B'.repeat(32) } : { ...wrong, ...complete[op] } },
  { Name: `${op}:missing`, Operation: op, Fields: missing[op] },
]);
// A web service with StandardFaults that lacks UserUpdate: the WSDL still describes it, the server answers the
// call with its Fault "Got no OperationType!".
const faultCalls: Call[] = [{ Name: 'fault', Operation: 'UserUpdate', Fields: { ...agent, UserID: '2' } }];

function callsFile(list: Call[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'otrs-gi-calls-')), 'calls.json');
  writeFileSync(file, JSON.stringify(list));
  return file;
}

const clients = [
  {
    name: 'Python zeep', probe: () => probe('/usr/bin/python3', ['-c', 'import zeep, lxml']), install: 'apt-get install -y python3-zeep',
    run: (wsdl: string, file: string) => runClientScript<Record<string, Answer>>('zeep', '/usr/bin/python3',
      [join(projectRoot, 'test', 'clients', 'python', 'otrs_error_answers.py'), wsdl, file], { env: WITHOUT_PROXY, timeout: 120000 }),
    fault: { faultcode: 'soap:Server', faultstring: 'Got no OperationType!' },
  },
  {
    name: 'PHP SoapClient (WSDL mode)', probe: () => probe('php', ['-r', 'exit(extension_loaded("soap") ? 0 : 1);']), install: 'apt-get install -y php-cli php-soap',
    run: (wsdl: string, file: string) => runClientScript<Record<string, Answer>>('php', 'php',
      [join(projectRoot, 'test', 'clients', 'php', 'otrs-error-answers.php'), wsdl, file], { timeout: 120000 }),
    fault: { faultcode: 'soap:Server', faultstring: 'Got no OperationType!' },
  },
];

describe('WSDL-generated clients: error answers as data, Faults as exceptions', function () {
  this.timeout(180000);
  let server: RunningServer;
  let faultsWsdl: string;
  before(async () => {
    const standardFaults = defaultWebserviceVariant((ws) => {
      Object.assign(ws, { ID: 7, Name: 'GenericTicketConnectorStandardFaults' });
      ws.Provider.Transport.Config.StandardFaults = true;
      delete ws.Provider.Operation.UserUpdate;
    });
    server = await startServer({ WEBSERVICE_FILES: standardFaults });
    faultsWsdl = `${server.baseUrl}/otrs/nph-genericinterface.pl/Webservice/GenericTicketConnectorStandardFaults?wsdl`;
  });
  after(async () => { await server?.stop(); });

  for (const client of clients) {
    describe(client.name, function () {
      let answers: Record<string, Answer>;
      let faults: Record<string, Answer>;
      before(async function () {
        const { failure } = client.probe();
        if (failure !== undefined) throw new Error(`${client.name} is required for this test: install it with \`${client.install}\` (${failure})`);
        answers = (await client.run(server.wsdlUrl, callsFile(calls))).out;
        faults = (await client.run(faultsWsdl, callsFile(faultCalls))).out;
      });

      it('gets every operation\'s AuthFail (SessionGet: SessionInvalid) and MissingParameter as the bound Error element, HTTP 200', function () {
        const got = Object.fromEntries(calls.map((c) => {
          const a = answers[c.Name];
          return [c.Name, a?.Error?.ErrorCode ?? JSON.stringify(a)];
        }));
        const want = Object.fromEntries(operations.flatMap((op) => [[`${op}:credentials`, expected(op).credentials], [`${op}:missing`, expected(op).missing]]));
        expect(got).to.deep.equal(want);
        for (const c of calls) {
          expect(answers[c.Name].HTTPStatus, c.Name).to.equal(200);
          expect(answers[c.Name].Error!.ErrorMessage, c.Name).to.match(new RegExp(`^${c.Operation}: `));
        }
      });

      it('changed nothing with those requests', function () {
        const db = server.db();
        expect(db.prepare(`SELECT login FROM customer_user ORDER BY login`).all().map((r: any) => r.login)).to.deep.equal(['cust1', 'cust2']);
        expect(db.prepare(`SELECT customer_id FROM customer_company`).all().map((r: any) => r.customer_id)).to.deep.equal(['ACME']);
        expect(db.prepare(`SELECT login FROM users WHERE login = 'nina'`).all()).to.deep.equal([]);
        expect(db.prepare(`SELECT first_name FROM customer_user WHERE first_name = 'Changed'`).all()).to.deep.equal([]);
        expect(db.prepare(`SELECT city FROM customer_company WHERE city = 'Changed'`).all()).to.deep.equal([]);
        expect(db.prepare(`SELECT first_name FROM users WHERE first_name = 'Changed'`).all()).to.deep.equal([]);
      });

      it('raises its own Fault exception with the server\'s text for a standard soap:Fault (StandardFaults)', function () {
        expect(faults.fault).to.deep.include({ Fault: client.fault, HTTPStatus: 500 });
      });
    });
  }
});
