// The WSDL of a web service. node-soap loads and describes it at start, so a broken WSDL or one that misses an
// operation the web service exposes stops the server before any client sees it. Serving it on GET ?wsdl is a
// deliberate deviation from OTRS (which never served one): zeep, JAX-WS and SoapUI need it.
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import soap from 'soap';

export interface LoadedWsdl { xml: string; operations: string[] }

export async function loadWsdl(file: string): Promise<LoadedWsdl> {
  const xml = readFileSync(file, 'utf8');
  const wsdl = new soap.WSDL(xml, file, {});
  await new Promise<void>((resolve, reject) => wsdl.onReady((err) => (err ? reject(err) : resolve())));
  const operations = new Set<string>();
  for (const service of Object.values(wsdl.describeServices() as Record<string, Record<string, Record<string, unknown>>>)) {
    for (const port of Object.values(service)) for (const op of Object.keys(port)) operations.add(op);
  }
  return { xml: wsdl.toXML(), operations: [...operations].sort() };
}

/** GET <endpoint>?wsdl (any case, other parameters allowed: curl users send `?wsdl&`); every other GET stays 411 as in OTRS (§2.2). */
export function isWsdlRequest(req: IncomingMessage): boolean {
  if (req.method !== 'GET') return false;
  const url = req.url ?? '';
  const q = url.indexOf('?');
  return q >= 0 && url.slice(q + 1).split('&').some((p) => p.toLowerCase() === 'wsdl');
}

/** The WSDL text with its soap:address pointing at the URL the client used. */
export function wsdlFor(req: IncomingMessage, wsdl: LoadedWsdl): string {
  const path = (req.url ?? '').split('?')[0];
  const host = /^[A-Za-z0-9.\-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(req.headers.host ?? '') ? req.headers.host! : `${req.socket.localAddress}:${req.socket.localPort}`;
  const location = `http://${host}${path.replace(/[<>"&]/g, encodeURIComponent)}`;
  return wsdl.xml.replace(/(<(?:\w+:)?address\b[^>]*\blocation=")[^"]*(")/g, `$1${location}$2`);
}
