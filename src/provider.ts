// The GenericInterface provider pipeline (OTRS Kernel/GenericInterface/Provider.pm), one straight line of stages
// over one communication object: the web service from the URL, then ProviderRequestReceive (transport),
// ProviderRequestMap (the caller's locale, mapping/locale), ProviderRequestProcess (operation),
// ProviderResponseMap, ProviderResponseSend (transport). A failing stage ends in fail(), which logs it by name.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { Config } from './config.js';
import type { Fields, Logger } from './log.js';
import type { AuthenticatedUser } from './domain/Auth.js';
import type { Operation, OperationResult, Services } from './operations/operation.js';
import { localize, requestLocale, type Locale } from './mapping/locale.js';
import type { Storage } from './storage/database.js';
import { operationTypes } from './operations/registry.js';
import type { RequestData } from './transport/data.js';
import { transportTypes } from './transport/registry.js';
import type { ProviderTransport } from './transport/transport.js';
import { WebserviceRegistry, type Webservice } from './webservices/webservice.js';

interface Prepared { webservice: Webservice; transport: ProviderTransport; operations: Map<string, Operation | string>; names: string }

/** What the `request` log line says beyond method, path and status; filled in as the pipeline gets further. */
interface RequestEntry { webservice?: string; operation?: string; errorCode?: unknown; fault?: string }

type StageName = 'ProviderRequestReceive' | 'ProviderRequestMap' | 'ProviderRequestProcess' | 'ProviderResponseMap' | 'ProviderResponseSend';

/**
 * One request on its way through the stages (OTRS keeps this state in Provider.pm's locals and its debugger).
 * Each stage reads what the stages before it left here; nothing is handed upward through other objects.
 */
interface Communication {
  readonly webservice: Webservice;
  readonly transport: ProviderTransport;
  readonly operations: Prepared['operations'];
  readonly names: string;
  readonly log: Logger;
  readonly requestId: string;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly entry: RequestEntry;
  exchange?: unknown;
  operationName?: string;
  operation?: Operation;
  data?: RequestData;
  locale?: Locale;
  /** Who the operation authenticated, as it returned it: the answer is written for that caller. */
  caller?: AuthenticatedUser;
  result?: OperationResult;
}

/** A stage returns STOP once the answer has been sent (by fail() or by the transport itself). */
const STOP = Symbol('stop');
type Stage = (c: Communication) => Promise<typeof STOP | void> | typeof STOP | void;

export class Provider {
  private readonly prepared = new Map<Webservice, Prepared>();
  private readonly storage: Storage;
  private readonly warnings: WarnOnce;
  private readonly validNames: string;
  private readonly stages: Array<[StageName, Stage]>;

  /** `descriptions`: what each web service's transport serves as its own description (a loaded WSDL for HTTP::SOAP). */
  constructor(private readonly registry: WebserviceRegistry, services: Services, private readonly config: Config, private readonly log: Logger,
    descriptions: Map<Webservice, unknown>) {
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
      const createTransport = transportTypes[ws.Provider.Transport.Type];
      if (!createTransport) throw new Error(`web service ${ws.Name}: no provider transport ${ws.Provider.Transport.Type}`);
      const transport = createTransport(ws.Provider.Transport.Config, config, descriptions.get(ws));
      this.prepared.set(ws, { webservice: ws, transport, operations, names: [...operations.keys()].sort().join(', ') });
    }
    this.stages = [
      ['ProviderRequestReceive', (c) => this.receive(c)],
      ['ProviderRequestMap', (c) => this.mapRequest(c)],
      ['ProviderRequestProcess', (c) => this.process(c)],
      ['ProviderResponseMap', (c) => this.mapResponse(c)],
      ['ProviderResponseSend', (c) => this.send(c)],
    ];
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    const reqId = requestId(req);
    const log = this.log.child({ reqId });
    const entry: RequestEntry = {};
    // Status 0: nothing was written (the connection closed, as OTRS closes it for an unknown web service).
    res.once('close', () => {
      log.info('request', {
        method: req.method, path: (req.url ?? '').split('?')[0], ...entry, status: res.headersSent ? res.statusCode : 0,
        ms: Number((process.hrtime.bigint() - started) / 1000n) / 1000, client: req.socket.remoteAddress, complete: res.writableFinished,
      });
    });
    const webservice = this.registry.fromUri(req.url ?? '');
    if (!webservice) return this.noWebservice(req, res, log);
    entry.webservice = webservice.Name;
    const { transport, operations, names } = this.prepared.get(webservice)!;
    const c: Communication = { webservice, transport, operations, names, log, requestId: reqId, req, res, entry };
    for (const [, stage] of this.stages) if ((await stage(c)) === STOP) return;
  }

  /** §1.4: OTRS writes nothing at all and the connection closes; a plain 500 on request. */
  private noWebservice(req: IncomingMessage, res: ServerResponse, log: Logger): void {
    // The operator learns which names would have worked (a client with an old URL otherwise just sees a closed connection).
    const requested = shorten(WebserviceRegistry.requested(req.url ?? ''));
    if (this.warnings.due(requested)) {
      log.warn(`ProviderRequestReceive: no valid web service ${requested}; valid are: ${this.validNames}`, { requested, valid: this.validNames });
    }
    if (this.config.unknownWebserviceResponse === 'close') { req.socket.destroy(); return; }
    res.sendDate = false;
    res.writeHead(500, 'Internal Server Error', ['Content-Type', 'text/plain; charset=UTF-8', 'Content-Length', '21', 'Connection', 'close']);
    res.end('Internal Server Error');
  }

  private async receive(c: Communication): Promise<typeof STOP | void> {
    if (c.transport.describe(c.req, c.res)) return STOP;
    const received = await c.transport.receive(c.req);
    c.exchange = received.exchange;
    if ('plain' in received) {
      // 411, 413, unreadable or unparsable input: answered by the transport before any operation is known.
      c.log.debug(`ProviderRequestReceive: ${shorten(received.plain.text, 300)}`, { status: received.plain.status });
      c.transport.sendPlain(c.res, received.exchange, received.plain.status, received.plain.text);
      return STOP;
    }
    if ('fault' in received) return fail(c, 'ProviderRequestReceive', received.fault);

    c.entry.operation = shorten(received.operation);
    const operation = c.operations.get(received.operation);
    if (operation === undefined) {
      // OTRS's Fault on the wire; the log names what was sent and what this web service has.
      if (this.warnings.due(`${c.webservice.Name}\n${c.entry.operation}`)) {
        c.log.warn(`ProviderRequestReceive: web service ${c.webservice.Name} has no operation ${c.entry.operation}; it has: ${c.names}`,
          { webservice: c.webservice.Name, operation: c.entry.operation, operations: c.names });
      }
      return fail(c, 'ProviderRequestReceive', 'Got no OperationType!');
    }
    if (typeof operation === 'string') {
      return fail(c, 'ProviderRequestReceive', `Can't load operation backend module Kernel::GenericInterface::Operation::${operation}!`);
    }
    c.operationName = received.operation;
    c.operation = operation;
    c.data = received.data;
    // The debugger's "incoming data" record, secrets masked by the logger.
    record(c, 'ProviderRequestReceive', 'incoming data', { data: received.data });
  }

  /** A bad TimeZone or Language is the answer itself: the operation does not run. */
  private mapRequest(c: Communication): void {
    const locale = requestLocale(c.operationName!, c.data!);
    if ('Success' in locale) c.result = locale; else c.locale = locale;
  }

  private async process(c: Communication): Promise<typeof STOP | void> {
    if (c.result) return;
    try {
      const result = await c.operation!.run(c.data!, { remoteAddress: c.req.socket.remoteAddress ?? '', userAgent: String(c.req.headers['user-agent'] ?? '') });
      c.caller = result.Caller;
      c.result = result;
    } catch (e) {
      return this.crashed(c, 'ProviderRequestProcess', e);
    }
  }

  private async mapResponse(c: Communication): Promise<typeof STOP | void> {
    if (c.locale) {
      try {
        c.result = await localize(c.result!, c.locale, this.config.timeZoneFromPreference ? c.caller : undefined, this.storage);
      } catch (e) {
        return this.crashed(c, 'ProviderResponseMap', e);
      }
    }
    const result = c.result!;
    // The record keeps the name OTRS's debugger gives the operation's answer.
    record(c, 'ProviderRequestProcess', 'outgoing data', { success: result.Success, data: result.Data });
    if (!result.Success) return fail(c, 'ProviderResponseMap', result.ErrorMessage || 'OperationObject returned an error, cancelling Request');
    if (result.Data === null || typeof result.Data !== 'object' || Array.isArray(result.Data)) {
      return fail(c, 'ProviderResponseMap', 'Data is not a hash reference.');
    }
  }

  private send(c: Communication): void {
    const data = c.result!.Data;
    // A business error (Data.Error, §9) is an HTTP 200 like a success; the log line tells them apart. One lookup.
    const error = (data as { Error?: { ErrorCode?: unknown } }).Error;
    if (error !== undefined) c.entry.errorCode = error?.ErrorCode;
    c.transport.sendResult(c.res, c.exchange, data);
  }

  /** An exception in a stage: logged with its stack, answered as OTRS answers a failed operation. */
  private crashed(c: Communication, stage: StageName, e: unknown): typeof STOP {
    c.log.error(`${stage}: ${c.webservice.Name}/${c.operationName} failed: ${(e as Error).stack ?? e}`);
    return fail(c, stage, 'OperationObject returned an error, cancelling Request', false);
  }
}

/**
 * The one failure path: the stage is logged, the text noted for the request line, and the transport answers
 * with its error (a Fault for SOAP).
 * `logHere` is false when the caller has already logged the failure at a higher level.
 */
function fail(c: Communication, stage: StageName, text: string, logHere = true): typeof STOP {
  c.entry.fault = shorten(text, 300);
  if (logHere) c.log.debug(`${stage}: ${c.entry.fault}`);
  c.transport.sendError(c.res, c.exchange, text);
  return STOP;
}

/**
 * The communication's record of a stage's data: the debug log today (secrets masked by the logger); the hook
 * a communication log (OTRS's debugger entries) will write through.
 */
function record(c: Communication, stage: StageName, what: string, data: Fields): void {
  if (c.log.isDebug()) c.log.debug(`${stage}: ${what}`, data);
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
