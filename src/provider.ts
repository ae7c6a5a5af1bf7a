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
import { SoapTransport } from './transport/soap/soap-transport.js';
import type { Webservice, WebserviceRegistry } from './webservices/webservice.js';
import type { ResponseValue } from './transport/soap/xml-writer.js';
import { isWsdlRequest, wsdlFor, type LoadedWsdl } from './transport/soap/wsdl.js';

interface Prepared { webservice: Webservice; transport: SoapTransport; operations: Map<string, Operation | string>; wsdl?: LoadedWsdl }

export class Provider {
  private readonly prepared = new Map<Webservice, Prepared>();
  private readonly storage: Storage;

  constructor(private readonly registry: WebserviceRegistry, services: Services, private readonly config: Config, private readonly log: Logger,
    wsdls: Map<Webservice, LoadedWsdl>) {
    this.storage = services.storage;
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
      this.prepared.set(ws, { webservice: ws, transport, operations, wsdl: wsdls.get(ws) });
    }
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    const log = this.log.child({ reqId: requestId(req) });
    const entry: { webservice?: string; operation?: string } = {};
    res.once('close', () => {
      log.info('request', {
        method: req.method, path: (req.url ?? '').split('?')[0], ...entry, status: res.statusCode,
        ms: Number((process.hrtime.bigint() - started) / 1000n) / 1000, client: req.socket.remoteAddress, complete: res.writableFinished,
      });
    });
    const webservice = this.registry.fromUri(req.url ?? '');
    if (!webservice) {
      // §1.4: OTRS writes nothing at all and the connection closes; a plain 500 on request.
      log.debug(`ProviderRequestReceive: no valid web service for ${req.url}`);
      if (this.config.unknownWebserviceResponse === 'close') { req.socket.destroy(); return; }
      res.sendDate = false;
      res.writeHead(500, 'Internal Server Error', ['Content-Type', 'text/plain; charset=UTF-8', 'Content-Length', '21', 'Connection', 'close']);
      res.end('Internal Server Error');
      return;
    }
    entry.webservice = webservice.Name;
    const { transport, operations, wsdl } = this.prepared.get(webservice)!;
    if (wsdl && isWsdlRequest(req)) return transport.sendWsdl(req, res, wsdlFor(req, wsdl));

    const received = await transport.receive(req);
    if ('plain' in received) return transport.sendPlain(res, received.exchange, received.plain.status, received.plain.text);
    if ('fault' in received) return transport.sendFault(res, received.exchange, received.fault);

    const operation = operations.get(received.operation);
    if (operation === undefined) return transport.sendFault(res, received.exchange, 'Got no OperationType!');
    if (typeof operation === 'string') {
      return transport.sendFault(res, received.exchange, `Can't load operation backend module Kernel::GenericInterface::Operation::${operation}!`);
    }

    entry.operation = received.operation;
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
      return transport.sendFault(res, received.exchange, 'OperationObject returned an error, cancelling Request');
    }
    if (log.isDebug()) log.debug('ProviderRequestProcess: outgoing data', { success: result.Success, data: result.Data });
    if (!result.Success) {
      return transport.sendFault(res, received.exchange, result.ErrorMessage || 'OperationObject returned an error, cancelling Request');
    }
    if (result.Data === null || typeof result.Data !== 'object' || Array.isArray(result.Data)) {
      return transport.sendFault(res, received.exchange, 'Data is not a hash reference.');
    }
    transport.sendResult(res, received.exchange, result.Data as ResponseValue);
  }
}

/** The caller's X-Request-ID when it is a plain token, else this process's next one: ties a request's log lines together. */
function requestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  if (typeof given === 'string' && /^[A-Za-z0-9._:-]{1,64}$/.test(given)) return given;
  return `${REQUEST_ID_PREFIX}-${(++requestCount).toString(36)}`;
}
// A random prefix per process keeps IDs unique across restarts and instances; a counter is cheaper than random bytes per request.
const REQUEST_ID_PREFIX = randomBytes(6).toString('base64url');
let requestCount = 0;
