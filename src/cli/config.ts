// `otrs-gi config check`: everything the server would load at start, loaded and checked without starting it:
// the settings (environment and CONFIG_FILE), the web services and their WSDLs, and the database, opened only to
// look (a SQLite file read-only; nothing is created or migrated). Any problem: one line and exit 1.
import { existsSync } from 'node:fs';
import { displayUrl, isPostgresUrl } from '../storage/database.js';
import { loadWebserviceDefinitions, openStorage } from '../app.js';
import { CliError, configuration, options, type Output } from './io.js';

export const CONFIG_USAGE = ['config check'];

async function check(args: string[], io: Output): Promise<void> {
  options(args, {});
  const config = configuration();
  io.out(`Settings: valid (environment${process.env.CONFIG_FILE ? ` and CONFIG_FILE ${process.env.CONFIG_FILE}` : ' only'})`);
  const { registry, wsdls } = await loadWebserviceDefinitions(config);
  for (const ws of registry.all()) {
    io.out(`Web service: ${ws.Name} (ID ${ws.ID}), ${Object.keys(ws.Provider.Operation).length} operations${wsdls.has(ws) ? ', WSDL complete' : ', no WSDL'}`);
  }
  const where = displayUrl(config.databaseUrl);
  if (!isPostgresUrl(config.databaseUrl) && config.databaseUrl !== ':memory:' && !existsSync(config.databaseUrl.replace(/^sqlite:(\/\/)?/, ''))) {
    io.out(`Database: ${where} does not exist yet; the server creates it at start`);
    return;
  }
  let storage;
  try { storage = await openStorage(config, true); } catch (e) {
    throw new CliError(`database ${where}: ${(e as Error).message}`);
  }
  try {
    const kind = storage.schema === 'otrs' ? 'an existing OTRS database' : 'this server\'s schema';
    const engine = isPostgresUrl(config.databaseUrl) ? 'PostgreSQL' : 'SQLite';
    if (storage.pendingMigrations > 0) {
      // Tables may not exist yet: the next start creates them; nothing to count before.
      io.out(`Database: ${where} (${engine}, ${kind}): ${storage.pendingMigrations} migrations to run at the next start`);
      return;
    }
    const [agents, validAgents, customerUsers] = await storage.read(async (repos) =>
      [(await repos.agents.count()) - 1, await repos.agents.countValid(), await repos.customerUsers.countValid()]);
    io.out(`Database: ${where} (${engine}, ${kind}): `
      + `${Math.max(0, agents)} agents (${validAgents} valid), ${customerUsers} valid customer users`);
    if (agents <= 0) io.out('  No agent yet: create one with  otrs-gi user add --user-name ... --group admin --group users');
  } finally { await storage.close(); }
}

export async function configCommand(verb: string | undefined, args: string[], io: Output): Promise<void> {
  if (verb === 'check') return check(args, io);
  throw new CliError('unknown command; use config check', 2);
}
