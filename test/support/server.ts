// Starts the real server as a user would (node dist/src/main.js) on an ephemeral loopback port with its own
// SQLite file, and waits for the endpoint line it prints. Every black-box test goes through this one helper.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

const here = dirname(fileURLToPath(import.meta.url));
export const projectRoot = join(here, '..', '..', '..');   // dist/test/support -> project root
const mainScript = join(projectRoot, 'dist', 'src', 'main.js');

export interface RunningServer {
  baseUrl: string;       // http://127.0.0.1:<port>
  endpoint: string;      // .../otrs/nph-genericinterface.pl/Webservice/GenericTicketConnectorSOAP
  wsdlUrl: string;       // endpoint + '?wsdl'
  port: number;
  dbPath: string;
  output: () => string;  // everything the server printed so far
  /** Opens the server's database read-only, for asserting stored state. */
  db: () => Database.Database;
  /** The server process (for signals, RSS and exit checks). */
  pid: number;
  child: ChildProcess;
  /** Kills the process with SIGKILL and waits for it; the database files stay (for a restart on them). */
  kill: () => Promise<void>;
  stop: () => Promise<void>;
}

export interface StartOptions {
  /** Use this database file instead of a fresh one (it is then not deleted on stop). */
  dbPath?: string;
}

export async function startServer(env: Record<string, string> = {}, options: StartOptions = {}): Promise<RunningServer> {
  const dir = options.dbPath ? undefined : mkdtempSync(join(tmpdir(), 'otrs-gi-test-'));
  const dbPath = options.dbPath ?? join(dir!, 'otrs.sqlite');
  const child: ChildProcess = spawn(process.execPath, [mainScript], {
    cwd: projectRoot,
    // Failed-login throttling is off unless a test turns it on: many tests fail logins on purpose.
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: dbPath, DEMO_DATA: '1', LOG_LEVEL: 'warn', LOGIN_FAILURES_ALLOWED: '0', LOGIN_FAILURES_PER_CLIENT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const opened: Database.Database[] = [];
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
  });
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
    db: () => { const d = new Database(dbPath, { readonly: true, fileMustExist: true }); opened.push(d); return d; },
    pid: child.pid!,
    child,
    kill: () => signalAndWait('SIGKILL'),
    stop: async () => {
      for (const d of opened.splice(0)) d.close();
      await signalAndWait('SIGTERM');
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
