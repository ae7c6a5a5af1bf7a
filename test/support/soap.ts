// Raw HTTP for black-box tests: exact request bytes out, exact status line, raw header list and body bytes back.
import { request, Agent } from 'node:http';
import { XMLParser } from 'fast-xml-parser';

export const NS = 'http://www.otrs.org/TicketConnector/';

export interface RawResponse {
  status: number;
  statusMessage: string;
  rawHeaders: string[];           // [name, value, name, value, ...] as sent
  headers: Record<string, string>;
  body: Buffer;
  text: string;
}

/** Kept-alive connections, as real clients use them; `post` uses a fresh connection per request unless given this. */
export const keepAliveAgent = new Agent({ keepAlive: true, maxSockets: 8 });

export function post(url: string, body: string | Buffer, headers: Record<string, string> = {}, method = 'POST', agent: Agent | false = false): Promise<RawResponse> {
  const payload = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method,
      agent,
      headers: { 'Content-Type': 'text/xml; charset=UTF-8', 'Content-Length': String(payload.length), ...headers },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const b = Buffer.concat(chunks);
        const h: Record<string, string> = {};
        for (let i = 0; i < res.rawHeaders.length; i += 2) h[res.rawHeaders[i].toLowerCase()] = res.rawHeaders[i + 1];
        resolve({ status: res.statusCode ?? 0, statusMessage: res.statusMessage ?? '', rawHeaders: res.rawHeaders, headers: h, body: b, text: b.toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** A SOAP 1.1 envelope the way SOAP::Lite writes one: operation element in the service namespace, raw children. */
export function envelope(operation: string, inner: string): string {
  return '<?xml version="1.0" encoding="UTF-8"?>'
    + '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">'
    + `<soap:Body><${operation} xmlns="${NS}">${inner}</${operation}></soap:Body></soap:Envelope>`;
}

/** Calls an operation with the SOAP::Lite default SOAPAction and returns the parsed response. */
export async function call(endpoint: string, operation: string, inner: string): Promise<{ res: RawResponse; data: any }> {
  const res = await post(endpoint, envelope(operation, inner), { SOAPAction: `"${NS}#${operation}"` });
  return { res, data: parseResponse(res.text, operation) };
}

const parser = new XMLParser({ removeNSPrefix: true, parseTagValue: false, trimValues: false, ignoreAttributes: true });

/** The operation's response element as plain data (repeated elements become arrays), or the Fault. */
export function parseResponse(xml: string, operation: string): any {
  const doc = parser.parse(xml);
  const body = doc?.Envelope?.Body ?? {};
  if (body.Fault !== undefined) return { Fault: body.Fault };
  return body[`${operation}Response`];
}

/** Calls an operation from another loopback source address (e.g. 127.0.0.2): a second client, as the server sees it. */
export async function callFrom(localAddress: string, endpoint: string, operation: string, inner: string): Promise<any> {
  const res = await post(endpoint, envelope(operation, inner), { SOAPAction: `"${NS}#${operation}"` }, 'POST', new Agent({ localAddress }));
  return parseResponse(res.text, operation);
}

/** Escapes text for inclusion in a hand-written envelope. */
export function x(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
