// Scale data for the benchmark: `npm run bench:seed -- --customer-users 1000000 [--db bench/data/x.sqlite]`.
// The database is created and migrated by the server's own Storage (plus the demo data, so the demo agent can
// drive the load); the bulk rows then go in through one raw connection in large transactions, which is what
// makes a million customer users take seconds rather than hours. Rows look like real ones: companies of about
// a hundred users, names from lists, a hashed password, dynamic-field values and preferences.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { Storage } from '../src/storage/database.js';
import { registerFunctions } from '../src/storage/sqlite.js';
import { PasswordHasher } from '../src/domain/Password.js';
import { ensureDemoData } from '../src/domain/DemoData.js';
import { dbTimestamp } from '../src/storage/time.js';

/** The company of seeded customer user `cust<i>`: one per 100 users. */
export const companyOf = (i: number) => `CUST-${String(Math.floor(i / 100)).padStart(5, '0')}`;

/** The seeded customer user at about `fraction` of the range, never one the seed made invalid (every 50th). */
export function seededUser(customerUsers: number, fraction: number): number {
  const i = Math.max(3, Math.floor(customerUsers * fraction));
  return i % 50 === 0 ? i + 1 : i;
}

export const benchDataDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'data');
export const seededPath = (customerUsers: number) => join(benchDataDir, `customer-users-${customerUsers}.sqlite`);

const FIRST = ['Anna', 'Ben', 'Carla', 'David', 'Eva', 'Felix', 'Greta', 'Hugo', 'Ines', 'Jonas', 'Klara', 'Lukas', 'Mia', 'Noah', 'Olga', 'Paul'];
const LAST = ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Dubois', 'Rossi', 'García', 'Novak', 'Smith', 'Tanaka'];
const CITIES = ['Berlin', 'Hamburg', 'München', 'Köln', 'Wien', 'Zürich', 'Lyon', 'Milano'];
const DEPARTMENTS = ['Sales', 'Support', 'R&D', 'Finance', 'HR', 'Legal', 'IT', 'Marketing'];
const SKILLS = [['SQL'], ['Perl'], ['TypeScript'], ['SQL', 'Perl'], ['SQL', 'TypeScript']];
const BATCH = 50_000;

/**
 * Creates `file` with the demo data plus customer users cust3..cust<n> (so n in all, with the demo's cust1 and
 * cust2), one company per 100 users. The logins are unpadded, so `cust12*` matches 11,111 of a million.
 */
export async function seed(file: string, customerUsers: number, progress: (line: string) => void = () => {}): Promise<void> {
  mkdirSync(dirname(file), { recursive: true });
  for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
  const passwords = new PasswordHasher({ memoryKiB: 19456, timeCost: 2 });
  const storage = await Storage.open({ url: file });
  await ensureDemoData(storage, passwords);
  await storage.close();
  const pw = await passwords.hash('Seeded-Passw0rd');

  const db = new Database(file);
  registerFunctions(db);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const t = dbTimestamp();
  const audit = { create_time: t, create_by: 1, change_time: t, change_by: 1 };
  const fieldId = (name: string) => (db.prepare("SELECT id FROM dynamic_field WHERE name = ? AND object_type = 'CustomerUser'").get(name) as { id: number }).id;
  const department = fieldId('Department');
  const skills = fieldId('Skills');

  const company = db.prepare(`INSERT INTO customer_company (customer_id, name, street, zip, city, country, url, comments, valid_id, create_time, create_by, change_time, change_by)
    VALUES (@customer_id, @name, @street, @zip, @city, 'Germany', @url, '', 1, @create_time, @create_by, @change_time, @change_by)`);
  const user = db.prepare(`INSERT INTO customer_user (login, email, customer_id, pw, title, first_name, last_name, phone, fax, mobile, street, zip, city, country, comments, valid_id,
    create_time, create_by, change_time, change_by)
    VALUES (@login, @email, @customer_id, @pw, NULL, @first_name, @last_name, @phone, NULL, NULL, @street, @zip, @city, 'Germany', NULL, @valid_id,
    @create_time, @create_by, @change_time, @change_by)`);
  const objectId = db.prepare("INSERT INTO dynamic_field_obj_id_name (object_name, object_type) VALUES (?, 'CustomerUser')");
  const value = db.prepare('INSERT INTO dynamic_field_value (field_id, object_id, value_text) VALUES (?, ?, ?)');
  const preference = db.prepare('INSERT INTO customer_preferences (user_id, preferences_key, preferences_value) VALUES (?, ?, ?)');

  const started = Date.now();
  const insertBatch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      if (i % 100 === 0 || i === 3) {
        company.run({ customer_id: companyOf(i), name: `Company ${Math.floor(i / 100)} GmbH`, street: `${i % 300} Main Street`, zip: String(10000 + (i % 89999)),
          city: CITIES[i % CITIES.length], url: `https://company${Math.floor(i / 100)}.test`, ...audit });
      }
      const login = `cust${i}`;
      user.run({
        login, email: `${login}@company${Math.floor(i / 100)}.test`, customer_id: companyOf(i), pw, first_name: FIRST[i % FIRST.length], last_name: LAST[(i >> 4) % LAST.length],
        phone: `+49 30 ${1000000 + i}`, street: `${i % 200} Side Road`, zip: String(10000 + (i % 89999)), city: CITIES[(i >> 3) % CITIES.length],
        valid_id: i % 50 === 0 ? 2 : 1, ...audit,
      });
      const object = Number(objectId.run(login).lastInsertRowid);
      value.run(department, object, DEPARTMENTS[i % DEPARTMENTS.length]);
      if (i % 3 === 0) for (const s of SKILLS[i % SKILLS.length]) value.run(skills, object, s);
      preference.run(login, 'UserLanguage', i % 4 === 0 ? 'de' : 'en');
      if (i % 5 === 0) preference.run(login, 'UserTimeZone', 'Europe/Berlin');
    }
  });
  // The demo data already made cust1 and cust2; the company rows start with the first seeded user's.
  for (let from = 3; from <= customerUsers; from += BATCH) {
    const to = Math.min(customerUsers + 1, from + BATCH);
    insertBatch(from, to);
    progress(`  ${to - 1} customer users (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
  db.exec('ANALYZE');
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

/** Reuses a seeded database of this size, or makes one. */
export async function seededDatabase(customerUsers: number, progress: (line: string) => void): Promise<string> {
  const file = seededPath(customerUsers);
  if (!existsSync(file)) {
    progress(`Seeding ${customerUsers} customer users into ${file} (once; later runs reuse it)`);
    await seed(file, customerUsers, progress);
  }
  return file;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const n = Number(arg('customer-users') ?? 1_000_000);
  if (!Number.isInteger(n) || n < 2) throw new Error('--customer-users must be an integer of at least 2');
  const file = arg('db') ?? seededPath(n);
  const started = Date.now();
  await seed(file, n, (line) => process.stdout.write(line + '\n'));
  process.stdout.write(`Seeded ${n} customer users into ${file} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}
