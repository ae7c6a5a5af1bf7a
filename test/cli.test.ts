// The command line as an operator runs it (node dist/src/cli/main.js, what `npx otrs-gi` starts): agents and
// customer users made on a database without demo data log in over SOAP to a server on the same database;
// passwords come from stdin and never appear in the output; every failure is one line and a non-zero exit.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, freshDatabase, projectRoot, type RunningServer } from './support/server.js';
import { call } from './support/soap.js';

const cli = join(projectRoot, 'dist', 'src', 'cli', 'main.js');

interface Run { status: number | null; stdout: string; stderr: string }

describe('The command line', function () {
  this.timeout(60000);
  let database: { location: string; drop: () => Promise<void> };
  let server: RunningServer;
  let dir: string;
  const otrsGi = (args: string[], input = '', env: Record<string, string> = {}): Run => {
    const r = spawnSync(process.execPath, [cli, ...args], {
      input, encoding: 'utf8', timeout: 30000,
      env: { ...process.env, DATABASE_URL: database.location, CONFIG_FILE: '', ...env },
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  /** A refusal: exit code `status`, nothing on stdout, one line on stderr. */
  const refused = (r: Run, status: number): string => {
    expect(r.status, r.stderr).to.equal(status);
    expect(r.stdout).to.equal('');
    expect(r.stderr.trimEnd().split('\n'), r.stderr).to.have.length(1);
    return r.stderr;
  };
  const agentAdd = ['user', 'add', '--user-name', 'ops', '--first-name', 'Olga', '--last-name', 'Operator', '--email-address', 'ops@acme-demo.test',
    '--group', 'admin', '--group', 'users:ro,note', '--password-stdin'];

  before(async () => {
    database = await freshDatabase();
    dir = mkdtempSync(join(tmpdir(), 'otrs-gi-cli-'));
  });
  after(async () => { await server?.stop(); await database.drop(); rmSync(dir, { recursive: true, force: true }); });

  it('adds the first agent to an empty database; it logs in over SOAP with its groups', async () => {
    const r = otrsGi(agentAdd, 'Ops-Secret-2026\n');
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^Agent ops added \(UserID \d+\)\.\n$/);
    expect(r.stdout + r.stderr).not.to.contain('Ops-Secret-2026');
    server = await startServer({ DEMO_DATA: '0' }, { dbPath: database.location });
    const login = await call(server.endpoint, 'SessionCreate', '<UserLogin>ops</UserLogin><Password>Ops-Secret-2026</Password>');
    expect(login.data.SessionID).to.match(/^[A-Za-z0-9]{32}$/);
    const user = (await call(server.endpoint, 'UserGet', `<SessionID>${login.data.SessionID}</SessionID><Login>ops</Login>`)).data.User;
    expect(user).to.include({ UserLogin: 'ops', UserFirstname: 'Olga', UserEmail: 'ops@acme-demo.test', ValidID: '1' });
    expect(user.Group).to.deep.equal([{ Name: 'admin', Permission: 'rw' }, { Name: 'users', Permission: ['note', 'ro'] }]);
    const db = server.db();
    expect((db.prepare("SELECT pw FROM users WHERE login = 'ops'").get() as any).pw).to.match(/^\$argon2id\$/);
    db.close();
  });

  it('sets an agent\'s password while the server runs: the old one stops working, the new one works', async () => {
    const r = otrsGi(['user', 'set-password', 'ops', '--password-stdin'], 'Ops-Changed-2026\n');
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.equal('Password of agent ops set.\n');
    expect(r.stdout + r.stderr).not.to.contain('Ops-Changed-2026');
    const old = await call(server.endpoint, 'SessionCreate', '<UserLogin>ops</UserLogin><Password>Ops-Secret-2026</Password>');
    expect(old.data.Error.ErrorCode).to.equal('SessionCreate.AuthFail');
    const now = await call(server.endpoint, 'SessionCreate', '<UserLogin>ops</UserLogin><Password>Ops-Changed-2026</Password>');
    expect(now.data.SessionID).to.match(/^[A-Za-z0-9]{32}$/);
  });

  it('adds a company and a customer user, who logs in; the agent reads the record over SOAP', async () => {
    expect(otrsGi(['customer-company', 'add', '--customer-id', 'Initech', '--name', 'Initech Corp.']).stdout).to.equal('Customer company Initech added.\n');
    const r = otrsGi(['customer-user', 'add', '--user-name', 'peter', '--first-name', 'Peter', '--last-name', 'Gibbons',
      '--email-address', 'peter@initech-demo.test', '--customer-id', 'Initech', '--password-stdin'], 'Tps-Report-2026\n');
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout + r.stderr).not.to.contain('Tps-Report-2026');
    const customer = await call(server.endpoint, 'SessionCreate', '<CustomerUserLogin>peter</CustomerUserLogin><Password>Tps-Report-2026</Password>');
    expect(customer.data.SessionID).to.match(/^[A-Za-z0-9]{32}$/);
    const got = await call(server.endpoint, 'CustomerUserGet', '<UserLogin>ops</UserLogin><Password>Ops-Changed-2026</Password><CustomerUserID>peter</CustomerUserID>');
    expect(got.data.CustomerUser).to.include({ UserLogin: 'peter', UserCustomerID: 'Initech', UserEmail: 'peter@initech-demo.test', ValidID: '1' });
    expect(otrsGi(['customer-user', 'set-password', 'peter', '--password-stdin'], 'Tps-Report-2027').status).to.equal(0);
    const renewed = await call(server.endpoint, 'SessionCreate', '<CustomerUserLogin>peter</CustomerUserLogin><Password>Tps-Report-2027</Password>');
    expect(renewed.data.SessionID).to.match(/^[A-Za-z0-9]{32}$/);
  });

  it('refuses what the API refuses, in one line with the OTRS reason, and changes nothing', () => {
    expect(refused(otrsGi(agentAdd, 'Another-2026\n'), 1)).to.equal("otrs-gi user add: An agent with the login 'ops' already exists! (LoginInUse)\n");
    const short = otrsGi([...agentAdd.slice(0, 3), 'newbie', ...agentAdd.slice(4)], 'short\n', { PASSWORD_MIN_SIZE: '12' });
    expect(refused(short, 1)).to.equal('otrs-gi user add: The password must be at least 12 characters long! (PasswordTooShort)\n');
    expect(refused(otrsGi(['customer-user', 'add', '--user-name', 'nobody', '--first-name', 'N', '--last-name', 'B', '--email-address', 'n@acme-demo.test',
      '--customer-id', 'NoSuchCompany', '--password-stdin'], 'Nobody-2026', { ACCOUNT_ACTIVATION: 'strict' }), 1)).to.contain("company 'NoSuchCompany' does not exist! (CannotActivate)");
    expect(refused(otrsGi(['user', 'set-password', 'ghost', '--password-stdin'], 'Ghost-2026'), 1)).to.equal('otrs-gi user set-password: no agent has the login ghost\n');
    const db = server.db();
    expect(db.prepare("SELECT login FROM users WHERE login IN ('newbie', 'ghost')").all()).to.deep.equal([]);
    expect(db.prepare("SELECT login FROM customer_user WHERE login = 'nobody'").all()).to.deep.equal([]);
    db.close();
  });

  it('refuses a wrong command line in one line with exit code 2, never taking a password as an argument silently', () => {
    expect(refused(otrsGi(['user', 'add', '--user-name', 'x']), 2)).to.equal('otrs-gi user add: --first-name is required\n');
    expect(refused(otrsGi(['user', 'add', '--bogus']), 2)).to.contain("Unknown option '--bogus'");
    expect(refused(otrsGi(['user', 'frobnicate']), 2)).to.equal('otrs-gi user frobnicate: unknown command; use user add or user set-password\n');
    expect(refused(otrsGi(['tickets']), 2)).to.equal('otrs-gi tickets: unknown command tickets; run otrs-gi help\n');
    // Not a terminal and no --password-stdin: no prompt to answer, so no guess either.
    expect(refused(otrsGi(['user', 'set-password', 'ops']), 2)).to.contain('no password: give --password-stdin');
    expect(refused(otrsGi(['user', 'set-password', 'ops', 'Plain-Arg-2026']), 2)).to.contain('the password is never an argument');
    const warned = otrsGi(['user', 'set-password', 'ops', '--password', 'Visible-Arg-2026']);
    expect(warned.status).to.equal(0);
    expect(warned.stderr).to.match(/^warning: a password given as an argument can be seen by other users/);
    expect(warned.stdout + warned.stderr).not.to.contain('Visible-Arg-2026');
    expect(otrsGi(['help']).stdout).to.contain('user add --user-name LOGIN').and.contain('config check');
  });

  describe('config check', () => {
    it('loads the settings, the web services and the database, and says what it found', () => {
      const r = otrsGi(['config', 'check']);
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.contain('Settings: valid').and.contain('Web service: GenericTicketConnectorSOAP (ID 1)');
      expect(r.stdout).to.match(/Database: .*: 1 agents \(1 valid\), 1 valid customer users/);
    });

    it('fails in one line on a bad setting, an unknown CONFIG_FILE key or a database it cannot open', () => {
      expect(refused(otrsGi(['config', 'check'], '', { PORT: 'eighty' }), 1)).to.contain('PORT=eighty is not an integer');
      const typo = join(dir, 'typo.json');
      writeFileSync(typo, JSON.stringify({ LOG_LEVLE: 'debug' }));
      expect(refused(otrsGi(['config', 'check'], '', { CONFIG_FILE: typo }), 1)).to.equal(`otrs-gi config check: CONFIG_FILE ${typo}: unknown setting LOG_LEVLE (did you mean LOG_LEVEL?)\n`);
      const notADatabase = join(dir, 'not-a-database.sqlite');
      writeFileSync(notADatabase, 'this is not SQLite');
      // What was fine before the problem is still reported on stdout; the problem is the one line on stderr.
      const broken = otrsGi(['config', 'check'], '', { DATABASE_URL: notADatabase });
      expect(broken.status).to.equal(1);
      expect(broken.stdout).to.contain('Web service: GenericTicketConnectorSOAP');
      expect(broken.stderr).to.match(/^otrs-gi config check: database .*not-a-database\.sqlite: [^\n]+\n$/);
    });
  });
});
