// Request XML -> data, the way OTRS sees it: XML::Parser (expat) checks well-formedness, then SOAP::Lite's
// deserializer turns the tree into plain data (dialect §5). Our own scanner instead of a library because
// DOCTYPE must be refused before anything could be expanded (§5.9, §14.5), limits must bite while scanning,
// errors must read like expat's (§8.3), and this runs on every request.
//
// Shape: bytes are decoded once to a string (§2.9/§2.10), the string is checked for characters XML forbids,
// then one pass over it with an explicit element stack (no recursion per element, so deep input cannot
// overflow the JS stack) builds the value of every element when it closes.
import { isUtf8 } from 'node:buffer';
import { endianness } from 'node:os';

// The reader yields the neutral request data; its maps are created with Object.create(null), so element names
// such as `__proto__` are plain data keys. The Soap names stay as aliases for the reader's own code and tests.
import type { RequestData as SoapValue, RequestMap as SoapMap } from '../data.js';
export type { SoapValue, SoapMap };
/**
 * maxAttributes counts the attributes of one element (namespace declarations included); maxTextLength the characters
 * of one element's text; maxArraySize the size a soapenc:arrayType may declare; maxNamespaceDeclarations the
 * namespace declarations in scope at once (an element's own and its ancestors').
 */
export interface XmlLimits {
  maxDepth: number; maxElements: number; maxAttributes: number; maxTextLength: number; maxArraySize: number; maxNamespaceDeclarations: number;
}
export const DEFAULT_XML_LIMITS: XmlLimits = {
  maxDepth: 64, maxElements: 100_000, maxAttributes: 64, maxTextLength: 10 * 1024 * 1024, maxArraySize: 10_000, maxNamespaceDeclarations: 256,
};

export interface ParsedEnvelope {
  soapVersion: '1.1' | '1.2';
  /**
   * The Body's children merged by local name (§5.7). null without an Envelope root, without a Body, with no child
   * element in it, or when SOAP::Lite would not read it as a map (a nil or simple-typed Envelope or Body).
   */
  body: SoapMap | null;
  /** The Body holds non-blank text but no element (OTRS crashes there, §8.4). */
  bodyHasOnlyText: boolean;
}

/** Not well-formed, not decodable, or rejected by SOAP::Lite's deserializer. The message carries no path (§8.3). */
export class XmlParseError extends Error {
  override name = 'XmlParseError';
}
/** Input refused for safety: a DOCTYPE, or a size limit. */
export class XmlRefusedError extends Error {
  override name = 'XmlRefusedError';
}

// ---------------------------------------------------------------------------------------------------------
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

const LITTLE_ENDIAN = endianness() === 'LE';

/** Scratch for decoding texts and attribute values, shared by every parse (each runs to its end without yielding). */
const SHARED_UNITS = new Uint16Array(16 * 1024);

/** Attributes of one element up to which duplicates are found by comparing each with those before it. */
const ATTR_SCAN_MAX = 16;

/** Namespace declarations in scope up to which a lookup scans them; beyond, it uses a map (see Parser.ns). */
const NS_SCAN_MAX = 16;

// Element kinds, xsi:type kinds and roles of a frame on the element stack.
const K_PLAIN = 0, K_NIL = 1, K_ARRAY = 2, K_APACHE_MAP = 3;
const T_NONE = 0, T_ANY = 1, T_SIMPLE = 2, T_BASE64 = 3, T_HEX = 4, T_BOOLEAN = 5, T_UNDEF = 6, T_UNKNOWN = 7;
const R_GENERIC = 0, R_ENVELOPE = 1, R_BODY = 2;

// expat's texts (§8.3).
const E_INVALID = 'not well-formed (invalid token)';
const E_UNCLOSED = 'unclosed token';
const E_NO_ELEMENT = 'no element found';
const E_SYNTAX = 'syntax error';
const E_JUNK = 'junk after document element';
const E_MISMATCH = 'mismatched tag';
const E_DUPLICATE = 'duplicate attribute';
const E_UNDEFINED_ENTITY = 'undefined entity';
const E_BAD_CHAR_REF = 'reference to invalid character number';
const E_XML_DECL = 'XML declaration not well-formed';
const E_MISPLACED_DECL = 'XML or text declaration not at start of entity';
const E_UNCLOSED_CDATA = 'unclosed CDATA section';
const E_UNKNOWN_ENCODING = 'unknown encoding';
const E_PARTIAL_CHAR = 'partial character';
const E_SOAP_VERSION = `Wrong SOAP version specified. Supported versions:\n  1.1 (${NS_SOAP11_ENV})\n  1.2 (${NS_SOAP12_ENV})`;
const E_INCORRECT_ENCODING = 'encoding specified in XML declaration is incorrect';

const LT = 0x3c, GT = 0x3e, AMP = 0x26, SLASH = 0x2f, BANG = 0x21, QUESTION = 0x3f, EQ = 0x3d, SEMI = 0x3b;
const QUOT = 0x22, APOS = 0x27, HASH = 0x23, CR = 0x0d, LF = 0x0a, TAB = 0x09, SPACE = 0x20, RSQB = 0x5d, LOWER_X = 0x78;

// ASCII name classes: bit 1 = may start a name, bit 2 = may continue one. expat runs without namespace
// processing under XML::Parser, so ':' is an ordinary name character at this level.
const ASCII_NAME = new Uint8Array(128);
for (let c = 0x41; c <= 0x5a; c++) ASCII_NAME[c] = 3;
for (let c = 0x61; c <= 0x7a; c++) ASCII_NAME[c] = 3;
for (let c = 0x30; c <= 0x39; c++) ASCII_NAME[c] = 2;
ASCII_NAME[0x5f] = 3; ASCII_NAME[0x3a] = 3; ASCII_NAME[0x2d] = 2; ASCII_NAME[0x2e] = 2;

/** XML 1.0 NameStartChar above ASCII, BMP only: expat rejects characters beyond U+FFFF in names. */
function wideNameStart(c: number): boolean {
  return (c >= 0xc0 && c <= 0xd6) || (c >= 0xd8 && c <= 0xf6) || (c >= 0xf8 && c <= 0x2ff) || (c >= 0x370 && c <= 0x37d)
    || (c >= 0x37f && c <= 0x1fff) || c === 0x200c || c === 0x200d || (c >= 0x2070 && c <= 0x218f) || (c >= 0x2c00 && c <= 0x2fef)
    || (c >= 0x3001 && c <= 0xd7ff) || (c >= 0xf900 && c <= 0xfdcf) || (c >= 0xfdf0 && c <= 0xfffd);
}
function isNameStart(c: number): boolean {
  return c < 0x80 ? (ASCII_NAME[c] & 1) !== 0 : wideNameStart(c);
}
function isNameChar(c: number): boolean {
  return c < 0x80 ? (ASCII_NAME[c] & 2) !== 0
    : wideNameStart(c) || c === 0xb7 || (c >= 0x300 && c <= 0x36f) || c === 0x203f || c === 0x2040;
}
function isWs(c: number): boolean {
  return c === SPACE || c === LF || c === TAB || c === CR;
}
function isXmlChar(v: number): boolean {
  return v === 0x9 || v === 0xa || v === 0xd || (v >= 0x20 && v <= 0xd7ff) || (v >= 0xe000 && v <= 0xfffd) || (v >= 0x10000 && v <= 0x10ffff);
}

/** Characters XML 1.0 forbids anywhere in a document (expat: "not well-formed (invalid token)"). */
const FORBIDDEN_CHAR = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Cheap first look for FORBIDDEN_CHAR: only documents that contain one of these need the exact test. */
const SUSPECT_CHAR = /[\x00-\x08\x0B\x0C\x0E-\x1F\uD800-\uDFFF\uFFFE\uFFFF]/;
/** Text that needs more than a slice: references, CR (line-end normalisation), or a forbidden `]]>`. */
const TEXT_NEEDS_WORK = /[&\r]|\]\]>/;
const ATTR_NEEDS_WORK = /[&\t\n\r]/;
const NON_BLANK = /[^\x20\t\n\r]/;
const QNAME_VALUE = /^([a-zA-Z_:][\w.:-]*?):([a-zA-Z_:][\w.:-]*(?:\[[\d,]*\])*)/;

/** An error found while scanning; `eof` marks errors caused only by the input ending there. */
class Fail {
  constructor(readonly msg: string, readonly pos: number, readonly eof: boolean) {}
}

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
    readonly qname: string, readonly local: string, readonly nsMark: number, readonly role: number,
    readonly kind: number, readonly type: number, readonly typeName: string,
    readonly itemType: string,   // `{ns}name` from soapenc:arrayType, the type of children without their own
    readonly arraySize: number,  // the size soapenc:arrayType claims ([n]), 0 when unknown
    readonly quiet: boolean,     // SOAP::Lite never decodes this element (an ancestor is nil or simple-typed)
  ) {}
}

class Parser {
  private readonly len: number;
  private elements = 0;
  private readonly stack: Frame[] = [];
  // Namespace declarations in scope, innermost last. A request declares a handful, which a scan finds fastest; past
  // NS_SCAN_MAX, `ns` maps each prefix to its innermost binding, so a lookup costs the same however many are
  // declared, and nsShadowed keeps what each declaration hid, to restore it when its element closes.
  private readonly nsPrefix: string[] = [];
  private readonly nsUri: string[] = [];
  private nsLen = 0;
  private ns: Map<string, string> | null = null;
  private readonly nsShadowed: Array<string | undefined> = [];
  private refLen = 0;
  /** Scratch for a text or attribute value too long for SHARED_UNITS, reused within this parse (see decodeText). */
  private units: Uint16Array | null = null;
  // Attributes of the start tag being read.
  private readonly aName: string[] = [];
  private readonly aPos: number[] = [];
  private readonly aStart: number[] = [];
  private readonly aEnd: number[] = [];
  private readonly aValue: string[] = [];

  /** The first SOAP::Lite-level error: it only counts when expat found none (SOAP::Lite runs after the parse). */
  soapError: string | null = null;
  /** The element being judged is one SOAP::Lite never decodes, so it raises nothing. */
  private quiet = false;
  soapVersion: '1.1' | '1.2' = '1.1';
  body: SoapMap | null = null;
  bodyHasOnlyText = false;
  private bodySeen = false;

  constructor(private readonly s: string, private readonly limits: XmlLimits, private readonly encodingError: string | null) {
    this.len = s.length;
  }

  run(): void {
    const s = this.s;
    let pos = 0;
    if (s.startsWith('<?xml') && (isWs(s.charCodeAt(5)) || s.charCodeAt(5) === QUESTION)) {
      if (s.charCodeAt(5) === QUESTION && s.charCodeAt(6) !== GT) throw this.len <= 6 ? new Fail(E_UNCLOSED, 0, true) : new Fail(E_INVALID, 6, false);
      pos = this.xmlDecl();
    }
    pos = this.misc(pos, true);
    pos = this.content(pos);
    this.misc(pos, false);
  }

  // ----- prolog / epilog ---------------------------------------------------------------------------------

  /** Comments, PIs and blanks before (prolog) or after (epilog) the root; returns the root's '<' in the prolog. */
  private misc(pos: number, prolog: boolean): number {
    const s = this.s, len = this.len;
    for (;;) {
      while (pos < len && isWs(s.charCodeAt(pos))) pos++;
      if (pos >= len) {
        if (prolog) throw new Fail(E_NO_ELEMENT, len, true);
        return pos;
      }
      const c = s.charCodeAt(pos);
      if (c === LT) {
        if (pos + 1 >= len) throw new Fail(E_UNCLOSED, pos, true);
        const c1 = s.charCodeAt(pos + 1);
        if (c1 === QUESTION) {
          if (!prolog && s.startsWith('<?xml', pos) && (isWs(s.charCodeAt(pos + 5)) || s.charCodeAt(pos + 5) === QUESTION)) {
            throw new Fail(E_JUNK, pos, false);
          }
          pos = this.pi(pos);
        } else if (c1 === BANG) {
          if (s.startsWith('<!--', pos)) pos = this.comment(pos);
          else if (s.startsWith('<!DOCTYPE', pos)) throw new XmlRefusedError('DOCTYPE is not allowed');
          else this.badBang(pos, prolog ? 'prolog' : 'epilog');
        } else if (c1 === SLASH) {
          throw new Fail(E_INVALID, pos + 1, false);
        } else if (isNameStart(c1)) {
          if (prolog) return pos;
          throw new Fail(E_JUNK, pos, false);
        } else if (!prolog && c1 >= 0x80) {
          throw new Fail(E_JUNK, pos, false);
        } else {
          throw new Fail(E_INVALID, pos + 1, false);
        }
      } else {
        this.junk(pos, prolog);
      }
    }
  }

  /**
   * Text outside the root. expat reads it with its DTD tokenizer: a complete token is a grammar error
   * ("syntax error" before the root, "junk after document element" after it), a broken one a bad token.
   */
  private junk(pos: number, prolog: boolean): never {
    const s = this.s, len = this.len;
    const grammar = prolog ? E_SYNTAX : E_JUNK;
    // A token is complete when a blank, the end, or one of `follow` comes next.
    const complete = (q: number, follow: string): never => {
      // At the end of the (possibly cut) input the token only looked complete: eof-kind.
      throw q >= len || isWs(s.charCodeAt(q)) || follow.includes(s[q]) ? new Fail(grammar, pos, q >= len) : new Fail(E_INVALID, q, false);
    };
    const nameEnd = (q: number): number => {
      while (q < len && isNameChar(s.charCodeAt(q))) q++;
      return q;
    };
    const c = s.charCodeAt(pos);
    if (c === QUOT || c === APOS) {   // a literal
      const close = s.indexOf(c === QUOT ? '"' : "'", pos + 1);
      if (close < 0) throw new Fail(E_UNCLOSED, pos, true);
      complete(close + 1, '%>[');
    }
    if (c === HASH || c === 0x25) {   // `#KEYWORD`, `%name;`
      if (pos + 1 >= len) throw new Fail(E_UNCLOSED, pos, true);
      const c1 = s.charCodeAt(pos + 1);
      if (c === 0x25 && isWs(c1)) throw new Fail(grammar, pos, false);
      if (!isNameStart(c1)) throw new Fail(E_INVALID, pos + 1, false);
      const q = nameEnd(pos + 2);
      if (c === HASH) complete(q, '%)>|');
      if (q >= len) throw new Fail(E_UNCLOSED, pos, true);
      throw new Fail(E_INVALID, q, false);
    }
    if (c === 0x29) complete(pos + 1, ')*+,>?|');
    if (c === 0x28 || c === 0x2c || c === GT || c === 0x5b || c === RSQB || c === 0x7c) throw new Fail(grammar, pos, false);
    // A name may be followed by an occurrence indicator, a name token (starting with a digit, '-', '.') not.
    if (isNameChar(c)) complete(nameEnd(pos + 1), isNameStart(c) ? '%)*+,>?[|' : '%)*+,>[|');
    throw new Fail(E_INVALID, pos, false);
  }

  /** `<!` that starts neither a comment, CDATA (in content) nor DOCTYPE: expat's positions for the bad token. */
  private badBang(lt: number, where: 'prolog' | 'content' | 'epilog'): never {
    const s = this.s, len = this.len;
    if (lt + 2 >= len) throw new Fail(E_UNCLOSED, lt, true);
    const c = s.charCodeAt(lt + 2);
    if (c === 0x2d) {   // '<!-' not followed by '-'
      if (lt + 3 >= len) throw new Fail(E_UNCLOSED, lt, true);
      throw new Fail(E_INVALID, lt + 3, false);
    }
    if (c === 0x5b) {   // '<![' other than CDATA
      if (where !== 'content') throw new Fail(where === 'prolog' ? E_SYNTAX : E_JUNK, lt, false);
      if (lt + 9 > len) throw new Fail(E_UNCLOSED, lt, true);
      let p = lt + 3;
      while ('<![CDATA['.charCodeAt(p - lt) === s.charCodeAt(p)) p++;
      throw new Fail(E_INVALID, p, false);
    }
    if (where !== 'content' && isNameStart(c)) {   // a declaration keyword (<!ELEMENT …) outside a DTD
      let p = lt + 3;
      while (p < len && isNameStart(s.charCodeAt(p))) p++;
      if (p >= len) throw new Fail(E_UNCLOSED, lt, true);
      if (isWs(s.charCodeAt(p))) throw new Fail(where === 'prolog' ? E_SYNTAX : E_JUNK, lt, false);
      throw new Fail(E_INVALID, p, false);
    }
    if ('<!DOCTYPE'.startsWith(s.slice(lt, lt + 9)) && lt + 9 > len) throw new Fail(E_UNCLOSED, lt, true);
    throw new Fail(E_INVALID, lt + 2, false);
  }

  /**
   * `<?xml …?>` at the very start. Like expat, the whole `<?xml … ?>` token must be there first; then the
   * pseudo-attributes are read: version, then optional encoding and standalone, in that order.
   */
  private xmlDecl(): number {
    const s = this.s;
    const end = s.indexOf('?>', 5);
    if (end < 0) throw new Fail(E_UNCLOSED, 0, true);
    let a = this.pseudoAttribute(5, end);
    if (a === null) throw new Fail(E_XML_DECL, 5, false);
    if (s.slice(a.nameAt, a.nameEnd) !== 'version') throw new Fail(E_XML_DECL, a.nameAt, false);
    let encodingAt = -1;
    a = this.pseudoAttribute(a.next, end);
    if (a !== null && s.slice(a.nameAt, a.nameEnd) === 'encoding') {
      const first = s.charCodeAt(a.valueAt) | 0x20;
      if (first < 0x61 || first > 0x7a) throw new Fail(E_XML_DECL, a.valueAt, false);
      encodingAt = a.valueAt;
      a = this.pseudoAttribute(a.next, end);
    }
    if (a !== null) {
      if (s.slice(a.nameAt, a.nameEnd) !== 'standalone') throw new Fail(E_XML_DECL, a.nameAt, false);
      const value = s.slice(a.valueAt, a.next - 1);
      if (value !== 'yes' && value !== 'no') throw new Fail(E_XML_DECL, a.valueAt, false);
      let p = a.next;
      while (p < end && isWs(s.charCodeAt(p))) p++;
      if (p !== end) throw new Fail(E_XML_DECL, p, false);
    }
    // The encoding itself was judged while decoding; its complaint is reported where expat reports it.
    if (this.encodingError !== null && encodingAt >= 0) throw new Fail(this.encodingError, encodingAt, false);
    return end + 2;
  }

  /** One `name = "value"` of the XML declaration (blank first), or null at its end. Values: [A-Za-z0-9._-]*. */
  private pseudoAttribute(p: number, end: number): { nameAt: number; nameEnd: number; valueAt: number; next: number } | null {
    const s = this.s;
    if (p >= end) return null;
    if (!isWs(s.charCodeAt(p))) throw new Fail(E_XML_DECL, p, false);
    while (p < end && isWs(s.charCodeAt(p))) p++;
    if (p >= end) return null;
    const nameAt = p;
    let nameEnd: number;
    for (;;) {
      if (p >= end) throw new Fail(E_XML_DECL, p, false);
      const c = s.charCodeAt(p);
      if (c > 0x7f) throw new Fail(E_XML_DECL, p, false);
      if (c === EQ) { nameEnd = p; break; }
      if (isWs(c)) {
        nameEnd = p;
        while (p < end && isWs(s.charCodeAt(p))) p++;
        if (p >= end || s.charCodeAt(p) !== EQ) throw new Fail(E_XML_DECL, p, false);
        break;
      }
      p++;
    }
    if (nameEnd === nameAt) throw new Fail(E_XML_DECL, p, false);
    p++;
    while (p < end && isWs(s.charCodeAt(p))) p++;
    const quote = s.charCodeAt(p);
    if (p >= end || (quote !== QUOT && quote !== APOS)) throw new Fail(E_XML_DECL, p, false);
    const valueAt = ++p;
    for (;; p++) {
      const c = s.charCodeAt(p);
      if (p < end && c === quote) break;
      const letter = (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a;
      if (p >= end || !(letter || (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2d || c === 0x5f)) throw new Fail(E_XML_DECL, p, false);
    }
    return { nameAt, nameEnd, valueAt, next: p + 1 };
  }

  /** A processing instruction; its content is ignored. A target `xml` is judged only once the token is whole. */
  private pi(lt: number): number {
    const s = this.s, len = this.len;
    let p = lt + 2;
    if (p >= len) throw new Fail(E_UNCLOSED, lt, true);
    if (!isNameStart(s.charCodeAt(p))) throw new Fail(E_INVALID, p, false);
    p++;
    while (p < len && isNameChar(s.charCodeAt(p))) p++;
    const targetEnd = p;
    if (p >= len) throw new Fail(E_UNCLOSED, lt, true);
    const c = s.charCodeAt(p);
    let next: number;
    if (c === QUESTION) {
      if (p + 1 >= len) throw new Fail(E_UNCLOSED, lt, true);
      if (s.charCodeAt(p + 1) !== GT) throw new Fail(E_INVALID, p + 1, false);
      next = p + 2;
    } else {
      if (!isWs(c)) throw new Fail(E_INVALID, p, false);
      const close = s.indexOf('?>', p);
      if (close < 0) throw new Fail(E_UNCLOSED, lt, true);
      next = close + 2;
    }
    if (targetEnd - lt === 5 && s.slice(lt + 2, targetEnd).toLowerCase() === 'xml') {
      if (s.startsWith('xml', lt + 2)) throw new Fail(E_MISPLACED_DECL, lt, false);
      throw new Fail(E_INVALID, targetEnd, false);
    }
    return next;
  }

  /** `<!-- … -->`: `--` may only appear as part of the end. */
  private comment(lt: number): number {
    const s = this.s;
    const dashes = s.indexOf('--', lt + 4);
    if (dashes < 0) throw new Fail(E_UNCLOSED, lt, true);
    if (dashes + 2 >= this.len) throw new Fail(E_UNCLOSED, lt, true);
    if (s.charCodeAt(dashes + 2) !== GT) throw new Fail(E_INVALID, dashes + 2, false);
    return dashes + 3;
  }

  // ----- element content ---------------------------------------------------------------------------------

  /** From the root's '<' to just after the root's end. */
  private content(pos: number): number {
    const s = this.s, len = this.len;
    for (;;) {
      // pos is at a '<'
      if (pos + 1 >= len) throw new Fail(E_UNCLOSED, pos, true);
      const c1 = s.charCodeAt(pos + 1);
      if (c1 === SLASH) {
        pos = this.endTag(pos);
        if (this.stack.length === 0) return pos;
      } else if (c1 === BANG) {
        if (s.startsWith('<!--', pos)) pos = this.comment(pos);
        else if (s.startsWith('<![CDATA[', pos)) pos = this.cdata(pos);
        else if (s.startsWith('<!DOCTYPE', pos)) throw new XmlRefusedError('DOCTYPE is not allowed');
        else this.badBang(pos, 'content');
      } else if (c1 === QUESTION) {
        pos = this.pi(pos);
      } else {
        pos = this.startTag(pos);
        if (this.stack.length === 0) return pos;
      }
      const lt = s.indexOf('<', pos);
      if (lt < 0) {
        if (pos < len) this.text(pos, len, true);
        // A final CR might still be the start of CRLF, so expat reports the end before it.
        throw new Fail(E_NO_ELEMENT, s.charCodeAt(len - 1) === CR ? len - 1 : len, true);
      }
      if (lt > pos) this.text(pos, lt, false);
      pos = lt;
    }
  }

  /** Character data between markup: decoded, and kept only while the element has no child element (§5.3/§5.4). */
  private text(start: number, stop: number, atEof: boolean): void {
    const f = this.stack[this.stack.length - 1];
    // Refused before the text is copied or decoded: one huge value must not multiply the request's memory.
    if (stop - start + f.textLength > this.limits.maxTextLength) throw new XmlRefusedError(`XML text length exceeds ${this.limits.maxTextLength} characters`);
    const seg = this.s.slice(start, stop);
    const value = TEXT_NEEDS_WORK.test(seg) ? this.decodeText(seg, start, atEof) : seg;
    if (!f.hasChild && f.role !== R_ENVELOPE) appendText(f, value);
  }

  /**
   * References resolved and line ends normalised. Each unit is written once into `units` and the string made at the
   * end: building it by concatenation cost a string piece per reference or CR, ~35 bytes a character.
   */
  private decodeText(seg: string, base: number, atEof: boolean): string {
    const n = seg.length;
    const u = this.unitsFor(n);
    let w = 0, i = 0;
    while (i < n) {
      const c = seg.charCodeAt(i);
      if (c === AMP) {
        w = putCodePoint(u, w, this.ref(base + i, base + n, atEof ? base + i : -1, -1, true));
        i += this.refLen;
      } else if (c === CR) {
        // XML line-end normalisation: CRLF and a lone CR both become LF.
        u[w++] = LF;
        i += seg.charCodeAt(i + 1) === LF ? 2 : 1;
      } else if (c === RSQB && seg.charCodeAt(i + 1) === RSQB && seg.charCodeAt(i + 2) === GT) {
        throw new Fail(E_INVALID, base + i + 2, false);
      } else {
        u[w++] = c;
        i++;
      }
    }
    return unitsToString(u, w);
  }

  /** A scratch array large enough for n units (decoding never makes a text longer). */
  private unitsFor(n: number): Uint16Array {
    if (n <= SHARED_UNITS.length) return SHARED_UNITS;
    if (this.units === null || this.units.length < n) this.units = new Uint16Array(Math.max(n, 2 * (this.units?.length ?? 0)));
    return this.units;
  }

  /**
   * An entity or character reference at `a`, ending before `limit`; eofAt >= 0 when `limit` is the end of input.
   * Returns its code point and sets refLen. With resolve=false only its syntax is checked (expat tokenises a whole
   * start tag before it resolves attribute values) and -1 returned.
   */
  private ref(a: number, limit: number, eofAt: number, tagLt: number, resolve: boolean): number {
    const s = this.s;
    // Cut off by `limit`: the end of the input (unclosed token at eofAt) or a character that cannot follow.
    const ended = (p: number): Fail => (eofAt >= 0 ? new Fail(E_UNCLOSED, eofAt, true) : new Fail(E_INVALID, p, false));
    let p = a + 1;
    if (p >= limit) throw ended(p);
    let c = s.charCodeAt(p);
    if (c === HASH) {
      p++;
      if (p >= limit) throw ended(p);
      let v = 0, digits = 0;
      if (s.charCodeAt(p) === LOWER_X) {
        p++;
        for (; p < limit; p++, digits++) {
          c = s.charCodeAt(p);
          const d = hexDigit(c);
          if (d < 0) break;
          v = v > 0x10ffff ? v : v * 16 + d;
        }
      } else {
        for (; p < limit; p++, digits++) {
          c = s.charCodeAt(p);
          if (c < 0x30 || c > 0x39) break;
          v = v > 0x10ffff ? v : v * 10 + (c - 0x30);
        }
      }
      if (p >= limit) throw ended(p);
      if (digits === 0 || s.charCodeAt(p) !== SEMI) throw new Fail(E_INVALID, p, false);
      this.refLen = p + 1 - a;
      if (!resolve) return -1;
      if (!isXmlChar(v)) throw new Fail(E_BAD_CHAR_REF, a, false);
      return v;
    }
    if (!isNameStart(c)) throw new Fail(E_INVALID, p, false);
    p++;
    while (p < limit && isNameChar(s.charCodeAt(p))) p++;
    if (p >= limit) throw ended(p);
    if (s.charCodeAt(p) !== SEMI) throw new Fail(E_INVALID, p, false);
    this.refLen = p + 1 - a;
    if (!resolve) return -1;
    switch (s.slice(a + 1, p)) {
      case 'lt': return LT;
      case 'gt': return GT;
      case 'amp': return AMP;
      case 'quot': return QUOT;
      case 'apos': return APOS;
      // No DTD is ever read, so no other entity exists. expat reports one in an attribute at its tag.
      default: throw new Fail(E_UNDEFINED_ENTITY, tagLt >= 0 ? tagLt : a, false);
    }
  }

  private cdata(lt: number): number {
    const start = lt + 9;
    const close = this.s.indexOf(']]>', start);
    if (close < 0) {
      // expat stops before a trailing `]`, `]]` or CR that could still have become `]]>` or CRLF.
      const s = this.s;
      const at = s.endsWith(']]') ? this.len - 2 : s.endsWith(']') || s.endsWith('\r') ? this.len - 1 : this.len;
      throw new Fail(E_UNCLOSED_CDATA, Math.max(at, start), true);
    }
    const f = this.stack[this.stack.length - 1];
    if (close - start + f.textLength > this.limits.maxTextLength) throw new XmlRefusedError(`XML text length exceeds ${this.limits.maxTextLength} characters`);
    if (!f.hasChild && f.role !== R_ENVELOPE) {
      let v = this.s.slice(start, close);
      if (v.includes('\r')) v = v.replace(/\r\n?/g, '\n');
      appendText(f, v);
    }
    return close + 3;
  }

  private endTag(lt: number): number {
    const s = this.s, len = this.len;
    const nameAt = lt + 2;
    if (nameAt >= len) throw new Fail(E_UNCLOSED, lt, true);
    if (!isNameStart(s.charCodeAt(nameAt))) throw new Fail(E_INVALID, nameAt, false);
    let p = nameAt + 1;
    while (p < len && isNameChar(s.charCodeAt(p))) p++;
    const nameEnd = p;
    while (p < len && isWs(s.charCodeAt(p))) p++;
    if (p >= len) throw new Fail(E_UNCLOSED, lt, true);
    if (s.charCodeAt(p) !== GT) throw new Fail(E_INVALID, p, false);
    const top = this.stack[this.stack.length - 1];
    // expat reports a mismatch at the end tag's name (golden 11: column 157 is the name after `</`).
    if (nameEnd - nameAt !== top.qname.length || !s.startsWith(top.qname, nameAt)) throw new Fail(E_MISMATCH, nameAt, false);
    this.close();
    return p + 1;
  }

  private startTag(lt: number): number {
    const s = this.s, len = this.len, limits = this.limits;
    let p = lt + 1;
    if (!isNameStart(s.charCodeAt(p))) throw new Fail(E_INVALID, p, false);
    p++;
    while (p < len && isNameChar(s.charCodeAt(p))) p++;
    const qname = s.slice(lt + 1, p);
    if (++this.elements > limits.maxElements) throw new XmlRefusedError(`XML element count exceeds ${limits.maxElements}`);
    if (this.stack.length + 1 > limits.maxDepth) throw new XmlRefusedError(`XML nesting depth exceeds ${limits.maxDepth}`);

    // Pass 1, expat's tokenizer: the syntax of the whole tag.
    let n = 0, selfClosing = false;
    for (;;) {
      if (p >= len) throw new Fail(E_UNCLOSED, lt, true);
      let c = s.charCodeAt(p);
      if (c === GT) { p++; break; }
      if (c === SLASH) {
        if (p + 1 >= len) throw new Fail(E_UNCLOSED, lt, true);
        if (s.charCodeAt(p + 1) !== GT) throw new Fail(E_INVALID, p + 1, false);
        p += 2;
        selfClosing = true;
        break;
      }
      if (!isWs(c)) throw new Fail(E_INVALID, p, false);
      while (p < len && isWs(s.charCodeAt(p))) p++;
      if (p >= len) throw new Fail(E_UNCLOSED, lt, true);
      c = s.charCodeAt(p);
      if (c === GT || c === SLASH) continue;
      if (!isNameStart(c)) throw new Fail(E_INVALID, p, false);
      const nameAt = p;
      p++;
      while (p < len && isNameChar(s.charCodeAt(p))) p++;
      const nameEnd = p;
      while (p < len && isWs(s.charCodeAt(p))) p++;
      if (p >= len) throw new Fail(E_UNCLOSED, lt, true);
      if (s.charCodeAt(p) !== EQ) throw new Fail(E_INVALID, p, false);
      p++;
      while (p < len && isWs(s.charCodeAt(p))) p++;
      if (p >= len) throw new Fail(E_UNCLOSED, lt, true);
      const quote = s.charCodeAt(p);
      if (quote !== QUOT && quote !== APOS) throw new Fail(E_INVALID, p, false);
      const valueAt = p + 1;
      let valueEnd = s.indexOf(quote === QUOT ? '"' : "'", valueAt);
      if (valueEnd < 0) {
        // expat meets a '<' before it notices the missing quote.
        valueEnd = s.indexOf('<', valueAt);
        if (valueEnd < 0) valueEnd = len;
      }
      const raw = s.slice(valueAt, valueEnd);
      this.checkAttrValueSyntax(raw, valueAt, valueEnd, lt);
      if (valueEnd >= len) throw new Fail(E_UNCLOSED, lt, true);
      if (s.charCodeAt(valueEnd) !== quote) throw new Fail(E_INVALID, valueEnd, false);
      if (++n > limits.maxAttributes) throw new XmlRefusedError(`XML attribute count exceeds ${limits.maxAttributes}`);
      this.aName[n - 1] = s.slice(nameAt, nameEnd);
      this.aPos[n - 1] = nameAt;
      this.aStart[n - 1] = valueAt;
      this.aEnd[n - 1] = valueEnd;
      this.aValue[n - 1] = raw;
      p = valueEnd + 1;
    }

    // Pass 2, expat's attribute storage: duplicates, then references, attribute by attribute.
    const nsMark = this.nsLen;
    // Comparing each name with those before it is quadratic: fine for the few an element has, a set beyond that
    // (XML_MAX_ATTRIBUTES may be raised).
    const seen = n > ATTR_SCAN_MAX ? new Set<string>() : null;
    for (let i = 0; i < n; i++) {
      const name = this.aName[i];
      if (seen === null) {
        for (let j = 0; j < i; j++) if (this.aName[j] === name) throw new Fail(E_DUPLICATE, this.aPos[i], false);
      } else if (seen.has(name)) throw new Fail(E_DUPLICATE, this.aPos[i], false);
      else seen.add(name);
      const value = this.attrValue(this.aValue[i], this.aStart[i], this.aEnd[i], lt);
      this.aValue[i] = value;
      if (name.charCodeAt(0) === 0x78 && name.startsWith('xmlns')) {
        if (name.length === 5) this.bind('', value);
        else if (name.charCodeAt(5) === 0x3a) this.bind(name.slice(6), value);
      }
    }

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
    this.stack.push(new Frame(qname, local, nsMark, role, kind, type, typeName, kind === K_ARRAY ? itemType : '', arraySize, quiet));
    if (selfClosing) this.close();
    return p;
  }

  /** Pass 1 for one attribute value (`raw`, at `start`): no '<', and every '&' starts a complete reference. */
  private checkAttrValueSyntax(raw: string, start: number, end: number, tagLt: number): void {
    const lt = raw.indexOf('<');
    let amp = raw.indexOf('&');
    const eofAt = end >= this.len ? tagLt : -1;
    while (amp >= 0 && (lt < 0 || amp < lt)) {
      this.ref(start + amp, end, eofAt, -1, false);
      amp = raw.indexOf('&', amp + this.refLen);
    }
    if (lt >= 0) throw new Fail(E_INVALID, start + lt, false);
  }

  /** Pass 2 for one attribute value: references resolved, blanks normalised to spaces (XML 1.0 §3.3.3). */
  private attrValue(raw: string, start: number, end: number, tagLt: number): string {
    if (!ATTR_NEEDS_WORK.test(raw)) return raw;
    const n = raw.length;
    const u = this.unitsFor(n);
    let w = 0;
    for (let i = 0; i < n;) {
      const c = raw.charCodeAt(i);
      if (c === AMP) {
        w = putCodePoint(u, w, this.ref(start + i, end, -1, tagLt, true));
        i += this.refLen;
      } else if (c === CR) {
        u[w++] = SPACE;
        i += raw.charCodeAt(i + 1) === LF ? 2 : 1;
      } else if (c === LF || c === TAB) {
        u[w++] = SPACE;
        i++;
      } else {
        u[w++] = c;
        i++;
      }
    }
    return unitsToString(u, w);
  }

  private bind(prefix: string, uri: string): void {
    const max = this.limits.maxNamespaceDeclarations;
    if (this.nsLen >= max) throw new XmlRefusedError(`XML namespace declarations in scope exceed ${max}`);
    const i = this.nsLen++;
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
  private close(): void {
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

/** Writes a code point as one or two UTF-16 units at w; returns the next position. */
function putCodePoint(u: Uint16Array, w: number, cp: number): number {
  if (cp < 0x10000) { u[w] = cp; return w + 1; }
  cp -= 0x10000;
  u[w] = 0xd800 + (cp >> 10);
  u[w + 1] = 0xdc00 + (cp & 0x3ff);
  return w + 2;
}

/** The first n units as a string: fromCharCode for short ones (it takes its arguments on the stack), else one copy. */
function unitsToString(u: Uint16Array, n: number): string {
  const STEP = 8192;
  if (n <= STEP) return String.fromCharCode.apply(null, u.subarray(0, n) as unknown as number[]);
  // UTF-16LE is the units' own memory layout on a little-endian machine.
  if (LITTLE_ENDIAN) return Buffer.from(u.buffer, u.byteOffset, n * 2).toString('utf16le');
  const parts: string[] = [];
  for (let i = 0; i < n; i += STEP) parts.push(String.fromCharCode.apply(null, u.subarray(i, Math.min(i + STEP, n)) as unknown as number[]));
  return parts.join('');
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

function hexDigit(c: number): number {
  return c >= 0x30 && c <= 0x39 ? c - 0x30 : (c | 0x20) >= 0x61 && (c | 0x20) <= 0x66 ? (c | 0x20) - 0x57 : -1;
}

/** Decoded binary (base64/hex) as text: UTF-8 when it is UTF-8, else byte-per-character like Perl would hold it. */
function bytesToText(b: Buffer): string {
  return isUtf8(b) ? b.toString('utf8') : b.toString('latin1');
}

// ---------------------------------------------------------------------------------------------------------
// Decoding (§2.9/§2.10)

interface Decoded {
  text: string;
  /** Index in `text` where undecodable input starts (text holds only what came before), or -1. */
  invalidAt: number;
  /** Bytes skipped before `text` (a BOM). */
  bom: number;
  /** How a text index maps back to a byte offset for error messages. */
  unit: 'utf8' | 'byte' | 'utf16';
  /** An encoding complaint expat makes at the encoding name of the XML declaration. */
  encodingError: string | null;
  /** The undecodable input is a multi-byte sequence cut short by the end of the body (expat: "partial character"). */
  partial?: boolean;
}

// Labels that mean true ISO-8859-1. WHATWG TextDecoder maps them to windows-1252, which is not what Perl or
// expat do (ContentCharset.t expects byte 0x84 to become U+0084).
const LATIN1_LABELS = new Set([
  'iso-8859-1', 'iso8859-1', 'iso_8859-1', 'iso88591', 'latin1', 'latin-1', 'l1', 'iso-ir-100', 'cp819', 'ibm819', 'csisolatin1',
  'iso_8859-1:1987', '8859-1',
]);
const ASCII_LABELS = new Set(['us-ascii', 'ascii', 'ansi_x3.4-1968', 'iso646-us', 'us', 'csascii', 'iso-ir-6']);
// Node 20's TextDecoder decodes windows-1252 like Latin-1 (0x80 -> U+0080), so it gets its own table.
const CP1252_LABELS = new Set(['windows-1252', 'cp1252', 'x-cp1252']);
const CP1252_HIGH = '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f'
  + '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

/** Byte -> UTF-16 unit in windows-1252. */
const CP1252_UNITS = Uint16Array.from({ length: 256 }, (_, b) => (b >= 0x80 && b <= 0x9f ? CP1252_HIGH.charCodeAt(b - 0x80) : b));

/** By table into one array of units: a replace() callback per byte held ~35 bytes each (700 MB for a 19 MB body). */
function cp1252(buf: Buffer): string {
  const n = buf.length;
  let i = 0;
  while (i < n && (buf[i] < 0x80 || buf[i] > 0x9f)) i++;
  if (i === n) return buf.toString('latin1');
  const u = new Uint16Array(n);
  for (i = 0; i < n; i++) u[i] = CP1252_UNITS[buf[i]];
  return unitsToString(u, n);
}
const DECL_ENCODING = /^<\?xml[\x20\t\r\n]+version[\x20\t\r\n]*=[\x20\t\r\n]*(?:"[^"]*"|'[^']*')[\x20\t\r\n]+encoding[\x20\t\r\n]*=[\x20\t\r\n]*(?:"([^"]*)"|'([^']*)')/;

function decode(buf: Buffer, contentCharset: string | undefined): Decoded {
  const charset = (contentCharset ?? '').trim().replace(/^["']|["']$/g, '').toLowerCase();
  // A charset other than UTF-8 in Content-Type: OTRS transcodes the body first, then parses it (§2.9).
  if (charset !== '' && !/^utf-?8$/.test(charset)) return transcode(buf, charset);

  const n = buf.length;
  if (n >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return utf8(buf, 3);
  // Only the start of a byte order mark: expat is still waiting for the rest of it.
  if ((n === 1 && buf[0] === 0xef) || (n === 2 && buf[0] === 0xef && buf[1] === 0xbb)) throw new XmlParseError(`${E_UNCLOSED} at line 1, column 0, byte 0`);
  if (n >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return utf16(buf, 2, true);
  if (n >= 2 && buf[0] === 0xfe && buf[1] === 0xff) return utf16(buf, 2, false);
  if (n >= 2 && buf[0] === 0x3c && buf[1] === 0x00) return utf16(buf, 0, true);
  if (n >= 2 && buf[0] === 0x00 && buf[1] === 0x3c) return utf16(buf, 0, false);

  // No BOM: the XML declaration's encoding decides, UTF-8 by default.
  if (n < 6 || buf[0] !== 0x3c || buf[1] !== 0x3f) return utf8(buf, 0);
  const m = DECL_ENCODING.exec(buf.toString('latin1', 0, Math.min(n, 1024)));
  const label = m ? (m[1] ?? m[2]).toLowerCase() : '';
  // A malformed name is left to the declaration check, which reads the document as UTF-8 like expat.
  if (!/^[a-z][a-z0-9._-]*$/.test(label) || label === 'utf-8' || label === 'utf8') return utf8(buf, 0);
  if (LATIN1_LABELS.has(label)) return { text: buf.toString('latin1'), invalidAt: -1, bom: 0, unit: 'byte', encodingError: null };
  if (CP1252_LABELS.has(label)) return { text: cp1252(buf), invalidAt: -1, bom: 0, unit: 'byte', encodingError: null };
  if (ASCII_LABELS.has(label)) return ascii(buf, 'byte');
  // Until the declaration is read, expat reads UTF-8; an encoding it rejects is reported at its name.
  if (/^(?:utf-?16|utf-?32|ucs-?2|ucs-?4|unicode)/.test(label)) {
    // A two-byte encoding named in a document that reads as single bytes (no BOM, no 00 bytes up front).
    return { ...utf8(buf, 0), encodingError: E_INCORRECT_ENCODING };
  }
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label, { fatal: true });
  } catch {
    return { ...utf8(buf, 0), encodingError: E_UNKNOWN_ENCODING };
  }
  return { ...decodeFatal(decoder, label, buf), bom: 0, unit: 'byte', encodingError: null };
}

function utf8(buf: Buffer, bom: number): Decoded {
  const body = bom === 0 ? buf : buf.subarray(bom);
  if (isUtf8(body)) return { text: body.toString('utf8'), invalidAt: -1, bom, unit: 'utf8', encodingError: null };
  // Never replace silently: keep what decodes and report the first bad byte where expat would.
  const bad = firstInvalidUtf8(body);
  const text = body.toString('utf8', 0, bad.at);
  return { text, invalidAt: text.length, bom, unit: 'utf8', encodingError: null, partial: bad.partial };
}

function utf16(buf: Buffer, bom: number, littleEndian: boolean): Decoded {
  let body = buf.subarray(bom, bom + ((buf.length - bom) & ~1));
  if (!littleEndian) body = Buffer.from(body).swap16();
  // Lone surrogates survive this decode and are caught by FORBIDDEN_CHAR; an odd trailing byte is invalid.
  const text = body.toString('utf16le');
  return { text, invalidAt: (buf.length - bom) % 2 === 1 ? text.length : -1, bom, unit: 'utf16', encodingError: null };
}

function ascii(buf: Buffer, unit: 'utf8' | 'byte'): Decoded {
  let bad = -1;
  for (let i = 0; i < buf.length; i++) if (buf[i] > 0x7f) { bad = i; break; }
  const text = buf.toString('latin1', 0, bad < 0 ? buf.length : bad);
  return { text, invalidAt: bad < 0 ? -1 : text.length, bom: 0, unit, encodingError: null };
}

function transcode(buf: Buffer, charset: string): Decoded {
  // After transcoding, Perl hands a character string to the parser; expat then counts UTF-8 bytes.
  if (LATIN1_LABELS.has(charset)) return { text: buf.toString('latin1'), invalidAt: -1, bom: 0, unit: 'utf8', encodingError: null };
  if (CP1252_LABELS.has(charset)) return { text: cp1252(buf), invalidAt: -1, bom: 0, unit: 'utf8', encodingError: null };
  if (ASCII_LABELS.has(charset)) return ascii(buf, 'utf8');
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset, { fatal: true });
  } catch {
    throw new XmlParseError(E_UNKNOWN_ENCODING);
  }
  return { ...decodeFatal(decoder, charset, buf), bom: 0, unit: 'utf8', encodingError: null };
}

/**
 * Decodes strictly; on bad input keeps what decodes before the first bad byte. A decoder cannot say where it failed,
 * so one streams the body in chunks to find the failing chunk, and a second decodes up to that chunk and then feeds
 * it byte by byte: linear (a binary search over prefixes decoded each prefix again, seconds for a 20 MB body).
 */
function decodeFatal(decoder: TextDecoder, label: string, buf: Buffer): { text: string; invalidAt: number } {
  try {
    return { text: decoder.decode(buf), invalidAt: -1 };
  } catch { /* located below */ }
  const CHUNK = 4096, n = buf.length;
  const probe = new TextDecoder(label, { fatal: true });
  let failedChunk = n;
  for (let at = 0; at < n; at += CHUNK) {
    try {
      probe.decode(buf.subarray(at, at + CHUNK), { stream: true });
    } catch {
      failedChunk = at;
      break;
    }
  }
  // No chunk failed: only the end is cut short; what decoded is kept.
  const replay = new TextDecoder(label, { fatal: true });
  let text = replay.decode(buf.subarray(0, failedChunk), { stream: true });
  for (let i = failedChunk; i < Math.min(failedChunk + CHUNK, n); i++) {
    try {
      text += replay.decode(buf.subarray(i, i + 1), { stream: true });
    } catch {
      break;
    }
  }
  return { text, invalidAt: text.length };
}

/** The first byte that does not start a well-formed UTF-8 sequence (RFC 3629), and whether the body just ends there. */
function firstInvalidUtf8(b: Buffer): { at: number; partial: boolean } {
  const n = b.length;
  let i = 0;
  while (i < n) {
    const c = b[i];
    if (c < 0x80) { i++; continue; }
    let need: number, lo = 0x80, hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c === 0xe0) { need = 2; lo = 0xa0; }
    else if ((c >= 0xe1 && c <= 0xec) || c === 0xee || c === 0xef) need = 2;
    else if (c === 0xed) { need = 2; hi = 0x9f; }
    else if (c === 0xf0) { need = 3; lo = 0x90; }
    else if (c >= 0xf1 && c <= 0xf3) need = 3;
    else if (c === 0xf4) { need = 3; hi = 0x8f; }
    else return { at: i, partial: false };
    if (i + need >= n) return { at: i, partial: true };
    for (let k = 1; k <= need; k++) {
      const x = b[i + k];
      if (k === 1 ? x < lo || x > hi : x < 0x80 || x > 0xbf) return { at: i, partial: false };
    }
    i += need + 1;
  }
  return { at: n, partial: false };
}

// ---------------------------------------------------------------------------------------------------------

function positionText(d: Decoded, text: string, pos: number): string {
  let line = 1, lineStart = 0;
  for (let i = 0; i < pos; i++) {
    const c = text.charCodeAt(i);
    if (c === LF) { line++; lineStart = i + 1; }
    else if (c === CR) {
      line++;
      if (text.charCodeAt(i + 1) === LF && i + 1 < pos) i++;
      lineStart = i + 1;
    }
  }
  // expat counts characters in a column: a surrogate pair is one.
  let column = 0;
  for (let i = lineStart; i < pos; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff || i === lineStart || text.charCodeAt(i - 1) < 0xd800 || text.charCodeAt(i - 1) > 0xdbff) column++;
  }
  // expat counts a byte order mark as the first column of line 1.
  if (line === 1 && d.bom > 0) column++;
  const byte = d.unit === 'utf8' ? d.bom + Buffer.byteLength(text.slice(0, pos), 'utf8')
    : d.unit === 'utf16' ? d.bom + 2 * pos : d.bom + pos;
  return `line ${line}, column ${column}, byte ${byte}`;
}

/**
 * Decodes and parses a request body. Throws XmlParseError (caller answers 500 "Error deserializing message:…")
 * or XmlRefusedError (DOCTYPE, limits).
 */
export function readEnvelope(body: Buffer, contentCharset: string | undefined, limits: XmlLimits = DEFAULT_XML_LIMITS): ParsedEnvelope {
  const d = decode(body, contentCharset);
  let text = d.text, invalidAt = d.invalidAt;
  const forbidden = SUSPECT_CHAR.test(text) ? FORBIDDEN_CHAR.exec(text) : null;
  if (forbidden !== null) {
    invalidAt = forbidden.index;
    text = text.slice(0, invalidAt);
  }
  const fail = (msg: string, pos: number) => new XmlParseError(`${msg} at ${positionText(d, text, pos)}`);
  const partial = d.partial === true && forbidden === null;
  const parser = new Parser(text, limits, d.encodingError);
  try {
    parser.run();
  } catch (e) {
    if (!(e instanceof Fail)) throw e;
    // Parsing stopped at the first undecodable or forbidden character: running out there means that character
    // (a sequence cut short by the end of the body is reported at the token it interrupts, as expat does).
    if (invalidAt >= 0 && e.eof) {
      if (!partial) throw fail(E_INVALID, invalidAt);
      throw fail(E_PARTIAL_CHAR, e.msg === E_NO_ELEMENT ? invalidAt : e.pos);
    }
    throw fail(e.msg, e.pos);
  }
  if (invalidAt >= 0) throw fail(partial ? E_PARTIAL_CHAR : E_INVALID, invalidAt);
  if (parser.soapError !== null) throw new XmlParseError(parser.soapError);
  return { soapVersion: parser.soapVersion, body: parser.body, bodyHasOnlyText: parser.bodyHasOnlyText };
}
