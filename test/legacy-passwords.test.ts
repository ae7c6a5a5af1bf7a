// Accounts imported from an OTRS database keep their passwords (issue 6.4): whatever OTRS format the stored
// hash is in, the right password logs in and the hash is replaced by argon2id at once; a wrong one changes
// nothing. Agents (users.pw) and customers (customer_user.pw) alike; the hashes come from OTRS's Perl modules.
import { expect } from 'chai';
import { openTestDatabase } from './support/database.js';
import { startServer, type RunningServer } from './support/server.js';
import { call } from './support/soap.js';
import { perlHashes } from './support/legacy-hashes.js';

const FORMATS = ['sha2', 'sha1', 'sha512', 'md5', 'crypt', 'apr1', 'bcrypt'];
const ACCOUNTS = [
  { kind: 'customer', table: 'customer_user', login: 'cust1', password: 'CustPass1!', credential: 'CustomerUserLogin' },
  { kind: 'agent', table: 'users', login: 'demo-agent', password: 'DemoAgent1!', credential: 'UserLogin' },
] as const;

function setStoredPassword(server: RunningServer, table: string, login: string, pw: string): void {
  const db = openTestDatabase(server.dbPath);
  try { db.prepare(`UPDATE ${table} SET pw = ? WHERE login = ?`).run(pw, login); } finally { db.close(); }
}

function storedPassword(server: RunningServer, table: string, login: string): string {
  return (server.db().prepare(`SELECT pw FROM ${table} WHERE login = ?`).get(login) as { pw: string }).pw;
}

const sessionCreate = async (server: RunningServer, credential: string, login: string, password: string) =>
  (await call(server.endpoint, 'SessionCreate', `<${credential}>${login}</${credential}><Password>${password}</Password>`)).data;

describe('Passwords imported from OTRS', function () {
  let server: RunningServer;
  before(async () => { server = await startServer(); });
  after(async () => { await server.stop(); });

  for (const account of ACCOUNTS) {
    // OTRS's default bcrypt cost is 12: the agent's hash uses it, the customer's a cheaper 4.
    const hashes = () => perlHashes([account.password], account.kind === 'agent' ? 12 : 4)[0];
    for (const format of FORMATS) {
      it(`logs a ${account.kind} in with a ${format} hash and moves it to argon2id; a wrong password changes nothing`, async () => {
        const legacy = hashes()[format];
        setStoredPassword(server, account.table, account.login, legacy);
        expect(await sessionCreate(server, account.credential, account.login, 'Wrong-Password1')).to.have.property('Error');
        expect(storedPassword(server, account.table, account.login)).to.equal(legacy);
        expect((await sessionCreate(server, account.credential, account.login, account.password)).SessionID).to.match(/^[A-Za-z0-9]{32}$/);
        expect(storedPassword(server, account.table, account.login)).to.match(/^\$argon2id\$/);
        expect((await sessionCreate(server, account.credential, account.login, account.password)).SessionID).to.match(/^[A-Za-z0-9]{32}$/);
      });
    }
  }

  it('treats a stored value as the password itself only with LEGACY_PASSWORD_PLAIN=1 (OTRS CryptType plain)', async () => {
    setStoredPassword(server, 'customer_user', 'cust2', 'CustPass2!');
    expect(await sessionCreate(server, 'CustomerUserLogin', 'cust2', 'CustPass2!')).to.have.property('Error');
    const plain = await startServer({ LEGACY_PASSWORD_PLAIN: '1' });
    try {
      setStoredPassword(plain, 'customer_user', 'cust2', 'CustPass2!');
      expect(await sessionCreate(plain, 'CustomerUserLogin', 'cust2', 'CustPass2')).to.have.property('Error');
      expect(storedPassword(plain, 'customer_user', 'cust2')).to.equal('CustPass2!');
      expect((await sessionCreate(plain, 'CustomerUserLogin', 'cust2', 'CustPass2!')).SessionID).to.match(/^[A-Za-z0-9]{32}$/);
      expect(storedPassword(plain, 'customer_user', 'cust2')).to.match(/^\$argon2id\$/);
    } finally { await plain.stop(); }
  });
});
