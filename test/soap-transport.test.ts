// The OTRS SOAP dialect on the wire: the rules the captures do not show (the
// captures themselves are replayed in golden-captures.test.ts).
import { expect } from 'chai';
import { request } from 'node:http';
import { startServer, type RunningServer } from './support/server.js';
import { post, envelope, NS, call, keepAliveAgent } from './support/soap.js';

describe('SOAP transport: rules beyond the captures', function () {
  let server: RunningServer;
  before(async () => { server = await startServer({ MAX_LENGTH: '4096' }); });
  after(async () => { await server.stop(); });

  const sessionCreate = envelope('SessionCreate', '<UserLogin>demo-agent</UserLogin><Password>DemoAgent1!</Password>');

  it('keeps connections alive by default, saying so as OTRS does with SOAP::Keep-Alive, and adds no other header', async () => {
    const r = await post(server.endpoint, sessionCreate, { SOAPAction: `"${NS}#SessionCreate"` }, 'POST', keepAliveAgent);
    expect(r.status).to.equal(200);
    expect(r.rawHeaders.filter((_, i) => i % 2 === 0)).to.deep.equal(['Content-Type', 'Content-Length', 'Connection']);
    expect(r.headers.connection).to.equal('Keep-Alive');
    expect(Number(r.headers['content-length'])).to.equal(r.body.length);
    // A client asking to close gets Connection: close, and the connection is closed.
    const closing = await post(server.endpoint, sessionCreate, { Connection: 'close' });
    expect(closing.headers.connection).to.equal('close');
  });

  it('serves the endpoint under any prefix and by WebserviceID', async () => {
    for (const path of ['/znuny/nph-genericinterface.pl/Webservice/GenericTicketConnectorSOAP', '/otobo/nph-genericinterface.pl/WebserviceID/1',
      '/nph-genericinterface.pl/Webservice/GenericTicketConnectorSOAP/extra?x=1']) {
      const r = await post(server.baseUrl + path, sessionCreate);
      expect(r.status, path).to.equal(200);
      expect(r.text, path).to.match(/<SessionID>[A-Za-z0-9]{32}<\/SessionID>/);
    }
  });

  it('answers 413 over MaxLength before reading the body, and 413 for a chunked body that grows past it', async () => {
    const big = envelope('SessionCreate', `<UserLogin>${'a'.repeat(5000)}</UserLogin><Password>x</Password>`);
    const r = await post(server.endpoint, big);
    expect(r.status).to.equal(413);
    expect(r.statusMessage).to.equal('Request Entity Too Large');
    expect(r.text).to.equal('Request Entity Too Large');
    const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(server.endpoint, { method: 'POST', headers: { 'Content-Type': 'text/xml', 'Transfer-Encoding': 'chunked' } }, (res) => {
        let body = ''; res.on('data', (c) => { body += c; }); res.on('end', () => resolve({ status: res.statusCode!, body }));
      });
      req.on('error', reject);
      for (let i = 0; i < 10; i++) req.write(big.slice(i * 600, (i + 1) * 600));
      req.end(big.slice(6000));
    });
    expect(chunked.status).to.equal(413);
  });

  it('serves the WSDL on GET ?wsdl with its address pointing at this server (a documented deviation)', async () => {
    const r = await post(server.wsdlUrl, '', {}, 'GET');
    expect(r.status).to.equal(200);
    expect(r.headers['content-type']).to.equal('text/xml; charset=UTF-8');
    expect(r.text).to.contain('<wsdl:definitions').and.contain(`location="${server.endpoint}"`);
    const other = await post(server.endpoint + '?foo', '', {}, 'GET');
    expect(other.status).to.equal(411);
  });

  it('refuses a DOCTYPE with a Fault before anything is expanded', async () => {
    const xml = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
      + `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><SessionCreate xmlns="${NS}"><UserLogin>&b;</UserLogin><Password>x</Password></SessionCreate></soap:Body></soap:Envelope>`;
    const r = await post(server.endpoint, xml);
    expect(r.status).to.equal(500);
    expect(r.headers['content-type']).to.equal('text/plain; charset=UTF-8');
    expect(r.text).to.contain('<Fault xmlns="http://www.otrs.org/TicketConnector/"><faultcode>Server</faultcode><faultstring>DOCTYPE is not allowed</faultstring></Fault>');
  });

  it('refuses nesting deeper than the limit with a Fault', async () => {
    const deep = '<a>'.repeat(200) + '</a>'.repeat(200);
    const r = await post(server.endpoint, envelope('SessionCreate', deep));
    expect(r.status).to.equal(500);
    expect(r.text).to.match(/<faultstring>XML nesting depth exceeds \d+<\/faultstring>/);
  });

  it('runs the alphabetically first Body child, whatever the document order (golden 21)', async () => {
    const body = `<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>`
      + `<TicketGet xmlns="${NS}"><TicketID>1</TicketID></TicketGet>`
      + `<SessionCreate xmlns="${NS}"><UserLogin>demo-agent</UserLogin><Password>DemoAgent1!</Password></SessionCreate></soap:Body></soap:Envelope>`;
    const r = await post(server.endpoint, body);
    expect(r.status).to.equal(200);
    expect(r.text).to.match(/<SessionCreateResponse xmlns="[^"]+"><SessionID>[A-Za-z0-9]{32}<\/SessionID><\/SessionCreateResponse>/);
  });

  it('answers a SOAP 1.2 envelope with a SOAP 1.2 envelope and echoes the media type (golden 22, dialect §6.9)', async () => {
    const body = `<?xml version="1.0"?><env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body>`
      + `<SessionCreate xmlns="${NS}"><UserLogin>demo-agent</UserLogin><Password>DemoAgent1!</Password></SessionCreate></env:Body></env:Envelope>`;
    const r = await post(server.endpoint, body, { 'Content-Type': 'application/soap+xml; charset=UTF-8; action="urn:x"' });
    expect(r.status).to.equal(200);
    expect(r.headers['content-type']).to.equal('application/soap+xml; charset=UTF-8');
    expect(r.text).to.contain('<soap:Envelope soap:encodingStyle="http://www.w3.org/2003/05/soap-encoding" xmlns:soap="http://www.w3.org/2003/05/soap-envelope"');
  });

  it('decodes xsi:type base64Binary and boolean values as SOAP::Lite does', async () => {
    const login = Buffer.from('demo-agent').toString('base64');
    const r = await post(server.endpoint, envelope('SessionCreate', `<UserLogin xsi:type="xsd:base64Binary">${login}</UserLogin><Password xsi:type="xsd:string">DemoAgent1!</Password>`));
    expect(r.text).to.match(/<SessionID>[A-Za-z0-9]{32}<\/SessionID>/);
  });

  it('counts Content-Length in bytes and writes non-ASCII raw (UTF-8), escaping only & < >', async () => {
    const s = await call(server.endpoint, 'SessionCreate', '<UserLogin>demo-agent</UserLogin><Password>DemoAgent1!</Password>');
    const r = await call(server.endpoint, 'CustomerUserUpdate', `<SessionID>${s.data.SessionID}</SessionID><ID>cust1</ID><UserLastname>Müller "&lt;€&gt;"</UserLastname>`);
    expect(r.res.text).to.contain('<UserLastname>Müller "&lt;€&gt;"</UserLastname>');
    expect(Number(r.res.headers['content-length'])).to.equal(r.res.body.length);
    expect(r.data.CustomerUser.UserLastname).to.equal('Müller "<€>"');
  });
});
