// The storage interface the domain sees: one repository per aggregate, handed out per unit of work
// (repos.customerUsers.byLogin(...)). Each owns its queries, its rows and what it makes the caches forget.
import type { Kysely } from 'kysely';
import type { DB } from './schema.js';
import type { Dialect } from './conditions.js';
import { ReadCaches, UnitCaches } from './cache.js';
import type { Sql } from './sql.js';
import { CustomerCompanyRepository } from './customer-company-repository.js';
import { CustomerUserRepository } from './customer-user-repository.js';
import { AgentRepository } from './agent-repository.js';
import { SessionRepository, AccessTokenRepository } from './session-repository.js';
import { DynamicFieldRepository } from './dynamic-field-repository.js';
import { PreferenceRepository } from './preference-repository.js';
import { LicenceRepository } from './licence-repository.js';
import { LoginFailureRepository } from './login-failure-repository.js';
import { PasswordHistoryRepository } from './password-history-repository.js';
import { SystemDataRepository } from './system-data-repository.js';

export type { CustomerUserRow, CustomerUserChanges, NewCustomerUser, CustomerUserQuery } from './customer-user-repository.js';
export type { UserRow, UserChanges, UserQuery } from './agent-repository.js';
export type { DynamicFieldRow, NewDynamicField, DynamicFieldValueRow } from './dynamic-field-repository.js';

/**
 * `db` only builds queries; `sql` runs them. The questions asked on every request are prepared once per
 * connection (Sql.prepare) by the repository that asks them; the rest are compiled per call.
 */
export class Repositories {
  readonly customerCompanies: CustomerCompanyRepository;
  readonly customerUsers: CustomerUserRepository;
  readonly agents: AgentRepository;
  readonly sessions: SessionRepository;
  readonly accessTokens: AccessTokenRepository;
  readonly dynamicFields: DynamicFieldRepository;
  readonly preferences: PreferenceRepository;
  readonly licences: LicenceRepository;
  readonly loginFailures: LoginFailureRepository;
  readonly passwordHistory: PasswordHistoryRepository;
  readonly systemData: SystemDataRepository;

  constructor(db: Kysely<DB>, private readonly sql: Sql, dialect: Dialect,
    caches: UnitCaches = new UnitCaches(new ReadCaches(0))) {
    this.customerCompanies = new CustomerCompanyRepository(db, sql, dialect);
    this.customerUsers = new CustomerUserRepository(db, sql, dialect, caches);
    this.agents = new AgentRepository(db, sql, dialect, caches);
    this.sessions = new SessionRepository(db, sql, caches);
    this.accessTokens = new AccessTokenRepository(db, sql);
    this.dynamicFields = new DynamicFieldRepository(db, sql, caches);
    this.preferences = new PreferenceRepository(db, sql, caches);
    this.licences = new LicenceRepository(db, sql);
    this.loginFailures = new LoginFailureRepository(db, sql);
    this.passwordHistory = new PasswordHistoryRepository(db, sql);
    this.systemData = new SystemDataRepository(db, sql);
  }

  /** Whether the database answers (the health check). */
  async ping(): Promise<void> { await this.sql.exec('SELECT 1'); }

  /** The account's login while it is valid, '' while it is not, as sessions and tokens name it (cached). */
  accountLogin(userType: 'User' | 'Customer', id: number | string): Promise<string> {
    return userType === 'User' ? this.agents.validLogin(Number(id)) : this.customerUsers.validLogin(String(id));
  }
}
