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

export class WebserviceRegistry {
  private readonly byName = new Map<string, Webservice>();
  private readonly byId = new Map<number, Webservice>();

  constructor(webservices: Webservice[]) {
    for (const ws of webservices) {
      if (this.byName.has(ws.Name) || this.byId.has(ws.ID)) throw new Error(`Web service ${ws.Name} (ID ${ws.ID}) is defined twice`);
      this.byName.set(ws.Name, ws);
      this.byId.set(ws.ID, ws);
    }
  }

  all(): Webservice[] { return [...this.byName.values()]; }

  /**
   * The web service a request URI addresses (dialect §1.2): `nph-genericinterface.pl/WebserviceID/<digits>` or
   * `nph-genericinterface.pl/Webservice/<name>`, unanchored; the name is percent-decoded ('+' stays) and compared exactly.
   */
  fromUri(uri: string): Webservice | undefined {
    const m = /nph-genericinterface\.pl\/(?:WebserviceID\/(\d+)|Webservice\/([^/?]+))/.exec(uri);
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
}

/** Loads every `*.webservice.json` in `dir` plus any extra files; WSDL paths become absolute. */
export function loadWebservices(dir: string, extraFiles: string[] = []): Webservice[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.webservice.json')).map((f) => join(dir, f));
  return [...files, ...extraFiles].map((file) => {
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
  });
}
