// Starting the service as a user does: what it prints, demo data only on an empty database, bad configuration.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { startServer, projectRoot, freshDatabase } from './support/server.js';
import { call, post } from './support/soap.js';

describe('Starting the service', function () {
  it('prints the endpoint, the WSDL URL and the demo credentials, and the demo agent can log in', async () => {
    const server = await startServer();
    try {
      const out = server.output();
      expect(out).to.match(/Endpoint: http:\/\/127\.0\.0\.1:\d+\/otrs\/nph-genericinterface\.pl\/Webservice\/GenericTicketConnectorSOAP/);
      expect(out).to.contain(`WSDL:     ${server.endpoint}?wsdl`);
      expect(out).to.contain('demo-agent / DemoAgent1!').and.contain('cust1 / CustPass1!').and.contain('cust2 / CustPass2!');
      const r = await call(server.endpoint, 'SessionCreate', '<UserLogin>demo-agent</UserLogin><Password>DemoAgent1!</Password>');
      expect(r.data.SessionID).to.match(/^[A-Za-z0-9]{32}$/);
      const db = server.db();
      const fields = db.prepare("SELECT name, field_type FROM dynamic_field WHERE object_type = 'CustomerUser' ORDER BY name").all();
      const pw = (db.prepare("SELECT pw FROM users WHERE login = 'demo-agent'").get() as any).pw;
      db.close();
      expect(fields).to.deep.equal([{ name: 'Department', field_type: 'Text' }, { name: 'Skills', field_type: 'Multiselect' }]);
      expect(pw).to.match(/^\$argon2id\$/);
    } finally { await server.stop(); }
  });

  it('answers the health endpoint with 200 and the state of the database', async () => {
    const server = await startServer();
    try {
      expect(server.output()).to.contain(`Health:   ${server.baseUrl}/health`);
      const res = await fetch(`${server.baseUrl}/health`);
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.match(/^application\/json/);
      expect(await res.json()).to.deep.equal({ status: 'ok', database: 'ok' });
      // Only GET: the SOAP endpoint's own answers are untouched by it.
      expect((await fetch(`${server.baseUrl}/health`, { method: 'POST' })).status).to.equal(404);
    } finally { await server.stop(); }
  });

  it('creates no demo data with DEMO_DATA=0', async () => {
    const server = await startServer({ DEMO_DATA: '0' });
    try {
      expect(server.output()).not.to.contain('demo-agent');
      const r = await call(server.endpoint, 'SessionCreate', '<UserLogin>demo-agent</UserLogin><Password>DemoAgent1!</Password>');
      expect(r.data.Error.ErrorCode).to.equal('SessionCreate.AuthFail');
      const db = server.db();
      expect((db.prepare('SELECT count(*) AS n FROM customer_user').get() as any).n).to.equal(0);
      db.close();
    } finally { await server.stop(); }
  });

  it('prints the demo credentials only on the start that created them', async () => {
    const database = await freshDatabase();
    try {
      await (await startServer({}, { dbPath: database.location })).stop();
      const again = await startServer({}, { dbPath: database.location });
      try {
        expect(again.output()).to.contain('otrs-gi is listening').and.not.contain('demo data created');
        expect(again.output()).not.to.contain('DemoAgent1!').and.not.contain('CustPass1!').and.not.contain('Demo agent');
      } finally { await again.stop(); }
    } finally { await database.drop(); }
  });

  /** Starts main.js and expects it to refuse, with exactly one line on stderr. */
  const refusal = (env: Record<string, string>): string => {
    const r = spawnSync(process.execPath, [join(projectRoot, 'dist', 'src', 'main.js')], {
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: ':memory:', LOG_LEVEL: 'warn', ...env }, encoding: 'utf8', timeout: 15000,
    });
    expect(r.status, r.stderr).to.equal(1);
    expect(r.stdout).to.equal('');
    expect(r.stderr.trimEnd().split('\n'), r.stderr).to.have.length(1);
    return r.stderr;
  };

  it('says in one line that the port is in use', async () => {
    const server = await startServer();
    try {
      expect(refusal({ PORT: String(server.port) })).to.equal(`otrs-gi could not start: port ${server.port} is already in use on 127.0.0.1 (EADDRINUSE): stop the other process or set PORT\n`);
    } finally { await server.stop(); }
  });

  describe('CONFIG_FILE', () => {
    let dir: string;
    before(() => { dir = mkdtempSync(join(tmpdir(), 'otrs-gi-config-')); });
    after(() => rmSync(dir, { recursive: true, force: true }));
    const file = (name: string, text: string) => { writeFileSync(join(dir, name), text); return join(dir, name); };

    it('names a file that cannot be read', () => {
      const missing = join(dir, 'absent.json');
      expect(refusal({ CONFIG_FILE: missing })).to.equal(`otrs-gi could not start: CONFIG_FILE ${missing} cannot be read: ENOENT\n`);
    });

    it('names a file that is not JSON, with the parser\'s reason', () => {
      const bad = file('bad.json', '{"PORT": 8080,,}');
      expect(refusal({ CONFIG_FILE: bad })).to.match(new RegExp(`^otrs-gi could not start: CONFIG_FILE ${bad} is not valid JSON: .+\n$`));
      const list = file('list.json', '[1, 2]');
      expect(refusal({ CONFIG_FILE: list })).to.contain(`CONFIG_FILE ${list} must hold one JSON object of settings`);
    });

    it('refuses an unknown key, naming it and the nearest known one', () => {
      const typo = file('typo.json', JSON.stringify({ PORT: 0, SESSION_MAX_IDEL_TIME: 60 }));
      expect(refusal({ CONFIG_FILE: typo })).to.equal(`otrs-gi could not start: CONFIG_FILE ${typo}: unknown setting SESSION_MAX_IDEL_TIME (did you mean SESSION_MAX_IDLE_TIME?)\n`);
      const unrelated = file('unrelated.json', JSON.stringify({ COLOUR_SCHEME: 'dark' }));
      expect(refusal({ CONFIG_FILE: unrelated })).to.equal(`otrs-gi could not start: CONFIG_FILE ${unrelated}: unknown setting COLOUR_SCHEME\n`);
    });

    it('is used when valid: its settings apply and the environment wins', async () => {
      // PORT 1 would fail (EACCES): the environment's PORT=0 wins.
      const good = file('good.json', JSON.stringify({ PORT: 1, UNKNOWN_WEBSERVICE_RESPONSE: '500', KEEP_ALIVE: false }));
      const server = await startServer({ CONFIG_FILE: good });
      try {
        const r = await post(`${server.baseUrl}/otrs/nph-genericinterface.pl/Webservice/NoSuchService`, '<x/>');
        expect(r.status).to.equal(500);
      } finally { await server.stop(); }
    });
  });

  it('refuses a bad setting with a clear message instead of starting', () => {
    const r = spawnSync(process.execPath, [join(projectRoot, 'dist', 'src', 'main.js')], {
      env: { ...process.env, PORT: 'eighty', DATABASE_URL: ':memory:' }, encoding: 'utf8', timeout: 15000,
    });
    expect(r.status).to.equal(1);
    expect(r.stderr).to.contain('PORT=eighty is not an integer');
  });
});
