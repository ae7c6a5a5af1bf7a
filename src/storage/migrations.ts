// Schema migrations, run at start. One definition written with Kysely's schema builder, so the same steps
// create the tables on SQLite now and on PostgreSQL later.
import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { dbTimestamp } from './time.js';

const audit = (t: any) => t
  .addColumn('create_time', 'varchar(19)', (c: any) => c.notNull())
  .addColumn('create_by', 'integer', (c: any) => c.notNull())
  .addColumn('change_time', 'varchar(19)', (c: any) => c.notNull())
  .addColumn('change_by', 'integer', (c: any) => c.notNull());

const initial: Migration = {
  async up(db: Kysely<any>) {
    await audit(db.schema.createTable('valid')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('name', 'varchar(200)', (c) => c.notNull().unique())).execute();

    await audit(db.schema.createTable('users')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('login', 'varchar(200)', (c) => c.notNull().unique())
      .addColumn('pw', 'varchar(128)')
      .addColumn('title', 'varchar(50)')
      .addColumn('first_name', 'varchar(100)', (c) => c.notNull())
      .addColumn('last_name', 'varchar(100)', (c) => c.notNull())
      .addColumn('valid_id', 'smallint', (c) => c.notNull())).execute();
    // OTRS looks logins up case-insensitively: an expression index keeps that a point lookup.
    await sql`CREATE UNIQUE INDEX users_login_lower ON users (lower(login))`.execute(db);

    await audit(db.schema.createTable('groups')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
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

    await audit(db.schema.createTable('customer_user')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
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

    await audit(db.schema.createTable('dynamic_field')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('internal_field', 'smallint', (c) => c.notNull().defaultTo(0))
      .addColumn('name', 'varchar(200)', (c) => c.notNull().unique())
      .addColumn('label', 'varchar(200)', (c) => c.notNull())
      .addColumn('field_order', 'integer', (c) => c.notNull())
      .addColumn('field_type', 'varchar(200)', (c) => c.notNull())
      .addColumn('object_type', 'varchar(100)', (c) => c.notNull())
      .addColumn('config', 'text')
      .addColumn('valid_id', 'smallint', (c) => c.notNull())).execute();

    await db.schema.createTable('dynamic_field_obj_id_name')
      .addColumn('object_id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('object_name', 'varchar(200)', (c) => c.notNull())
      .addColumn('object_type', 'varchar(100)', (c) => c.notNull())
      .addUniqueConstraint('dynamic_field_object_name', ['object_name', 'object_type']).execute();

    await db.schema.createTable('dynamic_field_value')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('field_id', 'integer', (c) => c.notNull())
      .addColumn('object_id', 'integer', (c) => c.notNull())
      .addColumn('value_text', 'text')
      .addColumn('value_date', 'varchar(19)')
      .addColumn('value_int', 'bigint').execute();
    await db.schema.createIndex('dynamic_field_value_search').on('dynamic_field_value').columns(['object_id', 'field_id']).execute();

    await db.schema.createTable('sessions')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('session_id', 'varchar(100)', (c) => c.notNull())
      .addColumn('data_key', 'varchar(100)', (c) => c.notNull())
      .addColumn('data_value', 'text')
      .addColumn('serialized', 'smallint', (c) => c.notNull().defaultTo(0)).execute();
    await db.schema.createIndex('sessions_session_id').on('sessions').column('session_id').execute();

    await db.schema.createTable('access_token')
      .addColumn('uuid', 'varchar(36)', (c) => c.primaryKey())
      .addColumn('user_id', 'varchar(200)', (c) => c.notNull())
      .addColumn('user_type', 'varchar(20)', (c) => c.notNull())
      .addColumn('create_time', 'varchar(19)', (c) => c.notNull())
      .addColumn('expires_time', 'varchar(19)', (c) => c.notNull())
      .addColumn('remote_addr', 'varchar(100)').execute();

    await db.schema.createTable('password_history')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('user_type', 'varchar(20)', (c) => c.notNull())
      .addColumn('user_id', 'integer', (c) => c.notNull())
      .addColumn('pw', 'varchar(255)', (c) => c.notNull())
      .addColumn('create_time', 'varchar(19)', (c) => c.notNull()).execute();
    await db.schema.createIndex('password_history_user').on('password_history').columns(['user_type', 'user_id']).execute();

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
  },
};

/** The lower(...) indexes are rebuilt with the Unicode lower() the connection now registers (database.ts). */
const unicodeLower: Migration = {
  async up(db: Kysely<any>) { await sql`REINDEX`.execute(db); },
};

/** Roles (OTRS roles, role_user, group_role): groups an agent holds through a role. */
const roles: Migration = {
  async up(db: Kysely<any>) {
    await audit(db.schema.createTable('roles')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
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

/** Licence modules given to agents (LICENCE_MODULES): one row per agent and module. */
const userLicences: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.createTable('user_licence')
      .addColumn('user_id', 'integer', (c) => c.notNull())
      .addColumn('module', 'varchar(100)', (c) => c.notNull())
      .addColumn('create_time', 'varchar(19)', (c) => c.notNull())
      .addColumn('create_by', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('user_licence_pk', ['user_id', 'module']).execute();
    await db.schema.createIndex('user_licence_module').on('user_licence').column('module').execute();
  },
};

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return { '0001-initial': initial, '0002-unicode-lower': unicodeLower, '0003-roles': roles, '0004-user-licences': userLicences };
  },
};
