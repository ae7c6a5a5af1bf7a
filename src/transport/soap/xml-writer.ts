// Response data -> the exact bytes OTRS sends (dialect §6, §7, §8.1, §8.2). OTRS walks the data itself
// (_SOAPOutputRecursion, escaping text on its own) and lets SOAP::Lite wrap it with autotype(0): one line,
// fixed envelope attributes, no Header, no xsi:type. Built as one string, no DOM.

import type { ResponseData, ResponseMap } from '../data.js';
export interface EnvelopeOptions {
  soapVersion: '1.1' | '1.2';
  /** null = NoNameSpace: the wrapper gets no xmlns attribute (§6.2). */
  namespace: string | null;
  sort?: SortSpec;
}
/** OTRS transport `Sort` (§11): listed keys first in the given order, nested lists for sub-levels, the rest sorted. */
export type SortSpec = Array<{ [key: string]: SortSpec | string | null }>;

/** The response cannot be written (OTRS: 500 "Error in SOAPOutputRecursion: …", or a crash for bad names, §6.7/§8.2). */
export class SerializeError extends Error {
  override name = 'SerializeError';
}

// §6.1 (SOAP 1.1) and §6.9 (after a SOAP 1.2 request): attributes in SOAP::Lite's sorted order.
const HEAD_11 = '<?xml version="1.0" encoding="UTF-8"?><soap:Envelope'
  + ' soap:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"'
  + ' xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"'
  + ' xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/"'
  + ' xmlns:xsd="http://www.w3.org/2001/XMLSchema"'
  + ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soap:Body>';
const HEAD_12 = '<?xml version="1.0" encoding="UTF-8"?><soap:Envelope'
  + ' soap:encodingStyle="http://www.w3.org/2003/05/soap-encoding"'
  + ' xmlns:soap="http://www.w3.org/2003/05/soap-envelope"'
  + ' xmlns:soapenc="http://www.w3.org/2003/05/soap-encoding"'
  + ' xmlns:xsd="http://www.w3.org/2001/XMLSchema"'
  + ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soap:Body>';
const TAIL = '</soap:Body></soap:Envelope>';

const EMPTY_ARRAY = "Error in SOAPOutputRecursion: Data type 'ARRAY (empty)' is invalid";

// §6.6: what OTRS escapes (& < >, not quotes) and the control characters it removes, plus (project decision
// §14.8) U+0000, U+FFFE, U+FFFF and lone surrogates, which no XML document may contain. U+0085 stays, as in OTRS.
const ESCAPE_TEST = /[&<>\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uD800-\uDFFF\uFFFE\uFFFF]/;
const ESCAPE_ALL = /[&<>]|[\uD800-\uDBFF][\uDC00-\uDFFF]|[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uD800-\uDFFF\uFFFE\uFFFF]/g;

function escapeOne(m: string): string {
  if (m === '&') return '&amp;';
  if (m === '<') return '&lt;';
  if (m === '>') return '&gt;';
  return m.length === 2 ? m : '';   // a surrogate pair is a real character; everything else matched is dropped
}

export function escapeText(s: string): string {
  return ESCAPE_TEST.test(s) ? s.replace(ESCAPE_ALL, escapeOne) : s;
}

function escapeAttr(s: string): string {
  return escapeText(s).replace(/"/g, '&quot;');
}

// §6.7 decision: keys must be XML names (without ':', which would need a declared prefix). SOAP::Lite would die.
const NAME = /^[A-Z_a-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\u{10000}-\u{EFFFF}][-.0-9\u00B7\u0300-\u036F\u203F\u2040A-Z_a-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\u{10000}-\u{EFFFF}]*$/u;
const knownNames = new Set<string>();

function checkName(name: string): void {
  if (knownNames.has(name)) return;
  if (!NAME.test(name)) throw new SerializeError(`Invalid element name '${name}'`);
  if (knownNames.size < 4096) knownNames.add(name);
}

/**
 * Perl's sort: code-point order. UTF-16 order differs only when a surrogate meets U+E000-U+FFFF. Also names the
 * operation of a request (its first Body child, dialect §4.1).
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i), y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

const HAS_SURROGATE = /[\uD800-\uDFFF]/;

function sortKeys(keys: string[]): string[] {
  keys.sort();
  for (const k of keys) if (HAS_SURROGATE.test(k)) return keys.sort(compareCodePoints);
  return keys;
}

type Obj = ResponseMap;

/** The children of a map, or '' for an empty map. */
function writeMap(obj: Obj, sort: SortSpec | undefined): string {
  const keys = Object.keys(obj);
  if (keys.length === 0) return '';
  let out = '';
  if (sort !== undefined && sort.length > 0) {
    const used = new Set<string>();
    for (const entry of sort) {
      if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) continue;
      const names = Object.keys(entry);
      if (names.length !== 1 || names[0] === '') continue;
      const key = names[0];
      // Listed keys that the data lacks are skipped, as in OTRS.
      if (used.has(key) || !Object.prototype.hasOwnProperty.call(obj, key)) continue;
      used.add(key);
      const sub = entry[key];
      out += writeEntry(key, obj[key], Array.isArray(sub) && sub.length > 0 ? sub : undefined);
    }
    const rest = used.size === 0 ? keys : keys.filter((k) => !used.has(k));
    for (const key of sortKeys(rest)) out += writeEntry(key, obj[key], undefined);
    return out;
  }
  for (const key of sortKeys(keys)) out += writeEntry(key, obj[key], undefined);
  return out;
}

/** One key: a list repeats the element without a wrapper (§6.4); each item gets the key's sort spec. */
function writeEntry(name: string, value: ResponseData, sort: SortSpec | undefined): string {
  checkName(name);
  if (!Array.isArray(value)) return writeElement(name, value, sort);
  if (value.length === 0) throw new SerializeError(EMPTY_ARRAY);
  let out = '';
  for (const item of value) {
    if (Array.isArray(item)) {
      // OTRS writes garbage for a list directly in a list (Serialize.t marks it failing); refuse instead.
      throw new SerializeError(item.length === 0 ? EMPTY_ARRAY : "Error in SOAPOutputRecursion: Data type 'ARRAY' inside 'ARRAY' is invalid");
    }
    out += writeElement(name, item, sort);
  }
  return out;
}

function writeElement(name: string, value: ResponseData, sort: SortSpec | undefined): string {
  // §6.5: empty string, undef and empty map are all the self-closing form with a space.
  if (value === null || value === undefined) return `<${name} />`;
  switch (typeof value) {
    case 'string': {
      const text = escapeText(value);
      return text === '' ? `<${name} />` : `<${name}>${text}</${name}>`;
    }
    case 'number':
    case 'bigint':
      return `<${name}>${String(value)}</${name}>`;
    case 'boolean':
      // Perl has no booleans: true is 1, false is the empty string.
      return value ? `<${name}>1</${name}>` : `<${name} />`;
    case 'object': {
      const inner = writeMap(value as Obj, sort);
      return inner === '' ? `<${name} />` : `<${name}>${inner}</${name}>`;
    }
    default:
      throw new SerializeError(`Error in SOAPOutputRecursion: Data type '${typeof value}' is invalid`);
  }
}

/**
 * The whole response envelope. Empty data ({} or null) gives the nil wrapper (§6.8); data that is not a map is
 * OTRS's 500 "Invalid data" (ProviderGenerateResponse).
 */
export function writeResponse(wrapperName: string, data: ResponseData, opts: EnvelopeOptions): string {
  checkName(wrapperName);
  const head = opts.soapVersion === '1.2' ? HEAD_12 : HEAD_11;
  const xmlns = opts.namespace === null ? '' : ` xmlns="${escapeAttr(opts.namespace)}"`;
  if (data === null || data === undefined) return `${head}<${wrapperName}${xmlns} xsi:nil="true" />${TAIL}`;
  if (typeof data !== 'object' || Array.isArray(data)) throw new SerializeError('Invalid data');
  const inner = writeMap(data, opts.sort);
  if (inner === '') return `${head}<${wrapperName}${xmlns} xsi:nil="true" />${TAIL}`;
  return `${head}<${wrapperName}${xmlns}>${inner}</${wrapperName}>${TAIL}`;
}

/** OTRS: `$ErrorMessage || 'Unknown'`, so Perl-false messages ('' and '0') become Unknown. */
function faultMessage(faultString: string): string {
  return faultString === '' || faultString === '0' ? 'Unknown' : faultString;
}

/** §8.1: an ordinary response named Fault in the service namespace; faultcode is the bare `Server`. */
export function writeFault(faultString: string, opts: EnvelopeOptions): string {
  return writeResponse('Fault', { faultcode: 'Server', faultstring: faultMessage(faultString) }, opts);
}

/**
 * The `StandardFaults` form (dialect §8.1 decision): a soap:Fault in the envelope namespace, which zeep, PHP
 * SoapClient, .NET and JAX-WS recognise (OTRS's own shape is a response element they cannot tell from data).
 * SOAP 1.1: faultcode soap:Server; after a SOAP 1.2 request, the 1.2 structure with soap:Receiver. Same text.
 */
export function writeStandardFault(faultString: string, opts: EnvelopeOptions): string {
  const text = escapeText(faultMessage(faultString));
  const fault = opts.soapVersion === '1.2'
    ? `<soap:Fault><soap:Code><soap:Value>soap:Receiver</soap:Value></soap:Code><soap:Reason><soap:Text xml:lang="en">${text}</soap:Text></soap:Reason></soap:Fault>`
    : `<soap:Fault><faultcode>soap:Server</faultcode><faultstring>${text}</faultstring></soap:Fault>`;
  return `${opts.soapVersion === '1.2' ? HEAD_12 : HEAD_11}${fault}${TAIL}`;
}
