// Bytes to one string, as OTRS and expat would read them (dialect §2.9/§2.10): the Content-Type charset, a BOM or
// the XML declaration picks the decoding; what cannot be decoded is cut off and reported where expat reports it.
import { isUtf8 } from 'node:buffer';
import { CR, LF, unitsToString } from './chars.js';
import { E_INCORRECT_ENCODING, E_UNCLOSED, E_UNKNOWN_ENCODING, XmlParseError } from './errors.js';

export interface Decoded {
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

export function decode(buf: Buffer, contentCharset: string | undefined): Decoded {
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

export function positionText(d: Decoded, text: string, pos: number): string {
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

/** Characters XML 1.0 forbids anywhere in a document (expat: "not well-formed (invalid token)"). */
const FORBIDDEN_CHAR = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Cheap first look for FORBIDDEN_CHAR: only documents that contain one of these need the exact test. */
const SUSPECT_CHAR = /[\x00-\x08\x0B\x0C\x0E-\x1F\uD800-\uDFFF\uFFFE\uFFFF]/;

/** Where the first character XML forbids is in a decoded text, or -1. */
export function forbiddenCharAt(text: string): number {
  const m = SUSPECT_CHAR.test(text) ? FORBIDDEN_CHAR.exec(text) : null;
  return m === null ? -1 : m.index;
}
