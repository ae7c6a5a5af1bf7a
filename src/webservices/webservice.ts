// Web service configurations in the shape of an OTRS web service export (Provider.Operation.<Name>.Type,
// Provider.Transport.Config), kept as JSON beside their WSDL in wsdl/. Found by name or by ID, valid ones only
// (dialect §1.3).
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname, isAbsolute, resolve } from 'node:path';

export interface OperationConfig { Type: string; Description?: string; MappingInbound?: Record<string, unknown>; MappingOutbound?: Record<string, unknown> }

/** Provider.Transport.Config of HTTP::SOAP (dialect §11), plus the project's own options. */
export interface SoapTransportConfig {
  NameSpace?: string;
  NoNameSpace?: boolean | string;
  MaxLength?: number | string;
  SOAPAction?: string;          // 'Yes' | 'No'; empty or missing means Yes
  SOAPActionScheme?: string;
  SOAPActionSeparator?: string;
  SOAPActionFreeText?: string;
  RequestNameScheme?: string;
  RequestNameFreeText?: string;
  ResponseNameScheme?: string;
  ResponseNameFreeText?: string;
  AdditionalHeaders?: Record<string, string>;
  Sort?: Array<Record<string, unknown>>;
  /** Project option: also accept the SOAPAction forms of WSDL-generated clients, NS/Op and NS-without-slash#Op (dialect §4.6). */
  LenientSOAPAction?: boolean;
  /** Project option: Faults as standard soap:Fault/soap:Server instead of OTRS's shape (dialect §8.1). */
  StandardFaults?: boolean;
}

export interface Webservice {
  ID: number;
  Name: string;
  Description?: string;
  ValidID: number;
  /** Absolute path of the WSDL served on GET ?wsdl, if any. */
  WSDL?: string;
  Provider: { Operation: Record<string, OperationConfig>; Transport: { Type: string; Config: SoapTransportConfig } };
}

const WEBSERVICE_PATH = /nph-genericinterface\.pl\/(?:WebserviceID\/(\d+)|Webservice\/([^/?]+))/;

export class WebserviceRegistry {
  private readonly byName = new Map<string, Webservice>();
  private readonly byId = new Map<number, Webservice>();
  /** Other names a web service answers to (WEBSERVICE_ALIASES): alias -> the web service's own name. */
  private readonly aliasOf = new Map<string, string>();

  constructor(webservices: Webservice[]) {
    for (const ws of webservices) {
      if (this.byName.has(ws.Name) || this.byId.has(ws.ID)) throw new Error(`Web service ${ws.Name} (ID ${ws.ID}) is defined twice`);
      this.byName.set(ws.Name, ws);
      this.byId.set(ws.ID, ws);
    }
  }

  all(): Webservice[] { return [...this.byId.values()]; }

  /**
   * Lets `alias` address the web service named `target` (`.../Webservice/<alias>`), as another name of the same
   * configuration: the names of OTRS's documentation samples and older clients. A missing target is refused at
   * start, so a typo never goes unnoticed; a web service that really has the alias's name keeps it (false).
   */
  addAlias(alias: string, target: string): boolean {
    const ws = this.byName.get(target);
    if (!ws || this.aliasOf.has(target)) {
      throw new Error(`WEBSERVICE_ALIASES: ${alias} names no web service ${target} (there are: ${this.all().map((w) => w.Name).join(', ')})`);
    }
    if (this.byName.has(alias)) return false;
    this.aliasOf.set(alias, target);
    this.byName.set(alias, ws);
    return true;
  }

  /** Every alias with the name of the web service it stands for. */
  aliases(): Array<[string, string]> { return [...this.aliasOf]; }

  /** The names a request may use, valid web services only, for a warning: `Name (ID n)` and `alias (alias of Name)`. */
  validNames(): string[] {
    const names: string[] = [];
    for (const [name, ws] of this.byName) {
      if (ws.ValidID !== 1) continue;
      const target = this.aliasOf.get(name);
      names.push(target === undefined ? `${name} (ID ${ws.ID})` : `${name} (alias of ${target})`);
    }
    return names;
  }

  /**
   * The web service a request URI addresses (dialect §1.2): `nph-genericinterface.pl/WebserviceID/<digits>` or
   * `nph-genericinterface.pl/Webservice/<name>`, unanchored; the name is percent-decoded ('+' stays) and compared exactly.
   */
  fromUri(uri: string): Webservice | undefined {
    const m = WEBSERVICE_PATH.exec(uri);
    if (!m) return undefined;
    let ws: Webservice | undefined;
    if (m[1] !== undefined) ws = this.byId.get(Number(m[1]));
    else {
      let name: string;
      try { name = decodeURIComponent(m[2]); } catch { return undefined; }
      ws = this.byName.get(name);
    }
    return ws && ws.ValidID === 1 ? ws : undefined;
  }

  /** What a URI that found no web service asked for, for the log: the name or ID sent, or that it named none. */
  static requested(uri: string): string {
    const m = WEBSERVICE_PATH.exec(uri);
    if (!m) return '(no Webservice/<Name> or WebserviceID/<ID> in the path)';
    if (m[1] !== undefined) return `ID ${m[1]}`;
    try { return decodeURIComponent(m[2]); } catch { return m[2]; }
  }
}

/**
 * Loads every `*.webservice.json` in `dir` plus any extra files; WSDL paths become absolute. An extra file with the
 * Name of a shipped web service replaces it, so an operator can change the shipped default (strict SOAPAction,
 * StandardFaults) in a file of their own that an upgrade does not overwrite.
 */
export function loadWebservices(dir: string, extraFiles: string[] = []): Webservice[] {
  const shipped = readdirSync(dir).filter((f) => f.endsWith('.webservice.json')).map((f) => loadWebservice(join(dir, f)));
  const extra = extraFiles.map(loadWebservice);
  const replaced = new Set(extra.map((ws) => ws.Name));
  return [...shipped.filter((ws) => !replaced.has(ws.Name)), ...extra];
}

function loadWebservice(file: string): Webservice {
  const ws = JSON.parse(readFileSync(file, 'utf8')) as Webservice;
  if (typeof ws.Name !== 'string' || !Number.isInteger(ws.ID)) throw new Error(`${file}: a web service needs a Name and an integer ID`);
  if (ws.Provider?.Transport?.Type !== 'HTTP::SOAP') throw new Error(`${file}: only the HTTP::SOAP provider transport is supported`);
  for (const [name, op] of Object.entries(ws.Provider.Operation ?? {})) {
    for (const m of [op.MappingInbound, op.MappingOutbound]) {
      if (m && Object.keys(m).length > 0) throw new Error(`${file}: operation ${name}: mappings are not supported yet`);
    }
  }
  if (ws.WSDL && !isAbsolute(ws.WSDL)) ws.WSDL = resolve(dirname(file), ws.WSDL);
  return ws;
}
