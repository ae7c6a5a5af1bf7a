// How reading a request fails: the two errors the reader throws, and expat's texts (dialect §8.3) with the
// position the scanner found them at.

/** Not well-formed, not decodable, or rejected by SOAP::Lite's deserializer. The message carries no path (§8.3). */
export class XmlParseError extends Error {
  override name = 'XmlParseError';
}
/** Input refused for safety: a DOCTYPE, or a size limit. */
export class XmlRefusedError extends Error {
  override name = 'XmlRefusedError';
}

// expat's texts (§8.3).
export const E_INVALID = 'not well-formed (invalid token)';
export const E_UNCLOSED = 'unclosed token';
export const E_NO_ELEMENT = 'no element found';
export const E_SYNTAX = 'syntax error';
export const E_JUNK = 'junk after document element';
export const E_MISMATCH = 'mismatched tag';
export const E_DUPLICATE = 'duplicate attribute';
export const E_UNDEFINED_ENTITY = 'undefined entity';
export const E_BAD_CHAR_REF = 'reference to invalid character number';
export const E_XML_DECL = 'XML declaration not well-formed';
export const E_MISPLACED_DECL = 'XML or text declaration not at start of entity';
export const E_UNCLOSED_CDATA = 'unclosed CDATA section';
export const E_UNKNOWN_ENCODING = 'unknown encoding';
export const E_PARTIAL_CHAR = 'partial character';
export const E_INCORRECT_ENCODING = 'encoding specified in XML declaration is incorrect';

/** An error found while scanning; `eof` marks errors caused only by the input ending there. */
export class Fail {
  constructor(readonly msg: string, readonly pos: number, readonly eof: boolean) {}
}
