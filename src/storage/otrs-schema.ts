// An existing OTRS/Znuny database (PostgreSQL): the server uses its tables as they are, with no migration. At
// start it only reads the catalogue: a database with this server's migration bookkeeping, or without OTRS's
// customer_user table, is its own (migrated as usual); any other is an OTRS database, and every table and column
// the repositories use must be there, or the server refuses to start and says what is missing.
import { sql, type Kysely, OperationNodeTransformer, IdentifierNode, type KyselyPlugin, type PluginTransformQueryArgs,
  type PluginTransformResultArgs, type RootOperationNode, type QueryResult, type UnknownRow } from 'kysely';

/** Whose schema the database holds: this server's own (migrated), or an OTRS/Znuny installation's. */
export type SchemaKind = 'own' | 'otrs';

const audit = ['create_time', 'create_by', 'change_time', 'change_by'];

/** The OTRS tables and columns the repositories read and write. */
const REQUIRED: Record<string, string[]> = {
  valid: ['id', 'name'],
  users: ['id', 'login', 'pw', 'title', 'first_name', 'last_name', 'valid_id', ...audit],
  user_preferences: ['user_id', 'preferences_key', 'preferences_value'],
  groups: ['id', 'name', 'comments', 'valid_id', ...audit],
  group_user: ['user_id', 'group_id', 'permission_key', ...audit],
  roles: ['id', 'name', 'comments', 'valid_id', ...audit],
  role_user: ['user_id', 'role_id', ...audit],
  group_role: ['role_id', 'group_id', 'permission_key', 'permission_value', ...audit],
  customer_company: ['customer_id', 'name', 'street', 'zip', 'city', 'country', 'url', 'comments', 'valid_id', ...audit],
  customer_user: ['id', 'login', 'email', 'customer_id', 'pw', 'title', 'first_name', 'last_name', 'phone', 'fax', 'mobile',
    'street', 'zip', 'city', 'country', 'comments', 'valid_id', ...audit],
  customer_preferences: ['user_id', 'preferences_key', 'preferences_value'],
  dynamic_field: ['id', 'internal_field', 'name', 'label', 'field_order', 'field_type', 'object_type', 'config', 'valid_id', ...audit],
  dynamic_field_obj_id_name: ['object_id', 'object_name', 'object_type'],
  dynamic_field_value: ['id', 'field_id', 'object_id', 'value_text', 'value_date', 'value_int'],
  sessions: ['id', 'session_id', 'data_key', 'data_value', 'serialized'],
  system_data: ['data_key', 'data_value', ...audit],
};

export interface OtrsSchema {
  kind: SchemaKind;
  /** OTRS 7+ and Znuny name the groups table permission_groups (GROUPS is reserved in MySQL 8). */
  groupsTable: 'groups' | 'permission_groups';
}

/** Reads the catalogue of the connected database's schema (nothing is written) and tells which schema it holds. */
export async function inspectSchema(db: Kysely<any>): Promise<OtrsSchema> {
  const { rows } = await sql<{ table_name: string; column_name: string }>`SELECT table_name, column_name
    FROM information_schema.columns WHERE table_schema = current_schema()`.execute(db);
  const columns = new Map<string, Set<string>>();
  for (const r of rows) {
    if (!columns.has(r.table_name)) columns.set(r.table_name, new Set());
    columns.get(r.table_name)!.add(r.column_name);
  }
  if (columns.has('kysely_migration') || !columns.has('customer_user')) return { kind: 'own', groupsTable: 'groups' };
  const groupsTable = columns.has('permission_groups') ? 'permission_groups' : 'groups';
  const lacking: string[] = [];
  for (const [table, needed] of Object.entries(REQUIRED)) {
    const actual = table === 'groups' ? groupsTable : table;
    const have = columns.get(actual);
    if (!have) { lacking.push(`table ${actual}`); continue; }
    const absent = needed.filter((c) => !have.has(c));
    if (absent.length > 0) lacking.push(`${actual}.${absent.join(`, ${actual}.`)}`);
  }
  if (lacking.length > 0) {
    throw new Error(`DATABASE_URL names an existing OTRS/Znuny database (it has customer_user but no otrs-gi migrations), `
      + `but it lacks what this server reads and writes: ${lacking.join('; ')}. Nothing was changed.`);
  }
  return { kind: 'otrs', groupsTable };
}

/** Sends queries written for the `groups` table to an OTRS database's `permission_groups`. */
export class GroupsTablePlugin implements KyselyPlugin {
  private readonly transformer = new (class extends OperationNodeTransformer {
    protected override transformIdentifier(node: IdentifierNode): IdentifierNode {
      return node.name === 'groups' ? IdentifierNode.create('permission_groups') : node;
    }
  })();

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return this.transformer.transformNode(args.node);
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}
