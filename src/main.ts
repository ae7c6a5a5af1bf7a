// Starts the service: configuration, storage (migrated, demo data on an empty database), web services and
// their WSDLs, the HTTP server; prints where it listens. SIGTERM/SIGINT stop it cleanly.
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { loadConfig } from './config.js';
import { Logger } from './log.js';
import { setTimeZone } from './storage/time.js';
import { Storage, displayUrl } from './storage/database.js';
import { PasswordHasher } from './domain/Password.js';
import { Auth } from './domain/Auth.js';
import { Sessions } from './domain/Session.js';
import { AccessTokens } from './domain/AccessToken.js';
import { DEMO, ensureDemoData } from './domain/DemoData.js';
import { loadWebservices, WebserviceRegistry, type Webservice } from './webservices/webservice.js';
import { loadWsdl, type LoadedWsdl } from './transport/soap/wsdl.js';
import { Provider } from './provider.js';
import { createHttpServer, drain } from './server.js';
import type { Services } from './operations/operation.js';

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

async function main(): Promise<void> {
  const config = loadConfig();
  const log = Logger.create(config.logLevel);
  setTimeZone(config.otrsTimeZone);
  const storage = await Storage.open({
    url: config.databaseUrl, synchronous: config.sqliteSynchronous, cacheTtlMs: config.cacheTtlMs,
    postgres: {
      poolSize: config.postgresPoolSize, statementTimeoutMs: config.postgresStatementTimeoutMs,
      connectTimeoutMs: config.postgresConnectTimeoutMs, serializationRetries: config.postgresSerializationRetries,
    },
  });
  const passwords = new PasswordHasher({
    // On an OTRS database OTRS may still read, new hashes are in a form it verifies.
    format: config.passwordHashFormat ?? (storage.schema === 'otrs' ? 'otrs-bcrypt' : 'argon2id'),
    memoryKiB: config.argon2MemoryKiB, timeCost: config.argon2TimeCost, legacyPlain: config.legacyPasswordPlain,
    cacheSeconds: config.passwordCacheSeconds, cacheMaxEntries: config.passwordCacheMaxEntries,
  });
  const accessTokens = new AccessTokens(storage, config);
  await accessTokens.init();
  const services: Services = {
    config, storage, passwords, accessTokens,
    auth: new Auth(storage, passwords, config, log),
    sessions: new Sessions(storage, config),
  };
  // Demo rows never go into an existing OTRS database.
  const createdDemo = config.demoData && storage.schema === 'own' ? await ensureDemoData(storage, passwords) : false;

  const extra = (process.env.WEBSERVICE_FILES ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const registry = new WebserviceRegistry(loadWebservices(join(projectRoot, 'wsdl'), extra));
  const wsdls = new Map<Webservice, LoadedWsdl>();
  for (const ws of registry.all()) {
    if (!ws.WSDL) continue;
    const wsdl = await loadWsdl(ws.WSDL);
    const missing = Object.keys(ws.Provider.Operation).filter((op) => !wsdl.operations.includes(op));
    if (missing.length > 0) throw new Error(`${ws.WSDL} does not describe ${missing.join(', ')} of web service ${ws.Name}`);
    wsdls.set(ws, wsdl);
  }

  const provider = new Provider(registry, services, config, log, wsdls);
  const server = createHttpServer(provider, config, log, () => storage.ping());
  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
  const { port } = server.address() as AddressInfo;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host.includes(':') ? `[${config.host}]` : config.host;
  const base = `http://${shownHost}:${port}/otrs/nph-genericinterface.pl`;
  const lines = [
    `otrs-gi is listening (database: ${displayUrl(config.databaseUrl)}${storage.schema === 'otrs' ? ', an existing OTRS database' : ''}${createdDemo ? ', demo data created' : ''})`,
    ...registry.all().map((ws) => `  Endpoint: ${base}/Webservice/${ws.Name}   (also ${base}/WebserviceID/${ws.ID})`),
    ...registry.all().filter((ws) => wsdls.has(ws)).map((ws) => `  WSDL:     ${base}/Webservice/${ws.Name}?wsdl`),
    `  NameSpace: ${registry.all()[0]?.Provider.Transport.Config.NameSpace ?? ''}`,
    `  Health:   http://${shownHost}:${port}/health`,
  ];
  if (config.demoData && storage.schema === 'own') {
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
  process.stderr.write(`otrs-gi could not start: ${e.message}\n`);
  process.exit(1);
});
