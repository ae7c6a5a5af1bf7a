// The GenericInterface provider pipeline (OTRS Kernel/GenericInterface/Provider.pm), one straight line:
// web service from the URL -> transport receive -> mapping (the caller's locale, mapping/locale) -> operation -> mapping -> transport send.
// Every failing stage ends in one place with the stage's name in the log.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { Config } from './config.js';
import type { Logger } from './log.js';
import type { Client, Operation, OperationResult, Services } from './operations/operation.js';
import { localize, requestLocale } from './mapping/locale.js';
import type { Storage } from './storage/database.js';
import { operationTypes } from './operations/registry.js';
import { SoapTransport, type Exchange } from './transport/soap/soap-transport.js';
import { WebserviceRegistry, type Webservice } from './webservices/webservice.js';
import type { ResponseValue } from './transport/soap/xml-writer.js';
import { isWsdlRequest, wsdlFor, type LoadedWsdl } from './transport/soap/wsdl.js';

interface Prepared { webservice: Webservice; transport: SoapTransport; operations: Map<string, Operation | string>; wsdl?: LoadedWsdl; names: string }

/** What the `request` log line says beyond method, path and status; filled in as the pipeline gets further. */
interface RequestEntry { webservice?: string; operation?: string; errorCode?: unknown; fault?: string }

export class Provider {
  private readonly prepared = new Map<Webservice, Prepared>();
  private readonly storage: Storage;
  private readonly warnings: WarnOnce;
  private readonly validNames: string;

  constructor(private readonly registry: WebserviceRegistry, services: Services, private readonly config: Config, private readonly log: Logger,
    wsdls: Map<Webservice, LoadedWsdl>) {
    this.storage = services.storage;
    for (const [alias, target] of config.webserviceAliases) {
      if (!registry.addAlias(alias, target)) log.warn(`WEBSERVICE_ALIASES: ${alias} is the name of a web service of its own; that one answers to it`);
    }
    this.validNames = registry.validNames().join(', ') || '(none)';
    this.warnings = new WarnOnce(config.unknownNameWarnIntervalSeconds * 1000, config.unknownNameWarnMaxNames);
    for (const ws of registry.all()) {
      const operations = new Map<string, Operation | string>();
      for (const [name, op] of Object.entries(ws.Provider.Operation)) {
        const Type = operationTypes[op.Type];
        // An unknown Type stays a string: OTRS answers it with "Can't load operation backend module" (§3 step 15).
        operations.set(name, Type ? new Type(services, name) : op.Type);
      }
      const transport = new SoapTransport(ws.Provider.Transport.Config, {
        maxLength: config.maxLength,
        keepAlive: config.keepAlive,
        xml: { maxDepth: config.xmlMaxDepth, maxElements: config.xmlMaxElements, maxAttributes: config.xmlMaxAttributes, maxTextLength: config.xmlMaxTextLength, maxArraySize: config.xmlMaxArraySize, maxNamespaceDeclarations: config.xmlMaxNamespaceDeclarations },
      });
      this.prepared.set(ws, { webservice: ws, transport, operations, wsdl: wsdls.get(ws), names: [...operations.keys()].sort().join(', ') });
    }
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    const log = this.log.child({ reqId: requestId(req) });
    const entry: RequestEntry = {};
    // Status 0: nothing was written (the connection closed, as OTRS closes it for an unknown web service).
    res.once('close', () => {
      log.info('request', {
        method: req.method, path: (req.url ?? '').split('?')[0], ...entry, status: res.headersSent ? res.statusCode : 0,
        ms: Number((process.hrtime.bigint() - started) / 1000n) / 1000, client: req.socket.remoteAddress, complete: res.writableFinished,
      });
    });
    const webservice = this.registry.fromUri(req.url ?? '');
    if (!webservice) {
      // §1.4: OTRS writes nothing at all and the connection closes; a plain 500 on request. The operator learns
      // which names would have worked (a client with an old URL otherwise just sees a closed connection).
      const requested = shorten(WebserviceRegistry.requested(req.url ?? ''));
      if (this.warnings.due(requested)) {
        log.warn(`ProviderRequestReceive: no valid web service ${requested}; valid are: ${this.validNames}`, { requested, valid: this.validNames });
      }
      if (this.config.unknownWebserviceResponse === 'close') { req.socket.destroy(); return; }
      res.sendDate = false;
      res.writeHead(500, 'Internal Server Error', ['Content-Type', 'text/plain; charset=UTF-8', 'Content-Length', '21', 'Connection', 'close']);
      res.end('Internal Server Error');
      return;
    }
    entry.webservice = webservice.Name;
    const { transport, operations, wsdl, names } = this.prepared.get(webservice)!;
    if (wsdl && isWsdlRequest(req)) return transport.sendWsdl(req, res, wsdlFor(req, wsdl));

    const received = await transport.receive(req);
    if ('plain' in received) return transport.sendPlain(res, received.exchange, received.plain.status, received.plain.text);
    if ('fault' in received) return sendFault(res, transport, received.exchange, entry, received.fault);

    entry.operation = shorten(received.operation);
    const operation = operations.get(received.operation);
    if (operation === undefined) {
      // OTRS's Fault on the wire; the log names what was sent and what this web service has.
      if (this.warnings.due(`${webservice.Name}\n${entry.operation}`)) {
        log.warn(`ProviderRequestReceive: web service ${webservice.Name} has no operation ${entry.operation}; it has: ${names}`,
          { webservice: webservice.Name, operation: entry.operation, operations: names });
      }
      return sendFault(res, transport, received.exchange, entry, 'Got no OperationType!');
    }
    if (typeof operation === 'string') {
      return sendFault(res, transport, received.exchange, entry, `Can't load operation backend module Kernel::GenericInterface::Operation::${operation}!`);
    }

    // The debugger's "incoming data" record, secrets masked by the logger.
    if (log.isDebug()) log.debug('ProviderRequestReceive: incoming data', { data: received.data });
    const locale = requestLocale(received.operation, received.data);
    const client: Client = { remoteAddress: req.socket.remoteAddress ?? '', userAgent: String(req.headers['user-agent'] ?? '') };
    let result: OperationResult;
    try {
      // ProviderRequestMap, ProviderRequestProcess, ProviderResponseMap: a bad TimeZone or Language is the answer itself.
      result = 'Success' in locale ? locale
        : await localize(await operation.run(received.data, client), locale, this.config.timeZoneFromPreference ? client.caller : undefined, this.storage);
    } catch (e) {
      log.error(`ProviderRequestProcess: ${webservice.Name}/${received.operation} failed: ${(e as Error).stack ?? e}`);
      return sendFault(res, transport, received.exchange, entry, 'OperationObject returned an error, cancelling Request');
    }
    if (log.isDebug()) log.debug('ProviderRequestProcess: outgoing data', { success: result.Success, data: result.Data });
    if (!result.Success) {
      return sendFault(res, transport, received.exchange, entry, result.ErrorMessage || 'OperationObject returned an error, cancelling Request');
    }
    if (result.Data === null || typeof result.Data !== 'object' || Array.isArray(result.Data)) {
      return sendFault(res, transport, received.exchange, entry, 'Data is not a hash reference.');
    }
    // A business error (Data.Error, §9) is an HTTP 200 like a success; the log line tells them apart. One lookup.
    const error = (result.Data as { Error?: { ErrorCode?: unknown } }).Error;
    if (error !== undefined) entry.errorCode = error?.ErrorCode;
    transport.sendResult(res, received.exchange, result.Data as ResponseValue);
  }
}

/** A Fault, its text noted for the request line. */
function sendFault(res: ServerResponse, transport: SoapTransport, exchange: Exchange, entry: RequestEntry, text: string): void {
  entry.fault = shorten(text, 300);
  transport.sendFault(res, exchange, text);
}

/** Names from a request, as far as a log line needs them: bounded, whatever was sent. */
function shorten(name: string, max = 100): string {
  return name.length > max ? `${name.slice(0, max)}…` : name;
}

/**
 * Whether a warning about `key` (an unknown name) is due: once per key per interval, at most maxKeys keys
 * remembered, so a client sending ever new names can flood neither the log nor memory. Keys are kept in the
 * order they were last logged, so the expired ones are at the front.
 */
class WarnOnce {
  private readonly logged = new Map<string, number>();
  constructor(private readonly intervalMs: number, private readonly maxKeys: number) {}

  due(key: string): boolean {
    if (this.intervalMs <= 0) return false;
    const now = Date.now();
    const last = this.logged.get(key);
    if (last !== undefined && now - last < this.intervalMs) return false;
    if (last === undefined && this.logged.size >= this.maxKeys) {
      for (const [k, t] of this.logged) {
        if (now - t < this.intervalMs) break;
        this.logged.delete(k);
      }
      if (this.logged.size >= this.maxKeys) return false;
    }
    this.logged.delete(key);
    this.logged.set(key, now);
    return true;
  }
}

/** The caller's X-Request-ID when it is a plain token, else this process's next one: ties a request's log lines together. */
export function requestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  if (typeof given === 'string' && /^[A-Za-z0-9._:-]{1,64}$/.test(given)) return given;
  return `${REQUEST_ID_PREFIX}-${(++requestCount).toString(36)}`;
}
// A random prefix per process keeps IDs unique across restarts and instances; a counter is cheaper than random bytes per request.
const REQUEST_ID_PREFIX = randomBytes(6).toString('base64url');
let requestCount = 0;
