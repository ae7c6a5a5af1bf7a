// Slow and broken clients (issue 6.2): header and body time-outs fire on time (slowloris), connections are
// limited in all and per client address, a kept-alive connection serves a bounded number of requests, and a
// client that disconnects mid-request causes no write. Meanwhile other clients are served.
import { expect } from 'chai';
import { Agent } from 'node:http';
import { connect, type Socket } from 'node:net';
import { startServer, type RunningServer } from './support/server.js';
import { call, envelope, NS, post } from './support/soap.js';
import { dumpDatabase } from './support/dump.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const agentLogin = '<UserLogin>demo-agent</UserLogin><Password>DemoAgent1!</Password>';

interface RawConnection { socket: Socket; received: () => string; closed: Promise<number> }

/** A raw TCP connection that records what it receives and when the server closes it (ms after opening). */
function open(server: RunningServer, localAddress = '127.0.0.1'): Promise<RawConnection> {
  const started = Date.now();
  const socket = connect({ port: server.port, host: '127.0.0.1', localAddress });
  let text = '';
  socket.on('data', (c) => { text += c.toString('utf8'); });
  socket.on('error', () => { /* reset by the server: recorded as closed */ });
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - started)));
  return new Promise((resolve) => socket.once('connect', () => resolve({ socket, received: () => text, closed })));
}

/** A normal request on its own connection: the server still serves others. */
async function normalRequestWorks(server: RunningServer, sid: string, from?: string): Promise<void> {
  const agent = from ? new Agent({ localAddress: from }) : false;
  const res = await post(server.endpoint, envelope('CustomerUserGet', `<SessionID>${sid}</SessionID><CustomerUserID>cust1</CustomerUserID>`),
    { SOAPAction: `"${NS}#CustomerUserGet"` }, 'POST', agent);
  expect(res.status).to.equal(200);
  expect(res.text).to.contain('<UserLogin>cust1</UserLogin>');
}

function updateRequest(server: RunningServer, sid: string, comment: string): { head: string; body: Buffer } {
  const body = Buffer.from(envelope('CustomerUserUpdate', `<SessionID>${sid}</SessionID><ID>cust1</ID><UserComment>${comment}</UserComment>`));
  const head = `POST ${new URL(server.endpoint).pathname} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml; charset=UTF-8\r\n`
    + `SOAPAction: "${NS}#CustomerUserUpdate"\r\nContent-Length: ${body.length}\r\n\r\n`;
  return { head, body };
}

describe('Slow and broken clients', function () {
  describe('time-outs', () => {
    let server: RunningServer;
    let sid: string;
    before(async () => {
      server = await startServer({ HEADERS_TIMEOUT_MS: '500', REQUEST_TIMEOUT_MS: '1500' });
      sid = (await call(server.endpoint, 'SessionCreate', agentLogin)).data.SessionID;
    });
    after(async () => { await server.stop(); });

    it('closes a connection whose headers trickle in (slowloris) after HEADERS_TIMEOUT_MS', async () => {
      const c = await open(server);
      const head = `POST ${new URL(server.endpoint).pathname} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: `;
      let stop = false;
      void (async () => { for (const ch of head + 'a'.repeat(1000)) { if (stop || c.socket.destroyed) return; c.socket.write(ch); await sleep(50); } })();
      await normalRequestWorks(server, sid);
      const after = await c.closed;
      stop = true;
      expect(after).to.be.within(400, 1400);
      expect(c.received()).to.match(/^(HTTP\/1\.1 408 |$)/);
    });

    it('closes a connection whose body trickles in after REQUEST_TIMEOUT_MS, writing nothing', async () => {
      const before = dumpDatabase(server);
      const { head, body } = updateRequest(server, sid, 'slow-body');
      const c = await open(server);
      c.socket.write(head);
      let stop = false;
      void (async () => { for (let i = 0; i < body.length && !stop && !c.socket.destroyed; i += 5) { c.socket.write(body.subarray(i, i + 5)); await sleep(50); } })();
      await normalRequestWorks(server, sid);
      const after = await c.closed;
      stop = true;
      expect(after).to.be.within(1200, 2600);
      expect(c.received()).not.to.contain('200 OK');
      expect(dumpDatabase(server)).to.deep.equal(before);
    });

    it('writes nothing when the client disconnects in the middle of its body', async () => {
      const before = dumpDatabase(server);
      const { head, body } = updateRequest(server, sid, 'cut-off');
      const c = await open(server);
      c.socket.write(head);
      c.socket.write(body.subarray(0, body.length >> 1));
      await sleep(100);
      c.socket.resetAndDestroy();
      await sleep(300);
      expect(dumpDatabase(server)).to.deep.equal(before);
      await normalRequestWorks(server, sid);
    });

    it('writes nothing when the client half-sends a body and closes its side', async () => {
      const before = dumpDatabase(server);
      const { head, body } = updateRequest(server, sid, 'half-closed');
      const c = await open(server);
      c.socket.end(Buffer.concat([Buffer.from(head), body.subarray(0, body.length - 10)]));
      await c.closed;
      expect(dumpDatabase(server)).to.deep.equal(before);
    });
  });

  describe('connection limits', () => {
    let server: RunningServer;
    let sid: string;
    before(async () => {
      server = await startServer({ MAX_CONNECTIONS: '6', MAX_CONNECTIONS_PER_CLIENT: '3', SESSION_CHECK_REMOTE_IP: '0' });
      sid = (await call(server.endpoint, 'SessionCreate', agentLogin)).data.SessionID;
    });
    after(async () => { await server.stop(); });

    it('refuses a client address its fourth connection while others still connect', async () => {
      const held = await Promise.all([1, 2, 3].map(() => open(server, '127.0.0.1')));
      const fourth = await open(server, '127.0.0.1');
      expect(await fourth.closed).to.be.below(1000);
      expect(fourth.received()).to.equal('');
      await normalRequestWorks(server, sid, '127.0.0.2');
      for (const c of held) c.socket.destroy();
      await Promise.all(held.map((c) => c.closed));
    });

    it('refuses connections beyond MAX_CONNECTIONS in all', async () => {
      const held = [
        ...(await Promise.all([1, 2, 3].map(() => open(server, '127.0.0.2')))),
        ...(await Promise.all([1, 2, 3].map(() => open(server, '127.0.0.3')))),
      ];
      await sleep(100);
      const seventh = await open(server, '127.0.0.4');
      expect(await seventh.closed).to.be.below(1000);
      for (const c of held) c.socket.destroy();
      await Promise.all(held.map((c) => c.closed));
      await sleep(100);
      await normalRequestWorks(server, sid, '127.0.0.4');
    });
  });

  describe('requests per connection', () => {
    let server: RunningServer;
    before(async () => { server = await startServer({ MAX_REQUESTS_PER_SOCKET: '3' }); });
    after(async () => { await server.stop(); });

    it('answers the last allowed request with Connection: close and then closes the connection', async () => {
      const c = await open(server);
      const body = envelope('SessionCreate', '<UserLogin>x</UserLogin><Password>y</Password>');
      const request = `POST ${new URL(server.endpoint).pathname} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\n`
        + `SOAPAction: "${NS}#SessionCreate"\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
      for (let i = 1; i <= 3; i++) {
        c.socket.write(request);
        while ((c.received().match(/<\/soap:Envelope>/g) ?? []).length < i) await sleep(20);
      }
      await c.closed;
      const connectionHeaders = [...c.received().matchAll(/\r\nConnection: ([^\r]+)\r\n/g)].map((m) => m[1]);
      expect(connectionHeaders).to.deep.equal(['Keep-Alive', 'Keep-Alive', 'close']);
    });
  });
});
