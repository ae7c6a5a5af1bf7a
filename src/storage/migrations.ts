// Schema migrations, run at start. One definition written with Kysely's schema builder, so the same steps
// create the tables on SQLite and on PostgreSQL. Only two column types differ, as they do in OTRS's own schema:
// identity columns (SQLite's INTEGER PRIMARY KEY AUTOINCREMENT, PostgreSQL's serial) and times (text on SQLite,
// timestamp(0) on PostgreSQL; both read and written as 'YYYY-MM-DD HH:MM:SS').
import { sql, type Kysely, type Migration, type MigrationProvider, type CreateTableBuilder } from 'kysely';
import { dbTimestamp } from './time.js';
import type { Dialect } from './conditions.js';

type Table = CreateTableBuilder<any, any>;

function migrationsFor(dialect: Dialect) {
  const time = dialect === 'postgres' ? 'timestamp(0)' : 'varchar(19)';
  /** An identity column: the database numbers new rows. */
  const identity = (t: Table, name: string) => (dialect === 'postgres'
    ? t.addColumn(name, 'serial', (c) => c.primaryKey())
    : t.addColumn(name, 'integer', (c) => c.primaryKey().autoIncrement()));

  const audit = (t: Table) => t
    .addColumn('create_time', time, (c) => c.notNull())
    .addColumn('create_by', 'integer', (c) => c.notNull())
    .addColumn('change_time', time, (c) => c.notNull())
    .addColumn('change_by', 'integer', (c) => c.notNull());

  // This project's own tables (OTRS has none of them), written once for the migrations and for an existing OTRS
  // database, where they are the only tables the server creates (`ifNotExists`; otrs-schema.ts).
  const table = (db: Kysely<any>, name: string, ifNotExists: boolean) => (ifNotExists ? db.schema.createTable(name).ifNotExists() : db.schema.createTable(name));
  const index = (db: Kysely<any>, name: string, ifNotExists: boolean) => (ifNotExists ? db.schema.createIndex(name).ifNotExists() : db.schema.createIndex(name));

  /** One row per issued access token, so tokens can be revoked. */
  const accessTokenTable = async (db: Kysely<any>, ifNotExists = false) => {
    await table(db, 'access_token', ifNotExists)
      .addColumn('uuid', 'varchar(36)', (c) => c.primaryKey())
      .addColumn('user_id', 'varchar(200)', (c) => c.notNull())
      .addColumn('user_type', 'varchar(20)', (c) => c.notNull())
      .addColumn('create_time', time, (c) => c.notNull())
      .addColumn('expires_time', time, (c) => c.notNull())
      .addColumn('remote_addr', 'varchar(100)').execute();
  };

  /** Earlier password hashes (PasswordHistoryData). */
  const passwordHistoryTable = async (db: Kysely<any>, ifNotExists = false) => {
    await identity(table(db, 'password_history', ifNotExists), 'id')
      .addColumn('user_type', 'varchar(20)', (c) => c.notNull())
      .addColumn('user_id', 'integer', (c) => c.notNull())
      .addColumn('pw', 'varchar(255)', (c) => c.notNull())
      .addColumn('create_time', time, (c) => c.notNull()).execute();
    await index(db, 'password_history_user', ifNotExists).on('password_history').columns(['user_type', 'user_id']).execute();
  };

  /** Licence modules given to agents (LICENCE_MODULES): one row per agent and module. */
  const userLicenceTable = async (db: Kysely<any>, ifNotExists = false) => {
    await table(db, 'user_licence', ifNotExists)
      .addColumn('user_id', 'integer', (c) => c.notNull())
      .addColumn('module', 'varchar(100)', (c) => c.notNull())
      .addColumn('create_time', time, (c) => c.notNull())
      .addColumn('create_by', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('user_licence_pk', ['user_id', 'module']).execute();
    await index(db, 'user_licence_module', ifNotExists).on('user_licence').column('module').execute();
  };

  /** Failed-login counters, in the database so that every instance on a shared one counts the same failures. */
  const loginFailureTable = async (db: Kysely<any>, ifNotExists = false) => {
    await table(db, 'login_failure', ifNotExists)
      .addColumn('counter_key', 'varchar(400)', (c) => c.primaryKey())
      .addColumn('failures', 'integer', (c) => c.notNull())
      .addColumn('last_failure', 'bigint', (c) => c.notNull()).execute();
    await index(db, 'login_failure_last', ifNotExists).on('login_failure').column('last_failure').execute();
  };

  const ownTables = async (db: Kysely<any>) => {
    for (const create of [accessTokenTable, passwordHistoryTable, userLicenceTable, loginFailureTable]) await create(db, true);
  };

  const initial: Migration = {
    async up(db: Kysely<any>) {
      await audit(db.schema.createTable('valid')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('name', 'varchar(200)', (c) => c.notNull().unique())).execute();

      await audit(identity(db.schema.createTable('users'), 'id')
        .addColumn('login', 'varchar(200)', (c) => c.notNull().unique())
        .addColumn('pw', 'varchar(128)')
        .addColumn('title', 'varchar(50)')
        .addColumn('first_name', 'varchar(100)', (c) => c.notNull())
        .addColumn('last_name', 'varchar(100)', (c) => c.notNull())
        .addColumn('valid_id', 'smallint', (c) => c.notNull())).execute();
      // OTRS looks logins up case-insensitively: an expression index keeps that a point lookup.
      await sql`CREATE UNIQUE INDEX users_login_lower ON users (lower(login))`.execute(db);

      await audit(identity(db.schema.createTable('groups'), 'id')
        .addColumn('name', 'varchar(200)', (c) => c.notNull().unique())
        .addColumn('comments', 'varchar(250)')
        .addColumn('valid_id', 'smallint', (c) => c.notNull())).execute();

      await audit(db.schema.createTable('group_user')
        .addColumn('user_id', 'integer', (c) => c.notNull())
        .addColumn('group_id', 'integer', (c) => c.notNull())
        .addColumn('permission_key', 'varchar(20)', (c) => c.notNull())).execute();
      await db.schema.createIndex('group_user_user_id').on('group_user').column('user_id').execute();

      await db.schema.createTable('user_preferences')
        .addColumn('user_id', 'integer', (c) => c.notNull())
        .addColumn('preferences_key', 'varchar(150)', (c) => c.notNull())
        .addColumn('preferences_value', 'text').execute();
      await db.schema.createIndex('user_preferences_user_id').on('user_preferences').column('user_id').execute();

      await audit(db.schema.createTable('customer_company')
        .addColumn('customer_id', 'varchar(150)', (c) => c.primaryKey())
        .addColumn('name', 'varchar(200)', (c) => c.notNull().unique())
        .addColumn('street', 'varchar(200)')
        .addColumn('zip', 'varchar(200)')
        .addColumn('city', 'varchar(200)')
        .addColumn('country', 'varchar(200)')
        .addColumn('url', 'varchar(200)')
        .addColumn('comments', 'varchar(250)')
        .addColumn('valid_id', 'smallint', (c) => c.notNull())).execute();
      await sql`CREATE INDEX customer_company_id_lower ON customer_company (lower(customer_id))`.execute(db);

      await audit(identity(db.schema.createTable('customer_user'), 'id')
        .addColumn('login', 'varchar(200)', (c) => c.notNull().unique())
        .addColumn('email', 'varchar(150)', (c) => c.notNull())
        .addColumn('customer_id', 'varchar(150)', (c) => c.notNull())
        .addColumn('pw', 'varchar(128)')
        .addColumn('title', 'varchar(50)')
        .addColumn('first_name', 'varchar(100)', (c) => c.notNull())
        .addColumn('last_name', 'varchar(100)', (c) => c.notNull())
        .addColumn('phone', 'varchar(150)')
        .addColumn('fax', 'varchar(150)')
        .addColumn('mobile', 'varchar(150)')
        .addColumn('street', 'varchar(150)')
        .addColumn('zip', 'varchar(200)')
        .addColumn('city', 'varchar(200)')
        .addColumn('country', 'varchar(200)')
        .addColumn('comments', 'varchar(250)')
        .addColumn('valid_id', 'smallint', (c) => c.notNull())).execute();
      await sql`CREATE UNIQUE INDEX customer_user_login_lower ON customer_user (lower(login))`.execute(db);
      await sql`CREATE INDEX customer_user_email_lower ON customer_user (lower(email))`.execute(db);
      await db.schema.createIndex('customer_user_customer_id').on('customer_user').column('customer_id').execute();

      await db.schema.createTable('customer_preferences')
        .addColumn('user_id', 'varchar(250)', (c) => c.notNull())
        .addColumn('preferences_key', 'varchar(150)', (c) => c.notNull())
        .addColumn('preferences_value', 'varchar(250)').execute();
      await db.schema.createIndex('customer_preferences_user_id').on('customer_preferences').column('user_id').execute();

      await audit(identity(db.schema.createTable('dynamic_field'), 'id')
        .addColumn('internal_field', 'smallint', (c) => c.notNull().defaultTo(0))
        .addColumn('name', 'varchar(200)', (c) => c.notNull().unique())
        .addColumn('label', 'varchar(200)', (c) => c.notNull())
        .addColumn('field_order', 'integer', (c) => c.notNull())
        .addColumn('field_type', 'varchar(200)', (c) => c.notNull())
        .addColumn('object_type', 'varchar(100)', (c) => c.notNull())
        .addColumn('config', 'text')
        .addColumn('valid_id', 'smallint', (c) => c.notNull())).execute();

      await identity(db.schema.createTable('dynamic_field_obj_id_name'), 'object_id')
        .addColumn('object_name', 'varchar(200)', (c) => c.notNull())
        .addColumn('object_type', 'varchar(100)', (c) => c.notNull())
        .addUniqueConstraint('dynamic_field_object_name', ['object_name', 'object_type']).execute();

      await identity(db.schema.createTable('dynamic_field_value'), 'id')
        .addColumn('field_id', 'integer', (c) => c.notNull())
        .addColumn('object_id', 'integer', (c) => c.notNull())
        .addColumn('value_text', 'text')
        .addColumn('value_date', time)
        .addColumn('value_int', 'bigint').execute();
      await db.schema.createIndex('dynamic_field_value_search').on('dynamic_field_value').columns(['object_id', 'field_id']).execute();

      await identity(db.schema.createTable('sessions'), 'id')
        .addColumn('session_id', 'varchar(100)', (c) => c.notNull())
        .addColumn('data_key', 'varchar(100)', (c) => c.notNull())
        .addColumn('data_value', 'text')
        .addColumn('serialized', 'smallint', (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.createIndex('sessions_session_id').on('sessions').column('session_id').execute();

      await accessTokenTable(db);
      await passwordHistoryTable(db);

      await audit(db.schema.createTable('system_data')
        .addColumn('data_key', 'varchar(160)', (c) => c.primaryKey())
        .addColumn('data_value', 'text')).execute();

      // The rows every OTRS installation has (scripts/database/otrs-initial_insert.xml): validity states, the
      // system user 1 (which owns changes made by the system; it has no password and cannot log in) and the
      // three standard groups.
      const now = dbTimestamp();
      const stamp = { create_time: now, create_by: 1, change_time: now, change_by: 1 };
      await db.insertInto('valid').values([
        { id: 1, name: 'valid', ...stamp }, { id: 2, name: 'invalid', ...stamp }, { id: 3, name: 'invalid-temporarily', ...stamp },
      ]).execute();
      await db.insertInto('users').values({ id: 1, login: 'root@localhost', pw: null, title: null, first_name: 'Admin', last_name: 'OTRS', valid_id: 1, ...stamp }).execute();
      await db.insertInto('groups').values([
        { name: 'users', comments: 'Group for default access.', valid_id: 1, ...stamp },
        { name: 'admin', comments: 'Group of all administrators.', valid_id: 1, ...stamp },
        { name: 'stats', comments: 'Group for statistics access.', valid_id: 1, ...stamp },
      ]).execute();
      // The system user was given its id: PostgreSQL's sequence must start after it.
      if (dialect === 'postgres') await sql`SELECT setval(pg_get_serial_sequence('users', 'id'), (SELECT max(id) FROM users))`.execute(db);
    },
  };

  /** The lower(...) indexes are rebuilt with the Unicode lower() the connection now registers (sqlite.ts); PostgreSQL's lower() always was. */
  const unicodeLower: Migration = {
    async up(db: Kysely<any>) { if (dialect === 'sqlite') await sql`REINDEX`.execute(db); },
  };

  /** Roles (OTRS roles, role_user, group_role): groups an agent holds through a role. */
  const roles: Migration = {
    async up(db: Kysely<any>) {
      await audit(identity(db.schema.createTable('roles'), 'id')
        .addColumn('name', 'varchar(200)', (c) => c.notNull().unique())
        .addColumn('comments', 'varchar(250)')
        .addColumn('valid_id', 'smallint', (c) => c.notNull())).execute();
      await audit(db.schema.createTable('role_user')
        .addColumn('user_id', 'integer', (c) => c.notNull())
        .addColumn('role_id', 'integer', (c) => c.notNull())).execute();
      await db.schema.createIndex('role_user_user_id').on('role_user').column('user_id').execute();
      await audit(db.schema.createTable('group_role')
        .addColumn('role_id', 'integer', (c) => c.notNull())
        .addColumn('group_id', 'integer', (c) => c.notNull())
        .addColumn('permission_key', 'varchar(20)', (c) => c.notNull())
        .addColumn('permission_value', 'smallint', (c) => c.notNull())).execute();
      await db.schema.createIndex('group_role_role_id').on('group_role').column('role_id').execute();
    },
  };

  const userLicences: Migration = {
    async up(db: Kysely<any>) {
      await userLicenceTable(db);
    },
  };

  const loginFailures: Migration = {
    async up(db: Kysely<any>) {
      await loginFailureTable(db);
    },
  };

  /**
   * PostgreSQL: prefix searches (`cust12*`) are LIKE there, and a LIKE prefix can use an index only in byte order
   * (text_pattern_ops), whatever the database's collation; without these a search read every row.
   */
  const prefixSearchIndexes: Migration = {
    async up(db: Kysely<any>) {
      if (dialect !== 'postgres') return;
      for (const [table, column] of [['customer_user', 'login'], ['customer_user', 'email'], ['customer_user', 'customer_id'],
        ['users', 'login'], ['customer_company', 'customer_id'], ['customer_company', 'name']]) {
        await sql`CREATE INDEX ${sql.id(`${table}_${column}_prefix`)} ON ${sql.table(table)} (lower(${sql.ref(column)}) text_pattern_ops)`.execute(db);
      }
    },
  };

  /**
   * A password change or the end of an account's validity deletes its sessions and tokens (Auth.ts): found by
   * owner, not by scanning every row. The sessions index is partial (the UserID rows: short values), and the
   * query names data_key as a literal so that both databases can use it.
   */
  const accountSessionIndexes: Migration = {
    async up(db: Kysely<any>) {
      await sql`CREATE INDEX sessions_user_id ON sessions (data_value) WHERE data_key = 'UserID'`.execute(db);
      await db.schema.createIndex('access_token_user').on('access_token').columns(['user_type', 'user_id']).execute();
    },
  };

  const migrations: Record<string, Migration> = { '0001-initial': initial, '0002-unicode-lower': unicodeLower, '0003-roles': roles, '0004-user-licences': userLicences,
    '0005-login-failures': loginFailures, '0006-prefix-search-indexes': prefixSearchIndexes,
    '0007-account-session-indexes': accountSessionIndexes };
  return { migrations, ownTables };
}

export const migrationProvider = (dialect: Dialect): MigrationProvider => ({
  async getMigrations() { return migrationsFor(dialect).migrations; },
});

/** Creates this project's own tables where they are missing, and nothing else (an existing OTRS database). */
export const createOwnTables = (db: Kysely<any>, dialect: Dialect) => migrationsFor(dialect).ownTables(db);
