// What real clients put on the wire, and what the server must make of it (issue 4, part 4): list shapes, empty
// versus nil, encodings, CDATA, prefixes, SOAP headers, whitespace, several Body children, SOAPAction quoting.
import { expect } from 'chai';
import { startServer, type RunningServer } from './support/server.js';
import { post, parseResponse, NS } from './support/soap.js';

const ENV_OPEN = '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">';
const agent = '<UserLogin>demo-agent</UserLogin><Password>DemoAgent1!</Password>';
const update = (inner: string) => `<?xml version="1.0" encoding="UTF-8"?>${ENV_OPEN}<soap:Body><CustomerUserUpdate xmlns="${NS}">${agent}<ID>cust1</ID>${inner}</CustomerUserUpdate></soap:Body></soap:Envelope>`;
const action = (op: string) => ({ SOAPAction: `"${NS}#${op}"` });

describe('Edge cases real clients produce', function () {
  let server: RunningServer;
  before(async () => { server = await startServer(); });
  after(async () => { await server.stop(); });

  const send = async (xml: string | Buffer, headers: Record<string, string> = action('CustomerUserUpdate')) => {
    const res = await post(server.endpoint, xml, headers);
    return { res, data: parseResponse(res.text, 'CustomerUserUpdate') };
  };
  const row = () => { const db = server.db(); const r = db.prepare("SELECT * FROM customer_user WHERE login = 'cust1'").get() as any; db.close(); return r; };

  it('one <Value> updates a multiselect as a one-element list; two <Value>s as two', async () => {
    const one = await send(update('<DynamicField><Name>Skills</Name><Value>Perl</Value></DynamicField>'));
    expect(one.data.CustomerUser.DynamicField_Skills).to.equal('Perl');
    const two = await send(update('<DynamicField><Name>Skills</Name><Value>Perl</Value><Value>SQL</Value></DynamicField>'));
    expect(two.data.CustomerUser.DynamicField_Skills).to.deep.equal(['Perl', 'SQL']);
  });

  it('an empty element is an empty string, xsi:nil is null (dialect §5.5, §5.6)', async () => {
    await send(update('<UserTitle>Dr.</UserTitle>'));
    await send(update('<UserTitle></UserTitle>'));
    expect(row().title).to.equal('');
    await send(update('<UserTitle>Dr.</UserTitle>'));
    await send(update('<UserTitle xsi:nil="true"/>'));
    expect(row().title).to.equal(null);
    // xsi:nil="false" is not nil: the (empty) text counts.
    const r = await send(update('<UserCity xsi:nil="false">Berlin</UserCity>'));
    expect(r.data.CustomerUser.UserCity).to.equal('Berlin');
  });

  it('UTF-8 text round-trips, and a request declaring ISO-8859-1 (in the XML declaration or the Content-Type) is decoded', async () => {
    const utf8 = await send(update('<UserLastname>Çelik-Øster 東京 🎉</UserLastname>'));
    expect(utf8.data.CustomerUser.UserLastname).to.equal('Çelik-Øster 東京 🎉');
    const latin1Decl = Buffer.from(update('<UserLastname>Müller</UserLastname>').replace('encoding="UTF-8"', 'encoding="ISO-8859-1"'), 'latin1');
    expect(latin1Decl.includes(Buffer.from([0xfc]))).to.equal(true);
    expect((await send(latin1Decl)).data.CustomerUser.UserLastname).to.equal('Müller');
    const latin1Header = Buffer.from(update('<UserLastname>Größe</UserLastname>').replace('<?xml version="1.0" encoding="UTF-8"?>', ''), 'latin1');
    const r = await send(latin1Header, { 'Content-Type': 'text/xml; charset=ISO-8859-1', ...action('CustomerUserUpdate') });
    expect(r.data.CustomerUser.UserLastname).to.equal('Größe');
    expect(row().last_name).to.equal('Größe');
  });

  it('invalid UTF-8 is a deserialisation error, not mojibake', async () => {
    const bad = Buffer.concat([Buffer.from(update('<UserLastname>').split('<UserLastname>')[0] + '<UserLastname>'), Buffer.from([0xc3, 0x28]), Buffer.from('</UserLastname></CustomerUserUpdate></soap:Body></soap:Envelope>')]);
    const r = await send(bad);
    expect(r.res.status).to.equal(500);
    expect(r.res.text).to.match(/^Error deserializing message:\nnot well-formed \(invalid token\) at line 1, column \d+, byte \d+\n$/);
  });

  it('CDATA is literal text', async () => {
    const r = await send(update('<UserComment><![CDATA[<b>bold</b> & "quoted" ]]></UserComment>'));
    expect(r.data.CustomerUser.UserComment).to.equal('<b>bold</b> & "quoted" ');
    expect(r.res.text).to.contain('<UserComment>&lt;b&gt;bold&lt;/b&gt; &amp; "quoted" </UserComment>');
  });

  it('any prefixes work: SOAP-ENV:, s:, qualified and unqualified children, a prefixed operation element', async () => {
    const xml = `<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns1="${NS}"><SOAP-ENV:Body>`
      + `<ns1:CustomerUserUpdate><ns1:UserLogin>demo-agent</ns1:UserLogin><Password>DemoAgent1!</Password><ns1:ID>cust1</ns1:ID><ns1:UserZip>10115</ns1:UserZip></ns1:CustomerUserUpdate>`
      + '</SOAP-ENV:Body></SOAP-ENV:Envelope>';
    expect((await send(xml)).data.CustomerUser.UserZip).to.equal('10115');
    const s = `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body xmlns:xsd="http://www.w3.org/2001/XMLSchema">`
      + `<CustomerUserUpdate xmlns="${NS}">${agent}<ID>cust1</ID><UserZip>10117</UserZip></CustomerUserUpdate></s:Body></s:Envelope>`;
    expect((await send(s)).data.CustomerUser.UserZip).to.equal('10117');
  });

  it('an undeclared prefix is a deserialisation error (dialect §5.2)', async () => {
    const r = await send(`${ENV_OPEN}<soap:Body><x:CustomerUserUpdate/></soap:Body></soap:Envelope>`);
    expect(r.res.status).to.equal(500);
    expect(r.res.text).to.contain("Error deserializing message:\nUnresolved prefix 'x' for element 'CustomerUserUpdate'");
  });

  it('SOAP headers (WS-Security, mustUnderstand) are ignored, as OTRS ignores them', async () => {
    const xml = update('<UserStreet>Main St 1</UserStreet>').replace('<soap:Body>',
      '<soap:Header><wsse:Security soap:mustUnderstand="1" xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">'
      + '<wsse:UsernameToken><wsse:Username>x</wsse:Username></wsse:UsernameToken></wsse:Security><Trace xmlns="urn:x">1</Trace></soap:Header><soap:Body>');
    expect((await send(xml)).data.CustomerUser.UserStreet).to.equal('Main St 1');
  });

  it('whitespace between elements (pretty-printed requests) is ignored; whitespace inside a value is kept', async () => {
    const xml = `<?xml version="1.0"?>\n${ENV_OPEN}\n  <soap:Body>\n    <CustomerUserUpdate xmlns="${NS}">\n      <UserLogin>demo-agent</UserLogin>\n      <Password>DemoAgent1!</Password>\n`
      + '      <ID>cust1</ID>\n      <DynamicField>\n        <Name>Department</Name>\n        <Value>  Sales  </Value>\n      </DynamicField>\n    </CustomerUserUpdate>\n  </soap:Body>\n</soap:Envelope>\n';
    const r = await send(xml);
    expect(r.data.CustomerUser.DynamicField_Department).to.equal('  Sales  ');
  });

  it('two operations in one Body: the alphabetically first runs (golden 21), the other is ignored', async () => {
    const xml = `${ENV_OPEN}<soap:Body><SessionCreate xmlns="${NS}">${agent}</SessionCreate>`
      + `<CustomerUserUpdate xmlns="${NS}">${agent}<ID>cust1</ID><UserFax>42</UserFax></CustomerUserUpdate></soap:Body></soap:Envelope>`;
    const r = await post(server.endpoint, xml);
    expect(r.text).to.contain('<CustomerUserUpdateResponse ');
    expect(row().fax).to.equal('42');
  });

  it('SOAPAction with quotes, with single quotes, and without quotes; a bare operation name is refused', async () => {
    const xml = update('<UserMobile>1</UserMobile>');
    for (const header of [`"${NS}#CustomerUserUpdate"`, `'${NS}#CustomerUserUpdate'`, `${NS}#CustomerUserUpdate`, `"${NS}/CustomerUserUpdate"`]) {
      const r = await send(xml, { SOAPAction: header });
      expect(r.res.status, header).to.equal(200);
    }
    const bare = await send(xml, { SOAPAction: 'CustomerUserUpdate' });
    expect(bare.res.status).to.equal(500);
    expect(bare.res.text).to.contain(`<faultstring>SOAPAction 'CustomerUserUpdate' does not match expected result '${NS}#CustomerUserUpdate'</faultstring>`);
  });
});
