// SOAPAction rules and operation naming, as OTRS's and Znuny's SOAP transports apply them.
import { expect } from 'chai';
import {
  checkNamespace, checkOperationMatch, checkSoapActionValue, firstBodyOperation, localOperationName, parseSoapAction, responseName,
  type SoapActionConfig,
} from '../../src/transport/soap/soap-action.js';
import type { SoapMap } from '../../src/transport/soap/xml-reader.js';

const NS = 'http://otrs.org/SoapTestInterface/';
const OP = 'PriorityIDName';
const TC = 'http://www.otrs.org/TicketConnector/';

type Outcome = { fault: string } | { local: string; response: string };

/**
 * The provider's steps 5, 11, 12, 13 and 14 (§3) in order, the first failure wins. Step 14 (operation configured)
 * belongs to the provider; here a list of configured operations stands in for it.
 */
function pipeline(cfg: SoapActionConfig, header: string | undefined, bodyOperation: string, configured: string[] = [OP]): Outcome {
  const parsed = parseSoapAction(header, cfg);
  const nsFault = checkNamespace(parsed, cfg);
  if (nsFault) return { fault: nsFault };
  const mismatch = checkOperationMatch(parsed, bodyOperation, cfg);
  if (mismatch) return { fault: mismatch };
  const local = localOperationName(bodyOperation, cfg);
  const valueFault = checkSoapActionValue(header, local, cfg);
  if (valueFault) return { fault: valueFault };
  if (!configured.includes(local)) return { fault: 'Got no OperationType!' };
  return { local, response: responseName(local, cfg) };
}

const ok = (response: string, local = OP): Outcome => ({ local, response });
const fault = (text: string): Outcome => ({ fault: text });
const q = (s: string) => `"${s}"`;

describe('soap-action', () => {
  describe('§4.2 parseSoapAction (Znuny)', () => {
    const cfg: SoapActionConfig = { NameSpace: TC };
    const cases: Array<[string | undefined, { namespace?: string; operation?: string }]> = [
      [q(`${TC}#SessionCreate`), { namespace: TC, operation: 'SessionCreate' }],
      [q(`${TC}/SessionCreate`), { namespace: TC, operation: 'SessionCreate' }],
      [q('http://www.otrs.org/TicketConnector/SessionCreate'), { namespace: 'http://www.otrs.org/TicketConnector', operation: 'SessionCreate' }],
      [q('http://www.otrs.org/TicketConnector#SessionCreate'), { namespace: 'http://www.otrs.org/TicketConnector', operation: 'SessionCreate' }],
      [`'${TC}#SessionCreate'`, { namespace: TC, operation: 'SessionCreate' }],
      [`${TC}#SessionCreate`, { namespace: TC, operation: 'SessionCreate' }],
      [q('http://example.com/other#SessionCreate'), { namespace: 'http://example.com/other', operation: 'SessionCreate' }],
      [q('a#b/c#Op'), { namespace: 'a#b/c', operation: 'Op' }],
      [q('SessionCreate'), { operation: 'SessionCreate' }],
      ['SessionCreate', {}],
      ['""', {}],
      ["''", {}],
      ['', {}],
      [undefined, {}],
      ['0', {}],
      [q('/PriorityIDName'), { namespace: '"', operation: 'PriorityIDName' }],
    ];
    for (const [header, expected] of cases) {
      it(`${JSON.stringify(header)} -> ${JSON.stringify(expected)}`, () => {
        expect(parseSoapAction(header, cfg)).to.deep.equal(expected);
      });
    }

    it('is skipped entirely with NoNameSpace', () => {
      expect(parseSoapAction(q(`${TC}#SessionCreate`), { NameSpace: TC, NoNameSpace: true })).to.deep.equal({});
    });
  });

  describe('default web service (NS http://www.otrs.org/TicketConnector/, no SOAPAction keys), Znuny texts', () => {
    const cfg: SoapActionConfig = { NameSpace: TC };
    const sc = ['SessionCreate'];

    it('SOAP::Lite form NS#Op is accepted', () => {
      expect(pipeline(cfg, q(`${TC}#SessionCreate`), 'SessionCreate', sc)).to.deep.equal(ok('SessionCreateResponse', 'SessionCreate'));
    });

    it('NS//Op is accepted (the NS/Op alternative)', () => {
      expect(pipeline(cfg, q(`${TC}/SessionCreate`), 'SessionCreate', sc)).to.deep.equal(ok('SessionCreateResponse', 'SessionCreate'));
    });

    it('golden 16: header operation differs from the body operation', () => {
      expect(pipeline(cfg, q(`${TC}#TicketGet`), 'SessionCreate', sc))
        .to.deep.equal(fault("Operation from SOAP data 'SessionCreate' does not match operation from SOAPAction 'TicketGet'"));
    });

    it('golden 17: the WSDL form is rejected by the namespace check', () => {
      expect(pipeline(cfg, q('http://www.otrs.org/TicketConnector/SessionCreate'), 'SessionCreate', sc)).to.deep.equal(fault(
        "Namespace from SOAPAction 'http://www.otrs.org/TicketConnector' does not match namespace from configuration 'http://www.otrs.org/TicketConnector/'"));
    });

    it('NS without slash and # is rejected too', () => {
      expect(pipeline(cfg, q('http://www.otrs.org/TicketConnector#SessionCreate'), 'SessionCreate', sc)).to.deep.equal(fault(
        "Namespace from SOAPAction 'http://www.otrs.org/TicketConnector' does not match namespace from configuration 'http://www.otrs.org/TicketConnector/'"));
    });

    it('golden 18: another namespace', () => {
      expect(pipeline(cfg, q('http://example.com/other#SessionCreate'), 'SessionCreate', sc)).to.deep.equal(fault(
        "Namespace from SOAPAction 'http://example.com/other' does not match namespace from configuration 'http://www.otrs.org/TicketConnector/'"));
    });

    it('golden 19/20: "" and a missing header skip every check', () => {
      expect(pipeline(cfg, '""', 'SessionCreate', sc)).to.deep.equal(ok('SessionCreateResponse', 'SessionCreate'));
      expect(pipeline(cfg, "''", 'SessionCreate', sc)).to.deep.equal(ok('SessionCreateResponse', 'SessionCreate'));
      expect(pipeline(cfg, '', 'SessionCreate', sc)).to.deep.equal(ok('SessionCreateResponse', 'SessionCreate'));
      expect(pipeline(cfg, undefined, 'SessionCreate', sc)).to.deep.equal(ok('SessionCreateResponse', 'SessionCreate'));
    });

    it('"Op" passes the namespace and operation checks, then fails the value check', () => {
      expect(pipeline(cfg, q('SessionCreate'), 'SessionCreate', sc))
        .to.deep.equal(fault(`SOAPAction 'SessionCreate' does not match expected result '${TC}#SessionCreate'`));
    });

    it('an unquoted Op without separator fails the value check', () => {
      expect(pipeline(cfg, 'SessionCreate', 'SessionCreate', sc))
        .to.deep.equal(fault(`SOAPAction 'SessionCreate' does not match expected result '${TC}#SessionCreate'`));
    });

    it('golden 09/10: an unknown operation passes the SOAPAction checks and fails at the operation lookup', () => {
      expect(pipeline(cfg, q(`${TC}#NoSuchOperation`), 'NoSuchOperation', sc)).to.deep.equal(fault('Got no OperationType!'));
      expect(pipeline(cfg, undefined, 'NoSuchOperation', sc)).to.deep.equal(fault('Got no OperationType!'));
    });

    it('a web service saved through the GUI (separator #) accepts NS+Op in the value check, but Znuny\'s namespace check still rejects the WSDL form', () => {
      const saved: SoapActionConfig = { NameSpace: TC, SOAPActionSeparator: '#' };
      expect(checkSoapActionValue(q('http://www.otrs.org/TicketConnector/SessionCreate'), 'SessionCreate', saved)).to.equal(null);
      expect(pipeline(saved, q('http://www.otrs.org/TicketConnector/SessionCreate'), 'SessionCreate', sc)).to.have.property('fault')
        .that.matches(/^Namespace from SOAPAction/);
    });
  });

  describe('LenientSOAPAction (project option, §4.6)', () => {
    const cfg: SoapActionConfig = { NameSpace: TC, LenientSOAPAction: true };
    const sc = ['SessionCreate'];

    it('accepts the WSDL form NS-without-slash/Op in both the namespace and the value check', () => {
      const header = q('http://www.otrs.org/TicketConnector/SessionCreate');
      expect(checkNamespace(parseSoapAction(header, cfg), cfg)).to.equal(null);
      expect(checkSoapActionValue(header, 'SessionCreate', cfg)).to.equal(null);
      expect(pipeline(cfg, header, 'SessionCreate', sc)).to.deep.equal(ok('SessionCreateResponse', 'SessionCreate'));
    });

    it('accepts NS-without-slash#Op', () => {
      expect(pipeline(cfg, q('http://www.otrs.org/TicketConnector#SessionCreate'), 'SessionCreate', sc)).to.deep.equal(ok('SessionCreateResponse', 'SessionCreate'));
    });

    it('still accepts the exact forms', () => {
      expect(pipeline(cfg, q(`${TC}#SessionCreate`), 'SessionCreate', sc)).to.deep.equal(ok('SessionCreateResponse', 'SessionCreate'));
      expect(pipeline(cfg, undefined, 'SessionCreate', sc)).to.deep.equal(ok('SessionCreateResponse', 'SessionCreate'));
    });

    it('the header operation must still equal the body operation', () => {
      expect(pipeline(cfg, q('http://www.otrs.org/TicketConnector/TicketGet'), 'SessionCreate', sc))
        .to.deep.equal(fault("Operation from SOAP data 'SessionCreate' does not match operation from SOAPAction 'TicketGet'"));
      expect(checkSoapActionValue(q('http://www.otrs.org/TicketConnector/TicketGet'), 'SessionCreate', cfg))
        .to.equal(`SOAPAction 'http://www.otrs.org/TicketConnector/TicketGet' does not match expected result '${TC}#SessionCreate'`);
    });

    it('another namespace is still rejected', () => {
      expect(pipeline(cfg, q('http://example.com/other#SessionCreate'), 'SessionCreate', sc)).to.have.property('fault').that.matches(/^Namespace from SOAPAction 'http:\/\/example.com\/other'/);
      expect(pipeline(cfg, q('http://www.otrs.org/TicketConnectorX/SessionCreate'), 'SessionCreate', sc)).to.have.property('fault').that.matches(/^Namespace/);
    });

    it('does not widen the other schemes', () => {
      const opScheme: SoapActionConfig = { NameSpace: TC, LenientSOAPAction: true, SOAPActionScheme: 'Operation' };
      expect(checkSoapActionValue(q('http://www.otrs.org/TicketConnector/SessionCreate'), 'SessionCreate', opScheme))
        .to.equal("SOAPAction 'http://www.otrs.org/TicketConnector/SessionCreate' does not match expected result 'SessionCreate'");
    });
  });

  describe('A2 response naming (ResponseNameScheme, §7)', () => {
    const cases: Array<[string, Partial<SoapActionConfig>, string]> = [
      ['T9 Plain ignores FreeText', { ResponseNameScheme: 'Plain', ResponseNameFreeText: 'WillBeOverwritten' }, 'PriorityIDName'],
      ['T10 Response ignores FreeText', { ResponseNameScheme: 'Response', ResponseNameFreeText: 'WillBeOverwritten' }, 'PriorityIDNameResponse'],
      ['T11 Replace Test', { ResponseNameScheme: 'Replace', ResponseNameFreeText: 'Test' }, 'Test'],
      ['T12 Replace PriorityIDNameResponse', { ResponseNameScheme: 'Replace', ResponseNameFreeText: 'PriorityIDNameResponse' }, 'PriorityIDNameResponse'],
      ['T13 Append empty', { ResponseNameScheme: 'Append', ResponseNameFreeText: '' }, 'PriorityIDName'],
      ['T14 Append Response', { ResponseNameScheme: 'Append', ResponseNameFreeText: 'Response' }, 'PriorityIDNameResponse'],
      ['default (missing)', {}, 'PriorityIDNameResponse'],
      ['default (empty)', { ResponseNameScheme: '' }, 'PriorityIDNameResponse'],
      ['unknown value Response;', { ResponseNameScheme: 'Response;', ResponseNameFreeText: 'X' }, 'PriorityIDName'],
      ['Replace with empty text', { ResponseNameScheme: 'Replace', ResponseNameFreeText: '' }, 'PriorityIDName'],
    ];
    for (const [name, extra, expected] of cases) {
      it(`${name} -> ${expected}`, () => {
        expect(responseName(OP, { NameSpace: NS, ...extra })).to.equal(expected);
        expect(pipeline({ NameSpace: NS, ...extra }, q(`${NS}#${OP}`), OP)).to.deep.equal(ok(expected));
      });
    }
  });

  describe('A3 request naming and header/body cross-check (§4.3, §4.4)', () => {
    it('T15 Append "Name" strips the suffix: PriorityID is not configured', () => {
      const cfg: SoapActionConfig = { NameSpace: NS, RequestNameScheme: 'Append', RequestNameFreeText: 'Name', SOAPAction: 'No' };
      expect(localOperationName(OP, cfg)).to.equal('PriorityID');
      expect(pipeline(cfg, q(`${NS}#${OP}`), OP)).to.deep.equal(fault('Got no OperationType!'));
    });

    it('T16 Append "Test" + Replace', () => {
      const cfg: SoapActionConfig = {
        NameSpace: NS, RequestNameScheme: 'Append', RequestNameFreeText: 'Test', ResponseNameScheme: 'Replace',
        ResponseNameFreeText: 'PriorityIDNameTestResponse', SOAPAction: 'No',
      };
      expect(pipeline(cfg, q(`${NS}#PriorityIDNameTest`), 'PriorityIDNameTest')).to.deep.equal(ok('PriorityIDNameTestResponse'));
    });

    it('T17 Request: the response uses the local name', () => {
      const cfg: SoapActionConfig = { NameSpace: NS, RequestNameScheme: 'Request', SOAPAction: 'No' };
      expect(pipeline(cfg, q(`${NS}#PriorityIDNameRequest`), 'PriorityIDNameRequest')).to.deep.equal(ok('PriorityIDNameResponse'));
    });

    it('T18 Request + Replace', () => {
      const cfg: SoapActionConfig = {
        NameSpace: NS, RequestNameScheme: 'Request', ResponseNameScheme: 'Replace', ResponseNameFreeText: 'PriorityIDNameRequestResponse', SOAPAction: 'No',
      };
      expect(pipeline(cfg, q(`${NS}#PriorityIDNameRequest`), 'PriorityIDNameRequest')).to.deep.equal(ok('PriorityIDNameRequestResponse'));
    });

    it('T19 Plain with operation PriorityIDNamePlain', () => {
      const cfg: SoapActionConfig = { NameSpace: NS, RequestNameScheme: 'Plain' };
      expect(pipeline(cfg, q(`${NS}#PriorityIDNamePlain`), 'PriorityIDNamePlain', ['PriorityIDNamePlain']))
        .to.deep.equal(ok('PriorityIDNamePlainResponse', 'PriorityIDNamePlain'));
    });

    it('T20 Request + NoNameSpace: the header is not parsed, the value check passes with the local name', () => {
      const cfg: SoapActionConfig = { NameSpace: NS, RequestNameScheme: 'Request', NoNameSpace: true };
      expect(pipeline(cfg, q(`${NS}#${OP}`), 'PriorityIDNameRequest')).to.deep.equal(ok('PriorityIDNameResponse'));
    });

    it('T21 SOAPAction No: header operation and body operation differ', () => {
      const cfg: SoapActionConfig = { NameSpace: NS, SOAPAction: 'No' };
      expect(pipeline(cfg, q(`${NS}#${OP}`), 'PriorityIDNameRequest'))
        .to.deep.equal(fault("Operation from SOAP data 'PriorityIDNameRequest' does not match operation from SOAPAction 'PriorityIDName'"));
    });

    it('T22a as T20 (requester appends Request)', () => {
      const cfg: SoapActionConfig = { NameSpace: NS, RequestNameScheme: 'Request', NoNameSpace: true };
      expect(pipeline(cfg, q(`${NS}#${OP}`), 'PriorityIDNameRequest')).to.deep.equal(ok('PriorityIDNameResponse'));
    });

    it('T22b an invalid scheme ("equest") is Plain: same fault as T21', () => {
      const cfg: SoapActionConfig = { NameSpace: NS, RequestNameScheme: 'equest', SOAPAction: 'No' };
      expect(localOperationName('PriorityIDNameRequest', cfg)).to.equal('PriorityIDNameRequest');
      expect(pipeline(cfg, q(`${NS}#${OP}`), 'PriorityIDNameRequest'))
        .to.deep.equal(fault("Operation from SOAP data 'PriorityIDNameRequest' does not match operation from SOAPAction 'PriorityIDName'"));
    });

    it('T23 Request on a body without the suffix leaves the name alone', () => {
      const cfg: SoapActionConfig = { NameSpace: NS, RequestNameScheme: 'Request', SOAPAction: 'No' };
      expect(pipeline(cfg, q(`${NS}#${OP}`), OP)).to.deep.equal(ok('PriorityIDNameResponse'));
    });

    it('T30 body PriorityIDNameName, header PriorityIDName', () => {
      const cfg: SoapActionConfig = { NameSpace: NS, SOAPAction: 'No' };
      expect(pipeline(cfg, q(`${NS}#${OP}`), 'PriorityIDNameName'))
        .to.deep.equal(fault("Operation from SOAP data 'PriorityIDNameName' does not match operation from SOAPAction 'PriorityIDName'"));
    });

    it('T31 SOAPAction No + NoNameSpace: the header is ignored', () => {
      const cfg: SoapActionConfig = { NameSpace: NS, SOAPAction: 'No', NoNameSpace: true };
      expect(pipeline(cfg, q(`${NS}#${OP}`), 'PriorityIDNameTest', ['PriorityIDNameTest'])).to.deep.equal(ok('PriorityIDNameTestResponse', 'PriorityIDNameTest'));
    });
  });

  describe('A4 SOAPAction value check (§4.5)', () => {
    const nsHash = q(`${NS}#${OP}`);
    const cases: Array<[string, SoapActionConfig, string, Outcome]> = [
      ['T32 defaults', { NameSpace: NS }, nsHash, ok('PriorityIDNameResponse')],
      ['T33 Yes/NSSO/#', { NameSpace: NS, SOAPAction: 'Yes', SOAPActionScheme: 'NameSpaceSeparatorOperation', SOAPActionSeparator: '#' }, nsHash, ok('PriorityIDNameResponse')],
      ['T34 Yes/NSSO//', { NameSpace: NS, SOAPAction: 'Yes', SOAPActionScheme: 'NameSpaceSeparatorOperation', SOAPActionSeparator: '/' }, nsHash,
        fault("SOAPAction 'http://otrs.org/SoapTestInterface/#PriorityIDName' does not match expected result 'http://otrs.org/SoapTestInterface//PriorityIDName'")],
      ['T35 Yes/SeparatorOperation/#', { NameSpace: NS, SOAPAction: 'Yes', SOAPActionScheme: 'SeparatorOperation', SOAPActionSeparator: '#' }, nsHash,
        fault("SOAPAction 'http://otrs.org/SoapTestInterface/#PriorityIDName' does not match expected result '#PriorityIDName'")],
      ['T36 Yes/Operation', { NameSpace: NS, SOAPAction: 'Yes', SOAPActionScheme: 'Operation' }, nsHash,
        fault("SOAPAction 'http://otrs.org/SoapTestInterface/#PriorityIDName' does not match expected result 'PriorityIDName'")],
      ['T37 Yes/FreeText', { NameSpace: NS, SOAPAction: 'Yes', SOAPActionScheme: 'FreeText', SOAPActionFreeText: 'SoapTestInterface' }, nsHash,
        fault("SOAPAction 'http://otrs.org/SoapTestInterface/#PriorityIDName' does not match expected result 'SoapTestInterface'")],
      ['T38 defaults', { NameSpace: NS }, nsHash, ok('PriorityIDNameResponse')],
      ['T39 defaults, NS//Op', { NameSpace: NS }, q(`${NS}/${OP}`), ok('PriorityIDNameResponse')],
      ['T40 defaults + NoNameSpace, #Op', { NameSpace: NS, NoNameSpace: true }, q(`#${OP}`),
        fault("SOAPAction '#PriorityIDName' does not match expected result 'http://otrs.org/SoapTestInterface/#PriorityIDName'")],
      ['T41 defaults, "Op"', { NameSpace: NS }, q(OP),
        fault("SOAPAction 'PriorityIDName' does not match expected result 'http://otrs.org/SoapTestInterface/#PriorityIDName'")],
      ['T42 defaults + NoNameSpace, "SoapTestInterface"', { NameSpace: NS, NoNameSpace: true }, q('SoapTestInterface'),
        fault("SOAPAction 'SoapTestInterface' does not match expected result 'http://otrs.org/SoapTestInterface/#PriorityIDName'")],
      ['T43 Yes/NSSO//, NS//Op', { NameSpace: NS, SOAPAction: 'Yes', SOAPActionScheme: 'NameSpaceSeparatorOperation', SOAPActionSeparator: '/' }, q(`${NS}/${OP}`), ok('PriorityIDNameResponse')],
      ['T44 Yes/SeparatorOperation// + NoNameSpace, /Op', { NameSpace: NS, SOAPAction: 'Yes', SOAPActionScheme: 'SeparatorOperation', SOAPActionSeparator: '/', NoNameSpace: true }, q(`/${OP}`), ok('PriorityIDNameResponse')],
      ['T45 Yes/Operation, "Op"', { NameSpace: NS, SOAPAction: 'Yes', SOAPActionScheme: 'Operation' }, q(OP), ok('PriorityIDNameResponse')],
      ['T46 Yes/FreeText + NoNameSpace', { NameSpace: NS, SOAPAction: 'Yes', SOAPActionScheme: 'FreeText', SOAPActionFreeText: 'SoapTestInterface', NoNameSpace: true }, q('SoapTestInterface'), ok('PriorityIDNameResponse')],
      ['T47 NSSO// + NoNameSpace, NS+Op (bug#12196 alternative)', { NameSpace: NS, SOAPAction: 'Yes', SOAPActionScheme: 'NameSpaceSeparatorOperation', SOAPActionSeparator: '/', NoNameSpace: true }, q(`${NS}${OP}`), ok('PriorityIDNameResponse')],
    ];
    for (const [name, cfg, header, expected] of cases) {
      it(name, () => {
        expect(pipeline(cfg, header, OP)).to.deep.equal(expected);
      });
    }

    describe('derived extras', () => {
      it('defaults + the WSDL form: Znuny namespace fault', () => {
        expect(pipeline({ NameSpace: NS }, q(`${NS}${OP}`), OP)).to.deep.equal(fault(
          "Namespace from SOAPAction 'http://otrs.org/SoapTestInterface' does not match namespace from configuration 'http://otrs.org/SoapTestInterface/'"));
      });

      it('defaults + "" or no header: accepted', () => {
        expect(pipeline({ NameSpace: NS }, '""', OP)).to.deep.equal(ok('PriorityIDNameResponse'));
        expect(pipeline({ NameSpace: NS }, undefined, OP)).to.deep.equal(ok('PriorityIDNameResponse'));
      });

      it('SOAPAction No does not disable the cross-check', () => {
        expect(pipeline({ NameSpace: NS, SOAPAction: 'No' }, q(`${NS}#Other`), OP))
          .to.deep.equal(fault("Operation from SOAP data 'PriorityIDName' does not match operation from SOAPAction 'Other'"));
      });

      it('FreeText without NoNameSpace: the quoted free text is taken as the header operation', () => {
        expect(pipeline({ NameSpace: NS, SOAPAction: 'Yes', SOAPActionScheme: 'FreeText', SOAPActionFreeText: 'SoapTestInterface' }, q('SoapTestInterface'), OP))
          .to.deep.equal(fault("Operation from SOAP data 'PriorityIDName' does not match operation from SOAPAction 'SoapTestInterface'"));
      });

      it('"/Op" without NoNameSpace: the leading quote is taken as the namespace (SOAP.t sets NoNameSpace for this)', () => {
        expect(pipeline({ NameSpace: NS, SOAPActionScheme: 'SeparatorOperation', SOAPActionSeparator: '/' }, q(`/${OP}`), OP))
          .to.deep.equal(fault(`Namespace from SOAPAction '"' does not match namespace from configuration '${NS}'`));
      });
    });
  });

  describe('checkSoapActionValue details', () => {
    it('removes one pair of matching quotes only; the fault shows the value without them', () => {
      expect(checkSoapActionValue(`'${NS}#${OP}'`, OP, { NameSpace: NS })).to.equal(null);
      expect(checkSoapActionValue(`"${NS}#${OP}'`, OP, { NameSpace: NS })).to.equal(`SOAPAction '"${NS}#${OP}'' does not match expected result '${NS}#${OP}'`);
      expect(checkSoapActionValue(`""${NS}#${OP}""`, OP, { NameSpace: NS })).to.equal(`SOAPAction '"${NS}#${OP}"' does not match expected result '${NS}#${OP}'`);
    });

    it('only the exact value Yes (default when missing or empty) enables the check', () => {
      expect(checkSoapActionValue(q('garbage'), OP, { NameSpace: NS, SOAPAction: '' })).to.not.equal(null);
      expect(checkSoapActionValue(q('garbage'), OP, { NameSpace: NS, SOAPAction: 'No' })).to.equal(null);
      expect(checkSoapActionValue(q('garbage'), OP, { NameSpace: NS, SOAPAction: 'yes' })).to.equal(null);
    });

    it('an invalid scheme, or a missing separator/free text, means no check', () => {
      for (const cfg of [
        { NameSpace: NS, SOAPActionScheme: 'Bogus' },
        { NameSpace: NS, SOAPActionScheme: 'SeparatorOperation' },
        { NameSpace: NS, SOAPActionScheme: 'FreeText' },
      ]) expect(checkSoapActionValue(q('garbage'), OP, cfg)).to.equal(null);
    });

    it('uses the local operation name (after RequestNameScheme)', () => {
      expect(checkSoapActionValue(q(`${NS}#${OP}`), OP, { NameSpace: NS, RequestNameScheme: 'Request' })).to.equal(null);
      expect(checkSoapActionValue(q(`${NS}#${OP}Request`), OP, { NameSpace: NS }))
        .to.equal(`SOAPAction '${NS}#${OP}Request' does not match expected result '${NS}#${OP}'`);
    });
  });

  describe('localOperationName (§4.4)', () => {
    it('Request strips only a trailing "Request"', () => {
      const cfg: SoapActionConfig = { NameSpace: NS, RequestNameScheme: 'Request' };
      expect(localOperationName('TicketGetRequest', cfg)).to.equal('TicketGet');
      expect(localOperationName('RequestTicketGet', cfg)).to.equal('RequestTicketGet');
      expect(localOperationName('TicketGet', cfg)).to.equal('TicketGet');
    });

    it('Append needs at least one character before the free text', () => {
      const cfg: SoapActionConfig = { NameSpace: NS, RequestNameScheme: 'Append', RequestNameFreeText: 'Name' };
      expect(localOperationName('Name', cfg)).to.equal('Name');
      expect(localOperationName('XName', cfg)).to.equal('X');
    });

    it('Append uses the free text as a regular expression, as OTRS does', () => {
      expect(localOperationName(OP, { NameSpace: NS, RequestNameScheme: 'Append', RequestNameFreeText: 'N.me' })).to.equal('PriorityID');
      expect(localOperationName(OP, { NameSpace: NS, RequestNameScheme: 'Append', RequestNameFreeText: '(' })).to.equal(OP);
    });

    it('Append with an empty or "0" free text does nothing; Plain and unknown schemes do nothing', () => {
      expect(localOperationName('X0', { NameSpace: NS, RequestNameScheme: 'Append', RequestNameFreeText: '0' })).to.equal('X0');
      expect(localOperationName(OP, { NameSpace: NS, RequestNameScheme: 'Append', RequestNameFreeText: '' })).to.equal(OP);
      expect(localOperationName('XRequest', { NameSpace: NS })).to.equal('XRequest');
      expect(localOperationName('XRequest', { NameSpace: NS, RequestNameScheme: 'Plain' })).to.equal('XRequest');
    });
  });

  describe('firstBodyOperation (§4.1)', () => {
    const map = (...keys: string[]): SoapMap => {
      const m = Object.create(null) as SoapMap;
      for (const k of keys) m[k] = '';
      return m;
    };

    it('golden 21: TicketGet then SessionCreate runs SessionCreate', () => {
      expect(firstBodyOperation(map('TicketGet', 'SessionCreate'))).to.equal('SessionCreate');
    });

    it('code-point order: upper case before lower case', () => {
      expect(firstBodyOperation(map('aOp', 'ZOp', '_Op'))).to.equal('ZOp');
    });

    it('code-point order beyond the BMP', () => {
      expect(firstBodyOperation(map('\u{10000}', '\uF900'))).to.equal('\uF900');
    });

    it('an empty map has no operation', () => {
      expect(firstBodyOperation(map())).to.equal('');
    });
  });
});
