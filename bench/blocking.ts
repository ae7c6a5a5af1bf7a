// `npm run bench:blocking`: how long the heaviest requests the default limits allow keep the server from
// answering anything else (issue 15: no request may block the event loop for more than 100 ms at the defaults).
// The server runs as a user runs it (built code, default settings, a fresh SQLite database with the demo data);
// while each request runs, /health is asked every 5 ms on a connection of its own, and the longest wait for one
// of those answers, less the poll interval, is the longest the event loop was held. Each row is the worst of
// several runs. Prints a table and writes it as JSON to bench/results/.
//
//   npm run bench:blocking -- [--runs 3]
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request, Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const NS = 'http://www.otrs.org/TicketConnector/';
const i = process.argv.indexOf('--runs');
const RUNS = i > 0 ? Number(process.argv[i + 1]) : 3;
const POLL_MS = 5;

const envelope = (operation: string, inner: string) => '<?xml version="1.0" encoding="UTF-8"?><soap:Envelope '
  + `xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><${operation} xmlns="${NS}">${inner}</${operation}></soap:Body></soap:Envelope>`;

/** One POST on its own connection; the answer's text. */
function post(url: string, body: string, headers: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent: false, headers: { 'Content-Type': 'text/xml; charset=UTF-8', ...headers } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (b: Buffer) => parts.push(b));
      res.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const call = (endpoint: string, operation: string, inner: string) => post(endpoint, envelope(operation, inner), { SOAPAction: `"${NS}#${operation}"` });

const cpuMs = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
};
const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

interface Row { request: string; bytes: number; answer: string; wallMs: number; blockedMs: number; cpuMs: number; rssMiB: number }

/** Runs `send` while /health is polled over one kept-alive connection: the longest gap between two answers. */
async function measure(baseUrl: string, pid: number, send: () => Promise<string>): Promise<{ answer: string; wallMs: number; blockedMs: number; cpuMs: number; rssMiB: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const health = () => new Promise<void>((resolve, reject) => {
    request(`${baseUrl}/health`, { agent }, (res) => { res.resume(); res.on('end', () => resolve()); }).on('error', reject).end();
  });
  let stop = false;
  let longest = 0;
  let rss = rssMiB(pid);
  await health();
  const polls = (async () => {
    while (!stop) {
      const asked = performance.now();
      await health();
      longest = Math.max(longest, performance.now() - asked);
      rss = Math.max(rss, rssMiB(pid));
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  })();
  const cpu = cpuMs(pid);
  const started = performance.now();
  const answer = await send();
  const wallMs = performance.now() - started;
  const used = cpuMs(pid) - cpu;
  stop = true;
  await polls;
  agent.destroy();
  return { answer, wallMs, blockedMs: longest, cpuMs: used, rssMiB: Math.max(rss, rssMiB(pid)) };
}

const fields = (prefix: string, from: number, n: number, value: string) =>
  Array.from({ length: n }, (_, k) => `<DynamicField><Name>${prefix}${from + k}</Name><Value>${value}${from + k}</Value></DynamicField>`).join('');

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'otrs-gi-blocking-'));
  const child: ChildProcess = spawn(process.execPath, [join(projectRoot, 'dist', 'src', 'main.js')], {
    cwd: projectRoot, env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: join(dir, 'otrs.sqlite'), DEMO_DATA: '1' },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const endpoint = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (b: Buffer) => { out += b; const m = /Endpoint:\s+(\S+)/.exec(out); if (m) resolve(m[1]); });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  child.stdout!.resume();
  const baseUrl = new URL(endpoint).origin;
  const pid = child.pid!;
  try {
    const sid = /<SessionID>([^<]+)</.exec(await call(endpoint, 'SessionCreate', '<UserLogin>demo-agent</UserLogin><Password>DemoAgent1!</Password>'))![1];
    const auth = `<SessionID>${sid}</SessionID>`;
    // 1000 customer users of ACME for the Get and the search.
    for (let n = 0; n < 1000; n += 50) {
      await Promise.all(Array.from({ length: 50 }, (_, k) => call(endpoint, 'CustomerUserCreate', `${auth}<CustomerUserLogin>bulk${n + k}</CustomerUserLogin>`
        + `<UserFirstname>Bulk</UserFirstname><UserLastname>User ${n + k}</UserLastname><UserEmail>bulk${n + k}@acme-demo.test</UserEmail>`
        + '<UserCustomerID>ACME</UserCustomerID><ValidID>1</ValidID>')));
    }
    const rows: Row[] = [];
    const run = async (name: string, body: () => string, operation: string, expect: RegExp, runs = RUNS) => {
      let worst: Row | undefined;
      for (let r = 0; r < runs; r++) {
        const b = body();
        const m = await measure(baseUrl, pid, () => post(endpoint, b, { SOAPAction: `"${NS}#${operation}"` }));
        const answer = /<ErrorCode>([^<]+)</.exec(m.answer)?.[1] ?? /<faultstring>([^<]{0,60})/.exec(m.answer)?.[1] ?? 'ok';
        if (!expect.test(m.answer)) throw new Error(`${name}: unexpected answer ${m.answer.slice(0, 300)}`);
        const row = { request: name, bytes: Buffer.byteLength(b), answer, wallMs: m.wallMs, blockedMs: m.blockedMs, cpuMs: m.cpuMs, rssMiB: m.rssMiB };
        if (!worst || row.blockedMs > worst.blockedMs) worst = row;
      }
      rows.push(worst!);
      process.stdout.write(`  ${name}: blocked ${worst!.blockedMs.toFixed(0)} ms\n`);
    };
    // DYNAMIC_FIELD_MAX_CREATE new fields per request, up to DYNAMIC_FIELD_MAX_PER_OBJECT.
    let created = 0;
    await run('CustomerUserUpdate creating 100 new fields (DYNAMIC_FIELD_MAX_CREATE), up to 1000 defined', () => {
      const b = envelope('CustomerUserUpdate', `${auth}<ID>cust1</ID>${fields('Field', created, 100, 'v')}`);
      created += 100;
      return b;
    }, 'CustomerUserUpdate', /<ID>cust1<\/ID>/, 9);
    // 900 fields changed and the last 98 the per-object limit allows created, in one request of 998 entries.
    await run('CustomerUserUpdate of 998 fields at once (DYNAMIC_FIELD_MAX_ENTRIES: 1000)', () =>
      envelope('CustomerUserUpdate', `${auth}<ID>cust1</ID>${fields('Field', 0, 998, 'w')}`), 'CustomerUserUpdate', /<ID>cust1<\/ID>/);
    await run('CustomerUserUpdate with 1001 DynamicField entries (refused)', () => envelope('CustomerUserUpdate', `${auth}<ID>cust1</ID>${fields('Other', 0, 1001, 'v')}`),
      'CustomerUserUpdate', /DYNAMIC_FIELD_MAX_ENTRIES/);
    const ids = Array.from({ length: 1000 }, (_, k) => `bulk${k}`);
    await run('CustomerUserGet of 1000 customer users (GET_MAX_IDS)', () => envelope('CustomerUserGet', `${auth}<CustomerUserID>${ids.join(',')}</CustomerUserID>`),
      'CustomerUserGet', /<UserLogin>bulk999<\/UserLogin>/);
    await run('CustomerUserGet of cust1 with its 998 field values', () => envelope('CustomerUserGet', `${auth}<CustomerUserID>cust1</CustomerUserID><DynamicFields>1</DynamicFields>`),
      'CustomerUserGet', /DynamicField_Field997/);
    await run('CustomerUserSearch * over 1000 customer users', () => envelope('CustomerUserSearch', `${auth}<CustomerUserLogin>*</CustomerUserLogin>`),
      'CustomerUserSearch', /<CustomerUserID>bulk999<\/CustomerUserID>/);
    await run('CustomerUserSearch with a 250-character pattern (SEARCH_MAX_PATTERN_LENGTH)', () => envelope('CustomerUserSearch', `${auth}<UserEmail>${'*a'.repeat(125)}</UserEmail>`),
      'CustomerUserSearch', /CustomerUserSearchResponse/);
    await run('SessionCreate declaring an array of 999,999,999 (refused)', () => envelope('SessionCreate', '<UserLogin xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" soapenc:arrayType="xsd:string[999999999]"/>'),
      'SessionCreate', /array size/);
    // The namespace attack at the largest the defaults allow: 256 prefixes in scope, then prefixed attributes.
    const decls = Array.from({ length: 4 }, (_, d) => `<n${d} ${Array.from({ length: 60 }, (_, k) => `xmlns:p${d}_${k}="urn:x:${d}:${k}"`).join(' ')}>`).join('');
    const uses = Array.from({ length: 30000 }, (_, k) => `<e p0_${k % 60}:a="1" p3_${k % 60}:b="2"/>`).join('');
    await run('SessionCreate with 240 namespace prefixes in scope and 30,000 prefixed elements (~1.3 MB)', () =>
      envelope('SessionCreate', `${decls}${uses}${'</n3></n2></n1></n0>'}<UserLogin>x</UserLogin><Password>y</Password>`), 'SessionCreate', /./);
    await run('SessionCreate with 10 MB of text (XML_MAX_TEXT_LENGTH)', () => envelope('SessionCreate', `<UserLogin>${'a'.repeat(10 * 1024 * 1024 - 100)}</UserLogin><Password>x</Password>`),
      'SessionCreate', /./);
    await run('SessionCreate with 100,000 elements (XML_MAX_ELEMENTS)', () => envelope('SessionCreate', `<X>${'<a/>'.repeat(99_980)}</X><UserLogin>x</UserLogin><Password>y</Password>`),
      'SessionCreate', /./);

    const table = ['| request | body bytes | answer | wall ms | event loop held, ms | server CPU ms | peak RSS MiB |', '|---|---:|---|---:|---:|---:|---:|',
      ...rows.map((r) => `| ${r.request} | ${r.bytes} | ${r.answer} | ${r.wallMs.toFixed(0)} | ${r.blockedMs.toFixed(0)} | ${r.cpuMs} | ${r.rssMiB.toFixed(0)} |`)];
    process.stdout.write(`\n${table.join('\n')}\n`);
    mkdirSync(join(projectRoot, 'bench', 'results'), { recursive: true });
    const file = join(projectRoot, 'bench', 'results', `blocking-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify({ runs: RUNS, pollMs: POLL_MS, rows }, null, 2) + '\n');
    process.stdout.write(`\nWritten to ${file}\n`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: Error) => { process.stderr.write(`${e.stack ?? e}\n`); process.exit(1); });
