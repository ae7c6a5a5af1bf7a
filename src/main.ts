// Starts the service: configuration, storage (migrated, demo data on an empty database), web services and
// their WSDLs, the HTTP server; prints where it listens. SIGTERM/SIGINT stop it cleanly.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { loadConfig } from './config.js';
import { Logger } from './log.js';
import { setTimeZone } from './storage/time.js';
import { displayUrl } from './storage/database.js';
import { Auth } from './domain/Auth.js';
import { Sessions } from './domain/Session.js';
import { AccessTokens } from './domain/AccessToken.js';
import { DEMO, ensureDemoData } from './domain/DemoData.js';
import { Provider } from './provider.js';
import { createHttpServer, drain } from './server.js';
import type { Services } from './operations/operation.js';
import { loadWebserviceDefinitions, openStorage, passwordHasher } from './app.js';

/** Listens, or fails with one sentence an operator can act on (Node's own error is a stack trace). */
function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      const where = `${host}:${port}`;
      if (e.code === 'EADDRINUSE') reject(new Error(`port ${port} is already in use on ${host} (EADDRINUSE): stop the other process or set PORT`));
      else if (e.code === 'EACCES') reject(new Error(`no permission to listen on ${where} (EACCES): use a port above 1023 or set PORT`));
      else if (e.code === 'EADDRNOTAVAIL') reject(new Error(`HOST ${host} is not an address of this machine (EADDRNOTAVAIL)`));
      else reject(new Error(`cannot listen on ${where}: ${e.message}`));
    });
    server.listen(port, host, resolve);
  });
}

async function main(): Promise<void> {
  const config = loadConfig();
  const log = Logger.create(config.logLevel);
  setTimeZone(config.otrsTimeZone);
  // Web services first: a bad definition is reported before the database is touched.
  const { registry, wsdls } = await loadWebserviceDefinitions(config);
  const storage = await openStorage(config);
  const passwords = passwordHasher(config, storage);
  const accessTokens = new AccessTokens(storage, config);
  await accessTokens.init();
  const services: Services = {
    config, storage, passwords, accessTokens,
    auth: new Auth(storage, passwords, config, log),
    sessions: new Sessions(storage, config),
  };
  // Demo rows never go into an existing OTRS database.
  const createdDemo = config.demoData && storage.schema === 'own' ? await ensureDemoData(storage, passwords) : false;

  const provider = new Provider(registry, services, config, log, wsdls);
  const server = createHttpServer(provider, config, log, () => storage.ping());
  try { await listen(server, config.port, config.host); } catch (e) { await storage.close().catch(() => undefined); throw e; }
  const { port } = server.address() as AddressInfo;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host.includes(':') ? `[${config.host}]` : config.host;
  const base = `http://${shownHost}:${port}/otrs/nph-genericinterface.pl`;
  const lines = [
    `otrs-gi is listening (database: ${displayUrl(config.databaseUrl)}${storage.schema === 'otrs' ? ', an existing OTRS database' : ''}${createdDemo ? ', demo data created' : ''})`,
    ...registry.all().map((ws) => `  Endpoint: ${base}/Webservice/${ws.Name}   (also ${base}/WebserviceID/${ws.ID})`),
    ...registry.aliases().map(([alias, target]) => `  Alias:    ${base}/Webservice/${alias}   (the same as ${target})`),
    ...registry.all().filter((ws) => wsdls.has(ws)).map((ws) => `  WSDL:     ${base}/Webservice/${ws.Name}?wsdl`),
    `  NameSpace: ${registry.all()[0]?.Provider.Transport.Config.NameSpace ?? ''}`,
    `  Health:   http://${shownHost}:${port}/health`,
  ];
  // The credentials only when this start made them: once changed, printing the demo passwords would mislead.
  if (createdDemo) {
    lines.push(`  Demo agent:          ${DEMO.agent.login} / ${DEMO.agent.password}   (groups admin, users: rw)`);
    for (const c of DEMO.customers) lines.push(`  Demo customer user:  ${c.login} / ${c.password}   (company ${DEMO.company.id})`);
  }
  process.stdout.write(lines.join('\n') + '\n');

  // SIGTERM drains: no new connections, requests in flight finish (their answers close the connection), idle
  // kept-alive connections close; the database closes after the last request, or at the time-out regardless.
  let stopping = false;
  const exit = (code: number) => { log.flush(); process.exit(code); };
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: finishing requests in flight, then stopping`);
    drain(server, () => { storage.close().then(() => exit(0), () => exit(1)); });
    setTimeout(() => { log.warn(`${signal}: requests still running after ${config.shutdownTimeoutMs} ms; stopping anyway`); exit(1); }, config.shutdownTimeoutMs).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((e: Error) => {
  // One line: what went wrong, never a stack.
  process.stderr.write(`otrs-gi could not start: ${String(e?.message ?? e).replace(/\s*\n\s*/g, ' ')}\n`);
  process.exit(1);
});
