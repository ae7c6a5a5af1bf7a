// Characters and UTF-16 units: the classes XML 1.0 and expat use, and the helpers that build strings from units.
import { endianness } from 'node:os';

export const LITTLE_ENDIAN = endianness() === 'LE';

export const LT = 0x3c, GT = 0x3e, AMP = 0x26, SLASH = 0x2f, BANG = 0x21, QUESTION = 0x3f, EQ = 0x3d, SEMI = 0x3b;
export const QUOT = 0x22, APOS = 0x27, HASH = 0x23, CR = 0x0d, LF = 0x0a, TAB = 0x09, SPACE = 0x20, RSQB = 0x5d, LOWER_X = 0x78;

// ASCII name classes: bit 1 = may start a name, bit 2 = may continue one. expat runs without namespace
// processing under XML::Parser, so ':' is an ordinary name character at this level.
export const ASCII_NAME = new Uint8Array(128);
for (let c = 0x41; c <= 0x5a; c++) ASCII_NAME[c] = 3;
for (let c = 0x61; c <= 0x7a; c++) ASCII_NAME[c] = 3;
for (let c = 0x30; c <= 0x39; c++) ASCII_NAME[c] = 2;
ASCII_NAME[0x5f] = 3; ASCII_NAME[0x3a] = 3; ASCII_NAME[0x2d] = 2; ASCII_NAME[0x2e] = 2;

/** XML 1.0 NameStartChar above ASCII, BMP only: expat rejects characters beyond U+FFFF in names. */
export function wideNameStart(c: number): boolean {
  return (c >= 0xc0 && c <= 0xd6) || (c >= 0xd8 && c <= 0xf6) || (c >= 0xf8 && c <= 0x2ff) || (c >= 0x370 && c <= 0x37d)
    || (c >= 0x37f && c <= 0x1fff) || c === 0x200c || c === 0x200d || (c >= 0x2070 && c <= 0x218f) || (c >= 0x2c00 && c <= 0x2fef)
    || (c >= 0x3001 && c <= 0xd7ff) || (c >= 0xf900 && c <= 0xfdcf) || (c >= 0xfdf0 && c <= 0xfffd);
}
export function isNameStart(c: number): boolean {
  return c < 0x80 ? (ASCII_NAME[c] & 1) !== 0 : wideNameStart(c);
}
export function isNameChar(c: number): boolean {
  return c < 0x80 ? (ASCII_NAME[c] & 2) !== 0
    : wideNameStart(c) || c === 0xb7 || (c >= 0x300 && c <= 0x36f) || c === 0x203f || c === 0x2040;
}
export function isWs(c: number): boolean {
  return c === SPACE || c === LF || c === TAB || c === CR;
}
export function isXmlChar(v: number): boolean {
  return v === 0x9 || v === 0xa || v === 0xd || (v >= 0x20 && v <= 0xd7ff) || (v >= 0xe000 && v <= 0xfffd) || (v >= 0x10000 && v <= 0x10ffff);
}

/** Writes a code point as one or two UTF-16 units at w; returns the next position. */
export function putCodePoint(u: Uint16Array, w: number, cp: number): number {
  if (cp < 0x10000) { u[w] = cp; return w + 1; }
  cp -= 0x10000;
  u[w] = 0xd800 + (cp >> 10);
  u[w + 1] = 0xdc00 + (cp & 0x3ff);
  return w + 2;
}

/** The first n units as a string: fromCharCode for short ones (it takes its arguments on the stack), else one copy. */
export function unitsToString(u: Uint16Array, n: number): string {
  const STEP = 8192;
  if (n <= STEP) return String.fromCharCode.apply(null, u.subarray(0, n) as unknown as number[]);
  // UTF-16LE is the units' own memory layout on a little-endian machine.
  if (LITTLE_ENDIAN) return Buffer.from(u.buffer, u.byteOffset, n * 2).toString('utf16le');
  const parts: string[] = [];
  for (let i = 0; i < n; i += STEP) parts.push(String.fromCharCode.apply(null, u.subarray(i, Math.min(i + STEP, n)) as unknown as number[]));
  return parts.join('');
}

export function hexDigit(c: number): number {
  return c >= 0x30 && c <= 0x39 ? c - 0x30 : (c | 0x20) >= 0x61 && (c | 0x20) <= 0x66 ? (c | 0x20) - 0x57 : -1;
}
