// The fuzzing property (issue 6.6), shared by `npm run fuzz` (test/fuzz/run.ts, 100,000 cases) and the small
// budget in `npm test` (test/fuzz.test.ts). Envelopes are generated from the WSDL (node-soap's description of
// every operation's input), filled with realistic, hostile and random values, then possibly mutated: bytes
// flipped, inserted, cut; markup injected (DOCTYPE, entities, CDATA, comments, attributes); namespaces, SOAP
// version, SOAPAction and charset varied. The property, per case:
//   - the answer is one the server defines: 200 with a SOAP response, 500 with the OTRS Fault or OTRS's plain
//     "Error deserializing message", 411 or 413 (nothing else, no reset, no hang);
//   - the server process is still running;
//   - a rejected request (anything but a 200 without <Error>) changed no data: SQLite's data_version, read on
//     a separate connection, moves whenever another connection commits.
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { openTestDatabase } from '../support/database.js';
import fc from 'fast-check';
import soap from 'soap';
import { projectRoot, type RunningServer } from '../support/server.js';
import { call } from '../support/soap.js';

const NS = 'http://www.otrs.org/TicketConnector/';
const WSDL = join(projectRoot, 'wsdl', 'GenericTicketConnectorSOAP.wsdl');

/** An operation's input as node-soap describes it: field -> type, or a nested record; `Name[]` repeats. */
type Shape = { [field: string]: string | Shape };
export interface Operation { name: string; input: Shape }

export interface FuzzCase { operation: string; body: Buffer; soapAction: string | null; contentType: string }

export interface FuzzContext {
  server: RunningServer;
  operations: Operation[];
  check: (c: FuzzCase) => Promise<string | null>;
  /** How the answers fell out: accepted, business error, Fault, plain 500, 411/413. */
  outcomes: Record<string, number>;
  close: () => void;
}

export async function loadOperations(): Promise<Operation[]> {
  const client = await soap.createClientAsync(WSDL);
  const ports = Object.values(client.describe() as Record<string, Record<string, Record<string, { input: Shape }>>>);
  return Object.entries(Object.values(ports[0])[0]).map(([name, op]) => ({ name, input: op.input }));
}

// ---------------------------------------------------------------------------------------------------------
// Values

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Data values as text (already escaped) or nil. Existing logins never appear as credentials (see below). */
const dataValue = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('cust1', 'cust2', 'ACME', 'Carla', 'Department', 'Skills', 'SQL', 'Perl', '1', '2', '3', '0', '', '*', 'cust*', 'a*b', 'Up', 'Down', 'UserLogin', 'x@acme-demo.test', 'Europe/Berlin', '2026-01-01 00:00:00').map(escape) },
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }).map(escape) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }).map(escape) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }).map(escape) },
  { weight: 1, arbitrary: fc.integer().map(String) },
  { weight: 1, arbitrary: fc.nat(300).map((n) => 'x'.repeat(n * 3)) },
  { weight: 1, arbitrary: fc.constantFrom('&amp;&lt;&gt;&quot;&apos;', '&#0;', '&#xD800;', '&#65;&#x1F600;', '<![CDATA[a<b]]>', '<!-- c -->', ']]>', '\r\n\t ', '%s%n', "'; DROP TABLE customer_user; --") },
  { weight: 1, arbitrary: fc.constant(null) },
);

/** Credentials: the fuzz session most of the time (so requests reach deep), else junk that matches no account. */
function credential(field: string): fc.Arbitrary<string | null> {
  if (field === 'SessionID') return fc.oneof({ weight: 6, arbitrary: fc.constant('@SESSION@') }, { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map(escape) });
  return fc.oneof(fc.constant(null), fc.string({ maxLength: 20 }).map((s) => escape(`zz-${s}`)));
}

const CREDENTIALS = new Set(['SessionID', 'UserLogin', 'Password', 'AccessToken', 'TwoFactorToken']);
const SESSION_OPERATIONS = new Set(['SessionCreate', 'SessionGet', 'SessionRemove', 'AccessTokenCreate']);

/** The XML of one operation's input: each field maybe present, repeated ones 0..3 times, nil as xsi:nil. */
function inputXml(op: Operation): fc.Arbitrary<string> {
  const field = (name: string, type: string | Shape, depth: number): fc.Arbitrary<string> => {
    const repeated = name.endsWith('[]');
    const tag = repeated ? name.slice(0, -2) : name;
    if (tag === 'targetNSAlias' || tag === 'targetNamespace') return fc.constant('');
    // In the session operations CustomerUserLogin is a credential too; a real login there would count a failure.
    const isCredential = CREDENTIALS.has(tag) || (tag === 'CustomerUserLogin' && SESSION_OPERATIONS.has(op.name));
    // The fuzz session must survive: SessionRemove's SessionID is data (junk), never the session.
    const value: fc.Arbitrary<string> = typeof type === 'object'
      ? (depth > 3 ? fc.constant('') : record(type, depth + 1))
      : (isCredential && !(tag === 'SessionID' && op.name === 'SessionRemove') ? credential(tag) : dataValue)
        .map((v) => (v === null ? `<${tag} xsi:nil="true"/>` : `<${tag}>${v}</${tag}>`));
    const element = typeof type === 'object' ? value.map((inner) => `<${tag}>${inner}</${tag}>`) : value;
    return repeated ? fc.array(element, { maxLength: 3 }).map((a) => a.join('')) : fc.option(element, { freq: 2, nil: '' }).map((v) => v ?? '');
  };
  const record = (shape: Shape, depth: number): fc.Arbitrary<string> =>
    fc.tuple(...Object.entries(shape).map(([n, t]) => field(n, t, depth))).map((parts) => parts.join(''));
  return record(op.input, 0);
}

// ---------------------------------------------------------------------------------------------------------
// Envelopes and mutations

const ENVELOPE_11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const ENVELOPE_12 = 'http://www.w3.org/2003/05/soap-envelope';

const envelopeStyle = fc.record({
  soap12: fc.boolean(),
  prefix: fc.constantFrom('soap', 'SOAP-ENV', 's', ''),
  namespace: fc.constantFrom(NS, NS, NS, 'urn:wrong', ''),
  declaration: fc.constantFrom('<?xml version="1.0" encoding="UTF-8"?>', '', '<?xml version="1.0"?>', '<?xml version="1.0" encoding="ISO-8859-1"?>'),
  header: fc.constantFrom('', '<Header><x>1</x></Header>'),
});

type Mutation =
  | { kind: 'none' }
  | { kind: 'flip'; at: number; bits: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'inject'; at: number; text: string }
  | { kind: 'duplicate'; at: number; length: number };

const INJECTIONS = [
  '<!DOCTYPE x [<!ENTITY e "boom">]>', '&e;', '&lol;', '<![CDATA[', ']]>', '<!--', '-->', '<?pi x?>', '<a>', '</a>', '<a/>',
  ' xsi:type="xsd:base64Binary"', ' xsi:nil="true"', ' soapenc:arrayType="xsd:string[2]"', ' xmlns="urn:x"', ' xmlns:soap="urn:y"',
  '\u0000', '\uFFFE', '\uD800', '<SessionID>x</SessionID>', '<Body>', '</soap:Body>', '<DynamicField><Name>Skills</Name><Value>Nope</Value></DynamicField>',
];

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 8, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bits: fc.integer({ min: 1, max: 255 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('inject' as const), at: fc.nat(), text: fc.constantFrom(...INJECTIONS) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 200 }) }) },
);

function mutate(body: Buffer, m: Mutation): Buffer {
  if (m.kind === 'none' || body.length === 0) return body;
  const at = m.at % body.length;
  switch (m.kind) {
    case 'flip': { const b = Buffer.from(body); b[at] ^= m.bits; return b; }
    case 'insert': return Buffer.concat([body.subarray(0, at), Buffer.from(m.bytes), body.subarray(at)]);
    case 'delete': return Buffer.concat([body.subarray(0, at), body.subarray(at + m.length)]);
    case 'truncate': return body.subarray(0, at);
    case 'inject': return Buffer.concat([body.subarray(0, at), Buffer.from(m.text, 'utf8'), body.subarray(at)]);
    case 'duplicate': return Buffer.concat([body.subarray(0, at + m.length), body.subarray(at)]);
  }
}

/** Half the cases are well-formed requests with the right headers (they reach the operations), half hostile. */
const cleanStyle = fc.record({
  soap12: fc.constant(false), prefix: fc.constantFrom('soap', 'SOAP-ENV'), namespace: fc.constant(NS),
  declaration: fc.constantFrom('<?xml version="1.0" encoding="UTF-8"?>', ''), header: fc.constant(''),
});

export function caseArbitrary(operations: Operation[]): fc.Arbitrary<FuzzCase> {
  return fc.tuple(fc.constantFrom(...operations), fc.boolean()).chain(([op, hostile]) => fc.record({
    op: fc.constant(op),
    inner: inputXml(op),
    style: hostile ? envelopeStyle : cleanStyle,
    mutations: hostile ? fc.array(mutation, { maxLength: 3 }) : fc.constant([]),
    soapAction: hostile
      ? fc.constantFrom(`"${NS}#${op.name}"`, `${NS}${op.name}`, '""', null, `"${NS}#SessionGet"`, '"urn:x#y"')
      : fc.constant(`"${NS}#${op.name}"`),
    contentType: hostile
      ? fc.constantFrom('text/xml', 'text/xml; charset=ISO-8859-1', 'application/soap+xml; charset=utf-8', 'text/xml; charset=utf-16', 'text/xml; charset=bogus')
      : fc.constant('text/xml; charset=UTF-8'),
  })).map(({ op, inner, style, mutations, soapAction, contentType }) => {
    const p = style.prefix ? `${style.prefix}:` : '';
    const xmlns = style.prefix ? `xmlns:${style.prefix}` : 'xmlns';
    const envNs = style.soap12 ? ENVELOPE_12 : ENVELOPE_11;
    const opNs = style.namespace ? ` xmlns="${style.namespace}"` : '';
    const header = style.header ? style.header.replace(/<(\/?)Header>/g, `<$1${p}Header>`) : '';
    const xml = `${style.declaration}<${p}Envelope ${xmlns}="${envNs}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/">`
      + `${header}<${p}Body><${op.name}${opNs}>${inner}</${op.name}></${p}Body></${p}Envelope>`;
    // The session placeholder is filled in at send time, so a shrunk case replays with the current session.
    let body: Buffer = Buffer.from(xml, 'utf8');
    for (const m of mutations) body = mutate(body, m);
    return { operation: op.name, body, soapAction, contentType };
  });
}

// ---------------------------------------------------------------------------------------------------------
// The check

const DEFINED_PLAIN = [/^Error deserializing message:\n/, /^Could not read input data$/, /^Got no result body from deserialized content$/, /^Length Required$/, /^Request Entity Too Large$/];

interface Answer { status: number; contentType: string; text: string }

function send(url: string, agent: Agent, c: FuzzCase, body: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'Content-Type': c.contentType, 'Content-Length': String(body.length) };
    if (c.soapAction !== null) headers.SOAPAction = c.soapAction;
    const req = request(url, { method: 'POST', agent, headers, timeout: 15_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 15 s')));
    req.on('error', reject);
    req.end(body);
  });
}

/** What is wrong with an answer, or null when it is one the server defines. */
export function undefinedAnswer(a: Answer): string | null {
  if (a.status === 200) {
    return /^<\?xml version="1.0" encoding="UTF-8"\?><(\w+):Envelope [^>]*><\1:Body><\w+Response[\s>/]/.test(a.text)
      ? null : `200 without a SOAP response: ${a.text.slice(0, 300)}`;
  }
  if (a.status === 411 || a.status === 413) return null;
  if (a.status === 500) {
    if (/<faultcode>[^<]*<\/faultcode><faultstring>[^<]*<\/faultstring>/.test(a.text) || /<(?:\w+:)?Code>/.test(a.text)) return null;
    if (DEFINED_PLAIN.some((re) => re.test(a.text))) return null;
    return `500 that is neither the Fault nor a defined plain answer: ${a.text.slice(0, 300)}`;
  }
  return `unexpected status ${a.status}: ${a.text.slice(0, 300)}`;
}

export async function fuzzContext(server: RunningServer): Promise<FuzzContext> {
  const operations = await loadOperations();
  const login = async () => (await call(server.endpoint, 'SessionCreate', '<UserLogin>demo-agent</UserLogin><Password>DemoAgent1!</Password>')).data.SessionID as string;
  let sessionId = await login();
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const db = openTestDatabase(server.dbPath, { readonly: true });
  const dataVersion = () => db.dataVersion();
  let cases = 0;
  const outcomes: Record<string, number> = {};

  const check = async (c: FuzzCase): Promise<string | null> => {
    // A fresh session now and then: an accepted update may have taken the agent's rights or the session away.
    if (++cases % 2000 === 0) sessionId = await login();
    const body = Buffer.from(c.body.toString('latin1').split('@SESSION@').join(sessionId), 'latin1');
    const before = dataVersion();
    let answer: Answer;
    try {
      answer = await send(server.endpoint, agent, c, body);
    } catch (e) {
      return `no answer (${(e as Error).message}) to ${c.operation}`;
    }
    if (server.child.exitCode !== null || server.child.signalCode !== null) return `the server exited (${server.child.exitCode ?? server.child.signalCode})`;
    const wrong = undefinedAnswer(answer);
    if (wrong) return `${c.operation}: ${wrong}`;
    const rejected = answer.status !== 200 || /<Error>/.test(answer.text);
    const outcome = answer.status === 200 ? (rejected ? 'business error' : 'accepted') : answer.status === 500 ? (/<faultcode>/.test(answer.text) ? 'Fault' : 'plain 500') : String(answer.status);
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    if (rejected && dataVersion() !== before) return `${c.operation} was rejected (${answer.status}) but changed data: ${answer.text.slice(0, 300)}`;
    return null;
  };
  return { server, operations, check, outcomes, close: () => { db.close(); agent.destroy(); } };
}

/** Runs `numRuns` cases; returns fast-check's report (null when nothing was found). */
export async function runFuzz(ctx: FuzzContext, numRuns: number, seed: number, onProgress?: (done: number) => void): Promise<string | null> {
  let done = 0;
  const property = fc.asyncProperty(caseArbitrary(ctx.operations), async (c) => {
    const finding = await ctx.check(c);
    if (onProgress && ++done % 1000 === 0) onProgress(done);
    if (finding) throw new Error(finding);
  });
  const details = await fc.check(property, { numRuns, seed, endOnFailure: false, markInterruptAsFailure: true });
  if (!details.failed) return null;
  const example = details.counterexample?.[0] as FuzzCase | undefined;
  return [
    `Finding after ${details.numRuns} cases (seed ${seed}, path ${details.counterexamplePath}, shrunk ${details.numShrinks} times):`,
    String(details.errorInstance instanceof Error ? details.errorInstance.message : details.errorInstance),
    example ? `operation ${example.operation}, SOAPAction ${example.soapAction}, Content-Type ${example.contentType}\nbody (latin1): ${JSON.stringify(example.body.toString('latin1'))}` : '',
  ].join('\n');
}
