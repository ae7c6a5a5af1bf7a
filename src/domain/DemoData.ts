// Demo data for a first start on an empty database (README): one agent, one company, two customer users and
// two customer-user dynamic fields, plus what the examples of docs/operations.md use: the role `Support` and `night-shift`, an
// agent as an OTRS import leaves it (no password yet, invalid) whose times lie across a daylight-saving change.
// The passwords are printed by the start command and stored hashed.
import type { Storage } from '../storage/database.js';
import { nowStamp } from './Auth.js';
import type { PasswordHasher } from './Password.js';

/** Europe/Berlin went to summer time at 2026-03-29 01:00 UTC and back at 2026-10-25 01:00 UTC. */
const IMPORTED = { create_time: '2026-03-29 00:30:00', change_time: '2026-03-29 01:30:00', lastLogin: Date.UTC(2026, 9, 25, 0, 30) / 1000 };

export const DEMO = {
  agent: { login: 'demo-agent', password: 'DemoAgent1!' },
  company: { id: 'ACME', name: 'ACME Inc.' },
  customers: [
    { login: 'cust1', password: 'CustPass1!', first: 'Carla', last: 'Customer', email: 'cust1@acme-demo.test' },
    { login: 'cust2', password: 'CustPass2!', first: 'Chris', last: 'Client', email: 'cust2@acme-demo.test' },
  ],
} as const;

/** Creates the demo data when no agent but the system user exists; returns whether it did. */
export async function ensureDemoData(storage: Storage, passwords: PasswordHasher): Promise<boolean> {
  if ((await storage.read((repos) => repos.agents.count())) > 1) return false;
  const stamp = nowStamp(1);
  const agentHash = await passwords.hash(DEMO.agent.password);
  const customerHashes = await Promise.all(DEMO.customers.map((c) => passwords.hash(c.password)));
  await storage.transaction(async (repos) => {
    const agentId = await repos.agents.insert({ login: DEMO.agent.login, pw: agentHash, title: null, first_name: 'Demo', last_name: 'Agent', valid_id: 1, ...stamp });
    await repos.preferences.setUser(agentId, 'UserEmail', 'demo-agent@acme-demo.test');
    for (const group of ['admin', 'users']) await repos.agents.addGroupUser(agentId, (await repos.agents.groupIdByName(group))!, 'rw', stamp);
    await repos.customerCompanies.insert({
      customer_id: DEMO.company.id, name: DEMO.company.name, street: '1 Demo Street', zip: '12345', city: 'Springfield',
      country: 'Germany', url: 'https://acme-demo.test', comments: '', valid_id: 1, ...stamp,
    });
    for (const [i, c] of DEMO.customers.entries()) {
      await repos.customerUsers.insert({
        login: c.login, email: c.email, customer_id: DEMO.company.id, pw: customerHashes[i], title: null, first_name: c.first, last_name: c.last,
        phone: null, fax: null, mobile: null, street: null, zip: null, city: null, country: null, comments: null, valid_id: 1, ...stamp,
      });
    }
    // A role to give agents; what a role grants is each installation's own configuration, so it grants nothing.
    await repos.agents.insertRole({ name: 'Support', comments: 'Demo role', valid_id: 1, ...stamp });
    const imported = await repos.agents.insert({
      login: 'night-shift', pw: null, title: null, first_name: 'Nina', last_name: 'Night', valid_id: 2,
      create_time: IMPORTED.create_time, create_by: 1, change_time: IMPORTED.change_time, change_by: 1,
    });
    await repos.preferences.setUser(imported, 'UserLastLogin', String(IMPORTED.lastLogin));
    await repos.dynamicFields.insert({ internal_field: 0, name: 'Department', label: 'Department', field_order: 1, field_type: 'Text', object_type: 'CustomerUser', config: JSON.stringify({ DefaultValue: '' }), valid_id: 1, ...stamp });
    await repos.dynamicFields.insert({
      internal_field: 0, name: 'Skills', label: 'Skills', field_order: 2, field_type: 'Multiselect', object_type: 'CustomerUser',
      config: JSON.stringify({ PossibleValues: { SQL: 'SQL', Perl: 'Perl', TypeScript: 'TypeScript' } }), valid_id: 1, ...stamp,
    });
  });
  return true;
}
