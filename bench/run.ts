// `npm run bench`: the server as a user runs it (built code, default settings, a seeded database of a million
// customer users) under autocannon over keep-alive connections, beside a bare node:http server measured in the
// same run: the ceiling. Each scenario runs on the embedded SQLite, on PostgreSQL with one instance, and with two
// instances sharing that database (the load split between them), all in the same run. Prints a table of medians
// over several rounds and writes it as JSON to bench/results/.
//
//   npm run bench -- [--rounds 3] [--duration 5] [--connections 1,8,32] [--customer-users 1000000]
//                    [--scenarios SessionCreate,CustomerUserGet,...] [--env KEY=VALUE,...]
//                    [--databases sqlite,postgres] [--postgres-url postgres://admin@host:port/postgres]
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { companyOf, seededDatabase, seededUser, benchDataDir } from './seed.js';
import { seededPostgres, startPostgres, type BenchPostgres } from './postgres.js';

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const NS = 'http://www.otrs.org/TicketConnector/';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : dflt;
}
const ROUNDS = Number(arg('rounds', '3'));
const DURATION = Number(arg('duration', '5'));
const CONNECTIONS = arg('connections', '1,8,32').split(',').map(Number);
const CUSTOMER_USERS = Number(arg('customer-users', '1000000'));
const DATABASES = arg('databases', 'sqlite,postgres').split(',');
const POSTGRES_URL = arg('postgres-url', '') || undefined;
const EXTRA_ENV = Object.fromEntries(arg('env', '').split(',').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));

const say = (line: string) => process.stdout.write(line + '\n');

/** A SOAP::Lite-style envelope. */
function envelope(operation: string, inner: string): string {
  return '<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" '
    + 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
    + 'soap:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">'
    + `<soap:Body><${operation} xmlns="${NS}">${inner}</${operation}></soap:Body></soap:Envelope>`;
}

// The users the scenarios touch: cust424242 and cust123456 in the million of the README's runs, the same places
// in a smaller seed (--customer-users).
const UPDATED = seededUser(CUSTOMER_USERS, 0.424242);
const READ = seededUser(CUSTOMER_USERS, 0.123456);

/** The customer-user fields of a typical sync update: about 1.4 KB with the envelope. */
const updateFields = (n: number) => `<ID>cust${n}</ID><UserFirstname>Margarete</UserFirstname><UserLastname>Schneider-Weißenfels</UserLastname>`
  + `<UserEmail>cust${n}@company${Math.floor(n / 100)}.test</UserEmail><UserCustomerID>${companyOf(n)}</UserCustomerID>`
  + '<UserPhone>+49 30 1424242</UserPhone>'
  + '<UserMobile>+49 170 4242424</UserMobile><UserStreet>42 Side Road</UserStreet><UserZip>10115</UserZip><UserCity>Berlin</UserCity>'
  + `<UserCountry>Germany</UserCountry><UserTitle>Dr.</UserTitle><UserComment>Synchronised from the CRM, account ${n}</UserComment>`
  + '<ValidID>1</ValidID><DynamicField><Name>Department</Name><Value>Support</Value></DynamicField>'
  + '<DynamicField><Name>Skills</Name><Value>SQL</Value><Value>TypeScript</Value></DynamicField>'
  + '<UserPreferences><Key>UserLanguage</Key><Value>de</Value></UserPreferences>'
  + '<UserPreferences><Key>UserTimeZone</Key><Value>Europe/Berlin</Value></UserPreferences>';
const UPDATE_FIELDS = updateFields(UPDATED);
/** The i-th of a thousand customer users a sync run goes through (spread over the seed). */
const syncedUser = (i: number) => 3 + ((i * 7919) % Math.min(1000, CUSTOMER_USERS - 3)) * Math.max(1, Math.floor((CUSTOMER_USERS - 3) / 1000));

interface Credentials { sessionId: string; accessToken: string }
/** A request body: the same for every request, or one per request number. */
type Body = string | ((i: number) => string);
interface Scenario { name: string; operation: string; body: (c: Credentials) => Body; check: RegExp }

const AGENT = '<UserLogin>demo-agent</UserLogin><Password>DemoAgent1!</Password>';
const SCENARIOS: Scenario[] = [
  { name: 'CustomerUserUpdate SessionID', operation: 'CustomerUserUpdate', body: (c) => `<SessionID>${c.sessionId}</SessionID>${UPDATE_FIELDS}`, check: new RegExp(`<ID>cust${UPDATED}</ID>`) },
  { name: 'CustomerUserUpdate SessionID, 1000 users', operation: 'CustomerUserUpdate', body: (c) => (i: number) => `<SessionID>${c.sessionId}</SessionID>${updateFields(syncedUser(i))}`, check: /<ID>cust\d+<\/ID>/ },
  { name: 'CustomerUserUpdate AccessToken', operation: 'CustomerUserUpdate', body: (c) => `<AccessToken>${c.accessToken}</AccessToken>${UPDATE_FIELDS}`, check: new RegExp(`<ID>cust${UPDATED}</ID>`) },
  { name: 'CustomerUserUpdate UserLogin+Password', operation: 'CustomerUserUpdate', body: () => `${AGENT}${UPDATE_FIELDS}`, check: new RegExp(`<ID>cust${UPDATED}</ID>`) },
  { name: 'CustomerUserGet', operation: 'CustomerUserGet', body: (c) => `<SessionID>${c.sessionId}</SessionID><CustomerUserID>cust${READ}</CustomerUserID><DynamicFields>1</DynamicFields>`, check: new RegExp(`<UserLogin>cust${READ}</UserLogin>`) },
  { name: 'CustomerUserSearch cust12*', operation: 'CustomerUserSearch', body: (c) => `<SessionID>${c.sessionId}</SessionID><CustomerUserLogin>cust12*</CustomerUserLogin>`, check: /<CustomerUserID>cust12/ },
  { name: 'SessionCreate', operation: 'SessionCreate', body: () => AGENT, check: /<SessionID>[A-Za-z0-9]{32}<\/SessionID>/ },
];
const chosen = arg('scenarios', '') ? SCENARIOS.filter((s) => arg('scenarios', '').split(',').some((n) => s.name.startsWith(n))) : SCENARIOS;

/** Starts a child process and waits for the line that says where it listens. */
function start(args: string[], env: Record<string, string>, ready: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawn(process.execPath, args, { cwd: projectRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = ready.exec(out);
      if (m) { child.stdout!.off('data', onData); child.stdout!.resume(); resolve({ child, match: m }); }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (b: Buffer) => { out += b.toString(); });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}:\n${out}`)));
  });
}

const rssMiB = (pid: number) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
};

async function post(url: string, operation: string, inner: string): Promise<string> {
  const res = await fetch(url, { method: 'POST', body: envelope(operation, inner), headers: { 'Content-Type': 'text/xml; charset=UTF-8', SOAPAction: `"${NS}#${operation}"` } });
  return res.text();
}

interface Measure { reqPerSec: number; p50: number; p99: number; rssMiB: number; errors: number }

/**
 * Load spread over several servers at once (instances behind a balancer): the connections are split between
 * them; rates and errors add up, latencies and RSS are the worst of them.
 */
async function loadAll(urls: string[], body: Body | undefined, operation: string | undefined, connections: number, duration: number, pids: number[]): Promise<Measure> {
  const each = await Promise.all(urls.map((url, i) => load(url, body, operation, Math.max(1, Math.round(connections / urls.length)), duration, pids[i])));
  return {
    reqPerSec: each.reduce((n, m) => n + m.reqPerSec, 0), p50: Math.max(...each.map((m) => m.p50)), p99: Math.max(...each.map((m) => m.p99)),
    rssMiB: Math.max(...each.map((m) => m.rssMiB)), errors: each.reduce((n, m) => n + m.errors, 0),
  };
}

/** One autocannon run; RSS of `pid` sampled while it runs. */
async function load(url: string, body: Body | undefined, operation: string | undefined, connections: number, duration: number, pid: number): Promise<Measure> {
  let rss = rssMiB(pid);
  const timer = setInterval(() => { rss = Math.max(rss, rssMiB(pid)); }, 200);
  let sent = 0;
  const bodies = typeof body === 'function'
    ? { requests: [{ method: 'POST' as const, setupRequest: (req: any) => ({ ...req, body: body(sent++) }) }] }
    : { body };
  const result = await autocannon({
    url, connections, duration, pipelining: 1, method: 'POST', ...bodies,
    headers: { 'Content-Type': 'text/xml; charset=UTF-8', ...(operation ? { SOAPAction: `"${NS}#${operation}"` } : {}) },
  });
  clearInterval(timer);
  rss = Math.max(rss, rssMiB(pid));
  return {
    reqPerSec: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, rssMiB: rss,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

const median = (v: number[]) => { const s = [...v].sort((a, b) => a - b); return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

/** A database the scenarios run on: one or two server instances. */
interface Target { database: string; endpoints: string[]; children: ChildProcess[]; creds: Credentials }

async function credentials(endpoint: string): Promise<Credentials> {
  const sessionId = /<SessionID>([^<]+)</.exec(await post(endpoint, 'SessionCreate', AGENT))![1];
  const accessToken = /<AccessToken>([^<]+)</.exec(await post(endpoint, 'AccessTokenCreate', AGENT))![1];
  return { sessionId, accessToken };
}

async function startServer(databaseUrl: string): Promise<{ child: ChildProcess; endpoint: string }> {
  const s = await start([join(projectRoot, 'dist', 'src', 'main.js')], { PORT: '0', HOST: '127.0.0.1', DATABASE_URL: databaseUrl, ...EXTRA_ENV }, /Endpoint:\s+(\S+)/);
  return { child: s.child, endpoint: s.match[1] };
}

async function main(): Promise<void> {
  const seeded = await seededDatabase(CUSTOMER_USERS, say);
  const targets: Target[] = [];
  const children: ChildProcess[] = [];
  // The server writes to its copy; the seeded file stays as made.
  const work = join(projectRoot, 'bench', 'data', `run-${process.pid}.sqlite`);
  let postgres: BenchPostgres | undefined;
  const ceiling = await start([join(projectRoot, 'dist', 'bench', 'ceiling.js')], {}, /PORT (\d+)/);
  const ceilingUrl = `http://127.0.0.1:${ceiling.match[1]}/`;
  try {
    if (DATABASES.includes('sqlite')) {
      copyFileSync(seeded, work);
      const s = await startServer(work);
      children.push(s.child);
      targets.push({ database: 'SQLite', endpoints: [s.endpoint], children: [s.child], creds: await credentials(s.endpoint) });
    }
    if (DATABASES.includes('postgres')) {
      postgres = startPostgres(projectRoot, join(benchDataDir, `postgres-${process.pid}`), POSTGRES_URL);
      const url = await seededPostgres(postgres.adminUrl, `otrs_gi_bench_${process.pid}`, seeded, say);
      const a = await startServer(url);
      const b = await startServer(url);
      children.push(a.child, b.child);
      // One session for both instances: they share it, as instances behind a balancer do.
      const creds = await credentials(a.endpoint);
      targets.push({ database: 'PostgreSQL', endpoints: [a.endpoint], children: [a.child], creds });
      targets.push({ database: 'PostgreSQL x2', endpoints: [a.endpoint, b.endpoint], children: [a.child, b.child], creds });
    }
    for (const t of targets) {
      for (const s of chosen) {
        const inner = s.body(t.creds);
        const answer = await post(t.endpoints[t.endpoints.length - 1], s.operation, typeof inner === 'function' ? inner(0) : inner);
        if (!s.check.test(answer) || /<Error>/.test(answer)) throw new Error(`${s.name} on ${t.database} does not answer as expected:\n${answer.slice(0, 800)}`);
      }
    }
    say(`${targets.map((t) => `${t.database}: ${t.endpoints.join(' + ')}`).join('; ')}`);
    say(`${CUSTOMER_USERS} customer users; ceiling ${ceilingUrl}; ${ROUNDS} rounds of ${DURATION} s per row`);

    const rows = new Map<string, Measure[]>();
    const record = (key: string, m: Measure) => rows.set(key, [...(rows.get(key) ?? []), m]);
    for (let round = 1; round <= ROUNDS; round++) {
      for (const c of CONNECTIONS) {
        record(`node:http 1 KB|${c}|-`, await load(ceilingUrl, envelope('Ping', ''), undefined, c, DURATION, ceiling.child.pid!));
        for (const s of chosen) {
          for (const t of targets) {
            const inner = s.body(t.creds);
            const body: Body = typeof inner === 'function' ? (i: number) => envelope(s.operation, inner(i)) : envelope(s.operation, inner);
            const pids = t.children.map((child) => child.pid!);
            if (round === 1 && c === CONNECTIONS[0]) await loadAll(t.endpoints, body, s.operation, c, 1, pids);
            record(`${s.name}|${c}|${t.database}`, await loadAll(t.endpoints, body, s.operation, c, DURATION, pids));
          }
        }
      }
      say(`  round ${round} of ${ROUNDS} done`);
    }

    const table = [...rows.entries()].map(([key, ms]) => {
      const [scenario, c, database] = key.split('|');
      const ceilingRate = median(rows.get(`node:http 1 KB|${c}|-`)!.map((m) => m.reqPerSec));
      const reqPerSec = median(ms.map((m) => m.reqPerSec));
      return {
        scenario, connections: Number(c), database, reqPerSec: Math.round(reqPerSec), p50Ms: median(ms.map((m) => m.p50)), p99Ms: median(ms.map((m) => m.p99)),
        rssMiB: Math.round(Math.max(...ms.map((m) => m.rssMiB))), ratioToCeiling: Number((reqPerSec / ceilingRate).toFixed(3)),
        errors: ms.reduce((n, m) => n + m.errors, 0), rounds: ms.map((m) => Math.round(m.reqPerSec)),
      };
    }).sort((a, b) => a.scenario.localeCompare(b.scenario) || a.connections - b.connections || a.database.localeCompare(b.database));

    const header = ['scenario', 'c', 'database', 'req/s', 'p50 ms', 'p99 ms', 'RSS MiB', 'vs ceiling', 'errors'];
    const lines = table.map((r) => [r.scenario, String(r.connections), r.database, String(r.reqPerSec), String(r.p50Ms), String(r.p99Ms), String(r.rssMiB), `${(r.ratioToCeiling * 100).toFixed(1)} %`, String(r.errors)]);
    const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
    const fmt = (cells: string[]) => '| ' + cells.map((cell, i) => (i === 0 || i === 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(' | ') + ' |';
    say('');
    say(fmt(header));
    say('|' + widths.map((w, i) => (i === 0 || i === 2 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|');
    for (const l of lines) say(fmt(l));

    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const resultsDir = join(projectRoot, 'bench', 'results');
    mkdirSync(resultsDir, { recursive: true });
    const file = join(resultsDir, `${stamp}.json`);
    writeFileSync(file, JSON.stringify({
      date: new Date().toISOString(), node: process.version, cpus: cpus().length, parallelism: availableParallelism(), cpuModel: cpus()[0]?.model,
      memoryGiB: Math.round(totalmem() / 2 ** 30), customerUsers: CUSTOMER_USERS, rounds: ROUNDS, durationSeconds: DURATION, env: EXTRA_ENV,
      databases: targets.map((t) => ({ database: t.database, instances: t.endpoints.length })), rows: table,
    }, null, 2) + '\n');
    say(`\nWritten to ${file}`);
  } finally {
    for (const child of [...children, ceiling.child]) {
      if (child.exitCode === null) { child.kill('SIGTERM'); await new Promise((r) => child.once('exit', r)); }
    }
    for (const suffix of ['', '-wal', '-shm']) rmSync(work + suffix, { force: true });
    postgres?.stop();
  }
}

main().catch((e: Error) => { process.stderr.write(`${e.stack ?? e}\n`); process.exit(1); });
