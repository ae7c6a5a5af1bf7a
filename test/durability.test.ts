// No lost or partial writes (issue 6.5): concurrent updates of one customer user end in the state of some serial
// order with no duplicate rows; concurrent creates of one login make one user; a process killed with SIGKILL
// while acknowledging updates loses none of them; SIGTERM lets requests in flight finish, then stops cleanly.
import { expect } from 'chai';
import { Agent } from 'node:http';
import { connect, type Socket } from 'node:net';
import { openTestDatabase } from './support/database.js';
import { startServer, type RunningServer } from './support/server.js';
import { call, envelope, NS, parseResponse, post } from './support/soap.js';
import { customerUserState, fieldValues, preferenceValues } from './support/state.js';

const agentLogin = '<UserLogin>demo-agent</UserLogin><Password>DemoAgent1!</Password>';
const SKILLS = [['SQL'], ['Perl', 'TypeScript'], ['SQL', 'Perl', 'TypeScript'], []];

async function agentSession(server: RunningServer): Promise<string> {
  return (await call(server.endpoint, 'SessionCreate', agentLogin)).data.SessionID;
}

function postOp(server: RunningServer, agent: Agent, operation: string, inner: string) {
  return post(server.endpoint, envelope(operation, inner), { SOAPAction: `"${NS}#${operation}"` }, 'POST', agent);
}

const exited = (server: RunningServer) => new Promise<number | null>((resolve) => {
  if (server.child.exitCode !== null) resolve(server.child.exitCode);
  else server.child.once('exit', (code) => resolve(code));
});

describe('Durability', function () {
  this.timeout(120_000);

  describe('concurrent writes', () => {
    let server: RunningServer;
    let sid: string;
    before(async () => { server = await startServer(); sid = await agentSession(server); });
    after(async () => { await server.stop(); });

    it('100 clients updating one customer user at once end in one client\'s whole update, with no duplicate rows', async () => {
      const agent = new Agent({ keepAlive: true, maxSockets: 100 });
      const update = (i: number) => `<SessionID>${sid}</SessionID><ID>cust1</ID>`
        + `<UserFirstname>First${i}</UserFirstname><UserLastname>Last${i}</UserLastname>`
        + `<DynamicField><Name>Department</Name><Value>Dept${i}</Value></DynamicField>`
        + `<DynamicField><Name>Skills</Name>${SKILLS[i % 4].map((v) => `<Value>${v}</Value>`).join('') || '<Value xsi:nil="true"/>'}</DynamicField>`
        + `<UserPreferences><Key>SyncMarker</Key><Value>m${i}</Value></UserPreferences>`;
      const responses = await Promise.all(Array.from({ length: 100 }, (_, i) => postOp(server, agent, 'CustomerUserUpdate', update(i))));
      agent.destroy();
      responses.forEach((r, i) => {
        const rec = parseResponse(r.text, 'CustomerUserUpdate').CustomerUser;
        // Each answer is the record right after its own transaction: all of its own values, none of another's.
        expect([rec.UserFirstname, rec.UserLastname, rec.UserSyncMarker], `response ${i}`).to.deep.equal([`First${i}`, `Last${i}`, `m${i}`]);
      });
      const state = customerUserState(server, 'cust1');
      const k = Number(/^First(\d+)$/.exec(state.row!.first_name)![1]);
      expect(state.row!.last_name).to.equal(`Last${k}`);
      expect(fieldValues(state, 'Department')).to.deep.equal([`Dept${k}`]);
      expect(fieldValues(state, 'Skills')).to.deep.equal(SKILLS[k % 4]);
      expect(preferenceValues(state, 'UserSyncMarker')).to.deep.equal([`m${k}`]);
      const keys = state.preferences.map((p) => p.preferences_key);
      expect(keys.length, 'one row per preference').to.equal(new Set(keys).size);
    });

    it('failing updates among concurrent good ones (one commit for many) leave no trace, the good ones all land', async () => {
      const agent = new Agent({ keepAlive: true, maxSockets: 50 });
      const update = (i: number) => `<SessionID>${sid}</SessionID><ID>cust2</ID><UserComment>c${i}</UserComment>`
        + `<UserPreferences><Key>Mixed${i}</Key><Value>v${i}</Value></UserPreferences>`
        + (i % 2 ? '<DynamicField><Name>Skills</Name><Value>NotAChoice</Value></DynamicField>' : '');
      const responses = await Promise.all(Array.from({ length: 50 }, (_, i) => postOp(server, agent, 'CustomerUserUpdate', update(i))));
      agent.destroy();
      responses.forEach((r, i) => {
        const data = parseResponse(r.text, 'CustomerUserUpdate');
        if (i % 2) expect(data.Error?.ErrorCode, `update ${i}`).to.equal('CustomerUserUpdate.InvalidParameter');
        else expect(data.CustomerUser?.UserComment, `update ${i}`).to.equal(`c${i}`);
      });
      const state = customerUserState(server, 'cust2');
      const mixed = state.preferences.filter((p) => p.preferences_key.startsWith('UserMixed')).map((p) => Number(p.preferences_key.slice(9))).sort((a, b) => a - b);
      expect(mixed).to.deep.equal(Array.from({ length: 25 }, (_, k) => 2 * k));
      expect(Number(state.row!.comments.slice(1)) % 2).to.equal(0);
    });

    it('20 clients creating the same login at once make exactly one customer user', async () => {
      const agent = new Agent({ keepAlive: true, maxSockets: 20 });
      const create = (i: number) => `<SessionID>${sid}</SessionID><CustomerUserLogin>racer</CustomerUserLogin>`
        + `<UserFirstname>R${i}</UserFirstname><UserLastname>Acer</UserLastname><UserEmail>racer${i}@acme-demo.test</UserEmail>`
        + `<UserCustomerID>ACME</UserCustomerID><ValidID>2</ValidID>`;
      const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => postOp(server, agent, 'CustomerUserCreate', create(i))));
      agent.destroy();
      const data = responses.map((r) => parseResponse(r.text, 'CustomerUserCreate'));
      const created = data.filter((d) => d.Error === undefined);
      expect(created).to.have.length(1);
      for (const d of data.filter((d) => d.Error !== undefined)) expect(d.Error.ErrorCode).to.match(/^CustomerUserCreate\./);
      const db = server.db();
      expect(db.prepare("SELECT count(*) AS n FROM customer_user WHERE login = 'racer'").get()).to.deep.equal({ n: 1 });
    });
  });

  describe('SIGKILL during 1,000 concurrent updates', () => {
    it('loses no acknowledged update, and the database is intact after the restart', async () => {
      const first = await startServer();
      let second: RunningServer | undefined;
      try {
        const sid = await agentSession(first);
        const agent = new Agent({ keepAlive: true, maxSockets: 64 });
        const acknowledged: number[] = [];
        let killed = false;
        const requests = Array.from({ length: 1000 }, (_, i) => postOp(first, agent, 'CustomerUserUpdate',
          `<SessionID>${sid}</SessionID><ID>${i % 2 ? 'cust1' : 'cust2'}</ID>`
          + `<UserPreferences><Key>Ack${i}</Key><Value>v${i}</Value></UserPreferences>`)
          .then(async (r) => {
            if (r.status === 200 && parseResponse(r.text, 'CustomerUserUpdate').ID !== undefined) acknowledged.push(i);
            if (acknowledged.length >= 400 && !killed) { killed = true; await first.kill(); }
          }, () => { /* cut off by the kill */ }));
        await Promise.all(requests);
        agent.destroy();
        expect(killed, 'the process was killed while updates were running').to.equal(true);
        expect(acknowledged.length).to.be.within(400, 999);

        second = await startServer({}, { dbPath: first.dbPath });
        const db = openTestDatabase(first.dbPath, { readonly: true });
        try {
          // SQLite checks its file after the kill; PostgreSQL's own recovery is not ours to test.
          if (db.dialect === 'sqlite') expect(db.prepare('PRAGMA integrity_check').get()).to.deep.equal({ integrity_check: 'ok' });
          const stored = new Set((db.prepare("SELECT preferences_key FROM customer_preferences WHERE preferences_key LIKE 'UserAck%'").all() as { preferences_key: string }[])
            .map((r) => Number(r.preferences_key.slice(7))));
          const lost = acknowledged.filter((i) => !stored.has(i));
          expect(lost, 'acknowledged but lost').to.deep.equal([]);
        } finally { db.close(); }
        // The restarted server serves the same data.
        const sid2 = await agentSession(second);
        const got = await call(second.endpoint, 'CustomerUserGet', `<SessionID>${sid2}</SessionID><CustomerUserID>cust1</CustomerUserID>`);
        expect(got.data.CustomerUser[`UserAck${acknowledged.find((i) => i % 2 === 1)}`]).to.match(/^v\d+$/);
      } finally {
        await second?.stop();
        await first.stop();
      }
    });
  });

  describe('SIGTERM', () => {
    /** Sends the headers and the first part of a CustomerUserUpdate body on a raw socket; the rest comes later. */
    function startSlowUpdate(server: RunningServer, sid: string, value: string): { socket: Socket; rest: Buffer; response: Promise<string> } {
      const body = Buffer.from(envelope('CustomerUserUpdate', `<SessionID>${sid}</SessionID><ID>cust2</ID><UserComment>${value}</UserComment>`));
      const socket = connect(server.port, '127.0.0.1');
      socket.write(`POST ${new URL(server.endpoint).pathname} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml; charset=UTF-8\r\n`
        + `SOAPAction: "${NS}#CustomerUserUpdate"\r\nContent-Length: ${body.length}\r\n\r\n`);
      socket.write(body.subarray(0, 100));
      let text = '';
      const response = new Promise<string>((resolve) => {
        socket.on('data', (c) => { text += c.toString('utf8'); });
        socket.on('close', () => resolve(text));
        socket.on('error', () => resolve(text));
      });
      return { socket, rest: body.subarray(100), response };
    }

    it('finishes the request in flight, refuses new connections, closes idle ones, and exits 0', async () => {
      const server = await startServer();
      try {
        const sid = await agentSession(server);
        const idle = connect(server.port, '127.0.0.1');
        await new Promise((r) => idle.once('connect', r));
        const idleClosed = new Promise<void>((r) => idle.once('close', () => r()));
        const slow = startSlowUpdate(server, sid, 'drained');
        await new Promise((r) => setTimeout(r, 200));
        const exit = exited(server);
        server.child.kill('SIGTERM');
        await idleClosed;
        const refused = await new Promise<string>((resolve) => {
          const s = connect(server.port, '127.0.0.1');
          s.once('connect', () => { s.destroy(); resolve('connected'); });
          s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
        });
        expect(refused).to.equal('ECONNREFUSED');
        slow.socket.write(slow.rest);
        const text = await slow.response;
        expect(text, server.output()).to.match(/^HTTP\/1\.1 200 OK\r\n/);
        expect(text).to.contain('\r\nConnection: close\r\n');
        expect(text).to.contain('<UserComment>drained</UserComment>');
        expect(await exit).to.equal(0);
        expect(customerUserState(server, 'cust2').row!.comments).to.equal('drained');
      } finally { await server.stop(); }
    });

    it('gives up on a request that never completes after SHUTDOWN_TIMEOUT_MS, writing nothing of it', async () => {
      const server = await startServer({ SHUTDOWN_TIMEOUT_MS: '800' });
      try {
        const sid = await agentSession(server);
        const slow = startSlowUpdate(server, sid, 'never');
        await new Promise((r) => setTimeout(r, 200));
        const started = Date.now();
        const exit = exited(server);
        server.child.kill('SIGTERM');
        expect(await exit).to.equal(1);
        expect(Date.now() - started).to.be.within(600, 5000);
        await slow.response;
        expect(customerUserState(server, 'cust2').row!.comments).not.to.equal('never');
      } finally { await server.stop(); }
    });
  });
});
