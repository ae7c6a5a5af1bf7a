// The HTTP server: GenericInterface requests go straight to the provider, which writes the SOAP responses
// itself, byte for byte; Express hosts everything else (the health endpoint). Connection limits and time-outs
// are set here, from the configuration.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import express from 'express';
import type { Config } from './config.js';
import type { Logger } from './log.js';
import { requestId, type Provider } from './provider.js';

const GENERIC_INTERFACE = /nph-genericinterface\.pl/;

/** What the health endpoint asks: is the store reachable. */
export type HealthCheck = () => Promise<boolean>;

export function createHttpServer(provider: Provider, config: Config, log: Logger, databaseOk: HealthCheck): Server {
  const connections = new Connections(config);
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // For load balancers and orchestrators: 200 while serving, 503 when the database fails or the server drains.
  app.get('/health', async (_req, res) => {
    const database = await databaseOk();
    const status = connections.draining ? 'draining' : database ? 'ok' : 'failing';
    res.status(status === 'ok' ? 200 : 503).set('Cache-Control', 'no-store').json({ status, database: database ? 'ok' : 'failing' });
  });
  const genericInterface = (req: IncomingMessage, res: ServerResponse) => {
    provider.handle(req, res).catch((e: Error) => {
      log.error(`ProviderResponseTransmit: ${e.stack ?? e}`);
      if (!res.headersSent) { res.sendDate = false; res.writeHead(500, ['Content-Type', 'text/plain; charset=UTF-8', 'Connection', 'close']); }
      res.end();
    });
  };

  const server = createServer({
    requestTimeout: config.requestTimeoutMs,
    headersTimeout: Math.min(config.headersTimeoutMs, config.requestTimeoutMs),
    // Node looks for expired header and request time-outs only this often (30 s by default), so a slowloris
    // client would get far more time than configured.
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(Math.min(config.headersTimeoutMs, config.requestTimeoutMs) / 4))),
  }, (req, res) => {
    connections.request(req, res);
    // The GenericInterface goes straight to the provider: Express's routing and request decoration would cost
    // more than the whole SOAP request. Any method, any prefix (/otrs, /znuny, /otobo, none): OTRS matches the
    // path unanchored (dialect §1.2, §2.1).
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    if (GENERIC_INTERFACE.test(path)) { genericInterface(req, res); return; }
    // What Express answers (the health check, 404s) is logged like a GenericInterface request (provider.ts).
    const started = process.hrtime.bigint();
    res.once('close', () => log.child({ reqId: requestId(req) }).info('request', {
      method: req.method, path, status: res.statusCode, ms: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
      client: req.socket.remoteAddress, complete: res.writableFinished,
    }));
    app(req, res);
  });
  server.keepAliveTimeout = config.keepAliveTimeoutMs;
  server.maxConnections = config.maxConnections;
  // A client that half-closes after sending its request (shutdown(SHUT_WR), as some raw-socket middleware does)
  // still gets its answer, as from Apache; Node would otherwise drop the response of a request still running.
  (server as Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;
  server.on('connection', (socket: Socket) => connections.open(socket));
  tracked.set(server, connections);
  return server;
}

/**
 * Every open connection and the requests on it: enforces the per-client connection limit and the requests per
 * connection, and lets a stop close what is idle. A response says `Connection: close` (res.shouldKeepAlive,
 * which the transport honours) on a connection's last allowed request and while draining, so clients move on
 * cleanly; Node's own maxRequestsPerSocket would answer the next request with a bare 503 instead.
 */
class Connections {
  private readonly sockets = new Map<Socket, { active: Set<ServerResponse>; served: number }>();
  private readonly perClient = new Map<string, number>();
  draining = false;

  constructor(private readonly config: Config) {}

  open(socket: Socket): void {
    const address = socket.remoteAddress ?? '';
    const count = (this.perClient.get(address) ?? 0) + 1;
    if (count > this.config.maxConnectionsPerClient || this.draining) { socket.destroy(); return; }
    this.perClient.set(address, count);
    this.sockets.set(socket, { active: new Set(), served: 0 });
    socket.once('close', () => {
      this.sockets.delete(socket);
      const left = (this.perClient.get(address) ?? 1) - 1;
      if (left > 0) this.perClient.set(address, left); else this.perClient.delete(address);
    });
  }

  request(req: IncomingMessage, res: ServerResponse): void {
    const state = this.sockets.get(req.socket);
    if (!state) return;
    state.active.add(res);
    state.served++;
    const max = this.config.maxRequestsPerSocket;
    if (this.draining || (max > 0 && state.served >= max)) res.shouldKeepAlive = false;
    res.once('close', () => {
      state.active.delete(res);
      if (state.active.size === 0 && (this.draining || !res.shouldKeepAlive)) req.socket.end();
    });
  }

  /** Closes every connection without a request in progress; the others close after their response. */
  drain(): void {
    this.draining = true;
    for (const [socket, state] of this.sockets) {
      if (state.active.size === 0) socket.destroy();
      else for (const res of state.active) res.shouldKeepAlive = false;
    }
  }
}

const tracked = new WeakMap<Server, Connections>();

/**
 * Stops accepting connections and closes every connection without a request in progress; a connection whose
 * request is running closes after its response. (Node's closeIdleConnections misses connections that have not
 * sent a byte yet, so connections are tracked here.) `done` runs when the last connection has closed.
 */
export function drain(server: Server, done: () => void): void {
  server.close(() => done());
  tracked.get(server)!.drain();
}
