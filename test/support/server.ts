// Starts the real server as a user would (node dist/src/main.js) on an ephemeral loopback port with its own
// database, and waits for the endpoint line it prints. Every black-box test goes through this one helper. The
// database is a fresh SQLite file, or, when the suite runs on PostgreSQL (OTRS_GI_TEST_POSTGRES), a fresh
// database on that server.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openTestDatabase, testPostgres, type TestDatabase } from './database.js';

const here = dirname(fileURLToPath(import.meta.url));
export const projectRoot = join(here, '..', '..', '..');   // dist/test/support -> project root
const mainScript = join(projectRoot, 'dist', 'src', 'main.js');

export interface RunningServer {
  baseUrl: string;       // http://127.0.0.1:<port>
  endpoint: string;      // .../otrs/nph-genericinterface.pl/Webservice/GenericTicketConnectorSOAP
  wsdlUrl: string;       // endpoint + '?wsdl'
  port: number;
  /** The server's DATABASE_URL: a SQLite file path or a postgres:// URL (openTestDatabase opens either). */
  dbPath: string;
  output: () => string;  // everything the server printed so far
  /** Opens the server's database (read-only on SQLite), for asserting stored state. */
  db: () => TestDatabase;
  /** The server process (for signals, RSS and exit checks). */
  pid: number;
  child: ChildProcess;
  /** Kills the process with SIGKILL and waits for it; the database files stay (for a restart on them). */
  kill: () => Promise<void>;
  stop: () => Promise<void>;
}

export interface StartOptions {
  /** Use this database (a file path or URL) instead of a fresh one (it is then not deleted on stop). */
  dbPath?: string;
}

let databases = 0;

/** Runs one statement on the suite's PostgreSQL server (creating and dropping test databases). */
async function onTestPostgres(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: testPostgres });
  await client.connect();
  try { await client.query(statement); } finally { await client.end(); }
}

/** A new, empty database for one server: a file in a new directory, or a database on the test PostgreSQL. */
export async function freshDatabase(): Promise<{ location: string; drop: () => Promise<void> }> {
  if (testPostgres) {
    const name = `otrs_gi_test_${process.pid}_${++databases}`;
    await onTestPostgres(`CREATE DATABASE ${name}`);
    const url = new URL(testPostgres);
    url.pathname = `/${name}`;
    return { location: url.toString(), drop: () => onTestPostgres(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
  }
  const dir = mkdtempSync(join(tmpdir(), 'otrs-gi-test-'));
  return { location: join(dir, 'otrs.sqlite'), drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

export async function startServer(env: Record<string, string> = {}, options: StartOptions = {}): Promise<RunningServer> {
  const fresh = options.dbPath ? undefined : await freshDatabase();
  const dbPath = options.dbPath ?? fresh!.location;
  const child: ChildProcess = spawn(process.execPath, [mainScript], {
    cwd: projectRoot,
    // Failed-login throttling is off unless a test turns it on: many tests fail logins on purpose.
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: dbPath, DEMO_DATA: '1', LOG_LEVEL: 'warn', LOGIN_FAILURES_ALLOWED: '0', LOGIN_FAILURES_PER_CLIENT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const opened: TestDatabase[] = [];
  child.stdout!.on('data', (b: Buffer) => { out += b.toString('utf8'); });
  child.stderr!.on('data', (b: Buffer) => { out += b.toString('utf8'); });
  const endpoint = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in time:\n${out}`)), 15000);
    const check = () => {
      const m = /Endpoint:\s+(\S+)/.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited with ${code}:\n${out}`)); });
  }).catch(async (e) => { await fresh?.drop(); throw e; });
  const url = new URL(endpoint);
  const signalAndWait = async (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => { child.once('exit', () => resolve()); child.kill(signal); });
  };
  return {
    baseUrl: url.origin,
    endpoint,
    wsdlUrl: `${endpoint}?wsdl`,
    port: Number(url.port),
    dbPath,
    output: () => out,
    db: () => { const d = openTestDatabase(dbPath, { readonly: true }); opened.push(d); return d; },
    pid: child.pid!,
    child,
    kill: () => signalAndWait('SIGKILL'),
    stop: async () => {
      for (const d of opened.splice(0)) d.close();
      await signalAndWait('SIGTERM');
      await fresh?.drop();
    },
  };
}
