// SOAP::Lite's half of reading a request: its deserializer (dialect §5), fed by the scanner as XML::Parser feeds it.
// Each element's value is built when it closes, over an explicit stack of frames (no recursion per element, so deep
// input cannot overflow the JS stack): repeated names become lists, xsi:type and soapenc:arrayType pick a decoder,
// nil is undef. SOAP::Lite's own complaints are kept aside: they only count when expat found nothing (it runs after
// the parse).
import { isUtf8 } from 'node:buffer';
import { hexDigit, unitsToString } from './chars.js';
import { XmlRefusedError } from './errors.js';
import { XmlScanner } from './scanner.js';

// The reader yields the neutral request data; its maps are created with Object.create(null), so element names
// such as `__proto__` are plain data keys. The Soap names stay as aliases for the reader's own code and tests.
import type { RequestData as SoapValue, RequestMap as SoapMap } from '../../data.js';
export type { SoapValue, SoapMap };

// Namespaces SOAP::Lite knows (§5.8). Which type names it understands in each was observed with SOAP::Lite 1.27
// (the version the dialect experiments used; OTRS bundles 1.20 with the same deserializer).
const NS_SOAP11_ENV = 'http://schemas.xmlsoap.org/soap/envelope/';
const NS_SOAP12_ENV = 'http://www.w3.org/2003/05/soap-envelope';
const NS_XML = 'http://www.w3.org/XML/1998/namespace';
const NS_XSI_2001 = 'http://www.w3.org/2001/XMLSchema-instance';   // nil is xsi:nil
const NS_XSI_1999 = 'http://www.w3.org/1999/XMLSchema-instance';   // nil is xsi:null
const NS_XSD_2001 = 'http://www.w3.org/2001/XMLSchema';
const NS_XSD_1999 = 'http://www.w3.org/1999/XMLSchema';
const NS_ENC_11 = 'http://schemas.xmlsoap.org/soap/encoding/';
const NS_ENC_12 = 'http://www.w3.org/2003/05/soap-encoding';
const NS_APACHE = 'http://xml.apache.org/xml-soap';

const words = (s: string) => new Set(s.split(' '));
const NUMERIC = 'float double decimal integer nonPositiveInteger negativeInteger long int short byte nonNegativeInteger unsignedLong '
  + 'unsignedInt unsignedShort unsignedByte positiveInteger';
const DATES_2001 = 'dateTime time date gYearMonth gYear gMonthDay gDay gMonth duration recurringDuration timePeriod century';
const DATES_1999 = 'timeInstant time date timeDuration recurringDuration timePeriod month year century recurringDate recurringDay';
/** Per namespace: the name of "any type", the simple types kept as text, and the decoded ones. */
interface TypeTable { any: string; simple: Set<string>; base64?: string; hex?: string; undef: boolean }
const TYPE_TABLES = new Map<string, TypeTable>([
  [NS_XSD_2001, { any: 'anyType', simple: words(`anySimpleType string language QName anyURI ${NUMERIC} ${DATES_2001}`), base64: 'base64Binary', hex: 'hexBinary', undef: true }],
  [NS_XSD_1999, { any: 'ur-type', simple: words(`string language uriReference ${NUMERIC} ${DATES_1999}`), hex: 'hex', undef: true }],
  [NS_ENC_11, { any: 'ur-type', simple: words(`string language anyURI uriReference ${NUMERIC} ${DATES_1999}`), base64: 'base64', undef: false }],
  [NS_ENC_12, { any: 'anyType', simple: words(`string language anyURI ${NUMERIC} ${DATES_2001}`), base64: 'base64', undef: false }],
]);

/** Namespace declarations in scope up to which a lookup scans them; beyond, it uses a map (see SoapDeserialiser.ns). */
const NS_SCAN_MAX = 16;

// Element kinds, xsi:type kinds and roles of a frame on the element stack.
const K_PLAIN = 0, K_NIL = 1, K_ARRAY = 2, K_APACHE_MAP = 3;
const T_NONE = 0, T_ANY = 1, T_SIMPLE = 2, T_BASE64 = 3, T_HEX = 4, T_BOOLEAN = 5, T_UNDEF = 6, T_UNKNOWN = 7;
const R_GENERIC = 0, R_ENVELOPE = 1, R_BODY = 2;

const E_SOAP_VERSION = `Wrong SOAP version specified. Supported versions:\n  1.1 (${NS_SOAP11_ENV})\n  1.2 (${NS_SOAP12_ENV})`;
const NON_BLANK = /[^\x20\t\n\r]/;
const QNAME_VALUE = /^([a-zA-Z_:][\w.:-]*?):([a-zA-Z_:][\w.:-]*(?:\[[\d,]*\])*)/;

class Frame {
  text = '';
  /** The text's pieces after the first (text split by comments, CDATA, PIs), joined once when the element closes. */
  pieces: string[] | null = null;
  textLength = 0;
  hasChild = false;
  map: SoapMap | null = null;
  multi: Set<string> | null = null;   // keys of `map` that already hold a repetition list
  list: SoapValue[] | null = null;    // children of an array or Apache map, names dropped
  constructor(
    readonly local: string, readonly nsMark: number, readonly role: number,
    readonly kind: number, readonly type: number, readonly typeName: string,
    readonly itemType: string,   // `{ns}name` from soapenc:arrayType, the type of children without their own
    readonly arraySize: number,  // the size soapenc:arrayType claims ([n]), 0 when unknown
    readonly quiet: boolean,     // SOAP::Lite never decodes this element (an ancestor is nil or simple-typed)
  ) {}
}

export class SoapDeserialiser extends XmlScanner {
  private readonly stack: Frame[] = [];
  // Namespace declarations in scope, innermost last. A request declares a handful, which a scan finds fastest; past
  // NS_SCAN_MAX, `ns` maps each prefix to its innermost binding, so a lookup costs the same however many are
  // declared, and nsShadowed keeps what each declaration hid, to restore it when its element closes.
  private readonly nsPrefix: string[] = [];
  private readonly nsUri: string[] = [];
  private nsLen = 0;
  private ns: Map<string, string> | null = null;
  private readonly nsShadowed: Array<string | undefined> = [];
  /** Declarations the start tag being read has made so far (the last ones in nsPrefix/nsUri). */
  private declaredInTag = 0;

  /** The first SOAP::Lite-level error: it only counts when expat found none (SOAP::Lite runs after the parse). */
  soapError: string | null = null;
  /** The element being judged is one SOAP::Lite never decodes, so it raises nothing. */
  private quiet = false;
  soapVersion: '1.1' | '1.2' = '1.1';
  body: SoapMap | null = null;
  bodyHasOnlyText = false;
  private bodySeen = false;

  protected heldText(): number {
    const f = this.stack[this.stack.length - 1];
    return f.hasChild || f.role === R_ENVELOPE ? -1 : f.textLength;
  }

  protected characters(value: string): void {
    appendText(this.stack[this.stack.length - 1], value);
  }

  /** Namespace declarations take effect as expat stores them, so their limit bites in expat's order. */
  protected attributeRead(name: string, value: string): void {
    if (name.charCodeAt(0) === 0x78 && name.startsWith('xmlns')) {
      if (name.length === 5) this.bind('', value);
      else if (name.charCodeAt(5) === 0x3a) this.bind(name.slice(6), value);
    }
  }

  protected openElement(qname: string, n: number): void {
    const limits = this.limits;
    const nsMark = this.nsLen - this.declaredInTag;
    this.declaredInTag = 0;
    // SOAP::Lite's view (§5.2, §5.6, §5.8): prefixes must resolve, then nil and type are read. It decodes top
    // down and stops at nil and simple-typed elements: nothing below them is looked at, so nothing there fails.
    const parent = this.stack.length > 0 ? this.stack[this.stack.length - 1] : null;
    const quiet = parent !== null && (parent.quiet || !decodesChildren(parent));
    this.quiet = quiet;
    let nil: string | null = null, typeValue: string | null = null, itemType = '';
    let style11: string | null = null, style12: string | null = null;
    for (let i = 0; i < n; i++) {
      const name = this.aName[i];
      const colon = name.indexOf(':', 1);
      if (colon < 0 || colon === name.length - 1) continue;
      const prefix = name.slice(0, colon);
      if (/^xml/i.test(prefix)) continue;   // xmlns:* and xml:* are not data (SOAP::Lite skips them too)
      const uri = this.lookup(prefix);
      if (!uri) { this.soapFail(`Unresolved prefix '${prefix}' for attribute '${name}'`); continue; }
      const local = name.slice(colon + 1);
      if (local === 'type' || local === 'arrayType') {
        // SOAP::Lite resolves the QName value of any attribute called type/arrayType, whatever its namespace.
        const resolved = this.resolveQName(this.aValue[i]);
        if (resolved === null) continue;
        if (local === 'type' && (uri === NS_XSI_2001 || uri === NS_XSI_1999)) typeValue = resolved;
        else if (local === 'arrayType' && (uri === NS_ENC_11 || uri === NS_ENC_12)) itemType = resolved;
      } else if ((local === 'nil' && uri === NS_XSI_2001) || (local === 'null' && uri === NS_XSI_1999)) {
        nil = this.aValue[i];
      } else if (local === 'encodingStyle' && uri === NS_SOAP11_ENV) {
        style11 = this.aValue[i];
      } else if (local === 'encodingStyle' && uri === NS_SOAP12_ENV) {
        style12 = this.aValue[i];
      }
    }
    let local = qname, uri: string | undefined;
    const colon = qname.indexOf(':', 1);
    if (colon > 0 && colon < qname.length - 1) {
      const prefix = qname.slice(0, colon);
      local = qname.slice(colon + 1);
      uri = this.lookup(prefix);
      if (!uri) this.soapFail(`Unresolved prefix '${prefix}' for element '${local}'`);
    } else {
      uri = this.lookup('');
    }

    // The frame. Envelope and Body get the same value rules as any element; the Envelope's children are not kept.
    let role = R_GENERIC, kind = K_PLAIN, type = T_NONE, typeName = '';
    if (parent === null) {
      if (local === 'Envelope') {
        role = R_ENVELOPE;
        // SOAP::Lite switches to the envelope's SOAP version and refuses any other envelope namespace.
        if (uri === NS_SOAP12_ENV) this.soapVersion = '1.2';
        else if (uri !== undefined && uri !== NS_SOAP11_ENV) this.soapFail(E_SOAP_VERSION);
      }
    } else {
      if (!parent.hasChild) { parent.hasChild = true; parent.text = ''; parent.pieces = null; parent.textLength = 0; }
      if (parent.role === R_ENVELOPE && local === 'Body' && !this.bodySeen) {
        role = R_BODY;
        this.bodySeen = true;
      }
      // Children of an encoded array without their own xsi:type take the array's item type.
      if (typeValue === null && parent.itemType !== '') typeValue = parent.itemType;
    }
    // Only encodingStyle in the envelope namespace of the SOAP version in use is checked.
    const encodingStyle = this.soapVersion === '1.2' ? style12 : style11;
    if (encodingStyle !== null && !encodingStyleSupported(encodingStyle, this.soapVersion)) {
      this.soapFail(`Unrecognized/unsupported value of encodingStyle attribute '${encodingStyle}'`);
    }
    if (nil !== null) {
      // SOAP::Lite's as_undef: true/1 is nil, false/0 is not, anything else is an error (§5.6).
      if (nil === 'true' || nil === '1') kind = K_NIL;
      else if (nil !== 'false' && nil !== '0') this.soapFail(`Wrong null/nil value '${nil}'`);
    }
    if (typeValue !== null) {
      const brace = typeValue.indexOf('}');
      const typeNs = typeValue.slice(1, brace), typeLocal = typeValue.slice(brace + 1);
      type = classifyType(typeNs, typeLocal);
      if (type === T_UNKNOWN) typeName = typeValue;
      if (kind === K_PLAIN) {
        // soapenc:Array (a project choice: SOAP::Lite itself needs soapenc:arrayType) and Apache's Vector are
        // lists, Apache's Map a map.
        if (((typeNs === NS_ENC_11 || typeNs === NS_ENC_12) && typeLocal === 'Array') || (typeNs === NS_APACHE && typeLocal === 'Vector')) kind = K_ARRAY;
        else if (typeNs === NS_APACHE && (typeLocal === 'Map' || typeLocal === 'map')) kind = K_APACHE_MAP;
      }
    }
    let arraySize = 0;
    if (itemType !== '') {
      // soapenc:arrayType wins over any xsi:type. Its item type is what remains after the last dimension
      // (xsd:string[2] -> xsd:string); a size [n] is checked and padded, [] or several dimensions are taken as sent.
      const dims = /\[([\d,]*)\]$/.exec(itemType);
      if (dims === null) this.soapFail(`Unrecognized/unsupported format of arrayType attribute '${itemType}'`);
      else {
        itemType = itemType.slice(0, dims.index);
        if (/^\d+$/.test(dims[1])) {
          // The size is the sender's claim, not a reason to allocate: refused above the limit before any child is read.
          arraySize = Number(dims[1]);
          if (arraySize > limits.maxArraySize) throw new XmlRefusedError(`XML array size exceeds ${limits.maxArraySize}`);
        }
        if (kind !== K_NIL) kind = K_ARRAY;
      }
    }
    this.stack.push(new Frame(local, nsMark, role, kind, type, typeName, kind === K_ARRAY ? itemType : '', arraySize, quiet));
  }

  private bind(prefix: string, uri: string): void {
    const max = this.limits.maxNamespaceDeclarations;
    if (this.nsLen >= max) throw new XmlRefusedError(`XML namespace declarations in scope exceed ${max}`);
    const i = this.nsLen++;
    this.declaredInTag++;
    this.nsPrefix[i] = prefix;
    this.nsUri[i] = uri;
    if (this.ns !== null) this.mapBinding(i);
    else if (this.nsLen > NS_SCAN_MAX) {
      this.ns = new Map();
      for (let j = 0; j <= i; j++) this.mapBinding(j);
    }
  }

  private mapBinding(i: number): void {
    const ns = this.ns!;
    this.nsShadowed[i] = ns.get(this.nsPrefix[i]);
    ns.set(this.nsPrefix[i], this.nsUri[i]);
  }

  /** Ends the declarations made since `mark` (the closing element's), restoring what they shadowed. */
  private unbind(mark: number): void {
    const ns = this.ns;
    if (ns !== null) {
      for (let i = this.nsLen - 1; i >= mark; i--) {
        const shadowed = this.nsShadowed[i];
        if (shadowed === undefined) ns.delete(this.nsPrefix[i]);
        else ns.set(this.nsPrefix[i], shadowed);
      }
    }
    this.nsLen = mark;
  }

  /** The namespace bound to a prefix in scope ('' = default namespace); an empty binding counts as none. */
  private lookup(prefix: string): string | undefined {
    if (this.ns !== null) {
      const uri = this.ns.get(prefix);
      if (uri !== undefined) return uri || undefined;
    } else {
      for (let i = this.nsLen - 1; i >= 0; i--) if (this.nsPrefix[i] === prefix) return this.nsUri[i] || undefined;
    }
    return prefix === 'xml' ? NS_XML : undefined;
  }

  /**
   * A QName attribute value as `{ns}local`, or null after recording SOAP::Lite's error for it. Like SOAP::Lite, a
   * value that does not start with `prefix:name` (array dimensions allowed) counts as unprefixed, taken whole.
   */
  private resolveQName(value: string): string | null {
    const m = QNAME_VALUE.exec(value);
    if (m) {
      const uri = this.lookup(m[1]);
      if (!uri) { this.soapFail(`Unresolved prefix '${m[1]}' for attribute value '${value}'`); return null; }
      return `{${uri}}${m[2]}`;
    }
    const uri = this.lookup('');
    if (!uri) { this.soapFail(`Unspecified namespace for type '${value}'`); return null; }
    return `{${uri}}${value}`;
  }

  private soapFail(message: string): void {
    if (this.soapError === null && !this.quiet) this.soapError = message;
  }

  /** Pops the current element, computes its value and hands it to its parent. */
  protected closeElement(): void {
    const f = this.stack.pop()!;
    if (this.nsLen !== f.nsMark) this.unbind(f.nsMark);
    const parent = this.stack.length > 0 ? this.stack[this.stack.length - 1] : null;
    this.quiet = f.quiet;
    const value = this.finish(f);
    if (f.role === R_BODY) {
      // body() is the Body's decoded value; only a map names an operation (§5.1).
      if (!f.quiet && value !== null && typeof value === 'object' && !Array.isArray(value)) this.body = value;
      this.bodyHasOnlyText = !f.quiet && typeof value === 'string' && NON_BLANK.test(value);
    }
    if (parent === null) return;
    if (parent.kind === K_ARRAY || parent.kind === K_APACHE_MAP) {
      // SOAP::Lite reads each Map item as soon as it is decoded, so a bad item fails before later siblings.
      if (parent.kind === K_APACHE_MAP && !parent.quiet) this.checkApacheItem(value);
      (parent.list ??= []).push(value);
      return;
    }
    // Header entries are read and checked, then dropped (§5.1); the Body was taken above.
    if (parent.role === R_ENVELOPE) return;
    let m = parent.map;
    if (m === null) parent.map = m = Object.create(null) as SoapMap;
    const prev = m[f.local];
    // Repetition is the only array signal (§5.7): the second occurrence turns the value into a list.
    if (prev === undefined) m[f.local] = value;
    else if (parent.multi !== null && parent.multi.has(f.local)) (prev as SoapValue[]).push(value);
    else {
      m[f.local] = [prev, value];
      (parent.multi ??= new Set()).add(f.local);
    }
  }

  /** SOAP::Lite's value for a closed element (§5.3-§5.8). */
  private finish(f: Frame): SoapValue {
    switch (f.kind) {
      case K_NIL: return null;
      case K_ARRAY: {
        const list = f.list ?? [];
        if (f.arraySize > 0 && list.length > f.arraySize) {
          this.soapFail(`Too many elements in array. ${list.length} instead of claimed ${f.arraySize} (${f.arraySize})`);
        }
        // SOAP::Lite pads to the claimed size; each padded item counts as an element, so many small claims in one
        // request cannot add up to more values than XML_MAX_ELEMENTS.
        if (f.arraySize > list.length) {
          this.elements += f.arraySize - list.length;
          if (this.elements > this.limits.maxElements) throw new XmlRefusedError(`XML element count exceeds ${this.limits.maxElements}`);
          while (list.length < f.arraySize) list.push(null);
        }
        return list;
      }
      case K_APACHE_MAP: return this.apacheMap(f.list);
    }
    if (f.hasChild) {
      // A typed element with children: SOAP::Lite hands undef to the type's decoder (§5.8).
      switch (f.type) {
        case T_NONE: case T_ANY: case T_UNKNOWN: return f.map;
        case T_BASE64: return '';   // MIME::Base64 decodes undef to ''
        case T_BOOLEAN: this.soapFail("Wrong boolean value ''"); return null;
        case T_UNDEF: this.soapFail("Wrong null/nil value ''"); return null;
        default: return null;   // xsd:string and the other simple types
      }
    }
    const text = f.pieces === null ? f.text : f.pieces.join('');
    switch (f.type) {
      case T_BASE64: return bytesToText(Buffer.from(text, 'base64'));
      case T_HEX: return perlHex(text);
      case T_BOOLEAN:
      case T_UNDEF:
        if (text === 'true' || text === '1') return '1';
        if (text === 'false' || text === '0') return '0';
        this.soapFail(f.type === T_BOOLEAN ? `Wrong boolean value '${text}'` : `Wrong null/nil value '${text}'`);
        return text;
      case T_UNKNOWN:
        if (text !== '') this.soapFail(`Unrecognized type '${f.typeName}'`);
        return Object.create(null) as SoapMap;   // SOAP::Lite: an empty object of that class
      default: return text;
    }
  }

  private checkApacheItem(item: SoapValue): void {
    if (item === null) return;
    if (typeof item !== 'object' || Array.isArray(item)) this.soapFail('Invalid Apache Map item');
  }

  /** Apache SOAP Map (PHP SoapClient without WSDL): <item><key>k</key><value>v</value></item>… -> {k: v}. */
  private apacheMap(items: SoapValue[] | null): SoapMap {
    const out = Object.create(null) as SoapMap;
    for (const item of items ?? []) {
      // A nil item reads as key '' with value undef in Perl; the others were judged by checkApacheItem.
      if (item === null) { out[''] = null; continue; }
      if (typeof item !== 'object' || Array.isArray(item)) continue;
      const key = item.key;
      // Perl would file the value under a stringified reference ("HASH(0x…)") that nothing reads: dropped here.
      if (key !== undefined && key !== null && typeof key !== 'string') continue;
      out[key ?? ''] = item.value === undefined ? null : item.value;
    }
    return out;
  }
}
function appendText(f: Frame, value: string): void {
  if (f.text === '') f.text = value;
  else if (f.pieces === null) f.pieces = [f.text, value];
  else f.pieces.push(value);
  f.textLength += value.length;
}



/** Whether SOAP::Lite decodes an element's children: not for nil, nor for a type whose decoder reads only text. */
function decodesChildren(f: Frame): boolean {
  if (f.kind === K_ARRAY || f.kind === K_APACHE_MAP) return true;
  return f.kind !== K_NIL && (f.type === T_NONE || f.type === T_ANY || f.type === T_UNKNOWN);
}

function classifyType(ns: string, local: string): number {
  const table = TYPE_TABLES.get(ns);
  if (table !== undefined) {
    if (local === table.any) return T_ANY;
    if (table.simple.has(local)) return T_SIMPLE;
    if (local === 'boolean') return T_BOOLEAN;
    if (local === table.base64) return T_BASE64;
    if (local === table.hex) return T_HEX;
    if (table.undef && local === 'undef') return T_UNDEF;
    if ((ns === NS_ENC_11 || ns === NS_ENC_12) && local === 'Array') return T_ANY;
    return T_UNKNOWN;
  }
  if (ns === NS_APACHE && (local === 'Map' || local === 'map' || local === 'Vector')) return T_ANY;
  return T_UNKNOWN;
}

/** encodingStyle values SOAP::Lite accepts (observed): empty, the current SOAP version's encoding URI as a prefix, or a known style. */
const ENCODING_STYLES = new Set([NS_ENC_11, NS_ENC_12, 'http://www.w3.org/2003/05/soap-envelope/encoding/none']);
const ENCODING_STYLE_11 = /(?:^|\b)http:\/\/schemas\.xmlsoap\.org\/soap\/encoding\//;
const ENCODING_STYLE_12 = /(?:^|\b)http:\/\/www\.w3\.org\/2003\/05\/soap-encoding/;
function encodingStyleSupported(value: string, soapVersion: '1.1' | '1.2'): boolean {
  return value === '' || ENCODING_STYLES.has(value) || (soapVersion === '1.2' ? ENCODING_STYLE_12 : ENCODING_STYLE_11).test(value);
}

/**
 * hexBinary as SOAP::Lite decodes it: each pair of letters/digits becomes one byte (read as hex up to a non-hex
 * digit), other characters stay. Written into one array of units, not a string per pair.
 */
function perlHex(text: string): string {
  const n = text.length, u = new Uint16Array(n);
  let w = 0, wide = false;
  for (let i = 0; i < n;) {
    const c = text.charCodeAt(i);
    if (i + 1 < n && isAlnum(c) && isAlnum(text.charCodeAt(i + 1))) {
      const hi = hexDigit(c), lo = hexDigit(text.charCodeAt(i + 1));
      u[w++] = hi < 0 ? 0 : lo < 0 ? hi : hi * 16 + lo;
      i += 2;
    } else {
      if (c > 0xff) wide = true;
      u[w++] = c;
      i++;
    }
  }
  return wide ? unitsToString(u, w) : bytesToText(Buffer.from(u.subarray(0, w)));
}

function isAlnum(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a);
}


/** Decoded binary (base64/hex) as text: UTF-8 when it is UTF-8, else byte-per-character like Perl would hold it. */
function bytesToText(b: Buffer): string {
  return isUtf8(b) ? b.toString('utf8') : b.toString('latin1');
}
