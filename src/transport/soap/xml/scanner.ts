// expat's half of reading a request: the well-formedness scanner. One pass over the decoded string, as expat
// tokenises it under XML::Parser (no namespace processing, no DTD): it finds the first error expat would report,
// with expat's text and position (dialect §8.3), refuses DOCTYPE before anything could be expanded (§5.9, §14.5),
// and applies the size limits while scanning. What the elements mean is left to a subclass (deserialise.ts),
// which hears of each element as expat's handlers would: its start with the attributes, its text, its end.
import {
  AMP, APOS, BANG, CR, EQ, GT, HASH, LF, LOWER_X, LT, QUESTION, QUOT, RSQB, SEMI, SLASH, SPACE, TAB,
  hexDigit, isNameChar, isNameStart, isWs, isXmlChar, putCodePoint, unitsToString,
} from './chars.js';
import {
  E_BAD_CHAR_REF, E_DUPLICATE, E_INVALID, E_JUNK, E_MISMATCH, E_MISPLACED_DECL, E_NO_ELEMENT, E_SYNTAX, E_UNCLOSED,
  E_UNCLOSED_CDATA, E_UNDEFINED_ENTITY, E_XML_DECL, Fail, XmlRefusedError,
} from './errors.js';

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

/** Scratch for decoding texts and attribute values, shared by every parse (each runs to its end without yielding). */
const SHARED_UNITS = new Uint16Array(16 * 1024);

/** Attributes of one element up to which duplicates are found by comparing each with those before it. */
const ATTR_SCAN_MAX = 16;

/** Text that needs more than a slice: references, CR (line-end normalisation), or a forbidden `]]>`. */
const TEXT_NEEDS_WORK = /[&\r]|\]\]>/;
const ATTR_NEEDS_WORK = /[&\t\n\r]/;

export abstract class XmlScanner {
  protected readonly len: number;
  /** Elements read so far; the deserialiser adds the items it pads arrays with. */
  protected elements = 0;
  /** The qualified names of the open elements, innermost last: what an end tag must match. */
  private readonly open: string[] = [];
  private refLen = 0;
  /** Scratch for a text or attribute value too long for SHARED_UNITS, reused within this parse (see decodeText). */
  private units: Uint16Array | null = null;
  // Attributes of the start tag being read, for openElement: names, and values once references are resolved.
  protected readonly aName: string[] = [];
  private readonly aPos: number[] = [];
  private readonly aStart: number[] = [];
  private readonly aEnd: number[] = [];
  protected readonly aValue: string[] = [];

  constructor(protected readonly s: string, protected readonly limits: XmlLimits, private readonly encodingError: string | null) {
    this.len = s.length;
  }

  /** An attribute stored in expat's order (duplicates checked, references resolved), before the next one is. */
  protected abstract attributeRead(name: string, value: string): void;
  /** A start tag read whole: its attributes are aName/aValue[0, n). A self-closing element is closed right after. */
  protected abstract openElement(qname: string, n: number): void;
  protected abstract closeElement(): void;
  /** How many characters the innermost element holds as its value so far, or -1 when it keeps no text. */
  protected abstract heldText(): number;
  protected abstract characters(value: string): void;

  /** Scans the whole document; throws a Fail (expat's error) or an XmlRefusedError. */
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
        if (this.open.length === 0) return pos;
      } else if (c1 === BANG) {
        if (s.startsWith('<!--', pos)) pos = this.comment(pos);
        else if (s.startsWith('<![CDATA[', pos)) pos = this.cdata(pos);
        else if (s.startsWith('<!DOCTYPE', pos)) throw new XmlRefusedError('DOCTYPE is not allowed');
        else this.badBang(pos, 'content');
      } else if (c1 === QUESTION) {
        pos = this.pi(pos);
      } else {
        pos = this.startTag(pos);
        if (this.open.length === 0) return pos;
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
    const held = this.heldText();
    // Refused before the text is copied or decoded: one huge value must not multiply the request's memory.
    if (stop - start + (held < 0 ? 0 : held) > this.limits.maxTextLength) throw new XmlRefusedError(`XML text length exceeds ${this.limits.maxTextLength} characters`);
    const seg = this.s.slice(start, stop);
    const value = TEXT_NEEDS_WORK.test(seg) ? this.decodeText(seg, start, atEof) : seg;
    if (held >= 0) this.characters(value);
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
    const held = this.heldText();
    if (close - start + (held < 0 ? 0 : held) > this.limits.maxTextLength) throw new XmlRefusedError(`XML text length exceeds ${this.limits.maxTextLength} characters`);
    if (held >= 0) {
      let v = this.s.slice(start, close);
      if (v.includes('\r')) v = v.replace(/\r\n?/g, '\n');
      this.characters(v);
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
    const open = this.open[this.open.length - 1];
    // expat reports a mismatch at the end tag's name (golden 11: column 157 is the name after `</`).
    if (nameEnd - nameAt !== open.length || !s.startsWith(open, nameAt)) throw new Fail(E_MISMATCH, nameAt, false);
    this.open.pop();
    this.closeElement();
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
    if (this.open.length + 1 > limits.maxDepth) throw new XmlRefusedError(`XML nesting depth exceeds ${limits.maxDepth}`);

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
      this.attributeRead(name, value);
    }

    this.open.push(qname);
    this.openElement(qname, n);
    if (selfClosing) {
      this.open.pop();
      this.closeElement();
    }
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

}
