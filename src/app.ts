// What the server and the command line build alike from the configuration: the store, the password hasher and
// the web services with their WSDLs. One place, so that `otrs-gi user add` hashes and stores exactly as the
// server's UserAdd does, on the same database.
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import type { Config } from './config.js';
import { Storage } from './storage/database.js';
import { PasswordHasher } from './domain/Password.js';
import { loadWebservices, WebserviceRegistry, type Webservice } from './webservices/webservice.js';
import { loadWsdl, type LoadedWsdl } from './transport/soap/wsdl.js';

export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Opens DATABASE_URL as the server does (migrated), or only to look (`readOnly`: nothing created or migrated). */
export function openStorage(config: Config, readOnly = false): Promise<Storage> {
  return Storage.open({
    url: config.databaseUrl, synchronous: config.sqliteSynchronous, cacheTtlMs: config.cacheTtlMs, readOnly,
    postgres: {
      poolSize: config.postgresPoolSize, statementTimeoutMs: config.postgresStatementTimeoutMs,
      connectTimeoutMs: config.postgresConnectTimeoutMs, serializationRetries: config.postgresSerializationRetries,
    },
  });
}

export function passwordHasher(config: Config, storage: Storage): PasswordHasher {
  return new PasswordHasher({
    // On an OTRS database OTRS may still read, new hashes are in a form it verifies.
    format: config.passwordHashFormat ?? (storage.schema === 'otrs' ? 'otrs-bcrypt' : 'argon2id'),
    memoryKiB: config.argon2MemoryKiB, timeCost: config.argon2TimeCost, legacyPlain: config.legacyPasswordPlain,
    cacheSeconds: config.passwordCacheSeconds, cacheMaxEntries: config.passwordCacheMaxEntries,
  });
}

/** The shipped web services and WEBSERVICE_FILES, each with its WSDL, which must describe every operation exposed. */
export async function loadWebserviceDefinitions(config: Config): Promise<{ registry: WebserviceRegistry; wsdls: Map<Webservice, LoadedWsdl> }> {
  const registry = new WebserviceRegistry(loadWebservices(join(projectRoot, 'wsdl'), config.webserviceFiles));
  const wsdls = new Map<Webservice, LoadedWsdl>();
  for (const ws of registry.all()) {
    if (!ws.WSDL) continue;
    const wsdl = await loadWsdl(ws.WSDL);
    const missing = Object.keys(ws.Provider.Operation).filter((op) => !wsdl.operations.includes(op));
    if (missing.length > 0) throw new Error(`${ws.WSDL} does not describe ${missing.join(', ')} of web service ${ws.Name}`);
    wsdls.set(ws, wsdl);
  }
  return { registry, wsdls };
}
