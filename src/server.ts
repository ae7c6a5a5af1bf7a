// The HTTP server: Express hosts the GenericInterface route and whatever else comes; the provider writes the
// SOAP responses itself, byte for byte. Connection limits and time-outs are set here, from the configuration.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import express from 'express';
import type { Config } from './config.js';
import type { Logger } from './log.js';
import type { Provider } from './provider.js';

/** What the health endpoint asks: is the store reachable. */
export type HealthCheck = () => Promise<boolean>;

export function createHttpServer(provider: Provider, config: Config, log: Logger, databaseOk: HealthCheck): Server {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // For load balancers and orchestrators: 200 while serving, 503 when the database fails or the server drains.
  app.get('/health', async (_req, res) => {
    const database = await databaseOk();
    const status = provider.draining ? 'draining' : database ? 'ok' : 'failing';
    res.status(status === 'ok' ? 200 : 503).set('Cache-Control', 'no-store').json({ status, database: database ? 'ok' : 'failing' });
  });
  // Any method, any prefix (/otrs, /znuny, /otobo, none): OTRS matches the path unanchored (dialect §1.2, §2.1).
  app.all(/nph-genericinterface\.pl/, (req, res) => {
    provider.handle(req, res).catch((e: Error) => {
      log.error(`ProviderResponseTransmit: ${e.stack ?? e}`);
      if (!res.headersSent) { res.sendDate = false; res.writeHead(500, ['Content-Type', 'text/plain; charset=UTF-8', 'Connection', 'close']); }
      res.end();
    });
  });

  const server = createServer({ requestTimeout: config.requestTimeoutMs, headersTimeout: config.headersTimeoutMs }, app);
  server.keepAliveTimeout = config.keepAliveTimeoutMs;
  server.maxConnections = config.maxConnections;
  // A client that half-closes after sending its request (shutdown(SHUT_WR), as some raw-socket middleware does)
  // still gets its answer, as from Apache; Node would otherwise drop the response of a request still running.
  (server as Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;
  trackConnections(server);
  return server;
}

const drainingServers = new WeakSet<Server>();

/**
 * Stops accepting connections and closes every connection without a request in progress; a connection whose
 * request is running closes after its response. (Node's closeIdleConnections misses connections that have not
 * sent a byte yet, so connections are tracked here.) `done` runs when the last connection has closed.
 */
export function drain(server: Server, done: () => void): void {
  drainingServers.add(server);
  server.close(() => done());
  for (const [socket, busy] of connections(server)) if (busy === 0) socket.destroy();
}

const tracked = new WeakMap<Server, Map<Socket, number>>();
const connections = (server: Server) => tracked.get(server)!;

function trackConnections(server: Server): void {
  const open = new Map<Socket, number>();   // socket -> requests in progress on it
  tracked.set(server, open);
  server.on('connection', (socket: Socket) => {
    open.set(socket, 0);
    socket.once('close', () => open.delete(socket));
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    open.set(socket, (open.get(socket) ?? 0) + 1);
    res.once('close', () => {
      const left = (open.get(socket) ?? 1) - 1;
      if (open.has(socket)) open.set(socket, left);
      if (left === 0 && drainingServers.has(server)) socket.end();
    });
  });
}
