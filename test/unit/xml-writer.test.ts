// Data -> the exact OTRS response bytes (dialect §6, §7, §8.1, §8.2), checked against the golden captures.
import { expect } from 'chai';
import { goldenDir } from '../support/golden.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  escapeText, SerializeError, writeFault, writeResponse, type EnvelopeOptions, type SortSpec,
} from '../../src/transport/soap/xml-writer.js';
import { readEnvelope, type SoapMap } from '../../src/transport/soap/xml-reader.js';
import type { ResponseData } from '../../src/transport/data.js';


/** Status line, headers and body of a capture. */
function golden(name: string): { status: string; contentLength: number; body: string } {
  const raw = readFileSync(join(goldenDir, name));
  const split = raw.indexOf('\r\n\r\n');
  if (split < 0) return { status: '', contentLength: 0, body: '' };   // 32: the connection closed without a byte
  const head = raw.subarray(0, split).toString('latin1');
  return { status: head.split('\r\n')[0], contentLength: Number(/Content-Length: (\d+)/.exec(head)![1]), body: raw.subarray(split + 4).toString('utf8') };
}

const NS = 'http://www.otrs.org/TicketConnector/';
const OPTS: EnvelopeOptions = { soapVersion: '1.1', namespace: NS };
const HEAD = '<?xml version="1.0" encoding="UTF-8"?><soap:Envelope soap:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/" '
  + 'xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/" '
  + 'xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soap:Body>';
const TAIL = '</soap:Body></soap:Envelope>';

/** The part inside the wrapper element of a default-namespace response. */
function inner(data: ResponseData, sort?: SortSpec): string {
  const xml = writeResponse('R', data, { soapVersion: '1.1', namespace: null, sort });
  expect(xml.startsWith(`${HEAD}<R>`), xml).to.equal(true);
  expect(xml.endsWith(`</R>${TAIL}`), xml).to.equal(true);
  return xml.slice(HEAD.length + 3, xml.length - TAIL.length - 4);
}

function serializeError(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).to.be.instanceOf(SerializeError);
    return (e as Error).message;
  }
  throw new Error('expected a SerializeError');
}

describe('xml-writer', () => {
  describe('golden response bodies, byte for byte', () => {
    it('01 SessionCreate', () => {
      const g = golden('01-SessionCreate-agent.response.txt');
      const xml = writeResponse('SessionCreateResponse', { SessionID: 'IRJEHl4T7dsn0pB5JXa4ct8AALhRi6z0' }, OPTS);
      expect(xml).to.equal(g.body);
      expect(Buffer.byteLength(xml)).to.equal(g.contentLength);
    });

    it('02 SessionCreate business error (HTTP 200 data)', () => {
      const g = golden('02-SessionCreate-wrong-password.response.txt');
      const data = { Error: { ErrorMessage: 'SessionCreate: Authorization failing!', ErrorCode: 'SessionCreate.AuthFail' } };
      expect(writeResponse('SessionCreateResponse', data, OPTS)).to.equal(g.body);
    });

    it('04 TicketCreate: numbers, keys sorted', () => {
      const g = golden('04-TicketCreate-success.response.txt');
      expect(writeResponse('TicketCreateResponse', { TicketNumber: '2026112210000059', TicketID: 6, ArticleID: 6 }, OPTS)).to.equal(g.body);
    });

    it('05 TicketGet: sorted keys at every level, <Bcc />, quotes kept and <> escaped, lists without wrapper', () => {
      const g = golden('05-TicketGet-success.response.txt');
      const ticket = {
        UntilTime: 0, UnlockTimeout: 1795374712, TypeID: 1, Type: 'Unclassified', Title: 'Golden ticket one', TimeUnit: 0,
        TicketNumber: '2026112210000059', TicketID: 6, StateType: 'new', StateID: 1, State: 'new', ServiceID: '', SLAID: null,
        ResponsibleID: 1, Responsible: 'root@localhost', RealTillTimeNotUsed: 0, QueueID: 2, Queue: 'Raw', PriorityID: 3,
        PriorityColor: '#cdcdcd', Priority: '3 normal', OwnerID: 2, Owner: 'agent1', LockID: 1, Lock: 'unlock', GroupID: 1,
        EscalationUpdateTime: 0, EscalationTime: 0, EscalationSolutionTime: 0, EscalationResponseTime: 0,
        DynamicField: [
          { Value: null, Name: 'ProcessManagementActivityID' },
          { Value: undefined, Name: 'ProcessManagementProcessID' },
          { Value: '', Name: 'TestMulti' },
          { Value: 'hello df', Name: 'TestText' },
        ],
        CustomerUserID: 'cust1', CustomerID: 'ACME', Created: '2026-11-22 19:11:52', CreateBy: 2, Changed: '2026-11-22 19:11:52', ChangeBy: 2,
        Article: {
          To: 'Raw', TimeUnit: 0, TicketID: 6, Subject: 'Article subject', SenderTypeID: 1, SenderType: 'agent', ReplyTo: '', References: '',
          MimeType: 'text/plain', MessageID: '', IsVisibleForCustomer: 1, IncomingTime: 1795374712, InReplyTo: '',
          From: '"Cust One" <cust1@example.com>', CreateTime: '2026-11-22 19:11:52', CreateBy: 2, ContentType: 'text/plain; charset=utf8',
          ContentCharset: 'utf8', CommunicationChannelID: 1, Charset: 'utf8', ChangeTime: '2026-11-22 19:11:52', ChangeBy: 2, Cc: '',
          Body: 'Article body line 1\nline 2', Bcc: '', ArticleNumber: 1, ArticleID: 6,
        },
        ArchiveFlag: 'n', Age: 0,
      };
      const xml = writeResponse('TicketGetResponse', { Ticket: ticket }, OPTS);
      expect(xml).to.equal(g.body);
      expect(Buffer.byteLength(xml)).to.equal(g.contentLength);
    });

    it('06 TicketGet access denied', () => {
      const g = golden('06-TicketGet-missing.response.txt');
      const data = { Error: { ErrorCode: 'TicketGet.AccessDenied', ErrorMessage: 'TicketGet: User does not have access to the ticket!' } };
      expect(writeResponse('TicketGetResponse', data, OPTS)).to.equal(g.body);
    });

    it('07 TicketSearch: a list repeats the element directly under the wrapper', () => {
      const g = golden('07-TicketSearch.response.txt');
      expect(writeResponse('TicketSearchResponse', { TicketID: ['6', '2'] }, OPTS)).to.equal(g.body);
    });

    it('09/10 the Fault in the service namespace', () => {
      for (const name of ['09-unknown-operation-with-header.response.txt', '10-unknown-operation-no-header.response.txt']) {
        const g = golden(name);
        expect(g.status).to.equal('HTTP/1.1 500 Internal Server Error');
        const xml = writeFault('Got no OperationType!', OPTS);
        expect(xml).to.equal(g.body);
        expect(Buffer.byteLength(xml)).to.equal(g.contentLength);
      }
    });

    it('16-18 OTRS 6.0 fault texts with quotes and slashes are written unescaped', () => {
      const g = golden('17-SOAPAction-wsdl-form-no-hash.response.txt');
      const text = "SOAPAction 'http://www.otrs.org/TicketConnector/SessionCreate' does not match expected result 'http://www.otrs.org/TicketConnector/#SessionCreate'";
      expect(writeFault(text, OPTS)).to.equal(g.body);
    });

    it('every SOAP capture survives read -> write unchanged', () => {
      const names = readdirSync(goldenDir).filter((f) => f.endsWith('.response.txt'));
      let checked = 0;
      for (const name of names) {
        const g = golden(name);
        if (!g.body.startsWith('<?xml')) continue;
        const parsed = readEnvelope(Buffer.from(g.body, 'utf8'), 'UTF-8');
        const [wrapper] = Object.keys(parsed.body!);
        const data = parsed.body![wrapper];
        const xml = wrapper === 'Fault'
          ? writeFault((data as SoapMap).faultstring as string, OPTS)
          : writeResponse(wrapper, data === '' ? null : data, OPTS);
        expect(xml, name).to.equal(g.body);
        checked++;
      }
      expect(checked).to.be.greaterThan(15);
    });
  });

  describe('§6.1, §6.2, §6.9 envelope and wrapper', () => {
    it('one line, the five envelope attributes in sorted order, no Header, wrapper with xmlns', () => {
      expect(writeResponse('SessionCreateResponse', { SessionID: 'abc' }, OPTS)).to.equal(
        `${HEAD}<SessionCreateResponse xmlns="http://www.otrs.org/TicketConnector/"><SessionID>abc</SessionID></SessionCreateResponse>${TAIL}`);
    });

    it('NoNameSpace: no xmlns attribute', () => {
      expect(writeResponse('PriorityIDNameResponse', { A: '1' }, { soapVersion: '1.1', namespace: null }))
        .to.equal(`${HEAD}<PriorityIDNameResponse><A>1</A></PriorityIDNameResponse>${TAIL}`);
    });

    it('SOAP 1.2: envelope and encoding namespaces of 1.2, same body', () => {
      expect(writeResponse('OpResponse', { A: '1' }, { soapVersion: '1.2', namespace: 'urn:x' })).to.equal(
        '<?xml version="1.0" encoding="UTF-8"?><soap:Envelope soap:encodingStyle="http://www.w3.org/2003/05/soap-encoding" '
        + 'xmlns:soap="http://www.w3.org/2003/05/soap-envelope" xmlns:soapenc="http://www.w3.org/2003/05/soap-encoding" '
        + 'xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        + `<soap:Body><OpResponse xmlns="urn:x"><A>1</A></OpResponse>${TAIL}`);
    });

    it('escapes the namespace as an attribute value', () => {
      expect(writeResponse('R', { A: '1' }, { soapVersion: '1.1', namespace: 'urn:a&b"<c>' })).to.contain('<R xmlns="urn:a&amp;b&quot;&lt;c&gt;">');
    });
  });

  describe('§6.3-§6.5 maps, lists, empty values', () => {
    it('sorts keys in code-point order (A < Z < _ < a)', () => {
      expect(inner({ a: '1', _: '2', Z: '3', B: '4' })).to.equal('<B>4</B><Z>3</Z><_>2</_><a>1</a>');
    });

    it('sorts by code point, not UTF-16 unit, beyond the BMP', () => {
      // U+F900 < U+10000 by code point, although U+10000's first UTF-16 unit (0xD800) is smaller.
      expect(inner({ '\u{10000}x': '1', '\uF900x': '2' })).to.equal('<\uF900x>2</\uF900x><\u{10000}x>1</\u{10000}x>');
    });

    it('a list repeats the element, no wrapper', () => {
      expect(inner({ TicketID: ['6', '2'] })).to.equal('<TicketID>6</TicketID><TicketID>2</TicketID>');
    });

    it('empty string, null, undefined and an empty map are <A /> with a space; "0" and 0 are text', () => {
      expect(inner({ A: '', B: null, C: undefined, D: {}, E: '0', F: 0, G: 0.5, H: -1 }))
        .to.equal('<A /><B /><C /><D /><E>0</E><F>0</F><G>0.5</G><H>-1</H>');
    });

    it('an empty list is an error; callers drop empty lists', () => {
      expect(serializeError(() => inner({ A: [] }))).to.equal("Error in SOAPOutputRecursion: Data type 'ARRAY (empty)' is invalid");
    });

    it('a list directly inside a list is an error', () => {
      expect(serializeError(() => inner({ A: ['1', ['2', '3']] }))).to.equal("Error in SOAPOutputRecursion: Data type 'ARRAY' inside 'ARRAY' is invalid");
      expect(serializeError(() => inner({ A: ['1', []] }))).to.equal("Error in SOAPOutputRecursion: Data type 'ARRAY (empty)' is invalid");
    });

    it('data that is not a map is OTRS\'s "Invalid data"', () => {
      expect(serializeError(() => writeResponse('R', 'text', OPTS))).to.equal('Invalid data');
      expect(serializeError(() => writeResponse('R', ['a'], OPTS))).to.equal('Invalid data');
    });

    it('writes prototype-free maps from the reader', () => {
      const m = Object.create(null) as SoapMap;
      m.B = 'b';
      m.A = 'a';
      expect(inner(m)).to.equal('<A>a</A><B>b</B>');
    });
  });

  describe('§6.6 text escaping', () => {
    it('escapes & < > but not quotes (OutputProcessString.t)', () => {
      expect(escapeText('a <string> & more')).to.equal('a &lt;string&gt; &amp; more');
      expect(escapeText('<![CDATA[Test]]>')).to.equal('&lt;![CDATA[Test]]&gt;');
      expect(escapeText('<[[https://example.com/Registration.html?ls=Email]]>')).to.equal('&lt;[[https://example.com/Registration.html?ls=Email]]&gt;');
      expect(escapeText('"Cust One" \'x\'')).to.equal('"Cust One" \'x\'');
    });

    it('removes the OTRS control characters', () => {
      expect(escapeText('Test1\x03 Test2\x08 Test3\x0C')).to.equal('Test1 Test2 Test3');
      let all = '';
      for (let c = 0x01; c <= 0x9f; c++) all += String.fromCharCode(c);
      const kept = escapeText(all).replace('&amp;', '&').replace('&lt;', '<').replace('&gt;', '>');
      let expected = '\t\n\r';
      for (let c = 0x20; c <= 0x7e; c++) expected += String.fromCharCode(c);
      expected += '\u0085';
      expect(kept).to.equal(expected);
    });

    it('also removes U+0000, U+FFFE, U+FFFF and lone surrogates, keeps real astral characters', () => {
      expect(escapeText('a\u0000b\uFFFEc\uFFFFd')).to.equal('abcd');
      expect(escapeText('x\uD800y\uDC00z')).to.equal('xyz');
      expect(escapeText('smile \u{1F600} ok')).to.equal('smile \u{1F600} ok');
    });

    it('returns plain text unchanged', () => {
      expect(escapeText('äöüß€ис plain')).to.equal('äöüß€ис plain');
    });

    it('a value that is only control characters becomes an empty element', () => {
      expect(inner({ A: '\x01\x02' })).to.equal('<A />');
    });

    it('non-ASCII is written raw (UTF-8 on the wire, §2.10)', () => {
      expect(inner({ Var: 'äöüß€ис' })).to.equal('<Var>äöüß€ис</Var>');
    });
  });

  describe('§6.7 element names are validated (decision)', () => {
    for (const bad of ['1abc', 'a b', 'a:b', '', '-x', 'a<b', 'a\u0000']) {
      it(`refuses ${JSON.stringify(bad)}`, () => {
        expect(serializeError(() => inner({ [bad]: '1' }))).to.equal(`Invalid element name '${bad}'`);
      });
    }

    it('refuses an invalid wrapper name', () => {
      expect(serializeError(() => writeResponse('1Response', {}, OPTS))).to.equal("Invalid element name '1Response'");
    });

    it('accepts XML names, non-ASCII included', () => {
      expect(inner({ Ärger: '1', _x: '2', 'a-b.c': '3', DynamicField_Foo: '4' }))
        .to.equal('<DynamicField_Foo>4</DynamicField_Foo><_x>2</_x><a-b.c>3</a-b.c><Ärger>1</Ärger>');
    });
  });

  describe('§6.8 empty response data', () => {
    it('{}, null and undefined give the nil wrapper, xmlns before xsi:nil', () => {
      for (const data of [{}, null, undefined]) {
        expect(writeResponse('TicketSearchResponse', data, OPTS))
          .to.equal(`${HEAD}<TicketSearchResponse xmlns="http://www.otrs.org/TicketConnector/" xsi:nil="true" />${TAIL}`);
      }
    });

    it('with NoNameSpace (Serialize.t: <MyOperationResponse xsi:nil="true" />)', () => {
      expect(writeResponse('MyOperationResponse', {}, { soapVersion: '1.1', namespace: null }))
        .to.equal(`${HEAD}<MyOperationResponse xsi:nil="true" />${TAIL}`);
    });
  });

  describe('Serialize.t (section C)', () => {
    it('Scalar and Scalar Unicode', () => {
      expect(inner({ Var: 1 })).to.equal('<Var>1</Var>');
      expect(inner({ Var: 'äöüß€ис' })).to.equal('<Var>äöüß€ис</Var>');
    });

    it('Hash', () => {
      expect(inner({ Var: { Number: 2, String: 'foo', Hash: { Key1: 1, Key2: 2 } } }))
        .to.equal('<Var><Hash><Key1>1</Key1><Key2>2</Key2></Hash><Number>2</Number><String>foo</String></Var>');
    });

    it('Hash Unicode', () => {
      expect(inner({ PriorityName: '5 sehr hoch', DataOut: { Blah: 'Fasel', Umlaut: 'äöüßÄÖÜ€ис' } }))
        .to.equal('<DataOut><Blah>Fasel</Blah><Umlaut>äöüßÄÖÜ€ис</Umlaut></DataOut><PriorityName>5 sehr hoch</PriorityName>');
    });

    it('Custom sorted hash', () => {
      const sort: SortSpec = [{ Var: [{ Number: null }, { String: null }, { Hash: [{ Key2: null }, { Key1: null }] }] }];
      expect(inner({ Var: { String: 'foo', Hash: { Key1: 1, Key2: 2 }, Number: 2 } }, sort))
        .to.equal('<Var><Number>2</Number><String>foo</String><Hash><Key2>2</Key2><Key1>1</Key1></Hash></Var>');
    });

    it('Array', () => {
      expect(inner({ Var: [1, 2, 3] })).to.equal('<Var>1</Var><Var>2</Var><Var>3</Var>');
    });

    it('Complex', () => {
      expect(inner({ Var: [1, { Hash: { Key1: [1, 2], Key3: 1, Key4: { Key5: 'Hash' } } }] }))
        .to.equal('<Var>1</Var><Var><Hash><Key1>1</Key1><Key1>2</Key1><Key3>1</Key3><Key4><Key5>Hash</Key5></Key4></Hash></Var>');
    });

    it('Complex sorted: a list item gets its key\'s sort spec', () => {
      const sort: SortSpec = [{ Var: [{ Hash: [{ Key3: null }, { Key4: [{ Key5: null }] }, { Key1: null }] }] }];
      expect(inner({ Var: [{ Hash: { Key1: [1, 2], Key3: 1, Key4: { Key5: 'Hash' } } }] }, sort))
        .to.equal('<Var><Hash><Key3>1</Key3><Key4><Key5>Hash</Key5></Key4><Key1>1</Key1><Key1>2</Key1></Hash></Var>');
    });

    it('ArrayRef inside ArrayRef fails', () => {
      expect(() => inner({ Var: [1, 'Hash', { Key1: [1, 2] }, [1, 2, 3]] })).to.throw(SerializeError);
    });
  });

  describe('Sort (§11)', () => {
    it('listed keys first in the given order, missing ones skipped, the rest in code-point order', () => {
      const sort: SortSpec = [{ Zeta: null }, { Missing: null }, { Alpha: '' }];
      expect(inner({ beta: '1', Alpha: '2', Zeta: '3', Gamma: '4' }, sort)).to.equal('<Zeta>3</Zeta><Alpha>2</Alpha><Gamma>4</Gamma><beta>1</beta>');
    });

    it('a key listed twice is written once; malformed entries are ignored', () => {
      const sort = [{ B: null }, { B: null }, { A: null, C: null }, {}] as SortSpec;
      expect(inner({ A: '1', B: '2', C: '3' }, sort)).to.equal('<B>2</B><A>1</A><C>3</C>');
    });

    it('applies to the Fault too, which is otherwise faultcode, faultstring', () => {
      expect(writeFault('x', { soapVersion: '1.1', namespace: null, sort: [{ faultstring: null }] }))
        .to.equal(`${HEAD}<Fault><faultstring>x</faultstring><faultcode>Server</faultcode></Fault>${TAIL}`);
    });
  });

  describe('§8.1 Fault', () => {
    it('faultcode Server without prefix, faultstring escaped', () => {
      expect(writeFault('a < b & "c"', OPTS)).to.equal(
        `${HEAD}<Fault xmlns="http://www.otrs.org/TicketConnector/"><faultcode>Server</faultcode><faultstring>a &lt; b &amp; "c"</faultstring></Fault>${TAIL}`);
    });

    it('an empty message (and Perl-false "0") is Unknown', () => {
      expect(writeFault('', OPTS)).to.contain('<faultstring>Unknown</faultstring>');
      expect(writeFault('0', OPTS)).to.contain('<faultstring>Unknown</faultstring>');
    });

    it('NoNameSpace gives a bare <Fault>; SOAP 1.2 keeps the shape in a 1.2 envelope', () => {
      expect(writeFault('x', { soapVersion: '1.1', namespace: null })).to.equal(`${HEAD}<Fault><faultcode>Server</faultcode><faultstring>x</faultstring></Fault>${TAIL}`);
      const v12 = writeFault('x', { soapVersion: '1.2', namespace: NS });
      expect(v12).to.contain('xmlns:soap="http://www.w3.org/2003/05/soap-envelope"');
      expect(v12).to.contain(`<Fault xmlns="${NS}"><faultcode>Server</faultcode><faultstring>x</faultstring></Fault>`);
    });
  });

  describe('round trips through the reader (SOAP.t T7a)', () => {
    it('empty maps come back as empty strings', () => {
      const data = { Element1: ['String1', {}], Element2: { String2: {}, String3: '' }, Element3: {} };
      const xml = writeResponse('PriorityIDNameResponse', data, OPTS);
      expect(xml).to.contain('<Element1>String1</Element1><Element1 /><Element2><String2 /><String3 /></Element2><Element3 />');
      const back = readEnvelope(Buffer.from(xml, 'utf8'), 'UTF-8').body!;
      expect(back).to.deep.equal({ PriorityIDNameResponse: { Element1: ['String1', ''], Element2: { String2: '', String3: '' }, Element3: '' } });
    });

    it('escaped text decodes back exactly (SOAP.t T4)', () => {
      const data = { DataOut: { Blah: 'Fasel', InvalidXML1: '<test>', InvalidXML2: 'test&test', Umlaut: 'äöüßÄÖÜ€ис' }, PriorityName: '5 sehr hoch' };
      const xml = writeResponse('PriorityIDNameResponse', data, OPTS);
      expect(xml).to.contain('<InvalidXML1>&lt;test&gt;</InvalidXML1><InvalidXML2>test&amp;test</InvalidXML2>');
      expect(readEnvelope(Buffer.from(xml, 'utf8'), 'UTF-8').body).to.deep.equal({ PriorityIDNameResponse: data });
    });
  });
});
