// A WSDL-driven client: node-soap builds itself from the WSDL the server serves at <endpoint>?wsdl and then
// calls the operations with plain objects. This is how generated clients (zeep, JAX-WS, .NET) meet the server:
// the soapAction, element qualification and response shapes all come from wsdl/GenericTicketConnectorSOAP.wsdl,
// so this file checks that the WSDL and the wire agree (dialect §12).
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClientAsync, type Client } from 'soap';
import { NS } from './support/soap.js';
import { startServer, projectRoot, type RunningServer } from './support/server.js';
import { customerUserState } from './support/state.js';
import { expectInvalidValidID, expectUpdated } from './support/client-run.js';

/** Talk to the loopback server directly even where CI exports an http_proxy (axios honours it). */
const DIRECT = { proxy: false };
/** Every operation the default web service exposes: the served WSDL must describe each of them. */
const OPERATIONS = Object.keys(JSON.parse(readFileSync(join(projectRoot, 'wsdl', 'GenericTicketConnectorSOAP.webservice.json'), 'utf8')).Provider.Operation).sort();
const AGENT = { UserLogin: 'demo-agent', Password: 'DemoAgent1!' };

describe('node-soap client built from the served WSDL', function () {
  this.timeout(60000);
  let server: RunningServer;
  let client: Client;
  let lastStatus: number | undefined;
  let sessionId: string;

  const customerRow = () => customerUserState(server, 'cust1').row;

  /** Calls an operation the way node-soap users do and returns the parsed result object. */
  async function call(operation: string, args: Record<string, unknown>): Promise<any> {
    lastStatus = undefined;
    const [result] = await client[`${operation}Async`](args, DIRECT);
    return result;
  }

  /** A successful CustomerUserUpdate (node-soap leaves a missing element out). */
  const record = (res: any) => expectUpdated(res, undefined);

  before(async function () {
    server = await startServer();
    client = await createClientAsync(server.wsdlUrl, { wsdl_options: DIRECT });
    client.on('response', (_body: unknown, response: { status?: number } | null) => { lastStatus = response?.status; });
  });

  after(async function () {
    await server?.stop();
  });

  describe('the served WSDL', function () {
    it('points its soap:address at the server that served it', async function () {
      const res = await fetch(server.wsdlUrl);
      expect(res.status).to.equal(200);
      const text = await res.text();
      expect(text).to.contain(`location="${server.endpoint}"`);
      expect(text).to.contain(`targetNamespace="${NS}"`);
    });

    it('describes every operation of GenericTicketConnectorSOAP', function () {
      const port = client.describe().GenericTicketConnector.GenericTicketConnector_Port;
      expect(Object.keys(port).sort()).to.deep.equal(OPERATIONS);
      expect(port.SessionGet.output['SessionData[]']).to.have.keys('Key', 'Serialized', 'Value', 'targetNSAlias', 'targetNamespace');
    });
  });

  describe('SessionCreate and SessionGet', function () {
    it('creates a session, with the SOAP::Lite form of SOAPAction taken from the WSDL', async function () {
      const res = await call('SessionCreate', AGENT);
      expect(lastStatus).to.equal(200);
      expect(client.lastRequestHeaders?.SOAPAction).to.equal(`"${NS}#SessionCreate"`);
      expect(res.Error).to.equal(undefined);
      expect(res.SessionID).to.match(/^[A-Za-z0-9]{32}$/);
      sessionId = res.SessionID;
    });

    it('reads the session back as SessionData entries named by Key, without the password', async function () {
      const res = await call('SessionGet', { SessionID: sessionId });
      expect(res.Error).to.equal(undefined);
      expect(res.SessionData).to.be.an('array').that.is.not.empty;
      const byKey = new Map<string, any>(res.SessionData.map((d: any) => [d.Key, d]));
      expect(byKey.get('UserLogin')?.Value).to.equal('demo-agent');
      expect(byKey.get('UserType')?.Value).to.equal('User');
      expect(byKey.has('UserPw')).to.equal(false);
      const keys = res.SessionData.map((d: any) => d.Key);
      expect(keys).to.deep.equal([...keys].sort());
    });

    it('answers a wrong password with the Error block in an HTTP 200 response', async function () {
      const res = await call('SessionCreate', { ...AGENT, Password: 'not the password' });
      expect(lastStatus).to.equal(200);
      expect(res.Error).to.deep.equal({ ErrorCode: 'SessionCreate.AuthFail', ErrorMessage: 'SessionCreate: Authorization failing!' });
      expect(res.SessionID).to.equal(undefined);
    });
  });

  describe('CustomerUserUpdate', function () {
    it('updates with a SessionID: fields, dynamic fields (one with two values) and preferences', async function () {
      const res = await call('CustomerUserUpdate', {
        SessionID: sessionId,
        ID: 'cust1',
        UserFirstname: 'Grace',
        UserLastname: 'Hopper-Müller',
        UserPhone: '+49 30 1234567',
        DynamicField: [
          { Name: 'Department', Value: ['QA & Test <Berlin>'] },
          { Name: 'Skills', Value: ['SQL', 'Perl'] },
        ],
        UserPreferences: [
          { Key: 'TimeZone', Value: 'Europe/Berlin' },
          { Key: 'Language', Value: 'de' },
        ],
      });
      expect(lastStatus).to.equal(200);
      expect(client.lastRequestHeaders?.SOAPAction).to.equal(`"${NS}#CustomerUserUpdate"`);
      const rec = record(res);
      expect(rec.UserFirstname).to.equal('Grace');
      expect(rec.UserLastname).to.equal('Hopper-Müller');
      expect(rec.UserPhone).to.equal('+49 30 1234567');
      expect(rec.DynamicField_Department).to.equal('QA & Test <Berlin>');
      expect(rec.DynamicField_Skills).to.deep.equal(['SQL', 'Perl']);
      expect(rec.UserTimeZone).to.equal('Europe/Berlin');
      expect(rec.UserLanguage).to.equal('de');

      const row = customerRow()!;
      expect(row.first_name).to.equal('Grace');
      expect(row.last_name).to.equal('Hopper-Müller');
      expect(row.phone).to.equal('+49 30 1234567');
    });

    it('clears a field sent as xsi:nil and keeps the fields not sent', async function () {
      const res = await call('CustomerUserUpdate', { SessionID: sessionId, ID: 'cust1', UserPhone: null });
      expect(client.lastRequest).to.match(/<(\w+:)?UserPhone[^>]*xsi:nil="true"/);
      const rec = record(res);
      expect(rec.UserPhone).to.equal('');
      expect(rec.UserFirstname).to.equal('Grace');
      expect(rec.DynamicField_Skills).to.deep.equal(['SQL', 'Perl']);
      expect(customerRow()!.phone ?? '').to.equal('');
    });

    it('updates with an AccessToken from AccessTokenCreate', async function () {
      const token = await call('AccessTokenCreate', AGENT);
      expect(lastStatus).to.equal(200);
      expect(token.Error).to.equal(undefined);
      expect(token.AccessToken).to.be.a('string').and.not.equal('');

      const rec = record(await call('CustomerUserUpdate', { AccessToken: token.AccessToken, ID: 'cust1', UserCity: 'Zürich' }));
      expect(rec.UserCity).to.equal('Zürich');
      expect(rec.UserFirstname).to.equal('Grace');
      expect(customerRow()!.city).to.equal('Zürich');
    });

    it('updates with UserLogin and Password', async function () {
      const rec = record(await call('CustomerUserUpdate', { ...AGENT, ID: 'cust1', UserTitle: 'Dr.' }));
      expect(rec.UserTitle).to.equal('Dr.');
      expect(rec.UserFullname).to.equal('Dr. Grace Hopper-Müller');
    });

    it('answers an invalid SessionID with CustomerUserUpdate.AuthFail and changes nothing', async function () {
      const before = customerRow();
      const res = await call('CustomerUserUpdate', { SessionID: 'x'.repeat(32), ID: 'cust1', UserFirstname: 'Intruder' });
      expect(lastStatus).to.equal(200);
      expect(res.Error).to.deep.equal({ ErrorCode: 'CustomerUserUpdate.AuthFail', ErrorMessage: 'CustomerUserUpdate: Authorization failing!' });
      expect(res.CustomerUser).to.equal(undefined);
      expect(customerRow()).to.deep.equal(before);
    });

    it('answers ValidID 7 with CustomerUserUpdate.InvalidValidID and changes nothing', async function () {
      const before = customerRow();
      const res = await call('CustomerUserUpdate', { SessionID: sessionId, ID: 'cust1', UserFirstname: 'Not Stored', ValidID: 7 });
      expect(lastStatus).to.equal(200);
      expectInvalidValidID(res.Error);
      expect(res.CustomerUser).to.equal(undefined);
      expect(res.ID).to.equal(undefined);
      expect(customerRow()).to.deep.equal(before);
    });

    it('answers an emptied required field with CustomerUserUpdate.InvalidParameter and changes nothing', async function () {
      const before = customerRow();
      const res = await call('CustomerUserUpdate', { SessionID: sessionId, ID: 'cust1', UserFirstname: 'Not Stored', UserLastname: null });
      expect(lastStatus).to.equal(200);
      expect(res.Error?.ErrorCode).to.equal('CustomerUserUpdate.InvalidParameter');
      expect(res.Error?.ErrorMessage).to.match(/^CustomerUserUpdate: /).and.contain('UserLastname');
      expect(res.CustomerUser).to.equal(undefined);
      expect(customerRow()).to.deep.equal(before);
    });
  });

  describe('SessionRemove', function () {
    it('removes the caller\'s own session, which SessionGet then reports as invalid', async function () {
      const res = await call('SessionRemove', { SessionID: sessionId, ...AGENT });
      expect(lastStatus).to.equal(200);
      expect(res.Error).to.equal(undefined);
      expect(res.Success).to.equal(1);

      const gone = await call('SessionGet', { SessionID: sessionId });
      expect(gone.Error).to.deep.equal({ ErrorCode: 'SessionGet.SessionInvalid', ErrorMessage: 'SessionGet: SessionID is Invalid!' });
      expect(gone.SessionData).to.equal(undefined);
    });
  });
});
