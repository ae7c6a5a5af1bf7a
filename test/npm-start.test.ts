// `npm start` under a process supervisor (issue 15): the supervisor signals the process it started, npm. npm
// forwards SIGTERM and SIGINT to its script's shell, and that shell must have exec'd node (Debian's dash does not
// exec a lone command by itself), or node is left running as an orphan while the supervisor thinks it stopped.
// The build is the separate `prestart` step; it is skipped here (`--ignore-scripts` skips pre and post scripts,
// not `start` itself) because the suite runs on the build `npm test` has just made, and a second tsc would
// rewrite dist/ under it.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freshDatabase, projectRoot } from './support/server.js';
import { envelope, NS } from './support/soap.js';

/** Whether the process exists and is not a zombie waiting for its parent. */
function alive(pid: number): boolean {
  try { return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { return false; }
}

/** The processes whose parent is `pid` (from /proc: the machine need not have ps). */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // pid (comm) state ppid ...: comm may hold spaces and parentheses, so read after its last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) children.push(Number(entry));
    } catch { /* gone meanwhile */ }
  }
  return children;
}

/** `pid`'s children, their children, and so on. */
const descendants = (pid: number): number[] => childrenOf(pid).flatMap((c) => [c, ...descendants(c)]);

/** `promise`, or a failure naming `what` after `ms`: a signal that never reached node must fail, not hang. */
function within<T>(what: string, promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([promise, new Promise<T>((_, reject) => { timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms); })])
    .finally(() => clearTimeout(timer));
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('npm start under a process supervisor', function () {
  this.timeout(60_000);

  it('builds in prestart and starts node as the script itself', () => {
    const { scripts } = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8'));
    expect(scripts.prestart).to.equal('npm run build --silent');
    expect(scripts.start).to.match(/^exec node dist\/src\/main\.js$/);
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`stops node when npm gets ${signal}, answering the request in flight first`, async () => {
      const db = await freshDatabase();
      const npm = spawn('npm', ['start', '--ignore-scripts', '--silent'], {
        cwd: projectRoot,
        env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: db.location, DEMO_DATA: '1', LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      npm.stdout!.on('data', (b: Buffer) => { out += b; });
      npm.stderr!.on('data', (b: Buffer) => { out += b; });
      const npmExit = new Promise<{ code: number | null; signal: string | null }>((resolve) => npm.once('exit', (code, sig) => resolve({ code, signal: sig })));
      let node = 0;
      let socket: Socket | undefined;
      let tree: number[] = [];
      try {
        const port = await until('the banner', () => { const m = /Endpoint: http:\/\/127\.0\.0\.1:(\d+)\//.exec(out); return m ? Number(m[1]) : undefined; }, 30_000);
        node = await until('node under npm', () => childrenOf(npm.pid!)[0], 5_000);
        tree = descendants(npm.pid!);
        expect(readFileSync(`/proc/${node}/cmdline`, 'utf8').split('\0')[0]).to.match(/node$/);

        // A request in flight: headers and half the body sent before the signal, the rest after it.
        const body = Buffer.from(envelope('SessionCreate', '<UserLogin>demo-agent</UserLogin><Password>DemoAgent1!</Password>'));
        const head = `POST /otrs/nph-genericinterface.pl/Webservice/GenericTicketConnectorSOAP HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`
          + `Content-Type: text/xml; charset=UTF-8\r\nSOAPAction: "${NS}#SessionCreate"\r\nContent-Length: ${body.length}\r\n\r\n`;
        socket = connect(port, '127.0.0.1');
        const answer = new Promise<string>((resolve, reject) => {
          let got = '';
          socket!.on('data', (c) => { got += c; });
          socket!.on('close', () => resolve(got));
          socket!.on('error', reject);
        });
        await new Promise<void>((resolve) => socket!.once('connect', () => resolve()));
        socket.write(head + body.subarray(0, 100).toString('latin1'), 'latin1');
        await new Promise((r) => setTimeout(r, 200));

        npm.kill(signal);
        await new Promise((r) => setTimeout(r, 300));
        socket.write(body.subarray(100));

        const response = await within('answer with the connection closed', answer, 10_000);
        expect(response).to.match(/^HTTP\/1\.1 200 OK\r\n/);
        expect(response).to.contain('Connection: close');
        expect(response).to.match(/<SessionID>[A-Za-z0-9]{32}<\/SessionID>/);
        expect(await within('exit of npm', npmExit, 10_000)).to.deep.equal({ code: 0, signal: null });
        await until('node to exit', () => (alive(node) ? undefined : true), 5_000);
      } finally {
        for (const pid of tree) if (alive(pid)) process.kill(pid, 'SIGKILL');   // an orphan must not outlive the test
        socket?.destroy();
        if (npm.exitCode === null && npm.signalCode === null) npm.kill('SIGKILL');
        await db.drop();
      }
    });
  }
});
