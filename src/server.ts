// The HTTP server: Express hosts the GenericInterface route and whatever else comes; the provider writes the
// SOAP responses itself, byte for byte. Connection limits and time-outs are set here, from the configuration.
import { createServer, type Server } from 'node:http';
import express from 'express';
import type { Config } from './config.js';
import type { Logger } from './log.js';
import type { Provider } from './provider.js';

export function createHttpServer(provider: Provider, config: Config, log: Logger): Server {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
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
  return server;
}
