// SOAPAction and operation naming, as Znuny's HTTP::SOAP provider does it (dialect §4.2-§4.6, §7). The pipeline
// calls these in the order of §3: parse + namespace check (step 5), operation cross-check (11), local name (12),
// value check (13). Config values follow Perl truthiness where OTRS tests them with `||` / `if`.
import type { SoapTransportConfig } from '../../webservices/webservice.js';
import type { RequestMap } from '../data.js';
import { compareCodePoints } from './xml-writer.js';

/** The web service's Provider.Transport.Config (§11) as these rules read it, made by soapActionConfig. */
export type SoapActionConfig = Omit<SoapTransportConfig, 'NameSpace' | 'NoNameSpace' | 'LenientSOAPAction'>
  & { NameSpace: string; NoNameSpace?: boolean; LenientSOAPAction?: boolean };

/** NameSpace always a string; NoNameSpace is set only by true or '1', LenientSOAPAction only by true. */
export function soapActionConfig(cfg: SoapTransportConfig): SoapActionConfig {
  return {
    ...cfg,
    NameSpace: cfg.NameSpace ?? '',
    NoNameSpace: cfg.NoNameSpace === true || cfg.NoNameSpace === '1',
    LenientSOAPAction: cfg.LenientSOAPAction === true,
  };
}

export interface ParsedSoapAction { namespace?: string; operation?: string }

/** Perl truth for strings: undefined, '' and '0' are false. */
function perlTrue(s: string | undefined | null): s is string {
  return s !== undefined && s !== null && s !== '' && s !== '0';
}
function hasData(s: string | undefined | null): s is string {
  return s !== undefined && s !== null && s !== '';
}

// Optional quote, namespace (shortest), '#' or '/', operation without separators (shortest), optional quote.
// Because the operation cannot hold a separator, the split is at the last one; a leading quote can end up as
// the namespace itself (`"/Op"` -> namespace `"`), as in Znuny.
const HEADER = /^["']?([\s\S]+?)[#/]([^#/]+?)["']?$/;
const QUOTED = /^["']([\s\S]+)["']$/;

/** §4.2 (Znuny): the header's namespace and operation; {} when skipped (NoNameSpace, no or empty header, `""`). */
export function parseSoapAction(header: string | undefined, cfg: SoapActionConfig): ParsedSoapAction {
  if (cfg.NoNameSpace || !perlTrue(header)) return {};
  const m = HEADER.exec(header);
  if (m) return { namespace: m[1], operation: m[2] };
  // No separator: a quoted value is the operation, an unquoted one gives nothing.
  const q = QUOTED.exec(header);
  return q ? { operation: q[1] } : {};
}

function withoutTrailingSlash(ns: string): string {
  return ns.replace(/\/+$/, '');
}

/** §3 step 5: the header namespace must equal NameSpace exactly (trailing slash included). Fault text or null. */
export function checkNamespace(parsed: ParsedSoapAction, cfg: SoapActionConfig): string | null {
  const ns = parsed.namespace;
  if (ns === undefined || ns === cfg.NameSpace) return null;
  if (cfg.LenientSOAPAction && withoutTrailingSlash(ns) === withoutTrailingSlash(cfg.NameSpace ?? '') && ns !== '') return null;
  return `Namespace from SOAPAction '${ns}' does not match namespace from configuration '${cfg.NameSpace ?? ''}'`;
}

/** §4.3 (step 11): a header operation must equal the body operation (before RequestNameScheme stripping). */
export function checkOperationMatch(parsed: ParsedSoapAction, bodyOperation: string, cfg: SoapActionConfig): string | null {
  void cfg;
  const op = parsed.operation;
  if (!perlTrue(op) || op === bodyOperation) return null;
  return `Operation from SOAP data '${bodyOperation}' does not match operation from SOAPAction '${op}'`;
}

/** §4.4 (step 12): the local operation name. Unknown schemes (e.g. `equest`) behave like Plain. */
export function localOperationName(bodyOperation: string, cfg: SoapActionConfig): string {
  const scheme = cfg.RequestNameScheme ?? 'Plain';
  if (scheme === 'Request') return bodyOperation.replace(/Request$/, '');
  if (scheme === 'Append' && perlTrue(cfg.RequestNameFreeText)) {
    // OTRS interpolates the free text into a regular expression unescaped: `\A(.+)TEXT\z`.
    let re: RegExp;
    try {
      re = new RegExp(`^([\\s\\S]+)${cfg.RequestNameFreeText}$`, 's');
    } catch {
      return bodyOperation;
    }
    const m = re.exec(bodyOperation);
    if (m) return m[1] ?? '';
  }
  return bodyOperation;
}

/** §4.5 (step 13): the header value against the configured scheme. Fault text or null. */
export function checkSoapActionValue(header: string | undefined, localOperation: string, cfg: SoapActionConfig): string | null {
  const enabled = hasData(cfg.SOAPAction) ? cfg.SOAPAction : 'Yes';
  if (enabled !== 'Yes' || !hasData(header) || header === '""' || header === "''") return null;
  // One pair of matching quotes is removed.
  const sent = header.replace(/^(["']?)([\s\S]+?)\1$/, '$2');
  const scheme = hasData(cfg.SOAPActionScheme) ? cfg.SOAPActionScheme : 'NameSpaceSeparatorOperation';
  const ns = cfg.NameSpace ?? '';
  let expected: string | undefined, alternative: string | undefined;
  if (scheme === 'FreeText' && hasData(cfg.SOAPActionFreeText)) {
    expected = cfg.SOAPActionFreeText;
  } else if (scheme === 'Operation') {
    expected = localOperation;
  } else if (scheme === 'SeparatorOperation' && hasData(cfg.SOAPActionSeparator)) {
    expected = cfg.SOAPActionSeparator + localOperation;
  } else if (scheme === 'NameSpaceSeparatorOperation' && hasData(cfg.SOAPActionSeparator)) {
    expected = ns + cfg.SOAPActionSeparator + localOperation;
    alternative = ns + localOperation;   // OTRS bug#12196 workaround, kept
  } else if (scheme === 'NameSpaceSeparatorOperation') {
    expected = `${ns}#${localOperation}`;
    alternative = `${ns}/${localOperation}`;
  }
  // An invalid scheme, or a missing separator/free text, means no check (OTRS: "for safety").
  if (!perlTrue(expected) || expected === sent || alternative === sent) return null;
  if (cfg.LenientSOAPAction && scheme === 'NameSpaceSeparatorOperation') {
    // WSDL form (NS/Op, the shipped WSDL's soapAction) and NS without its trailing slash, '#' or '/'.
    const m = /^([\s\S]+?)[#/]([^#/]+)$/.exec(sent);
    if (m && m[2] === localOperation && withoutTrailingSlash(m[1]) === withoutTrailingSlash(ns)) return null;
  }
  // The text shows the expected value, never the alternative (SOAP.t Test 34).
  return `SOAPAction '${sent}' does not match expected result '${expected}'`;
}

/** §7: the response wrapper name from the local operation name. */
export function responseName(localOperation: string, cfg: SoapActionConfig): string {
  let scheme = perlTrue(cfg.ResponseNameScheme) ? cfg.ResponseNameScheme : 'Response';
  let freeText = cfg.ResponseNameFreeText;
  if (scheme === 'Response') {
    scheme = 'Append';
    freeText = 'Response';
  }
  if (perlTrue(freeText)) {
    if (scheme === 'Append') return localOperation + freeText;
    if (scheme === 'Replace') return freeText;
  }
  return localOperation;
}

/** §4.1: the alphabetically (code-point) first Body child names the operation; '' for an empty map. */
export function firstBodyOperation(body: RequestMap): string {
  let first: string | undefined;
  for (const key of Object.keys(body)) if (first === undefined || compareCodePoints(key, first) < 0) first = key;
  return first ?? '';
}
