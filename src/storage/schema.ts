// Table and column names follow the OTRS/Znuny schema (scripts/database/otrs-schema.xml), so that the same
// repositories can later run against an existing OTRS database. Times are 'YYYY-MM-DD HH:MM:SS' (UTC) text.
import type { Generated } from 'kysely';

export interface Audit { create_time: string; create_by: number; change_time: string; change_by: number }

export interface ValidTable extends Audit { id: number; name: string }

export interface UsersTable extends Audit {
  id: Generated<number>;
  login: string;
  pw: string | null;
  title: string | null;
  first_name: string;
  last_name: string;
  valid_id: number;
}

export interface GroupsTable extends Audit { id: Generated<number>; name: string; comments: string | null; valid_id: number }

export interface GroupUserTable extends Audit { user_id: number; group_id: number; permission_key: string }

export interface RolesTable extends Audit { id: Generated<number>; name: string; comments: string | null; valid_id: number }

export interface RoleUserTable extends Audit { user_id: number; role_id: number }

/** A role's permission in a group; permission_value 1 grants it (OTRS keeps 0 rows for revoked keys). */
export interface GroupRoleTable extends Audit { role_id: number; group_id: number; permission_key: string; permission_value: number }

/** A licence module given to an agent (this project's table: OTRS has no licence modules). */
export interface UserLicenceTable { user_id: number; module: string; create_time: string; create_by: number }

export interface UserPreferencesTable { user_id: number; preferences_key: string; preferences_value: string | null }

export interface CustomerCompanyTable extends Audit {
  customer_id: string;
  name: string;
  street: string | null;
  zip: string | null;
  city: string | null;
  country: string | null;
  url: string | null;
  comments: string | null;
  valid_id: number;
}

export interface CustomerUserTable extends Audit {
  id: Generated<number>;
  login: string;
  email: string;
  customer_id: string;
  pw: string | null;
  title: string | null;
  first_name: string;
  last_name: string;
  phone: string | null;
  fax: string | null;
  mobile: string | null;
  street: string | null;
  zip: string | null;
  city: string | null;
  country: string | null;
  comments: string | null;
  valid_id: number;
}

export interface CustomerPreferencesTable { user_id: string; preferences_key: string; preferences_value: string | null }

export interface DynamicFieldTable extends Audit {
  id: Generated<number>;
  internal_field: number;
  name: string;
  label: string;
  field_order: number;
  field_type: string;
  object_type: string;
  config: string | null;   // JSON here (OTRS stores YAML)
  valid_id: number;
}

export interface DynamicFieldObjIdNameTable { object_id: Generated<number>; object_name: string; object_type: string }

export interface DynamicFieldValueTable {
  id: Generated<number>;
  field_id: number;
  object_id: number;
  value_text: string | null;
  value_date: string | null;
  value_int: number | null;
}

export interface SessionsTable { id: Generated<number>; session_id: string; data_key: string; data_value: string | null; serialized: number }

/** Project table (OTRS 8 keeps access tokens in its own table; its layout is not public): one row per issued token, so tokens can be revoked. */
export interface AccessTokenTable {
  uuid: string;
  user_id: string;          // users.id for agents, customer_user.login for customers
  user_type: string;        // 'User' | 'Customer'
  create_time: string;
  expires_time: string;
  remote_addr: string | null;
}

/** Project table: earlier password hashes (OTRS 8 PasswordHistoryData), keyed by the numeric row id so a rename keeps them. */
export interface PasswordHistoryTable { id: Generated<number>; user_type: string; user_id: number; pw: string; create_time: string }

/** Project table: failed-login counters (LoginThrottle), per (address, login) and per address; times in ms since the epoch. */
export interface LoginFailureTable { counter_key: string; failures: number; last_failure: number }

export interface SystemDataTable extends Audit { data_key: string; data_value: string | null }

export interface DB {
  valid: ValidTable;
  users: UsersTable;
  groups: GroupsTable;
  group_user: GroupUserTable;
  roles: RolesTable;
  role_user: RoleUserTable;
  group_role: GroupRoleTable;
  user_licence: UserLicenceTable;
  user_preferences: UserPreferencesTable;
  customer_company: CustomerCompanyTable;
  customer_user: CustomerUserTable;
  customer_preferences: CustomerPreferencesTable;
  dynamic_field: DynamicFieldTable;
  dynamic_field_obj_id_name: DynamicFieldObjIdNameTable;
  dynamic_field_value: DynamicFieldValueTable;
  sessions: SessionsTable;
  access_token: AccessTokenTable;
  system_data: SystemDataTable;
  password_history: PasswordHistoryTable;
  login_failure: LoginFailureTable;
}
