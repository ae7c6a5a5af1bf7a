// Web service configuration as OTRS reads it: operations by Type, the echo operation Test::Test (OTRS's
// Transport/HTTP/SOAP.t provider), AdditionalHeaders, invalid web services, LenientSOAPAction, the plain-500 option;
// StandardFaults; the default web service under its old name, with the shipped WSDL's SOAPAction, strict on request;
// what the log says about error answers, unknown web services and unknown operations.
import { expect } from 'chai';
import { join } from 'node:path';
import { startServer, projectRoot, type RunningServer } from './support/server.js';
import { post, parseResponse, envelope, NS } from './support/soap.js';
import { rawExchange } from './support/golden.js';
import { defaultWebserviceVariant } from './support/webservices.js';

const TNS = 'http://otrs.org/SoapTestInterface/';
const fixtures = ['SoapTestInterface', 'LenientTestInterface', 'InvalidTestInterface', 'StandardFaultsTestInterface'].map((n) => join(projectRoot, 'test', 'fixtures', `${n}.webservice.json`));
const env = (op: string, inner: string) => `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><${op} xmlns="${TNS}">${inner}</${op}></soap:Body></soap:Envelope>`;

describe('Web service configurations', function () {
  let server: RunningServer;
  let url: (name: string) => string;
  before(async () => {
    server = await startServer({ WEBSERVICE_FILES: fixtures.join(','), UNKNOWN_WEBSERVICE_RESPONSE: '500' });
    url = (name) => `${server.baseUrl}/otrs/nph-genericinterface.pl/Webservice/${name}`;
  });
  after(async () => { await server.stop(); });

  it('echoes data through Test::Test: lists by repetition, empty maps as empty elements (SOAP.t T7, T7a)', async () => {
    const r = await post(url('SoapTestInterface'), env('PriorityIDName',
      '<PriorityName>5 very high</PriorityName><PriorityName>4 high</PriorityName><Element1>String1</Element1><Element1/><Element2><String2/><String3></String3></Element2><Element3/>'),
    { SOAPAction: `"${TNS}#PriorityIDName"` });
    expect(r.status).to.equal(200);
    expect(r.text).to.contain(`<PriorityIDNameResponse xmlns="${TNS}"><Element1>String1</Element1><Element1 /><Element2><String2 /><String3 /></Element2><Element3 /><PriorityName>5 very high</PriorityName><PriorityName>4 high</PriorityName></PriorityIDNameResponse>`);
  });

  it('answers empty data with the nil wrapper (SOAP.t T5, dialect §6.8)', async () => {
    const r = await post(url('SoapTestInterface'), env('PriorityIDName', ''));
    expect(r.text).to.contain(`<PriorityIDNameResponse xmlns="${TNS}" xsi:nil="true" /></soap:Body>`);
  });

  it('turns Success=0 into a Fault with the operation\'s message (SOAP.t T8) and adds AdditionalHeaders sorted', async () => {
    const r = await post(url('SoapTestInterface'), env('PriorityIDName', '<TestError>123</TestError>'));
    expect(r.status).to.equal(500);
    expect(r.text).to.contain(`<Fault xmlns="${TNS}"><faultcode>Server</faultcode><faultstring>Error message for error code: 123</faultstring></Fault>`);
    expect(r.rawHeaders.filter((_, i) => i % 2 === 0)).to.deep.equal(['Content-Type', 'Content-Length', 'Connection', 'Key1', 'Key2']);
  });

  it('answers an operation whose Type is not implemented with OTRS\'s backend-module Fault', async () => {
    const r = await post(url('SoapTestInterface'), env('Broken', '<X>1</X>'));
    expect(parseResponse(r.text, 'Broken').Fault.faultstring).to.equal("Can't load operation backend module Kernel::GenericInterface::Operation::Ticket::TicketGet!");
  });

  it('rejects the WSDL SOAPAction form by default and accepts it with LenientSOAPAction', async () => {
    const body = env('PriorityIDName', '<A>1</A>');
    const strict = await post(url('SoapTestInterface'), body, { SOAPAction: `"${TNS}PriorityIDName"` });
    expect(strict.status).to.equal(500);
    const lenient = await post(url('LenientTestInterface'), body, { SOAPAction: `"${TNS}PriorityIDName"` });
    expect(lenient.status).to.equal(200);
    expect(lenient.text).to.contain('<A>1</A>');
    const wrongOp = await post(url('LenientTestInterface'), body, { SOAPAction: `"${TNS}Other"` });
    expect(wrongOp.status).to.equal(500);
  });

  it('writes Faults as a standard soap:Fault with StandardFaults: faultcode soap:Server, the same text, text/xml', async () => {
    const r = await post(url('StandardFaultsTestInterface'), env('PriorityIDName', '<TestError>123</TestError>'), { SOAPAction: `"${TNS}#PriorityIDName"` });
    expect(r.status).to.equal(500);
    expect(r.headers['content-type']).to.equal('text/xml; charset=UTF-8');
    expect(r.text).to.match(/^<\?xml version="1.0" encoding="UTF-8"\?><soap:Envelope [^>]*xmlns:soap="http:\/\/schemas.xmlsoap.org\/soap\/envelope\/"/);
    expect(r.text).to.contain('<soap:Body><soap:Fault><faultcode>soap:Server</faultcode><faultstring>Error message for error code: 123</faultstring></soap:Fault></soap:Body>');
    // Every Fault of that web service, the transport's own too (here the SOAPAction check).
    const action = await post(url('StandardFaultsTestInterface'), env('PriorityIDName', '<A>1</A>'), { SOAPAction: `"${TNS}#Other"` });
    expect(action.text).to.contain("<soap:Fault><faultcode>soap:Server</faultcode><faultstring>Operation from SOAP data 'PriorityIDName' does not match operation from SOAPAction 'Other'</faultstring></soap:Fault>");
  });

  it('answers a SOAP 1.2 request with a SOAP 1.2 Fault (soap:Receiver) under StandardFaults', async () => {
    const body = `<?xml version="1.0"?><env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body><PriorityIDName xmlns="${TNS}"><TestError>7</TestError></PriorityIDName></env:Body></env:Envelope>`;
    const r = await post(url('StandardFaultsTestInterface'), body, { 'Content-Type': 'application/soap+xml; charset=UTF-8' });
    expect(r.status).to.equal(500);
    expect(r.headers['content-type']).to.equal('application/soap+xml; charset=UTF-8');
    expect(r.text).to.contain('xmlns:soap="http://www.w3.org/2003/05/soap-envelope"').and.contain('<soap:Body><soap:Fault><soap:Code><soap:Value>soap:Receiver</soap:Value></soap:Code>'
      + '<soap:Reason><soap:Text xml:lang="en">Error message for error code: 7</soap:Text></soap:Reason></soap:Fault></soap:Body>');
  });

  it('treats an invalid web service as unknown, and answers unknown ones with a plain 500 when configured', async () => {
    const r = await post(url('InvalidTestInterface'), env('PriorityIDName', '<A>1</A>'));
    expect(r.status).to.equal(500);
    expect(r.text).to.equal('Internal Server Error');
    expect(r.headers['content-type']).to.equal('text/plain; charset=UTF-8');
    const byId = await rawExchange(server.port, Buffer.from(`POST /otrs/nph-genericinterface.pl/WebserviceID/99 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc`));
    expect(byId.toString()).to.match(/^HTTP\/1\.1 500 Internal Server Error\r\n/);
  });
});

/** The JSON log lines a server printed so far whose msg matches, waiting a moment for the asynchronous writer. */
async function logLines(server: RunningServer, msg: RegExp, atLeast = 1, and: (l: Record<string, any>) => boolean = () => true): Promise<Array<Record<string, any>>> {
  let lines: Array<Record<string, any>> = [];
  for (let i = 0; i < 40; i++) {
    lines = server.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, any>)
      .filter((l) => msg.test(String(l.msg)) && and(l));
    if (lines.length >= atLeast) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return lines;
}

describe('The default web service for clients of OTRS\'s and Znuny\'s own samples and WSDL', function () {
  let server: RunningServer;
  const sessionCreate = envelope('SessionCreate', '<UserLogin>demo-agent</UserLogin><Password>DemoAgent1!</Password>');
  const at = (name: string) => `${server.baseUrl}/otrs/nph-genericinterface.pl/Webservice/${name}`;
  before(async () => { server = await startServer({ LOG_LEVEL: 'info', UNKNOWN_NAME_WARN_MAX_NAMES: '4' }); });
  after(async () => { await server.stop(); });

  it('serves .../Webservice/GenericTicketConnector (the documentation samples\' name) as the default web service, WSDL included', async () => {
    const r = await post(at('GenericTicketConnector'), sessionCreate, { SOAPAction: `"${NS}#SessionCreate"` });
    expect(r.status).to.equal(200);
    const session = parseResponse(r.text, 'SessionCreate').SessionID;
    expect(session).to.match(/^[A-Za-z0-9]{32}$/);
    // The same web service: the session works there, and it is stored like any other.
    const get = await post(server.endpoint, envelope('SessionGet', `<SessionID>${session}</SessionID>`));
    expect(get.text).to.contain('<Key>UserLogin</Key><Value>demo-agent</Value>');
    const wsdl = await post(`${at('GenericTicketConnector')}?wsdl`, '', {}, 'GET');
    expect(wsdl.text).to.contain(`location="${at('GenericTicketConnector')}"`);
    const [line] = await logLines(server, /^request$/, 1, (l) => l.path.endsWith('/GenericTicketConnector'));
    expect(line.webservice).to.equal('GenericTicketConnectorSOAP');
  });

  it('accepts the SOAPAction forms of the shipped OTRS/Znuny WSDL (NS/Op) and NS without its slash (LenientSOAPAction)', async () => {
    for (const action of [`"${NS}SessionCreate"`, '"http://www.otrs.org/TicketConnector#SessionCreate"', `${NS}SessionCreate`]) {
      const r = await post(server.endpoint, sessionCreate, { SOAPAction: action });
      expect(r.status, action).to.equal(200);
      expect(parseResponse(r.text, 'SessionCreate').SessionID, action).to.match(/^[A-Za-z0-9]{32}$/);
    }
    // Another namespace or another operation is still refused, with Znuny's texts.
    const other = await post(server.endpoint, sessionCreate, { SOAPAction: '"http://example.com/other#SessionCreate"' });
    expect(parseResponse(other.text, 'SessionCreate').Fault.faultstring).to.match(/^Namespace from SOAPAction 'http:\/\/example.com\/other' does not match/);
    const wrongOp = await post(server.endpoint, sessionCreate, { SOAPAction: `"${NS}SessionGet"` });
    expect(parseResponse(wrongOp.text, 'SessionCreate').Fault.faultstring).to.equal("Operation from SOAP data 'SessionCreate' does not match operation from SOAPAction 'SessionGet'");
  });

  it('logs the ErrorCode of an error answer on its request line, and the Fault text of a Fault', async () => {
    const r = await post(server.endpoint, envelope('SessionCreate', '<UserLogin>demo-agent</UserLogin><Password>wrong</Password>'), { 'X-Request-ID': 'err-1' });
    expect(parseResponse(r.text, 'SessionCreate').Error.ErrorCode).to.equal('SessionCreate.AuthFail');
    const ok = await post(server.endpoint, sessionCreate, { 'X-Request-ID': 'ok-1' });
    expect(ok.status).to.equal(200);
    await post(server.endpoint, envelope('NoSuchOperation', '<A>1</A>'), { 'X-Request-ID': 'fault-1' });
    const byId = async (id: string) => (await logLines(server, /^request$/, 1, (l) => l.reqId === id))[0];
    expect(await byId('err-1')).to.include({ operation: 'SessionCreate', errorCode: 'SessionCreate.AuthFail', status: 200 });
    expect(await byId('ok-1')).to.include({ operation: 'SessionCreate', status: 200 }).and.not.have.property('errorCode');
    expect(await byId('fault-1')).to.include({ operation: 'NoSuchOperation', fault: 'Got no OperationType!', status: 500 });
  });

  it('keeps OTRS\'s Fault for an unknown operation and logs the name sent with the operations the web service has', async () => {
    const r = await post(server.endpoint, envelope('TicketCreate', '<A>1</A>'));
    expect(parseResponse(r.text, 'TicketCreate').Fault).to.deep.equal({ faultcode: 'Server', faultstring: 'Got no OperationType!' });
    const [warning] = await logLines(server, /has no operation TicketCreate/);
    expect(warning.level).to.equal('warn');
    expect(warning.msg).to.match(/^ProviderRequestReceive: web service GenericTicketConnectorSOAP has no operation TicketCreate; it has: AccessTokenCreate, .*SessionCreate, .*UserUpdate$/);
  });

  it('closes the connection for an unknown web service, as OTRS, and warns once per name per minute, naming the valid ones', async () => {
    const unknown = (name: string) => rawExchange(server.port, Buffer.from(`POST /otrs/nph-genericinterface.pl/Webservice/${name} HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc`));
    for (let i = 0; i < 3; i++) expect((await unknown('GenericTicketConnectorREST')).length).to.equal(0);
    const warnings = await logLines(server, /^ProviderRequestReceive: no valid web service GenericTicketConnectorREST/);
    expect(warnings).to.have.length(1);
    expect(warnings[0].level).to.equal('warn');
    expect(warnings[0].msg).to.equal('ProviderRequestReceive: no valid web service GenericTicketConnectorREST; valid are: '
      + 'GenericTicketConnectorSOAP (ID 1), GenericTicketConnector (alias of GenericTicketConnectorSOAP)');
    // Its request line says nothing was sent (status 0), not the 200 Node presets.
    const requests = await logLines(server, /^request$/, 3, (l) => l.path === '/otrs/nph-genericinterface.pl/Webservice/GenericTicketConnectorREST');
    expect(requests.length).to.be.at.least(3);
    expect(requests.map((l) => l.status)).to.deep.equal(requests.map(() => 0));
  });

  it('remembers a bounded number of unknown names: past UNKNOWN_NAME_WARN_MAX_NAMES new names are not logged', async () => {
    const unknown = (name: string) => rawExchange(server.port, Buffer.from(`POST /otrs/nph-genericinterface.pl/Webservice/${name} HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc`));
    // Four names are remembered: the operations NoSuchOperation and TicketCreate and the web service
    // GenericTicketConnectorREST above, and Flood1.
    for (const name of ['Flood1', 'Flood2', 'Flood3']) await unknown(name);
    expect(await logLines(server, /no valid web service Flood1/)).to.have.length(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await logLines(server, /no valid web service Flood[23]/, 0)).to.have.length(0);
  });
});

describe('The default web service made strict, and without its alias', function () {
  let server: RunningServer;
  before(async () => {
    // An operator's file with the default's Name replaces the shipped definition.
    const strict = defaultWebserviceVariant((ws) => { ws.Provider.Transport.Config.LenientSOAPAction = false; });
    server = await startServer({ WEBSERVICE_FILES: strict, WEBSERVICE_ALIASES: '' });
  });
  after(async () => { await server.stop(); });

  it('refuses the shipped WSDL\'s SOAPAction form with Znuny\'s text, and closes the connection for the old name', async () => {
    const r = await post(server.endpoint, envelope('SessionCreate', '<UserLogin>demo-agent</UserLogin><Password>DemoAgent1!</Password>'), { SOAPAction: `"${NS}SessionCreate"` });
    expect(r.status).to.equal(500);
    expect(parseResponse(r.text, 'SessionCreate').Fault.faultstring).to.equal(
      "Namespace from SOAPAction 'http://www.otrs.org/TicketConnector' does not match namespace from configuration 'http://www.otrs.org/TicketConnector/'");
    const old = await rawExchange(server.port, Buffer.from('POST /otrs/nph-genericinterface.pl/Webservice/GenericTicketConnector HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc'));
    expect(old.length).to.equal(0);
  });
});
