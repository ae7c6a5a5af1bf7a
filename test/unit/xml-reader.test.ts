// Request XML -> data (dialect §5, §2.9, §8.3). Expected expat positions were checked against expat 2.5
// (the parser under XML::Parser) for these exact inputs.
import { expect } from 'chai';
import { goldenDir } from '../support/golden.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEFAULT_XML_LIMITS, readEnvelope, XmlParseError, XmlRefusedError, type ParsedEnvelope, type SoapMap, type SoapValue,
} from '../../src/transport/soap/xml-reader.js';


// The envelope of Deserialize.t (§6.1 attributes), no default namespace.
const ENV_OPEN = '<soap:Envelope soap:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/" '
  + 'xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/" '
  + 'xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soap:Body>';
const ENV_CLOSE = '</soap:Body></soap:Envelope>';
const env = (inner: string) => ENV_OPEN + inner + ENV_CLOSE;

const read = (xml: string | Buffer, charset: string | undefined = 'UTF-8', limits = DEFAULT_XML_LIMITS): ParsedEnvelope =>
  readEnvelope(typeof xml === 'string' ? Buffer.from(xml, 'utf8') : xml, charset, limits);
const body = (inner: string): SoapMap | null => read(env(inner)).body;
/** The value of the one operation element in the Body. */
const op = (inner: string): SoapValue => {
  const b = body(`<Op>${inner}</Op>`);
  expect(b).to.not.equal(null);
  return b!.Op;
};

function failure(xml: string | Buffer, charset: string | undefined = 'UTF-8', limits = DEFAULT_XML_LIMITS): Error {
  try {
    read(xml, charset, limits);
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the input to be rejected');
}
function parseError(xml: string | Buffer, charset?: string): string {
  const e = failure(xml, charset);
  expect(e).to.be.instanceOf(XmlParseError);
  return e.message;
}
function refusal(xml: string | Buffer, limits = DEFAULT_XML_LIMITS): string {
  const e = failure(xml, 'UTF-8', limits);
  expect(e).to.be.instanceOf(XmlRefusedError);
  return e.message;
}

describe('xml-reader', () => {
  describe('golden request bodies (znuny-golden/*.request.xml)', () => {
    const files = readdirSync(goldenDir).filter((f) => f.endsWith('.request.xml') && readFileSync(join(goldenDir, f)).length > 0);

    it('finds the captures', () => {
      expect(files.length).to.be.greaterThan(20);
    });

    for (const f of files.filter((n) => !n.startsWith('11-'))) {
      it(`parses ${f}`, () => {
        const r = read(readFileSync(join(goldenDir, f)));
        expect(r.soapVersion).to.equal('1.1');
        expect(r.bodyHasOnlyText).to.equal(false);
        expect(Object.keys(r.body!)).to.have.length(1);
      });
    }

    it('01: qualified children become plain local names', () => {
      const r = read(readFileSync(join(goldenDir, '01-SessionCreate-agent.request.xml')));
      expect(r.body).to.deep.equal({ SessionCreate: { UserLogin: 'agent1', Password: 'AgentPass1' } });
    });

    it('04: nested maps, a multi-line text kept exactly', () => {
      const r = read(readFileSync(join(goldenDir, '04-TicketCreate-success.request.xml')));
      const tc = r.body!.TicketCreate as SoapMap;
      expect((tc.Ticket as SoapMap).Title).to.equal('Golden ticket one');
      expect((tc.Article as SoapMap).Body).to.equal('Article body line 1\nline 2');
      expect(tc.DynamicField).to.deep.equal({ Name: 'TestText', Value: 'hello df' });
    });

    it('23: non-ASCII text decoded from UTF-8', () => {
      const r = read(readFileSync(join(goldenDir, '23-TicketCreate-utf8-title.request.xml')));
      const tc = r.body!.TicketCreate as SoapMap;
      expect((tc.Ticket as SoapMap).Title).to.equal('Grüße – naïve 日本語 ✓');
      expect((tc.Article as SoapMap).Body).to.equal('Body € ß 中文');
    });

    it('25/26: one Value is a scalar, two are a list; two DynamicField elements are a list', () => {
      const one = read(readFileSync(join(goldenDir, '25-array-one-element-TicketCreate.request.xml'))).body!.TicketCreate as SoapMap;
      expect(one.DynamicField).to.deep.equal({ Name: 'TestMulti', Value: 'a' });
      const two = read(readFileSync(join(goldenDir, '26-array-two-elements-TicketCreate.request.xml'))).body!.TicketCreate as SoapMap;
      expect(two.DynamicField).to.deep.equal([{ Name: 'TestMulti', Value: ['a', 'b'] }, { Name: 'TestText', Value: 'second df' }]);
    });

    it('27/28: TicketID once is a string, twice a list', () => {
      const one = read(readFileSync(join(goldenDir, '27-array-one-element-TicketGet.request.xml'))).body!.TicketGet as SoapMap;
      expect(one.TicketID).to.equal('8');
      const two = read(readFileSync(join(goldenDir, '28-array-two-elements-TicketGet.request.xml'))).body!.TicketGet as SoapMap;
      expect(two.TicketID).to.deep.equal(['8', '9']);
    });

    it('11: the malformed body gives exactly the expat text and position of the capture', () => {
      const capture = readFileSync(join(goldenDir, '11-malformed-xml.response.txt'), 'utf8');
      const expected = /Error deserializing message:\n(.*) at \/usr\//.exec(capture)![1];
      expect(expected).to.equal('mismatched tag at line 1, column 157, byte 157');
      expect(parseError(readFileSync(join(goldenDir, '11-malformed-xml.request.xml')))).to.equal(expected);
    });
  });

  describe('§5.1 Envelope, Header, Body', () => {
    it('ignores the Header and everything in it', () => {
      const xml = '<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Header><Auth><User>x</User></Auth></e:Header>'
        + '<e:Body><Op><A>1</A></Op></e:Body></e:Envelope>';
      expect(read(xml).body).to.deep.equal({ Op: { A: '1' } });
    });

    it('a Body after other Envelope children still counts; only the first Body does', () => {
      const xml = '<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><X/><e:Body><A>1</A></e:Body><e:Body><B>2</B></e:Body></e:Envelope>';
      expect(read(xml).body).to.deep.equal({ A: '1' });
    });

    it('no Body, an empty Body, a self-closed Body: body is null', () => {
      expect(read('<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Header/></e:Envelope>').body).to.equal(null);
      expect(read(env('')).body).to.equal(null);
      expect(read('<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body/></e:Envelope>').body).to.equal(null);
      expect(read(env('<!-- nothing -->')).body).to.equal(null);
    });

    it('an Envelope in a foreign namespace is refused like SOAP::Lite does; one without a namespace is read', () => {
      expect(parseError('<e:Envelope xmlns:e="urn:other"><e:Body><A>1</A></e:Body></e:Envelope>')).to.equal(
        'Wrong SOAP version specified. Supported versions:\n  1.1 (http://schemas.xmlsoap.org/soap/envelope/)\n  1.2 (http://www.w3.org/2003/05/soap-envelope)');
      expect(read('<Envelope><Body><A>1</A></Body></Envelope>').body).to.deep.equal({ A: '1' });
    });

    it('a root that is not an Envelope gives no body', () => {
      const r = read('<Op><A>1</A></Op>');
      expect(r).to.deep.equal({ soapVersion: '1.1', body: null, bodyHasOnlyText: false });
    });

    it('a Body with only text is flagged (OTRS crashes there, §8.4); blanks alone are just empty', () => {
      expect(read(env('just text'))).to.deep.equal({ soapVersion: '1.1', body: null, bodyHasOnlyText: true });
      expect(read(env(' \n\t ')).bodyHasOnlyText).to.equal(false);
      expect(read(env('text<Op>1</Op>'))).to.deep.equal({ soapVersion: '1.1', body: { Op: '1' }, bodyHasOnlyText: false });
    });

    it('reads a SOAP 1.2 envelope and reports its version', () => {
      const xml = '<?xml version="1.0" encoding="UTF-8"?><env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope">'
        + '<env:Body><tic:SessionCreate xmlns:tic="http://www.otrs.org/TicketConnector/"><tic:UserLogin>a</tic:UserLogin>'
        + '</tic:SessionCreate></env:Body></env:Envelope>';
      expect(read(xml)).to.deep.equal({ soapVersion: '1.2', body: { SessionCreate: { UserLogin: 'a' } }, bodyHasOnlyText: false });
    });

    it('a SOAP 1.1 envelope reports 1.1', () => {
      expect(read(env('<Op/>')).soapVersion).to.equal('1.1');
    });
  });

  describe('§5.2 local names and namespaces', () => {
    it('qualified, unqualified, default-namespace and namespace-less children are equivalent', () => {
      const a = op('<A>1</A>');
      const b = body('<t:Op xmlns:t="urn:t"><t:A>1</t:A></t:Op>')!.Op;
      const c = body('<Op xmlns="urn:t"><A>1</A></Op>')!.Op;
      const d = body('<t:Op xmlns:t="urn:t"><A>1</A></t:Op>')!.Op;
      for (const v of [b, c, d]) expect(v).to.deep.equal(a);
      expect(a).to.deep.equal({ A: '1' });
    });

    it('same local names from different namespaces merge into one list', () => {
      expect(op('<a:V xmlns:a="urn:a">1</a:V><b:V xmlns:b="urn:b">2</b:V>')).to.deep.equal({ V: ['1', '2'] });
    });

    it('an undeclared element prefix is an error naming prefix and local name', () => {
      expect(parseError(env('<x:Y>1</x:Y>'))).to.equal("Unresolved prefix 'x' for element 'Y'");
    });

    it('a prefix is only in scope inside the element that declares it', () => {
      expect(op('<p:A xmlns:p="urn:p"><p:B>1</p:B></p:A>')).to.deep.equal({ A: { B: '1' } });
      expect(parseError(env('<Op><p:A xmlns:p="urn:p">1</p:A><p:B>2</p:B></Op>'))).to.equal("Unresolved prefix 'p' for element 'B'");
    });

    it('an undeclared attribute prefix is an error; xml: and xmlns: need no declaration', () => {
      expect(parseError(env('<Op q:a="1">1</Op>'))).to.equal("Unresolved prefix 'q' for attribute 'q:a'");
      expect(op('<A xml:lang="de">x</A>')).to.deep.equal({ A: 'x' });
    });

    it('an empty prefix binding (xmlns:p="") does not declare p', () => {
      expect(parseError(env('<p:Op xmlns:p="">1</p:Op>'))).to.equal("Unresolved prefix 'p' for element 'Op'");
    });

    // With few declarations in scope they are scanned, with many looked up in a map: both must behave alike.
    for (const [what, many] of [['a few', ''], ['many', Array.from({ length: 30 }, (_, i) => ` xmlns:f${i}="urn:f${i}"`).join('')]]) {
      it(`an inner declaration shadows an outer one only inside its element; the outer one is back after it (${what} in scope)`, () => {
        const XSD = 'http://www.w3.org/2001/XMLSchema';
        expect(op(`<A${many} xmlns:t="urn:other"><B xmlns:t="${XSD}"><V xsi:type="t:base64Binary">aGk=</V></B><W xsi:type="t:base64Binary"/></A>`))
          .to.deep.equal({ A: { B: { V: 'hi' }, W: {} } });
        expect(op(`<A xmlns:t="${XSD}"${many}><B xmlns:t=""><C xmlns:t="urn:c"/></B><W xsi:type="t:base64Binary">aGk=</W></A>`))
          .to.deep.equal({ A: { B: { C: '' }, W: 'hi' } });
        expect(parseError(env(`<Op xmlns:t="${XSD}"><B xmlns:t=""${many}><V xsi:type="t:base64Binary">aGk=</V></B></Op>`)))
          .to.equal("Unresolved prefix 't' for attribute value 't:base64Binary'");
        expect(parseError(env(`<Op><p:A xmlns:p="urn:p"${many}>1</p:A><p:B>2</p:B></Op>`))).to.equal("Unresolved prefix 'p' for element 'B'");
      });
    }

    it('a well-formedness error wins over a namespace error that comes earlier (SOAP::Lite runs after expat)', () => {
      expect(parseError(env('<x:Y>1</x:Y><A></B>'))).to.match(/^mismatched tag at line 1, column \d+, byte \d+$/);
    });
  });

  describe('§5.3-§5.5 maps, text, empty elements', () => {
    it('an element with children is a map; its own text (mixed content, indentation) is dropped', () => {
      expect(op('\n  text <A>1</A> more\n  <B>2</B>\n')).to.deep.equal({ A: '1', B: '2' });
    });

    it('a leaf keeps its text exactly, blanks included', () => {
      expect(op('<A>  </A><B> x </B>')).to.deep.equal({ A: '  ', B: ' x ' });
    });

    it('decodes the five entities and character references', () => {
      expect(op('<A>&lt;&gt;&amp;&quot;&apos;&#65;&#x42;&#x1F600;&#0065;</A>')).to.deep.equal({ A: '<>&"\'AB\u{1F600}A' });
    });

    it('CDATA is literal, comments and PIs inside text are dropped', () => {
      expect(op('<A><![CDATA[<b>&amp;</b>]]></A><B>1<!--x-->2</B><C>a<?pi x?>b</C>')).to.deep.equal({ A: '<b>&amp;</b>', B: '12', C: 'ab' });
    });

    it('normalises line ends (CRLF and CR become LF), but a &#13; reference stays CR', () => {
      expect(op('<A>a\r\nb\rc</A><B>x&#13;y&#xD;</B>')).to.deep.equal({ A: 'a\nb\nc', B: 'x\ry\r' });
    });

    it('long texts and attribute values with references and line ends decode exactly (beyond the shared scratch)', () => {
      const unit = 'a&lt;b\r\nc\rd&#x1F600;é&amp;';
      const decoded = 'a<b\nc\nd\u{1F600}é&';
      for (const times of [1, 1000, 5000]) {
        const r = op(`<A>${unit.repeat(times)}</A><B>${'x<!---->'.repeat(times)}</B><C>${'<![CDATA[y\r\n]]>'.repeat(times)}</C>`
          + `<D xsi:type="xsd:base64Binary" q="${'\t&quot;\r\n'.repeat(times)}">aGk=</D>`) as SoapMap;
        expect(r.A).to.equal(decoded.repeat(times));
        expect(r.B).to.equal('x'.repeat(times));
        expect(r.C).to.equal('y\n'.repeat(times));
        expect(r.D).to.equal('hi');
      }
      // An attribute value is decoded before it is read as a type: references in it count.
      expect(op('<A xsi:type="xsd:base&#54;4Binary">aGk=</A>')).to.deep.equal({ A: 'hi' });
    });

    it('a text of ten million CRs or references costs memory linear in its length, not a string piece per character', () => {
      global.gc?.();
      const before = process.memoryUsage().rss;
      const r = op(`<A>${'\r'.repeat(5_000_000)}</A><B>${'&lt;'.repeat(1_250_000)}</B><C a="&amp;${'x'.repeat(5_000_000)}"/>`) as SoapMap;
      expect((r.A as string).length).to.equal(5_000_000);
      expect((r.B as string).length).to.equal(1_250_000);
      // Concatenating pieces took ~35 bytes per character (~350 MB here); units in one array take two.
      expect((process.memoryUsage().rss - before) / 1024 / 1024).to.be.lessThan(150);
    });

    it('an empty element is the empty string, not null', () => {
      expect(op('<A/><B></B><C />')).to.deep.equal({ A: '', B: '', C: '' });
    });

    it('an empty operation element is the empty string', () => {
      expect(body('<Op/>')).to.deep.equal({ Op: '' });
    });
  });

  describe('§5.6 xsi:nil', () => {
    it('"true" and "1" are null, "false" and "0" are not', () => {
      expect(op('<A xsi:nil="true"/><B xsi:nil="1">x</B><C xsi:nil="false">v</C><D xsi:nil="0"/>'))
        .to.deep.equal({ A: null, B: null, C: 'v', D: '' });
    });

    it('nil wins over children', () => {
      expect(op('<A xsi:nil="true"><B>1</B></A>')).to.deep.equal({ A: null });
    });

    it('any other value is an error', () => {
      expect(parseError(env('<Op><A xsi:nil="yes"/></Op>'))).to.equal("Wrong null/nil value 'yes'");
    });

    it('also understands the 1999 schema instance namespace, where it is xsi:null', () => {
      const b = body('<Op xmlns:i="http://www.w3.org/1999/XMLSchema-instance"><A i:null="1"/><B i:nil="1"/></Op>');
      expect(b).to.deep.equal({ Op: { A: null, B: '' } });
      expect(op('<A xsi:null="1"/>')).to.deep.equal({ A: '' });
    });

    it('is case-sensitive and not trimmed', () => {
      expect(parseError(env('<Op><A xsi:nil="TRUE"/></Op>'))).to.equal("Wrong null/nil value 'TRUE'");
      expect(parseError(env('<Op><A xsi:nil=" true"/></Op>'))).to.equal("Wrong null/nil value ' true'");
    });

    it('a nil Body has no operation', () => {
      expect(read(env('').replace('<soap:Body>', '<soap:Body xsi:nil="true">').replace('</soap:Body>', '<Op/></soap:Body>')).body).to.equal(null);
    });

    it('nil only counts in the xsi namespace', () => {
      expect(op('<A xmlns:z="urn:z" z:nil="true">v</A>')).to.deep.equal({ A: 'v' });
    });

    it('a nil operation element gives a null operation value', () => {
      expect(body('<Op xsi:nil="true"/>')).to.deep.equal({ Op: null });
    });
  });

  describe('§5.7 repetition is the only array signal', () => {
    it('once is a scalar, twice or more a list in document order', () => {
      expect(op('<V>1</V>')).to.deep.equal({ V: '1' });
      expect(op('<V>1</V><V>2</V><V>3</V>')).to.deep.equal({ V: ['1', '2', '3'] });
    });

    it('non-contiguous repeats still merge in document order', () => {
      expect(op('<V>1</V><X/><V>2</V>')).to.deep.equal({ V: ['1', '2'], X: '' });
    });

    it('lists can mix kinds', () => {
      expect(op('<V>1</V><V><B>2</B></V><V/>')).to.deep.equal({ V: ['1', { B: '2' }, ''] });
    });

    it('a list whose first item is itself an array value still grows by repetition', () => {
      expect(op('<V soapenc:arrayType="xsd:string[1]"><i>a</i></V><V>b</V>')).to.deep.equal({ V: [['a'], 'b'] });
    });

    it('two operation elements of the same name make the operation data a list (§4.1)', () => {
      expect(body('<Op><A>1</A></Op><Op><A>2</A></Op>')).to.deep.equal({ Op: [{ A: '1' }, { A: '2' }] });
    });
  });

  describe('§5.8 attributes and xsi:type', () => {
    it('drops ordinary attributes', () => {
      expect(op('<A id="1" href="#x" foo="bar">v</A>')).to.deep.equal({ A: 'v' });
    });

    it('keeps XSD simple types as text, whatever they contain', () => {
      expect(op('<A xsi:type="xsd:int">abc</A><B xsi:type="xsd:string">x</B><C xsi:type="xsd:dateTime">2026</C>'))
        .to.deep.equal({ A: 'abc', B: 'x', C: '2026' });
    });

    it('base64Binary and soapenc:base64 are decoded (as UTF-8 text)', () => {
      const b64 = Buffer.from('äöü €', 'utf8').toString('base64');
      expect(op(`<A xsi:type="xsd:base64Binary">${b64}</A><B xsi:type="soapenc:base64">${Buffer.from('hi').toString('base64')}</B>`))
        .to.deep.equal({ A: 'äöü €', B: 'hi' });
    });

    it('base64 bytes that are not UTF-8 stay one character per byte', () => {
      expect(op('<A xsi:type="xsd:base64Binary">/w==</A>')).to.deep.equal({ A: '\u00ff' });
    });

    it('hexBinary is decoded pair by pair, as SOAP::Lite does (other characters stay)', () => {
      expect(op('<A xsi:type="xsd:hexBinary">48c3a4</A>')).to.deep.equal({ A: 'Hä' });
      expect(op('<A xsi:type="xsd:hexBinary">4</A><B xsi:type="xsd:hexBinary">4 8</B><C xsi:type="xsd:hexBinary">zz4g</C>'))
        .to.deep.equal({ A: '4', B: '4 8', C: '\u0000\u0004' });
      expect(op('<A xsi:type="xsd:hexBinary">4A6b€4</A>')).to.deep.equal({ A: 'Jk€4' });
    });

    it('a long hexBinary costs memory linear in its length (it was a string per pair)', () => {
      global.gc?.();
      const before = process.memoryUsage().rss;
      const r = op(`<A xsi:type="xsd:hexBinary">${'41'.repeat(5_000_000)}</A><B xsi:type="xsd:hexBinary">${'42'.repeat(10_000)}€</B>`) as SoapMap;
      expect(r.A).to.equal('A'.repeat(5_000_000));
      expect(r.B).to.equal(`${'B'.repeat(10_000)}€`);
      expect((process.memoryUsage().rss - before) / 1024 / 1024).to.be.lessThan(100);   // was ~195 MiB
    });

    it('boolean: true/1 -> "1", false/0 -> "0", anything else is an error', () => {
      expect(op('<A xsi:type="xsd:boolean">true</A><B xsi:type="xsd:boolean">1</B><C xsi:type="xsd:boolean">false</C><D xsi:type="xsd:boolean">0</D>'))
        .to.deep.equal({ A: '1', B: '1', C: '0', D: '0' });
      expect(parseError(env('<Op><A xsi:type="xsd:boolean">yes</A></Op>'))).to.equal("Wrong boolean value 'yes'");
    });

    it('xsd:string on an element with children is null', () => {
      expect(op('<A xsi:type="xsd:string"><B>1</B></A>')).to.deep.equal({ A: null });
    });

    it('the type prefix resolves through the in-scope declarations, also the 1999 XSD namespace', () => {
      expect(op('<A xmlns:s="http://www.w3.org/2001/XMLSchema" xsi:type="s:boolean">true</A>')).to.deep.equal({ A: '1' });
      expect(op('<A xmlns:old="http://www.w3.org/1999/XMLSchema" xsi:type="old:boolean">false</A>')).to.deep.equal({ A: '0' });
    });

    it('a type from an unknown namespace on a leaf with text is an error', () => {
      expect(parseError(env('<Op><A xmlns:u="urn:x" xsi:type="u:Foo">v</A></Op>'))).to.equal("Unrecognized type '{urn:x}Foo'");
    });

    it('... an empty leaf of an unknown type is an empty object, one with children a map', () => {
      expect(op('<A xmlns:u="urn:x" xsi:type="u:Foo"/><B xmlns:u="urn:x" xsi:type="u:Foo"><C>1</C></B>')).to.deep.equal({ A: {}, B: { C: '1' } });
    });

    it('only the XSD names SOAP::Lite knows are simple types; others are unrecognized', () => {
      expect(op('<A xsi:type="xsd:long">1</A><B xsi:type="xsd:anyURI">u</B><C xsi:type="soapenc:string">s</C><D xsi:type="xsd:QName">q</D>'))
        .to.deep.equal({ A: '1', B: 'u', C: 's', D: 'q' });
      expect(parseError(env('<Op><A xsi:type="xsd:token">t</A></Op>'))).to.equal("Unrecognized type '{http://www.w3.org/2001/XMLSchema}token'");
      expect(parseError(env('<Op><A xsi:type="xsd:base64">aGk=</A></Op>'))).to.equal("Unrecognized type '{http://www.w3.org/2001/XMLSchema}base64'");
    });

    it('anyType keeps children; typed elements with children: simple -> null, base64 -> "", boolean -> error', () => {
      expect(op('<A xsi:type="xsd:anyType"><B>1</B></A><C xsi:type="xsd:int"><B>1</B></C><D xsi:type="xsd:base64Binary"><B>1</B></D>'))
        .to.deep.equal({ A: { B: '1' }, C: null, D: '' });
      expect(parseError(env('<Op><A xsi:type="xsd:boolean"><B>1</B></A></Op>'))).to.equal("Wrong boolean value ''");
    });

    it('a type value that does not start with prefix:name is taken whole, without trimming', () => {
      expect(parseError(env('<Op><A xsi:type=" xsd:int ">1</A></Op>'))).to.equal("Unspecified namespace for type ' xsd:int '");
    });

    it('an unprefixed type resolves through the default namespace, and needs one', () => {
      expect(parseError(env('<Op xmlns="urn:d"><A xsi:type="Foo">v</A></Op>'))).to.equal("Unrecognized type '{urn:d}Foo'");
      expect(parseError(env('<Op><A xsi:type="string">v</A></Op>'))).to.equal("Unspecified namespace for type 'string'");
    });

    it('an undeclared type prefix is an error', () => {
      expect(parseError(env('<Op><A xsi:type="q:string">v</A></Op>'))).to.equal("Unresolved prefix 'q' for attribute value 'q:string'");
    });

    it('soapenc:Array and soapenc:arrayType make a list of the children, names dropped, even with one child', () => {
      expect(op('<L xsi:type="soapenc:Array" soapenc:arrayType="xsd:string[1]"><item>a</item></L>')).to.deep.equal({ L: ['a'] });
      expect(op('<L soapenc:arrayType="xsd:anyType[2]"><x>a</x><y><z>1</z></y></L>')).to.deep.equal({ L: ['a', { z: '1' }] });
      expect(op('<L xsi:type="soapenc:Array"><i>1</i><i>2</i></L>')).to.deep.equal({ L: ['1', '2'] });
      expect(op('<L xsi:type="soapenc:Array" soapenc:arrayType="xsd:string[0]"/>')).to.deep.equal({ L: [] });
    });

    it('children without their own xsi:type take the array\'s item type', () => {
      expect(op('<L soapenc:arrayType="xsd:string[2]"><x>a</x><y><z>1</z></y></L>')).to.deep.equal({ L: ['a', null] });
      expect(op('<L soapenc:arrayType="xsd:boolean[2]"><i>true</i><i xsi:type="xsd:string">x</i></L>')).to.deep.equal({ L: ['1', 'x'] });
      expect(op('<L soapenc:arrayType="xsd:base64Binary[1]"><i>aGk=</i></L>')).to.deep.equal({ L: ['hi'] });
      const maps = '<L xmlns:ap="http://xml.apache.org/xml-soap" soapenc:arrayType="ap:Map[1]"><i><item><key>k</key><value>v</value></item></i></L>';
      expect(op(maps)).to.deep.equal({ L: [{ k: 'v' }] });
    });

    it('Apache SOAP Vector is a list', () => {
      expect(op('<V xmlns:ap="http://xml.apache.org/xml-soap" xsi:type="ap:Vector"><item>1</item></V>')).to.deep.equal({ V: ['1'] });
    });

    it('Apache SOAP Map details: missing key is "", missing value null, the last duplicate wins, an item that is not a map fails', () => {
      const m = (items: string) => op(`<m xmlns:ap="http://xml.apache.org/xml-soap" xsi:type="ap:Map">${items}</m>`);
      expect(m('<item><value>v</value></item><item><key>n</key></item>')).to.deep.equal({ m: { '': 'v', n: null } });
      expect(m('<item><key>k</key><value>1</value></item><item><key>k</key><value>2</value></item>')).to.deep.equal({ m: { k: '2' } });
      expect(m('<item><key>k</key><value>1</value><value>2</value></item>')).to.deep.equal({ m: { k: ['1', '2'] } });
      expect(parseError(env('<Op><m xmlns:ap="http://xml.apache.org/xml-soap" xsi:type="ap:Map"><item>text</item></m></Op>'))).to.equal('Invalid Apache Map item');
    });

    it('soapenc:arrayType claims a size: fewer children are padded with null, more are an error', () => {
      expect(op('<L soapenc:arrayType="xsd:string[3]"><i>a</i></L>')).to.deep.equal({ L: ['a', null, null] });
      expect(op('<L soapenc:arrayType="xsd:string[]"><i>a</i><i>b</i><i>c</i></L>')).to.deep.equal({ L: ['a', 'b', 'c'] });
      expect(parseError(env('<Op><L soapenc:arrayType="xsd:string[2]"><i>a</i><i>b</i><i>c</i></L></Op>')))
        .to.equal('Too many elements in array. 3 instead of claimed 2 (2)');
      expect(parseError(env('<Op><L soapenc:arrayType="xsd:string"><i>a</i></L></Op>')))
        .to.equal("Unrecognized/unsupported format of arrayType attribute '{http://www.w3.org/2001/XMLSchema}string'");
    });

    it('soapenc:arrayType wins over xsi:type', () => {
      expect(op('<M xmlns:ap="http://xml.apache.org/xml-soap" xsi:type="ap:Map" soapenc:arrayType="xsd:anyType[1]"><item><key>k</key></item></M>'))
        .to.deep.equal({ M: [{ key: 'k' }] });
    });

    it('nothing below a nil or simple-typed element is decoded, so nothing there can fail', () => {
      expect(op('<A xsi:nil="true"><q:X/></A><H xsi:type="xsd:string"><q:X/>s</H>')).to.deep.equal({ A: null, H: null });
      expect(parseError(env('<Op><A><q:X/></A></Op>'))).to.equal("Unresolved prefix 'q' for element 'X'");
    });

    it('the Envelope and the Body follow the same rules: nil or simple-typed means no body', () => {
      const open = ENV_OPEN.replace('<soap:Envelope ', '<soap:Envelope xsi:nil="true" ');
      expect(read(`${open}<Op>1</Op>${ENV_CLOSE}`).body).to.equal(null);
      const typed = ENV_OPEN.replace('<soap:Body>', '<soap:Body xsi:type="xsd:string">');
      expect(read(`${typed}<Op>1</Op>${ENV_CLOSE}`).body).to.equal(null);
      const listed = ENV_OPEN.replace('<soap:Body>', '<soap:Body soapenc:arrayType="xsd:anyType[1]">');
      expect(read(`${listed}<Op>1</Op>${ENV_CLOSE}`).body).to.equal(null);
    });

    it('Apache Map: a nil item is key "" with null, a key that is not text drops the item', () => {
      const m = (items: string) => op(`<m xmlns:ap="http://xml.apache.org/xml-soap" xsi:type="ap:Map">${items}</m>`);
      expect(m('<item xsi:nil="true"/><item><key><a>1</a></key><value>v</value></item><item><key>k</key><value>w</value></item>'))
        .to.deep.equal({ m: { '': null, k: 'w' } });
    });

    it('xsd:undef is read like a nil value', () => {
      expect(op('<A xsi:type="xsd:undef">true</A><B xsi:type="xsd:undef">0</B>')).to.deep.equal({ A: '1', B: '0' });
      expect(parseError(env('<Op><A xsi:type="xsd:undef">x</A></Op>'))).to.equal("Wrong null/nil value 'x'");
    });

    it('soap:encodingStyle must name a supported encoding (SOAP::Lite)', () => {
      expect(body('<Op soap:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">1</Op>')).to.deep.equal({ Op: '1' });
      expect(body('<Op soap:encodingStyle="">1</Op>')).to.deep.equal({ Op: '1' });
      expect(body('<Op soap:encodingStyle="http://www.w3.org/2003/05/soap-encoding">1</Op>')).to.deep.equal({ Op: '1' });
      expect(body('<Op xmlns:o="urn:o" o:encodingStyle="urn:bogus" encodingStyle="urn:bogus">1</Op>')).to.deep.equal({ Op: '1' });
      expect(parseError(env('<Op soap:encodingStyle="urn:bogus">1</Op>'))).to.equal("Unrecognized/unsupported value of encodingStyle attribute 'urn:bogus'");
      expect(parseError(env('<Op soap:encodingStyle="http://schemas.xmlsoap.org/soap/encoding">1</Op>')))
        .to.equal("Unrecognized/unsupported value of encodingStyle attribute 'http://schemas.xmlsoap.org/soap/encoding'");
    });

    it('Apache SOAP Map, as PHP SoapClient sends it without a WSDL, becomes a map', () => {
      const xml = '<?xml version="1.0" encoding="UTF-8"?>\n<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" '
        + 'xmlns:ns1="http://www.otrs.org/TicketConnector/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
        + 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:ns2="http://xml.apache.org/xml-soap" '
        + 'xmlns:SOAP-ENC="http://schemas.xmlsoap.org/soap/encoding/" SOAP-ENV:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">'
        + '<SOAP-ENV:Body><ns1:TicketGet><param0 xsi:type="ns2:Map">'
        + '<item><key xsi:type="xsd:string">UserLogin</key><value xsi:type="xsd:string">agent1</value></item>'
        + '<item><key xsi:type="xsd:string">TicketID</key><value xsi:type="xsd:int">6</value></item>'
        + '<item><key xsi:type="xsd:string">Extended</key><value xsi:type="xsd:boolean">true</value></item>'
        + '<item><key xsi:type="xsd:string">DynamicFields</key><value SOAP-ENC:arrayType="xsd:string[2]" xsi:type="SOAP-ENC:Array">'
        + '<item xsi:type="xsd:string">a</item><item xsi:type="xsd:string">b</item></value></item>'
        + '</param0></ns1:TicketGet></SOAP-ENV:Body></SOAP-ENV:Envelope>';
      expect(read(xml).body).to.deep.equal({
        TicketGet: { param0: { UserLogin: 'agent1', TicketID: '6', Extended: '1', DynamicFields: ['a', 'b'] } },
      });
    });

    it('soap:encodingStyle and other attributes on the envelope do not matter', () => {
      expect(read(env('<Op soap:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">1</Op>')).body).to.deep.equal({ Op: '1' });
    });
  });

  describe('maps are prototype-free', () => {
    it('element names like __proto__ and constructor are plain data keys', () => {
      const v = op('<__proto__><polluted>1</polluted></__proto__><constructor>c</constructor><toString>t</toString>') as SoapMap;
      expect(Object.getPrototypeOf(v)).to.equal(null);
      expect(Object.keys(v)).to.deep.equal(['__proto__', 'constructor', 'toString']);
      expect(Object.getOwnPropertyDescriptor(v, '__proto__')!.value).to.deep.equal({ polluted: '1' });
      expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
      expect(Object.getPrototypeOf(body('<Op/>'))).to.equal(null);
    });
  });

  describe('Deserialize.t (section B)', () => {
    it('Test 0: an empty Body has no operation', () => {
      expect(read(env('')).body).to.equal(null);
    });

    it('Test 1 and Test 1 Unicode', () => {
      expect(body('<Simple>Test</Simple>')).to.deep.equal({ Simple: 'Test' });
      expect(body('<Simple>äöüß€ис</Simple>')).to.deep.equal({ Simple: 'äöüß€ис' });
    });

    it('Test 2 and Test 2 Unicode', () => {
      expect(body('<fooResponse><bar>abcd</bar></fooResponse>')).to.deep.equal({ fooResponse: { bar: 'abcd' } });
      expect(body('<fooResponse><bar>äöüß€ис</bar></fooResponse>')).to.deep.equal({ fooResponse: { bar: 'äöüß€ис' } });
    });

    it('Tests 3-6 are parse errors', () => {
      const at = ENV_OPEN.length;
      expect(parseError(env('<Simple>Test</NonSimple>'))).to.equal(`mismatched tag at line 1, column ${at + 14}, byte ${at + 14}`);
      expect(parseError(env('<Simple>Test<Simple>'))).to.equal(`mismatched tag at line 1, column ${at + 22}, byte ${at + 22}`);
      expect(parseError(env('<1>Test</1>'))).to.equal(`not well-formed (invalid token) at line 1, column ${at + 1}, byte ${at + 1}`);
      expect(parseError(env('<fooResponse><bar>abcd</bart></fooResponse>'))).to.equal(`mismatched tag at line 1, column ${at + 24}, byte ${at + 24}`);
    });

    it('Test 7: repeated elements become lists at every depth; a single product stays a map', () => {
      const catalog = '<catalog><product>'
        + '<catalog_item><item_number>QWERTY1</item_number><price>50.3</price>'
        + '<size><color>Red</color><color>Blue</color></size><size><color>Red</color><color>Green</color></size></catalog_item>'
        + '<catalog_item><item_number>QWERTY2</item_number><price>42.50</price>'
        + '<size><color>Red</color><color>Navy</color><color>Green</color></size>'
        + '<size><color>Red</color><color>Navy</color><color>Green</color><color>Black</color></size>'
        + '<size><color>Navy</color><color>Black</color></size><size><color>Green</color><color>Black</color></size></catalog_item>'
        + '</product></catalog>';
      expect(body(catalog)).to.deep.equal({
        catalog: {
          product: {
            catalog_item: [
              { item_number: 'QWERTY1', price: '50.3', size: [{ color: ['Red', 'Blue'] }, { color: ['Red', 'Green'] }] },
              {
                item_number: 'QWERTY2', price: '42.50',
                size: [{ color: ['Red', 'Navy', 'Green'] }, { color: ['Red', 'Navy', 'Green', 'Black'] }, { color: ['Navy', 'Black'] }, { color: ['Green', 'Black'] }],
              },
            ],
          },
        },
      });
    });
  });

  describe('well-formedness errors read like expat (§8.3)', () => {
    const cases: Array<[string, string]> = [
      ['', 'no element found at line 1, column 0, byte 0'],
      ['   ', 'no element found at line 1, column 3, byte 3'],
      ['<a>', 'no element found at line 1, column 3, byte 3'],
      ['<a><b>x</b>', 'no element found at line 1, column 11, byte 11'],
      ['<a><b', 'unclosed token at line 1, column 3, byte 3'],
      ['<a b="1', 'unclosed token at line 1, column 0, byte 0'],
      ['<a><!-- abc', 'unclosed token at line 1, column 3, byte 3'],
      ['<a></b', 'unclosed token at line 1, column 3, byte 3'],
      ['<a><![CDATA[abc', 'unclosed CDATA section at line 1, column 15, byte 15'],
      ['<a>&foo;</a>', 'undefined entity at line 1, column 3, byte 3'],
      ['<a b="&foo;"/>', 'undefined entity at line 1, column 0, byte 0'],
      ['<a>&#0;</a>', 'reference to invalid character number at line 1, column 3, byte 3'],
      ['<a>&#xD800;</a>', 'reference to invalid character number at line 1, column 3, byte 3'],
      ['<a>&#xFFFE;</a>', 'reference to invalid character number at line 1, column 3, byte 3'],
      ['<a>&#x110000;</a>', 'reference to invalid character number at line 1, column 3, byte 3'],
      ['<a b="&#0;"/>', 'reference to invalid character number at line 1, column 6, byte 6'],
      ['<a/>x', 'junk after document element at line 1, column 4, byte 4'],
      ['<a/><b/>', 'junk after document element at line 1, column 4, byte 4'],
      ['<a/>\nhello world', 'junk after document element at line 2, column 0, byte 5'],
      ['<a></a></a>', 'not well-formed (invalid token) at line 1, column 8, byte 8'],
      ['hello <a/>', 'syntax error at line 1, column 0, byte 0'],
      ['hello<a/>', 'not well-formed (invalid token) at line 1, column 5, byte 5'],
      ['<![CDATA[x]]><a/>', 'syntax error at line 1, column 0, byte 0'],
      ['<a b="1" b="2"/>', 'duplicate attribute at line 1, column 9, byte 9'],
      ['<a b="x"  b="y" c="1" c="2"/>', 'duplicate attribute at line 1, column 10, byte 10'],
      ['<a>]]></a>', 'not well-formed (invalid token) at line 1, column 5, byte 5'],
      ['<a b="<"/>', 'not well-formed (invalid token) at line 1, column 6, byte 6'],
      ['<a b>', 'not well-formed (invalid token) at line 1, column 4, byte 4'],
      ['<a b="1"c="2"/>', 'not well-formed (invalid token) at line 1, column 8, byte 8'],
      ['<a x="1" y=2/>', 'not well-formed (invalid token) at line 1, column 11, byte 11'],
      ['<a>& b</a>', 'not well-formed (invalid token) at line 1, column 4, byte 4'],
      ['<a>&amp</a>', 'not well-formed (invalid token) at line 1, column 7, byte 7'],
      ['<a>&#x;</a>', 'not well-formed (invalid token) at line 1, column 6, byte 6'],
      ['<a>&#X41;</a>', 'not well-formed (invalid token) at line 1, column 5, byte 5'],
      ['<a><!-- a -- b --></a>', 'not well-formed (invalid token) at line 1, column 12, byte 12'],
      ['</a>', 'not well-formed (invalid token) at line 1, column 1, byte 1'],
      ['< a/>', 'not well-formed (invalid token) at line 1, column 1, byte 1'],
      ['<a/ >', 'not well-formed (invalid token) at line 1, column 3, byte 3'],
      ['<a>\u0001</a>', 'not well-formed (invalid token) at line 1, column 3, byte 3'],
      ['<a><b></a>', 'mismatched tag at line 1, column 8, byte 8'],
      ['<a>\r\n\r\n<b></c></a>', 'mismatched tag at line 3, column 5, byte 12'],
      ['<a>\n<b>ää</c></a>', 'mismatched tag at line 2, column 7, byte 13'],
      ['<a>\u{1F600}\u{1F600}</b>', 'mismatched tag at line 1, column 7, byte 13'],
      [' <?xml version="1.0"?><a/>', 'XML or text declaration not at start of entity at line 1, column 1, byte 1'],
      ['<a><?xml version="1.0"?></a>', 'XML or text declaration not at start of entity at line 1, column 3, byte 3'],
      ['<?xml?><a/>', 'XML declaration not well-formed at line 1, column 5, byte 5'],
      ['<?xml encoding="UTF-8"?><a/>', 'XML declaration not well-formed at line 1, column 6, byte 6'],
      ['<?xml version="1.0" standalone="maybe"?><a/>', 'XML declaration not well-formed at line 1, column 32, byte 32'],
      ['<?xml version="1.0" foo="bar"?><a/>', 'XML declaration not well-formed at line 1, column 20, byte 20'],
      ['<?xml version="1.0" encoding=""?><a/>', 'XML declaration not well-formed at line 1, column 30, byte 30'],
      ['<?xml version="1.0=" encoding="UTF-8"?><a/>', 'XML declaration not well-formed at line 1, column 18, byte 18'],
    ];
    for (const [xml, message] of cases) {
      it(`${JSON.stringify(xml)} -> ${message}`, () => {
        expect(parseError(xml)).to.equal(message);
      });
    }

    it('accepts what expat accepts', () => {
      for (const xml of ['<a></a >', '<a b = "1" />', "<a b='\"'/>", '<a\tb="1"/>', '<?xml version="1.1"?><a/>', '<?xml  version = "1.0"  ?><a/>',
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><a/>', '<?xml-stylesheet x?><a/>', '<a/> <!-- c --> <?pi x?> ',
        '<a><![CDATA[ ]]]]><![CDATA[>]]></a>', '<a>]]</a>', '<a>]></a>', '<a:b:c xmlns:a="urn:a"/>']) {
        expect(() => read(xml), xml).to.not.throw();
      }
    });

    it('counts lines after a UTF-8 byte order mark without it, bytes with it', () => {
      expect(parseError(Buffer.from('\ufeff\n<a></b>', 'utf8'))).to.equal('mismatched tag at line 2, column 5, byte 9');
    });
  });

  describe('DOCTYPE is refused before anything is expanded (§5.9, §14.5)', () => {
    it('internal entities (billion laughs) are refused at once', () => {
      let doctype = '<!DOCTYPE lolz [<!ENTITY lol "lol">';
      for (let i = 1; i <= 9; i++) doctype += `<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`;
      const xml = `<?xml version="1.0"?>${doctype}]>${env('<Op>&lol9;</Op>')}`;
      const t0 = Date.now();
      expect(refusal(xml)).to.equal('DOCTYPE is not allowed');
      expect(Date.now() - t0).to.be.lessThan(100);
    });

    it('external entities are refused without being fetched', () => {
      const xml = `<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${env('<Op>&xxe;</Op>')}`;
      expect(refusal(xml)).to.equal('DOCTYPE is not allowed');
      expect(refusal('<!DOCTYPE foo SYSTEM "http://127.0.0.1:1/evil.dtd"><foo/>')).to.equal('DOCTYPE is not allowed');
    });

    it('parameter entities are refused', () => {
      const xml = '<!DOCTYPE foo [<!ENTITY % p SYSTEM "http://127.0.0.1:1/x.dtd"> %p;]><foo/>';
      expect(refusal(xml)).to.equal('DOCTYPE is not allowed');
    });

    it('a DOCTYPE inside the document is refused too', () => {
      expect(refusal('<a><!DOCTYPE a></a>')).to.equal('DOCTYPE is not allowed');
    });

    it('without a DOCTYPE an entity reference is simply undefined', () => {
      expect(parseError('<a>&lol9;</a>')).to.equal('undefined entity at line 1, column 3, byte 3');
    });
  });

  describe('limits are enforced while scanning', () => {
    const nest = (depth: number) => '<e>'.repeat(depth) + '</e>'.repeat(depth);

    it('nesting depth: the limit itself is allowed, one more is refused', () => {
      const limits = { ...DEFAULT_XML_LIMITS, maxDepth: 5, maxElements: 100, maxAttributes: 4 };
      expect(() => read(nest(5), 'UTF-8', limits)).to.not.throw();
      expect(refusal(nest(6), limits)).to.equal('XML nesting depth exceeds 5');
    });

    it('the default depth limit is 64 and the Body operation sits at depth 3', () => {
      expect(DEFAULT_XML_LIMITS).to.deep.equal({
        maxDepth: 64, maxElements: 100_000, maxAttributes: 64, maxTextLength: 10 * 1024 * 1024, maxArraySize: 10_000, maxNamespaceDeclarations: 256,
      });
      expect(() => read(env(nest(62)))).to.not.throw();
      expect(refusal(env(nest(63)))).to.equal('XML nesting depth exceeds 64');
    });

    it('10,000-deep nesting is refused quickly, without a stack overflow', () => {
      const t0 = Date.now();
      expect(refusal(env(nest(10_000)))).to.equal('XML nesting depth exceeds 64');
      expect(Date.now() - t0).to.be.lessThan(200);
    });

    it('with the depth limit lifted, 100,000 levels parse with an explicit stack', () => {
      const limits = { ...DEFAULT_XML_LIMITS, maxDepth: 1_000_000, maxElements: 1_000_000, maxAttributes: 64 };
      const r = read(env(`<Op>${'<e>'.repeat(100_000)}x${'</e>'.repeat(100_000)}</Op>`), 'UTF-8', limits);
      let v: SoapValue = r.body!.Op;
      let depth = 0;
      while (v !== null && typeof v === 'object' && !Array.isArray(v)) { v = v.e; depth++; }
      expect(depth).to.equal(100_000);
      expect(v).to.equal('x');
    });

    it('stays linear: 50,000 elements with attributes and references-free values parse in well under a second', () => {
      const limits = { ...DEFAULT_XML_LIMITS, maxDepth: 64, maxElements: 1_000_000, maxAttributes: 64 };
      const xml = env(`<Op>${'<V a="1" b="two">x</V>'.repeat(50_000)}</Op>`);
      const t0 = Date.now();
      const r = read(xml, 'UTF-8', limits);
      expect(Date.now() - t0).to.be.lessThan(1000);
      expect((r.body!.Op as SoapMap).V).to.have.length(50_000);
    });

    it('element count', () => {
      const limits = { ...DEFAULT_XML_LIMITS, maxDepth: 64, maxElements: 10, maxAttributes: 4 };
      expect(() => read(`<r>${'<a/>'.repeat(9)}</r>`, 'UTF-8', limits)).to.not.throw();
      expect(refusal(`<r>${'<a/>'.repeat(10)}</r>`, limits)).to.equal('XML element count exceeds 10');
    });

    it('text length per element, counted before the text is copied, CDATA and split text included', () => {
      const limits = { ...DEFAULT_XML_LIMITS, maxTextLength: 10 };
      expect(() => read('<r><a>0123456789</a></r>', 'UTF-8', limits)).to.not.throw();
      expect(refusal('<r><a>01234567890</a></r>', limits)).to.equal('XML text length exceeds 10 characters');
      expect(refusal('<r><a>012345<!---->67890</a></r>', limits)).to.equal('XML text length exceeds 10 characters');
      expect(refusal('<r><a>012345<![CDATA[67890]]></a></r>', limits)).to.equal('XML text length exceeds 10 characters');
    });

    it('duplicate attributes are found in linear time, also with XML_MAX_ATTRIBUTES raised far', () => {
      const attrs = (count: number, from = 0) => Array.from({ length: count }, (_, i) => ` a${from + i}="1"`).join('');
      const many = { ...DEFAULT_XML_LIMITS, maxAttributes: 100_000, maxElements: 100_000 };
      const dup = `<r${attrs(20)} a7="2"/>`;
      expect(failure(dup, 'UTF-8', many).message).to.equal(`duplicate attribute at line 1, column ${dup.indexOf(' a7="2"') + 1}, byte ${dup.indexOf(' a7="2"') + 1}`);
      // 50,000 attributes on one element against the same number spread over elements of 10 each.
      const one = Buffer.from(`<r${attrs(50_000)}/>`);
      const spread = Buffer.from(`<r>${Array.from({ length: 5_000 }, (_, i) => `<e${attrs(10, i * 10)}/>`).join('')}</r>`);
      const time = (xml: Buffer) => {
        const t0 = process.hrtime.bigint();
        read(xml, 'UTF-8', many);
        return Number(process.hrtime.bigint() - t0);
      };
      let a = Infinity, b = Infinity;
      for (let i = 0; i < 3; i++) { a = Math.min(a, time(one)); b = Math.min(b, time(spread)); }
      expect(a / b, `one element ${(a / 1e6).toFixed(0)} ms, spread ${(b / 1e6).toFixed(0)} ms`).to.be.lessThan(4);
    });

    describe('namespace declarations (issue 15: each prefix lookup scanned every declaration in scope)', () => {
      // Every level of nesting declares `perLevel` prefixes; then `leaves` elements use prefixed attributes.
      const declarations = (levels: number, perLevel: number, leaves: number) => {
        const decl = (d: number) => Array.from({ length: perLevel }, (_, i) => ` xmlns:p${d}_${i}="urn:x${i}"`).join('');
        const open = Array.from({ length: levels }, (_, d) => `<n${decl(d)}>`).join('');
        const leaf = '<e xsi:type="xsd:string" soapenc:a="1" xsi:b="2" soapenc:c="3">x</e>';
        return env(`<Op>${open}${leaf.repeat(leaves)}${'</n>'.repeat(levels)}</Op>`);
      };

      it('in scope at once: the limit itself is allowed, one more is refused; closed elements give theirs back', () => {
        // The envelope declares soap, soapenc, xsd and xsi.
        const limits = { ...DEFAULT_XML_LIMITS, maxNamespaceDeclarations: 8 };
        const four = ' xmlns:a="urn:a" xmlns:b="urn:b" xmlns:c="urn:c" xmlns:d="urn:d"';
        expect(read(env(`<Op><A${four}/><B${four}/></Op>`), 'UTF-8', limits).body).to.deep.equal({ Op: { A: '', B: '' } });
        expect(refusal(env(`<Op${four}><A xmlns:e="urn:e"/></Op>`), limits)).to.equal('XML namespace declarations in scope exceed 8');
        expect(refusal(declarations(60, 64, 1))).to.equal('XML namespace declarations in scope exceed 256');
      });

      it('a lookup costs the same however many prefixes are in scope (compared with and without them)', () => {
        const limits = { ...DEFAULT_XML_LIMITS, maxNamespaceDeclarations: 100_000 };
        const withDecls = Buffer.from(declarations(56, 63, 20_000)), without = Buffer.from(declarations(56, 0, 20_000));
        const time = (xml: Buffer) => {
          const t0 = process.hrtime.bigint();
          read(xml, 'UTF-8', limits);
          return Number(process.hrtime.bigint() - t0);
        };
        // Best of three each, interleaved, so a busy machine slows both alike; a scan per lookup was ~12 times slower.
        let a = Infinity, b = Infinity;
        for (let i = 0; i < 3; i++) { a = Math.min(a, time(withDecls)); b = Math.min(b, time(without)); }
        expect(a / b).to.be.lessThan(2.5);
      });
    });

    describe('declared array sizes (issue 15: soapenc:arrayType="xsd:string[999999999]" aborted the process)', () => {
      const arrays = (size: string, count = 1) => env(`<Op>${`<L soapenc:arrayType="xsd:string[${size}]"><i>a</i></L>`.repeat(count)}</Op>`);

      it('the limit itself is padded as SOAP::Lite does, one more is refused', () => {
        const limits = { ...DEFAULT_XML_LIMITS, maxArraySize: 5 };
        expect(read(arrays('5'), 'UTF-8', limits).body).to.deep.equal({ Op: { L: ['a', null, null, null, null] } });
        expect(refusal(arrays('6'), limits)).to.equal('XML array size exceeds 5');
      });

      it('a huge claim is refused at once, before anything is allocated for it', () => {
        for (const size of ['999999999', '10000000', '99999999999999999999999']) {
          const before = process.memoryUsage().rss;
          const t0 = Date.now();
          expect(refusal(env(`<SessionCreate><UserLogin soapenc:arrayType="xsd:string[${size}]"/></SessionCreate>`))).to.equal('XML array size exceeds 10000');
          expect(Date.now() - t0).to.be.lessThan(100);
          expect(process.memoryUsage().rss - before).to.be.lessThan(16 * 1024 * 1024);
        }
      });

      it('padded items count as elements, so many claims within the limit cannot add up', () => {
        // Envelope, Body, Op, then per array its element, one child and 44 padded items: two fit in 100, three do not.
        const limits = { ...DEFAULT_XML_LIMITS, maxElements: 100, maxArraySize: 45 };
        expect((read(arrays('45', 2), 'UTF-8', limits).body!.Op as SoapMap).L).to.have.length(2);
        expect(refusal(arrays('45', 3), limits)).to.equal('XML element count exceeds 100');
      });

      it('a size is only a claim: [] and several dimensions are not padded', () => {
        expect(op('<L soapenc:arrayType="xsd:string[]"><i>a</i></L>')).to.deep.equal({ L: ['a'] });
        expect(op('<L soapenc:arrayType="xsd:string[99999,99999]"><i>a</i></L>')).to.deep.equal({ L: ['a'] });
      });
    });

    it('attribute count per element, namespace declarations included', () => {
      const limits = { ...DEFAULT_XML_LIMITS, maxDepth: 64, maxElements: 100, maxAttributes: 3 };
      expect(() => read('<r a="1" b="2" xmlns:x="urn:x"><s a="1" b="2" c="3"/></r>', 'UTF-8', limits)).to.not.throw();
      expect(refusal('<r a="1" b="2" c="3" xmlns:x="urn:x"/>', limits)).to.equal('XML attribute count exceeds 3');
    });
  });

  describe('decoding (§2.9, §2.10)', () => {
    it('invalid UTF-8 is an error at the first bad byte, never replaced', () => {
      expect(parseError(Buffer.from('<a>\xc3\xa4\xff</a>', 'latin1'))).to.equal('not well-formed (invalid token) at line 1, column 4, byte 5');
      expect(parseError(Buffer.from('<a>\xff</a>', 'latin1'))).to.equal('not well-formed (invalid token) at line 1, column 3, byte 3');
      expect(parseError(Buffer.from('<a>\xed\xa0\x80</a>', 'latin1'))).to.equal('not well-formed (invalid token) at line 1, column 3, byte 3');
      expect(parseError(Buffer.from('<a>\xc0\x80</a>', 'latin1'))).to.equal('not well-formed (invalid token) at line 1, column 3, byte 3');
    });

    it('an earlier well-formedness error wins over a later bad byte', () => {
      expect(parseError(Buffer.from('<a></b>\xff', 'latin1'))).to.equal('mismatched tag at line 1, column 5, byte 5');
    });

    it('a sequence cut short by the end of the body is a partial character', () => {
      expect(parseError(Buffer.from('<a>x\xc3', 'latin1'))).to.equal('partial character at line 1, column 4, byte 4');
      expect(parseError(Buffer.from('<a b="\xc3', 'latin1'))).to.equal('partial character at line 1, column 0, byte 0');
    });

    it('U+FFFE/U+FFFF and control characters are not XML characters', () => {
      expect(parseError(Buffer.from('<a>\xef\xbf\xbe</a>', 'latin1'))).to.equal('not well-formed (invalid token) at line 1, column 3, byte 3');
      expect(parseError('<a b="\u0001"/>')).to.equal('not well-formed (invalid token) at line 1, column 6, byte 6');
    });

    it('skips a UTF-8 byte order mark', () => {
      expect(read(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(env('<Op>ä</Op>'))])).body).to.deep.equal({ Op: 'ä' });
    });

    it('honours a declared ISO-8859-1 (true Latin-1, not windows-1252) when the charset is UTF-8 or missing', () => {
      const xml = Buffer.from(`<?xml version="1.0" encoding="ISO-8859-1"?>${env('<Op>\xe4\x84</Op>')}`, 'latin1');
      expect(read(xml, undefined).body).to.deep.equal({ Op: 'ä\u0084' });
      expect(read(xml, 'utf-8').body).to.deep.equal({ Op: 'ä\u0084' });
      expect(read(xml, 'utf8').body).to.deep.equal({ Op: 'ä\u0084' });
    });

    it('honours a declared windows-1252', () => {
      const xml = Buffer.from(`<?xml version="1.0" encoding="windows-1252"?>${env('<Op>\x80</Op>')}`, 'latin1');
      expect(read(xml).body).to.deep.equal({ Op: '€' });
    });

    it('windows-1252: every byte of 0x80-0x9f by the WHATWG table, in memory linear in the body (it was a string per byte)', () => {
      const high = Buffer.from(Array.from({ length: 32 }, (_, i) => 0x80 + i));
      const mapped = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';
      const xml = (text: Buffer) => Buffer.concat([Buffer.from(`${ENV_OPEN}<Op>`), text, Buffer.from(`</Op>${ENV_CLOSE}`)]);
      expect(read(xml(high), 'windows-1252').body).to.deep.equal({ Op: mapped });
      expect(read(xml(Buffer.concat(Array(1000).fill(high))), 'windows-1252').body).to.deep.equal({ Op: mapped.repeat(1000) });
      global.gc?.();
      const before = process.memoryUsage().rss;
      expect(failure(xml(Buffer.alloc(19 * 1024 * 1024, 0x80)), 'windows-1252').message).to.equal('XML text length exceeds 10485760 characters');
      expect((process.memoryUsage().rss - before) / 1024 / 1024).to.be.lessThan(200);   // was ~700 MiB
    });

    it('ContentCharset.t: charset=iso-8859-1 reads the bytes as Latin-1 first', () => {
      const xml = (value: Buffer) => Buffer.concat([
        Buffer.from('<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:tic="http://www.otrs.org/TicketConnector/">'
          + '<soapenv:Header/><soapenv:Body><tic:Test><Test>'), value, Buffer.from('</Test></tic:Test></soapenv:Body></soapenv:Envelope>'),
      ]);
      const tm = Buffer.from('c™', 'utf8');
      expect(read(xml(tm), 'UTF-8').body).to.deep.equal({ Test: { Test: 'c™' } });
      expect(read(xml(tm), undefined).body).to.deep.equal({ Test: { Test: 'c™' } });
      expect(read(xml(tm), 'iso-8859-1').body).to.deep.equal({ Test: { Test: 'c\u00e2\u0084\u00a2' } });
      expect(read(xml(Buffer.from('cTM')), 'iso-8859-1').body).to.deep.equal({ Test: { Test: 'cTM' } });
    });

    it('decodes other charsets (windows-1252, iso-8859-15, Shift_JIS) and reports positions in the decoded text', () => {
      expect(read(Buffer.from(env('<Op>\u00e4\x80\x84</Op>'), 'latin1'), 'windows-1252').body).to.deep.equal({ Op: 'ä€„' });
      expect(read(Buffer.from(env('<Op>\xa4</Op>'), 'latin1'), 'ISO-8859-15').body).to.deep.equal({ Op: '€' });
      const sjis = Buffer.concat([Buffer.from(`${ENV_OPEN}<Op>`), Buffer.from([0x82, 0xa0]), Buffer.from(`</Op>${ENV_CLOSE}`)]);
      expect(read(sjis, 'Shift_JIS').body).to.deep.equal({ Op: 'あ' });
      expect(parseError(Buffer.from('<a>\xe4</b>', 'latin1'), 'ISO-8859-1')).to.equal('mismatched tag at line 1, column 6, byte 7');
    });

    it('bytes that are invalid in the named charset are an error at the first bad byte', () => {
      const at = ENV_OPEN.length + 4;
      const bad = Buffer.concat([Buffer.from(`${ENV_OPEN}<Op>`), Buffer.from([0x82, 0x20]), Buffer.from(`</Op>${ENV_CLOSE}`)]);
      expect(parseError(bad, 'Shift_JIS')).to.equal(`not well-formed (invalid token) at line 1, column ${at}, byte ${at}`);
    });

    it('a bad byte is found in linear time, however far into the body (it was a binary search decoding each prefix)', () => {
      const body = (size: number, bad: boolean) => Buffer.concat([Buffer.from(`${ENV_OPEN}<Op>`), Buffer.alloc(size, 'x'),
        Buffer.from(bad ? [0x82, 0x20] : []), Buffer.from(`</Op>${ENV_CLOSE}`)]);
      // Just past the first 4 KiB chunk, and near the end of a large body.
      expect(parseError(body(5000, true), 'Shift_JIS')).to.equal(`not well-formed (invalid token) at line 1, column ${ENV_OPEN.length + 5004}, byte ${ENV_OPEN.length + 5004}`);
      const limits = { ...DEFAULT_XML_LIMITS, maxTextLength: 20 * 1024 * 1024 };
      const good = body(8 * 1024 * 1024, false), bad = body(8 * 1024 * 1024, true);
      const time = (b: Buffer) => {
        const t0 = process.hrtime.bigint();
        try { read(b, 'Shift_JIS', limits); } catch { /* the bad one */ }
        return Number(process.hrtime.bigint() - t0);
      };
      let a = Infinity, g = Infinity;
      for (let i = 0; i < 2; i++) { a = Math.min(a, time(bad)); g = Math.min(g, time(good)); }
      expect(a / g, `bad ${(a / 1e6).toFixed(0)} ms, good ${(g / 1e6).toFixed(0)} ms`).to.be.lessThan(8);   // measured 3-5; was 15
    });

    it('an unknown charset is an error', () => {
      expect(parseError(Buffer.from(env('<Op/>')), 'x-no-such-charset')).to.equal('unknown encoding');
    });

    it('an unknown declared encoding is reported at its name', () => {
      expect(parseError('<?xml version="1.0" encoding="x-bogus"?><a/>', undefined)).to.equal('unknown encoding at line 1, column 30, byte 30');
    });

    it('UTF-16 declared in an 8-bit document is incorrect', () => {
      expect(parseError('<?xml version="1.0" encoding="utf-16"?><a/>', undefined))
        .to.equal('encoding specified in XML declaration is incorrect at line 1, column 30, byte 30');
    });

    it('reads UTF-16 with a byte order mark, little and big endian', () => {
      const text = `<?xml version="1.0" encoding="UTF-16"?>${env('<Op>ä€</Op>')}`;
      const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
      const be = Buffer.from(le).swap16();
      expect(read(le, undefined).body).to.deep.equal({ Op: 'ä€' });
      expect(read(be, undefined).body).to.deep.equal({ Op: 'ä€' });
    });
  });
});
