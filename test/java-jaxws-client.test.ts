// A Java integration built the standard way: `wsimport` generates JAX-WS stubs from the WSDL the server serves at
// <endpoint>?wsdl, javac compiles them with test/clients/java/OtrsCustomerUserUpdate.java against Debian's JAX-WS RI,
// and the client calls the server through the generated port (wrapper style, Holders for the outputs). The script
// test/clients/java/run.sh does all three steps and prints one JSON document with what the stub returned for every
// call, the HTTP status and the RI transport's dump of each exchange; this file checks it against the contract
// (docs/operations.md: CustomerUserUpdate, errors) and against the stored state.
//
// What only a generated Java client exercises: the WSDL must compile with wsimport/xjc (the CustomerUser record is
// a repeated choice of named fields plus a lax wildcard), the soapAction and element qualification come from the
// WSDL, and the response record must bind: the fixed fields by name as JAXBElement<String>, the dynamic ones
// (DynamicField_<Name>) as DOM elements, all in the service namespace.
import { expect } from 'chai';
import { join } from 'node:path';
import { NS } from './support/soap.js';
import { projectRoot, startServer, type RunningServer } from './support/server.js';
import { customerUserState, fieldTexts, sessionData, type CustomerUserState } from './support/state.js';
import { expectAnswered, expectInvalidValidID, expectTokenOfSessionUser, probe, runClientScript } from './support/client-run.js';

const script = join(projectRoot, 'test', 'clients', 'java', 'run.sh');
const DEBIAN_PACKAGES = 'openjdk-17-jdk-headless jaxws';

/** One item of the bound CustomerUser record, as the client saw it in the stub's List<Object>. */
interface RecordItem {
  Binding: 'JAXBElement' | 'Element' | string;
  Name?: string;
  Namespace?: string;
  Type?: string;
  Nil?: boolean;
  Value: string | null;
}

/** What the client reports for one call. */
interface JavaCall {
  Operation: string;
  HTTPStatus: number | null;
  Fault?: { faultcode: string; faultstring: string };
  TransportError?: string;
  ClientError?: string;
  Wire: { Request?: string; Response?: string };
  Error: { ErrorCode: string; ErrorMessage: string } | null;
  SessionID?: string | null;
  AccessToken?: string | null;
  ID?: string | null;
  CustomerUser?: { Items: RecordItem[] } | null;
}
interface JavaOutput {
  Versions: Record<string, string>;
  SessionCreate: JavaCall;
  AccessTokenCreate: JavaCall;
  UpdateWithSessionID: JavaCall;
  UpdateWithAccessToken: JavaCall;
  SessionCreateWrongPassword: JavaCall;
  UpdateInvalidValidID: JavaCall;
}

/** Generates, compiles and runs the client (run.sh) against the server's WSDL. */
function runClient(wsdlUrl: string): Promise<{ out: JavaOutput; stderr: string }> {
  return runClientScript<JavaOutput>('java', 'sh', [script, wsdlUrl], { timeout: 240000, maxBuffer: 32 * 1024 * 1024 });
}

/** A call that reached the operation and came back as a normal HTTP 200 response (business errors included). */
const answered = (call: JavaCall | undefined) => expectAnswered(call, ['TransportError', 'ClientError', 'Fault'], (c) => `\n${c.Wire?.Response}`);

/** The SOAPAction header the stub sent (from the RI's dump of the request). */
function soapActionSent(call: JavaCall): string | undefined {
  return /^SOAPAction: (.*)$/m.exec(call.Wire.Request ?? '')?.[1];
}

/** The record's items grouped by element name, in document order. */
function byName(items: RecordItem[]): Map<string, RecordItem[]> {
  const m = new Map<string, RecordItem[]>();
  for (const it of items) {
    expect(it.Name, `an item without an element name: ${JSON.stringify(it)}`).to.be.a('string');
    m.set(it.Name!, [...(m.get(it.Name!) ?? []), it]);
  }
  return m;
}

/** A successful CustomerUserUpdate: ID and the bound record, checked for qualification and binding kind. */
function updated(call: JavaCall | undefined, fixedFields: Set<string>): Map<string, RecordItem[]> {
  const c = answered(call);
  expect(c.Error, `unexpected Error: ${JSON.stringify(c.Error)}`).to.equal(null);
  expect(c.ID).to.equal('cust1');
  expect(c.CustomerUser, 'CustomerUser record').to.be.an('object');
  const items = c.CustomerUser!.Items;
  expect(items).to.be.an('array').that.is.not.empty;
  for (const it of items) {
    // elementFormDefault="qualified": every child of the record is in the service namespace.
    expect(it.Namespace, `namespace of ${it.Name}`).to.equal(NS);
    if (fixedFields.has(it.Name!)) {
      expect(it.Binding, `${it.Name} is declared in the WSDL and must bind by name`).to.equal('JAXBElement');
      expect(it.Type).to.equal('java.lang.String');
      expect(it.Nil).to.equal(false);
    } else {
      expect(it.Binding, `${it.Name} is not declared in the WSDL and must come through the lax wildcard`).to.equal('Element');
    }
  }
  const rec = byName(items);
  expect(rec.has('UserPassword')).to.equal(false);
  expect(rec.has('PasswordHistoryData')).to.equal(false);
  return rec;
}

/** The single value of a record field, or all values of a repeated one. */
const one = (rec: Map<string, RecordItem[]>, name: string) => {
  const items = rec.get(name);
  expect(items, `record field ${name}`).to.be.an('array').with.lengthOf(1);
  return items![0].Value;
};
const all = (rec: Map<string, RecordItem[]>, name: string) => (rec.get(name) ?? []).map((i) => i.Value);

describe('Java JAX-WS client generated by wsimport from the served WSDL', function () {
  // wsimport, javac and three JVM starts: a few seconds when warm, tens of seconds on a cold, busy machine.
  this.timeout(300000);
  let server: RunningServer;
  let out: JavaOutput;
  let stderr: string;
  let wsdl: string;
  let fixedFields: Set<string>;
  let initial: CustomerUserState;   // cust1 before the client runs

  before(async function () {
    const missing = ['java', 'javac', 'wsimport'].filter((tool) => probe(tool, ['-version']).failure !== undefined);
    if (missing.length > 0) {
      throw new Error(`${missing.join(', ')} not found: this test needs Debian's JDK and JAX-WS RI: `
        + `apt-get install -y --no-install-recommends ${DEBIAN_PACKAGES}`);
    }
    server = await startServer();
    initial = customerUserState(server, 'cust1');
    wsdl = await (await fetch(server.wsdlUrl)).text();
    // The names the WSDL declares in the record (everything else must arrive through the wildcard).
    const recordType = /<xsd:complexType name="OTRS_CustomerUser">([\s\S]*?)<\/xsd:complexType>/.exec(wsdl);
    expect(recordType, 'OTRS_CustomerUser in the served WSDL').to.not.equal(null);
    fixedFields = new Set([...recordType![1].matchAll(/<xsd:element name="([^"]+)"/g)].map((m) => m[1]));
    ({ out, stderr } = await runClient(server.wsdlUrl));
  });

  after(async function () {
    await server?.stop();
  });

  it('generated, compiled and ran against the served WSDL with the JAX-WS RI', function () {
    expect(stderr, 'wsimport errors').not.to.match(/\[ERROR\]/);
    expect(out.Versions.JAXWSProvider).to.equal('com.sun.xml.ws.spi.ProviderImpl');
    expect(out.Versions.Endpoint).to.equal(server.endpoint);
    expect(initial.row, 'demo data must contain customer user cust1').to.be.an('object');
    expect(fixedFields.size, 'named fields of OTRS_CustomerUser').to.be.greaterThan(10);
  });

  describe('SessionCreate', function () {
    it('returns a 32-character SessionID that the server stored for the agent, with the WSDL soapAction', function () {
      const c = answered(out.SessionCreate);
      expect(c.Error).to.equal(null);
      expect(c.SessionID).to.match(/^[A-Za-z0-9]{32}$/);
      const action = /<wsdl:operation name="SessionCreate">\s*<soap:operation soapAction="([^"]+)"/.exec(wsdl)?.[1];
      expect(soapActionSent(c)).to.equal(`"${action}"`);
      const data = sessionData(server, c.SessionID!);
      expect(data.UserLogin).to.equal('demo-agent');
      expect(data.UserType).to.equal('User');
      expect(data.UserRemoteUserAgent).to.match(/^JAX-WS RI /);
    });

    it('answers a wrong password with the Error block, HTTP 200, not a fault, and no SessionID', function () {
      const c = answered(out.SessionCreateWrongPassword);
      expect(c.Error).to.deep.equal({ ErrorCode: 'SessionCreate.AuthFail', ErrorMessage: 'SessionCreate: Authorization failing!' });
      expect(c.SessionID).to.equal(null);
    });
  });

  describe('AccessTokenCreate', function () {
    it('returns a token whose id the server stored for the same agent', function () {
      const c = answered(out.AccessTokenCreate);
      expect(c.Error).to.equal(null);
      expectTokenOfSessionUser(server, c.AccessToken, out.SessionCreate.SessionID!);
    });
  });

  describe('CustomerUserUpdate with the SessionID', function () {
    it('sent only the parameters given (null parameters omitted, not xsi:nil) and the two Skills values', function () {
      const request = out.UpdateWithSessionID.Wire.Request ?? '';
      expect(request).to.contain('<DynamicField><Name>Skills</Name><Value>SQL</Value><Value>Perl</Value></DynamicField>');
      expect(request).not.to.match(/nil="/);
    });

    it('binds the returned record: fixed fields by name, dynamic fields as DOM elements, all qualified', function () {
      const rec = updated(out.UpdateWithSessionID, fixedFields);
      expect(one(rec, 'UserLogin')).to.equal('cust1');
      expect(one(rec, 'UserFirstname')).to.equal('Ada');
      expect(one(rec, 'UserLastname')).to.equal('Müller');
      expect(one(rec, 'UserFullname')).to.equal('Ada Müller');
      expect(one(rec, 'UserTimeZone')).to.equal('Europe/Berlin');
      expect(one(rec, 'DynamicField_Department')).to.equal('Research & Development <R&D>');
      expect(all(rec, 'DynamicField_Skills')).to.deep.equal(['SQL', 'Perl']);
      expect(rec.get('DynamicField_Skills')!.every((i) => i.Binding === 'Element')).to.equal(true);
    });
  });

  describe('CustomerUserUpdate with the AccessToken', function () {
    it('updates and returns the record as stored', function () {
      const rec = updated(out.UpdateWithAccessToken, fixedFields);
      const row = customerUserState(server, 'cust1').row!;
      expect(one(rec, 'UserFirstname')).to.equal('Ada Augusta').and.equal(row.first_name);
      expect(one(rec, 'UserLastname')).to.equal('Müller').and.equal(row.last_name);
      expect(one(rec, 'UserEmail')).to.equal(row.email);
      expect(one(rec, 'UserCustomerID')).to.equal(row.customer_id);
      expect(one(rec, 'ValidID')).to.equal(String(row.valid_id));
      expect(one(rec, 'ChangeTime')).to.equal(row.change_time);
      expect(one(rec, 'DynamicField_Department')).to.equal('Qualität & Test');
      expect(all(rec, 'DynamicField_Skills')).to.deep.equal(['SQL', 'Perl']);
      expect(one(rec, 'UserTimeZone')).to.equal('Europe/Berlin');
    });

    it('stored names, dynamic field values and the preference as UTF-8 text', function () {
      const stored = customerUserState(server, 'cust1');
      const row = stored.row!;
      expect(row.first_name).to.equal('Ada Augusta');
      expect(row.last_name).to.equal('Müller');
      expect(row.valid_id).to.equal(initial.row!.valid_id);
      expect(fieldTexts(stored)).to.deep.equal([
        { name: 'Department', value_text: 'Qualität & Test' },
        { name: 'Skills', value_text: 'SQL' },
        { name: 'Skills', value_text: 'Perl' },
      ]);
      expect(stored.preferences).to.deep.include({ preferences_key: 'UserTimeZone', preferences_value: 'Europe/Berlin' });
    });
  });

  describe('CustomerUserUpdate with ValidID 7', function () {
    it('reaches the server (JAXB does not enforce the WSDL restriction) and gets the Error block, HTTP 200', function () {
      const c = answered(out.UpdateInvalidValidID);
      expect(c.Wire.Request).to.contain('<ValidID>7</ValidID>');
      expectInvalidValidID(c.Error);
      expect(c.CustomerUser).to.equal(null);
      expect(c.ID, 'the ID Holder (INOUT) is emptied by a response without ID').to.equal(null);
    });

    it('changed nothing: the row still holds what the AccessToken update wrote', function () {
      const row = customerUserState(server, 'cust1').row!;
      expect(row.first_name).to.equal('Ada Augusta');
      expect(row.last_name).to.equal('Müller');
      expect(row.valid_id).to.equal(initial.row!.valid_id);
      expect(row.change_time).to.equal(one(updated(out.UpdateWithAccessToken, fixedFields), 'ChangeTime'));
    });
  });
});
