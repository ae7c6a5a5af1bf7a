// Starting the service as a user does: what it prints, demo data only on an empty database, bad configuration.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startServer, projectRoot } from './support/server.js';
import { call } from './support/soap.js';

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

  it('refuses a bad setting with a clear message instead of starting', () => {
    const r = spawnSync(process.execPath, [join(projectRoot, 'dist', 'src', 'main.js')], {
      env: { ...process.env, PORT: 'eighty', DATABASE_URL: ':memory:' }, encoding: 'utf8', timeout: 15000,
    });
    expect(r.status).to.equal(1);
    expect(r.stderr).to.contain('PORT=eighty is not an integer');
  });
});
