// dynamic_field definitions and their values (dynamic_field_value, objects named in dynamic_field_obj_id_name, as
// OTRS's DynamicField::ObjectType stores non-ticket objects). Writing a definition forgets the cached lists.
import type { Kysely, Insertable, Selectable } from 'kysely';
import type { DB, DynamicFieldTable } from './schema.js';
import type { UnitCaches } from './cache.js';
import type { Sql } from './sql.js';

export type DynamicFieldRow = Selectable<DynamicFieldTable>;
export type NewDynamicField = Insertable<DynamicFieldTable>;
export type DynamicFieldValueRow = { value_text: string | null; value_date: string | null; value_int: number | null };

/**
 * A long list in parts: one statement for each, so a statement stays within the bound parameters SQLite
 * (32766) and PostgreSQL (65535) accept, whatever the list's length (rows of up to a dozen columns).
 */
function chunks<T>(items: T[], size = 500): T[][] {
  if (items.length <= size) return items.length > 0 ? [items] : [];
  const parts: T[][] = [];
  for (let i = 0; i < items.length; i += size) parts.push(items.slice(i, i + size));
  return parts;
}

export class DynamicFieldRepository {
  private readonly q;
  constructor(private readonly db: Kysely<DB>, private readonly sql: Sql, private readonly caches: UnitCaches) {
    this.q = {
      objectId: sql.prepare((objectType: string, objectName: string) => db.selectFrom('dynamic_field_obj_id_name').select('object_id')
        .where('object_type', '=', objectType).where('object_name', '=', objectName)),
      values: sql.prepare((objectType: string, objectName: string) => db.selectFrom('dynamic_field_value as v')
        .innerJoin('dynamic_field_obj_id_name as o', 'o.object_id', 'v.object_id')
        .select(['v.field_id', 'v.value_text', 'v.value_date', 'v.value_int'])
        .where('o.object_type', '=', objectType).where('o.object_name', '=', objectName).orderBy('v.id')),
    };
  }

  /** The valid fields of an object type, in field order (cached). */
  ofType(objectType: string): Promise<DynamicFieldRow[]> {
    return this.caches.dynamicFields.get(objectType, () => this.sql.rows(this.db.selectFrom('dynamic_field').selectAll()
      .where('object_type', '=', objectType).where('valid_id', '=', 1).orderBy('field_order').orderBy('id')));
  }

  /** Fields with these names, of any object type and validity (the ones a cached list of valid fields lacks). */
  async byName(names: string[]): Promise<DynamicFieldRow[]> {
    const found: DynamicFieldRow[] = [];
    for (const part of chunks(names)) found.push(...await this.sql.rows(this.db.selectFrom('dynamic_field').selectAll().where('name', 'in', part)));
    return found;
  }

  /** Fields defined for an object type, valid or not. */
  async count(objectType: string): Promise<number> {
    const r = await this.sql.first(this.db.selectFrom('dynamic_field').select((eb) => eb.fn.countAll().as('n')).where('object_type', '=', objectType));
    return Number(r?.n ?? 0);
  }

  async insert(row: NewDynamicField): Promise<number> {
    this.caches.invalidate();
    return (await this.sql.rows(this.db.insertInto('dynamic_field').values(row).returning('id')))[0].id;
  }

  /** Several new fields at once; their ids by name. */
  async insertMany(rows: NewDynamicField[]): Promise<Map<string, number>> {
    this.caches.invalidate();
    const ids = new Map<string, number>();
    for (const part of chunks(rows)) {
      for (const r of await this.sql.rows(this.db.insertInto('dynamic_field').values(part).returning(['id', 'name']))) ids.set(r.name, r.id);
    }
    return ids;
  }

  async maxOrder(): Promise<number> {
    const r = await this.sql.first(this.db.selectFrom('dynamic_field').select((eb) => eb.fn.max('field_order').as('m')));
    return Number(r?.m ?? 0);
  }

  private async objectId(objectType: string, objectName: string, create: boolean): Promise<number | undefined> {
    const found = (await this.q.objectId(objectType, objectName))[0];
    if (found || !create) return found?.object_id;
    const r = await this.sql.rows(this.db.insertInto('dynamic_field_obj_id_name').values({ object_type: objectType, object_name: objectName })
      .returning('object_id'));
    return r[0].object_id;
  }

  /** Values of every field for one object, one row per value (multiselect: several rows), in insertion order. */
  values(objectType: string, objectName: string): Promise<Array<{ field_id: number } & DynamicFieldValueRow>> {
    return this.q.values(objectType, objectName);
  }

  /** Replaces the values of the given fields for one object; an empty list clears a field. */
  async setValues(objectType: string, objectName: string, updates: Array<{ fieldId: number; values: DynamicFieldValueRow[] }>): Promise<void> {
    if (updates.length === 0) return;
    const objectId = await this.objectId(objectType, objectName, updates.some((u) => u.values.length > 0));
    if (objectId === undefined) return;
    // One delete and one insert for all the fields: a multiselect's values keep their order (row ids ascend).
    for (const part of chunks(updates)) {
      await this.sql.run(this.db.deleteFrom('dynamic_field_value').where('object_id', '=', objectId).where('field_id', 'in', part.map((u) => u.fieldId)));
    }
    const rows = updates.flatMap(({ fieldId, values }) => values.map((v) => ({ field_id: fieldId, object_id: objectId, ...v })));
    for (const part of chunks(rows)) await this.sql.run(this.db.insertInto('dynamic_field_value').values(part));
  }

  async renameObject(objectType: string, oldName: string, newName: string): Promise<void> {
    await this.sql.run(this.db.updateTable('dynamic_field_obj_id_name').set({ object_name: newName })
      .where('object_type', '=', objectType).where('object_name', '=', oldName));
  }
}
