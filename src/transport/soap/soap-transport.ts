// HTTP::SOAP provider transport (OTRS Kernel/GenericInterface/Transport/HTTP/SOAP.pm): turns the HTTP request
// into { Operation, Data } and the result back into the exact bytes OTRS sends. It knows nothing of any
// operation's fields. Steps and their order follow dialect §3; the first failure wins.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from '../../config.js';
import type { SoapTransportConfig } from '../../webservices/webservice.js';
import type { ResponseMap } from '../data.js';
import type { ProviderTransport, Received, ReceiveFailure as Failure, TransportFactory } from '../transport.js';
import { isWsdlRequest, wsdlFor, type LoadedWsdl } from './wsdl.js';
import { readEnvelope, XmlParseError, XmlRefusedError, type XmlLimits } from './xml-reader.js';
import { writeFault, writeResponse, writeStandardFault, SerializeError, type SortSpec } from './xml-writer.js';
import {
  checkNamespace, checkOperationMatch, checkSoapActionValue, firstBodyOperation, localOperationName,
  parseSoapAction, responseName, soapActionConfig, type SoapActionConfig,
} from './soap-action.js';

export interface TransportLimits { maxLength: number; xml: XmlLimits; keepAlive: boolean }

/** A request that got as far as an operation name. */
export type SoapRequest = Received<Exchange>;

/** A failure before an operation could run: either plain text with a status, or a Fault (HTTP 500). */
export type ReceiveFailure = Failure<Exchange>;

/** What the response needs to know about its request. */
export interface Exchange { soapVersion: '1.1' | '1.2'; contentType: string; keepAlive: boolean; localOperation?: string }

const REASONS: Record<number, string> = { 200: 'OK', 411: 'Length Required', 413: 'Request Entity Too Large', 500: 'Internal Server Error' };

/** The registry's factory: the web service's HTTP::SOAP config, the server-wide limits, and its WSDL if it has one. */
export const createSoapTransport: TransportFactory = (transportConfig, config: Config, description) => new SoapTransport(
  transportConfig as SoapTransportConfig,
  {
    maxLength: config.maxLength,
    keepAlive: config.keepAlive,
    xml: {
      maxDepth: config.xmlMaxDepth, maxElements: config.xmlMaxElements, maxAttributes: config.xmlMaxAttributes, maxTextLength: config.xmlMaxTextLength,
      maxArraySize: config.xmlMaxArraySize, maxNamespaceDeclarations: config.xmlMaxNamespaceDeclarations,
    },
  },
  description as LoadedWsdl | undefined,
);

export class SoapTransport implements ProviderTransport<Exchange> {
  private readonly action: SoapActionConfig;
  private readonly maxLength: number;
  private readonly additionalHeaders: string[];
  private readonly standardFaults: boolean;

  constructor(private readonly cfg: SoapTransportConfig, private readonly limits: TransportLimits, private readonly wsdl?: LoadedWsdl) {
    this.action = soapActionConfig(cfg);
    // Like LenientSOAPAction: only a JSON true turns the project option on.
    this.standardFaults = cfg.StandardFaults === true;
    // A MaxLength that is not an integer means no limit in OTRS (§2.3); here the server-wide limit still applies.
    const own = Number(cfg.MaxLength);
    this.maxLength = Number.isInteger(own) && own > 0 ? own : limits.maxLength;
    this.additionalHeaders = Object.keys(cfg.AdditionalHeaders ?? {}).sort()
      .filter((k) => /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(k))
      .flatMap((k) => [k, String(cfg.AdditionalHeaders![k]).replace(/[\r\n]/g, '')]);
  }

  async receive(req: IncomingMessage): Promise<SoapRequest | ReceiveFailure> {
    const exchange: Exchange = { soapVersion: '1.1', contentType: responseContentType(req.headers['content-type']), keepAlive: this.wantsKeepAlive(req) };
    const fail = (status: number, text: string): ReceiveFailure => ({ plain: { status, text }, exchange });
    if (!this.action.NoNameSpace && !this.action.NameSpace) return fail(500, 'HTTP::SOAP Have no NameSpace in config');

    // §2.2/§2.3: length first, before any SOAPAction check, and before reading the body.
    const chunked = /^chunked/i.test(String(req.headers['transfer-encoding'] ?? ''));
    const declared = Number(req.headers['content-length'] ?? 0);
    if (!chunked && !(declared > 0)) return fail(411, 'Length Required');
    if (!chunked && declared > this.maxLength) { exchange.keepAlive = false; refuseRest(req); return fail(413, REASONS[413]); }

    const header = soapActionHeader(req);
    const parsed = parseSoapAction(header, this.action);
    const nsFault = checkNamespace(parsed, this.action);
    if (nsFault) { exchange.keepAlive = exchange.keepAlive && !chunked; return { fault: nsFault, exchange }; }

    const body = await readBody(req, this.maxLength, chunked ? 0 : declared);
    if (body === 'too-large') { exchange.keepAlive = false; return fail(413, REASONS[413]); }
    if (body === 'aborted') { exchange.keepAlive = false; return fail(500, 'Could not read input data'); }
    if (body.length === 0) return fail(411, 'Length Required');

    let envelope;
    try {
      envelope = readEnvelope(body, contentCharset(req.headers['content-type']), this.limits.xml);
    } catch (e) {
      if (e instanceof XmlRefusedError) return { fault: e.message, exchange };
      if (e instanceof XmlParseError) return fail(500, `Error deserializing message:\n${e.message}\n`);
      throw e;
    }
    exchange.soapVersion = envelope.soapVersion;
    // OTRS crashes on a Body holding only text (§8.4); the project answers with a Fault instead.
    if (envelope.bodyHasOnlyText) return { fault: 'Got no operation element in SOAP body', exchange };
    if (!envelope.body || Object.keys(envelope.body).length === 0) return fail(500, 'Got no result body from deserialized content');

    const bodyOperation = firstBodyOperation(envelope.body);
    const mismatch = checkOperationMatch(parsed, bodyOperation, this.action);
    if (mismatch) return { fault: mismatch, exchange };
    const operation = localOperationName(bodyOperation, this.action);
    const valueFault = checkSoapActionValue(header, operation, this.action);
    if (valueFault) return { fault: valueFault, exchange };
    exchange.localOperation = operation;
    // §5.10: OTRS passes `$OperationData || undef`: an empty operation element (or the string 0) arrives as null.
    const data = envelope.body[bodyOperation];
    return { operation, data: data === '' || data === '0' ? null : data, exchange };
  }

  /** The web service's WSDL (GET ?wsdl), with the same headers and connection handling as every other answer. */
  describe(req: IncomingMessage, res: ServerResponse): boolean {
    if (!this.wsdl || !isWsdlRequest(req)) return false;
    this.write(res, { soapVersion: '1.1', contentType: 'text/xml; charset=UTF-8', keepAlive: this.wantsKeepAlive(req) }, 200, 'text/xml; charset=UTF-8', wsdlFor(req, this.wsdl));
    return true;
  }

  /** A successful operation's data (business errors included: they are data, HTTP 200, §9). */
  sendResult(res: ServerResponse, exchange: Exchange, data: ResponseMap): void {
    let xml: string;
    try {
      xml = writeResponse(responseName(exchange.localOperation!, this.action), data, this.envelopeOptions(exchange));
    } catch (e) {
      if (e instanceof SerializeError) return this.sendError(res, exchange, e.message);
      throw e;
    }
    this.write(res, exchange, 200, exchange.contentType, xml);
  }

  /**
   * The OTRS Fault (§8.1): HTTP 500, text/plain, <Fault> in the service namespace. With StandardFaults a
   * soap:Fault, sent with the Content-Type of a normal answer as the SOAP binding requires.
   */
  sendError(res: ServerResponse, exchange: Exchange, faultString: string): void {
    if (this.standardFaults) this.write(res, exchange, 500, exchange.contentType, writeStandardFault(faultString, this.envelopeOptions(exchange)));
    else this.write(res, exchange, 500, 'text/plain; charset=UTF-8', writeFault(faultString, this.envelopeOptions(exchange)));
  }

  sendPlain(res: ServerResponse, exchange: Exchange, status: number, text: string): void {
    this.write(res, exchange, status, 'text/plain; charset=UTF-8', text);
  }

  private envelopeOptions(exchange: Exchange) {
    return { soapVersion: exchange.soapVersion, namespace: this.action.NoNameSpace ? null : this.action.NameSpace, sort: this.cfg.Sort as SortSpec | undefined };
  }

  private wantsKeepAlive(req: IncomingMessage): boolean {
    if (!this.limits.keepAlive) return false;
    const connection = String(req.headers.connection ?? '').toLowerCase();
    if (req.httpVersion === '1.0') return connection.includes('keep-alive');
    return !connection.includes('close');
  }

  /** Exactly Content-Type, Content-Length, Connection, then AdditionalHeaders sorted (§2.7): nothing else. */
  private write(res: ServerResponse, exchange: Exchange, status: number, contentType: string, text: string): void {
    const body = Buffer.from(text, 'utf8');
    // The server may end the connection here (its last allowed request, or a stop): the answer says so.
    const keepAlive = exchange.keepAlive && res.shouldKeepAlive;
    res.sendDate = false;
    // With keep-alive we send OTRS's own SOAP::Keep-Alive header; Node adds no Keep-Alive header of its own then.
    res.writeHead(status, REASONS[status] ?? 'Internal Server Error', [
      'Content-Type', contentType, 'Content-Length', String(body.length),
      'Connection', keepAlive ? 'Keep-Alive' : 'close', ...this.additionalHeaders,
    ]);
    res.end(body);
  }
}

function soapActionHeader(req: IncomingMessage): string | undefined {
  const v = req.headers.soapaction;
  return Array.isArray(v) ? v[0] : v;
}

/** §2.9: the charset parameter of the request Content-Type (blanks around '=' allowed, quotes removed). */
export function contentCharset(contentType: string | undefined): string | undefined {
  const m = /;\s*charset\s*=\s*("?)([^";]*)\1/i.exec(contentType ?? '');
  return m ? m[2].trim() || undefined : undefined;
}

/** §2.8: the media type before `;charset` is echoed when the request named a charset, else text/xml. */
export function responseContentType(contentType: string | undefined): string {
  const i = (contentType ?? '').search(/;\s*charset\s*=/i);
  if (i < 0) return 'text/xml; charset=UTF-8';
  return `${contentType!.slice(0, i).replace(/[\r\n]/g, '').trimEnd()}; charset=UTF-8`;
}

/**
 * Reads the whole body, refusing it as soon as it grows past maxLength (chunked bodies have no declared length).
 * With a declared length the body is copied into one buffer as it arrives, so a large body is held once, not
 * twice (chunks plus their concatenation).
 */
function readBody(req: IncomingMessage, maxLength: number, declared: number): Promise<Buffer | 'too-large' | 'aborted'> {
  return new Promise((resolve) => {
    const whole = declared > 0 ? Buffer.allocUnsafe(declared) : null;
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (v: Buffer | 'too-large' | 'aborted') => { if (!done) { done = true; resolve(v); } };
    const body = () => (whole ? whole.subarray(0, size) : Buffer.concat(chunks, size));
    req.on('data', (c: Buffer) => {
      if (done) return;
      if (size + c.length > maxLength || (whole && size + c.length > whole.length)) { refuseRest(req); finish('too-large'); return; }
      if (whole) c.copy(whole, size); else chunks.push(c);
      size += c.length;
    });
    req.on('end', () => finish(body()));
    req.on('error', () => finish('aborted'));
    req.on('close', () => finish(req.complete ? body() : 'aborted'));
  });
}

/**
 * The rest of a refused body is read and dropped (never kept) for a moment, so the client, still sending, gets
 * the 413 instead of a reset that would swallow it (the lingering close of Apache); then the connection goes.
 */
function refuseRest(req: IncomingMessage): void {
  req.removeAllListeners('data');
  req.on('data', () => { /* dropped */ });
  // After a `Connection: close` answer Node destroys the socket once it is written, and the unread body then
  // makes the kernel reset the connection; only closing our side keeps the answer readable.
  const socket = req.socket as IncomingMessage['socket'] & { destroySoon?: () => void };
  socket.destroySoon = () => socket.end();
  setTimeout(() => socket.destroy(), LINGER_MS).unref();
}
const LINGER_MS = 2000;
