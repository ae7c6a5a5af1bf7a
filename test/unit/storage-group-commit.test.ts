// Group commit (Storage.transaction): units that arrive together share one commit, each inside its own
// savepoint, so a unit that fails after writing undoes exactly its own writes and no other's.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Storage } from '../../src/storage/database.js';

describe('Storage group commit', () => {
  let dir: string;
  let storage: Storage;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'otrs-gi-storage-'));
    storage = await Storage.open({ url: join(dir, 'db.sqlite'), cacheTtlMs: 60_000 });
  });
  afterEach(async () => { await storage.close(); rmSync(dir, { recursive: true, force: true }); });

  it('undoes a failing unit\'s writes (made before it failed) and keeps every other unit of the same group', async () => {
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => storage.transaction(async (repos) => {
      await repos.preferences.setCustomer(`user${i}`, 'Written', String(i));
      if (i % 3 === 0) throw new Error(`unit ${i} fails after writing`);
      await repos.preferences.setCustomer(`user${i}`, 'Second', String(i));
      return i;
    })));
    results.forEach((r, i) => {
      if (i % 3 === 0) expect(r.status, `unit ${i}`).to.equal('rejected');
      else expect(r).to.deep.equal({ status: 'fulfilled', value: i });
    });
    const db = new Database(join(dir, 'db.sqlite'), { readonly: true });
    try {
      const rows = db.prepare("SELECT user_id, preferences_key FROM customer_preferences WHERE user_id LIKE 'user%'").all() as Array<{ user_id: string; preferences_key: string }>;
      const users = new Set(rows.map((r) => Number(r.user_id.slice(4))));
      expect([...users].sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 20 }, (_, i) => i).filter((i) => i % 3 !== 0));
      expect(rows).to.have.length(2 * users.size);
    } finally { db.close(); }
  });

  it('runs the units of a group one after another, never interleaved', async () => {
    const log: string[] = [];
    await Promise.all(Array.from({ length: 5 }, (_, i) => storage.transaction(async (repos) => {
      log.push(`start ${i}`);
      await repos.preferences.setCustomer('u', 'K', String(i));
      await new Promise((r) => setTimeout(r, 5));
      log.push(`end ${i}`);
    })));
    expect(log).to.deep.equal([0, 1, 2, 3, 4].flatMap((i) => [`start ${i}`, `end ${i}`]));
  });

  it('forgets cached field definitions that a rolled-back unit created and read', async () => {
    const field = (name: string) => ({ internal_field: 0, name, label: name, field_order: 1, field_type: 'Text', object_type: 'CustomerUser', config: '{}', valid_id: 1,
      create_time: '2026-01-01 00:00:00', create_by: 1, change_time: '2026-01-01 00:00:00', change_by: 1 });
    const names = async () => (await storage.read((repos) => repos.dynamicFields.ofType('CustomerUser'))).map((f) => f.name);
    expect(await names()).to.deep.equal([]);
    await storage.transaction(async (repos) => { await repos.dynamicFields.insert(field('Kept')); });
    expect(await names()).to.deep.equal(['Kept']);
    const failed = storage.transaction(async (repos) => {
      await repos.dynamicFields.insert(field('Undone'));
      expect((await repos.dynamicFields.ofType('CustomerUser')).map((f) => f.name)).to.deep.equal(['Kept', 'Undone']);
      throw new Error('rolled back');
    });
    expect(await failed.then(() => 'committed', (e: Error) => e.message)).to.equal('rolled back');
    expect(await names()).to.deep.equal(['Kept']);
  });

  it('refuses every unit of a group when the transaction cannot even begin, the ones not yet reached too', async () => {
    const other = await Storage.open({ url: join(dir, 'other.sqlite') });
    await other.close();
    const outcome = (p: Promise<unknown>) => p.then(() => 'answered', () => 'refused');
    const units = [other.transaction(async (repos) => repos.preferences.setCustomer('u', 'K', '1')), other.transaction(async (repos) => repos.preferences.setCustomer('u', 'K', '2'))];
    const hung = new Promise<string>((resolve) => setTimeout(() => resolve('hung'), 2000).unref());
    expect(await Promise.all(units.map((u) => Promise.race([outcome(u), hung])))).to.deep.equal(['refused', 'refused']);
  });
});
