// Request XML -> data, the way OTRS sees it: XML::Parser (expat) checks well-formedness, then SOAP::Lite's
// deserializer turns the tree into plain data (dialect §5). Our own reader instead of a library because DOCTYPE
// must be refused before anything could be expanded (§5.9, §14.5), limits must bite while scanning, errors must
// read like expat's (§8.3), and this runs on every request.
//
// The three steps, one file each under xml/: charset.ts decodes the bytes once to a string (§2.9/§2.10) and finds
// characters XML forbids; scanner.ts is expat (one pass, its errors and positions); deserialise.ts is SOAP::Lite,
// building each element's value as the scanner closes it. readEnvelope here is the one entry point.
import { decode, forbiddenCharAt, positionText } from './xml/charset.js';
import { SoapDeserialiser, type SoapMap } from './xml/deserialise.js';
import { E_INVALID, E_NO_ELEMENT, E_PARTIAL_CHAR, Fail, XmlParseError } from './xml/errors.js';
import { DEFAULT_XML_LIMITS, type XmlLimits } from './xml/scanner.js';

export type { SoapMap, SoapValue } from './xml/deserialise.js';
export { XmlParseError, XmlRefusedError } from './xml/errors.js';
export { DEFAULT_XML_LIMITS, type XmlLimits } from './xml/scanner.js';

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

/**
 * Decodes and parses a request body. Throws XmlParseError (caller answers 500 "Error deserializing message:…")
 * or XmlRefusedError (DOCTYPE, limits).
 */
export function readEnvelope(body: Buffer, contentCharset: string | undefined, limits: XmlLimits = DEFAULT_XML_LIMITS): ParsedEnvelope {
  const d = decode(body, contentCharset);
  let text = d.text, invalidAt = d.invalidAt;
  const forbidden = forbiddenCharAt(text);
  if (forbidden >= 0) {
    invalidAt = forbidden;
    text = text.slice(0, invalidAt);
  }
  const fail = (msg: string, pos: number) => new XmlParseError(`${msg} at ${positionText(d, text, pos)}`);
  const partial = d.partial === true && forbidden < 0;
  const parser = new SoapDeserialiser(text, limits, d.encodingError);
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
