// Web service configuration as OTRS reads it: operations by Type, the echo operation Test::Test (OTRS's
// Transport/HTTP/SOAP.t provider), AdditionalHeaders, invalid web services, LenientSOAPAction, the plain-500 option.
import { expect } from 'chai';
import { join } from 'node:path';
import { startServer, projectRoot, type RunningServer } from './support/server.js';
import { post, parseResponse } from './support/soap.js';
import { rawExchange } from './support/golden.js';

const TNS = 'http://otrs.org/SoapTestInterface/';
const fixtures = ['SoapTestInterface', 'LenientTestInterface', 'InvalidTestInterface'].map((n) => join(projectRoot, 'test', 'fixtures', `${n}.webservice.json`));
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

  it('treats an invalid web service as unknown, and answers unknown ones with a plain 500 when configured', async () => {
    const r = await post(url('InvalidTestInterface'), env('PriorityIDName', '<A>1</A>'));
    expect(r.status).to.equal(500);
    expect(r.text).to.equal('Internal Server Error');
    expect(r.headers['content-type']).to.equal('text/plain; charset=UTF-8');
    const byId = await rawExchange(server.port, Buffer.from(`POST /otrs/nph-genericinterface.pl/WebserviceID/99 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc`));
    expect(byId.toString()).to.match(/^HTTP\/1\.1 500 Internal Server Error\r\n/);
  });
});
