// Dynamic fields (OTRS Kernel::System::DynamicField and its drivers): a value is checked against the field's
// type and configuration before anything is stored; values live one row per value in dynamic_field_value.
import type { Repositories, DynamicFieldRow, NewDynamicField } from '../storage/repositories.js';
import { parse as parseYaml } from 'yaml';
import { DomainError } from './errors.js';
import { nowStamp } from './Auth.js';

export const FIELD_TYPES = ['Text', 'TextArea', 'Dropdown', 'Multiselect', 'Checkbox', 'Date', 'DateTime'] as const;
export type FieldType = typeof FIELD_TYPES[number];

export interface FieldConfig { PossibleValues?: Record<string, string>; DefaultValue?: string }

type StoredValue = { value_text: string | null; value_date: string | null; value_int: number | null };

/** OTRS allows only letters and digits in dynamic field names (AdminDynamicField*), which keeps DynamicField_<Name> a valid element name. */
export const isValidFieldName = (name: string) => /^[A-Za-z0-9]{1,200}$/.test(name);

// Configurations read from YAML, by their text: few fields, read on every request that sets one.
const yamlConfigs = new Map<string, FieldConfig>();

/**
 * A field's configuration. This server writes JSON (which is also YAML, so OTRS reads it); OTRS writes YAML, as
 * a field defined in an existing OTRS database has it. Unreadable: no configuration.
 */
export function fieldConfig(field: DynamicFieldRow): FieldConfig {
  if (!field.config) return {};
  try { return JSON.parse(field.config) as FieldConfig; } catch { /* OTRS's YAML */ }
  let cfg = yamlConfigs.get(field.config);
  if (!cfg) {
    try { cfg = (parseYaml(field.config) ?? {}) as FieldConfig; } catch { cfg = {}; }
    if (typeof cfg !== 'object') cfg = {};
    if (yamlConfigs.size >= 1000) yamlConfigs.clear();
    yamlConfigs.set(field.config, cfg);
  }
  return cfg;
}

function validDate(s: string): boolean {
  const d = new Date(s.replace(' ', 'T') + 'Z');
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 19).replace('T', ' ') === s;
}

/**
 * Turns the value(s) sent for one field into rows to store. `values` is the list given (a scalar is a list of
 * one); null entries and an empty list clear the field, as does a single empty string.
 */
export function prepareFieldValues(field: DynamicFieldRow, values: Array<string | null>): StoredValue[] {
  const name = field.name;
  const given = values.filter((v): v is string => v !== null);
  if (given.length === 0 || (given.length === 1 && given[0] === '')) return [];
  const type = field.field_type as FieldType;
  if (type !== 'Multiselect' && given.length > 1) {
    throw new DomainError('InvalidParameter', `DynamicField ${name} is a ${type} field and takes one value, got ${given.length}!`);
  }
  const cfg = fieldConfig(field);
  // A multiselect's values are a choice among its possible values: more values than that can only be repeats,
  // and would let one request store (and every later answer carry) any number of rows.
  if (type === 'Multiselect' && given.length > 1 && given.length > Object.keys(cfg.PossibleValues ?? {}).length) {
    throw new DomainError('InvalidParameter', `DynamicField ${name} takes at most ${Object.keys(cfg.PossibleValues ?? {}).length} values (its possible values), got ${given.length}!`);
  }
  return given.map((v) => {
    switch (type) {
      case 'Dropdown':
      case 'Multiselect':
        if (!cfg.PossibleValues || !Object.prototype.hasOwnProperty.call(cfg.PossibleValues, v)) {
          throw new DomainError('InvalidParameter', `DynamicField ${name}: '${v}' is not one of its possible values (${Object.keys(cfg.PossibleValues ?? {}).join(', ')})!`);
        }
        return { value_text: v, value_date: null, value_int: null };
      case 'Checkbox':
        if (v !== '0' && v !== '1') throw new DomainError('InvalidParameter', `DynamicField ${name}: a Checkbox value must be 0 or 1!`);
        return { value_text: null, value_date: null, value_int: Number(v) };
      case 'Date': {
        const d = /^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v} 00:00:00` : v;
        if (!/^\d{4}-\d{2}-\d{2} 00:00:00$/.test(d) || !validDate(d)) throw new DomainError('InvalidParameter', `DynamicField ${name}: '${v}' is not a date (YYYY-MM-DD)!`);
        return { value_text: null, value_date: d, value_int: null };
      }
      case 'DateTime':
        if (!/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(v) || !validDate(v)) throw new DomainError('InvalidParameter', `DynamicField ${name}: '${v}' is not a date and time (YYYY-MM-DD HH:MM:SS)!`);
        return { value_text: null, value_date: v, value_int: null };
      default:
        if (v.length > 3800) throw new DomainError('InvalidParameter', `DynamicField ${name}: the value is longer than 3800 characters!`);
        return { value_text: v, value_date: null, value_int: null };
    }
  });
}

/** The record value of a field: Multiselect gives a list, every other type a scalar ('' when unset). */
export function recordValue(field: DynamicFieldRow, rows: StoredValue[]): string | number | string[] {
  const values = rows.map((r) => r.value_text ?? r.value_date ?? (r.value_int === null ? '' : String(r.value_int)));
  if (field.field_type === 'Multiselect') return values.length > 0 ? values : '';
  return values[0] ?? '';
}

/**
 * One object's stored values (every field's, in stored order) as a lookup of record values by field: the rows
 * are grouped once, so a record of many fields costs their number, not fields times values.
 */
export function recordValues(rows: Array<StoredValue & { field_id: number }>): (field: DynamicFieldRow) => string | number | string[] {
  const byField = new Map<number, StoredValue[]>();
  for (const r of rows) {
    const list = byField.get(r.field_id);
    if (list) list.push(r); else byField.set(r.field_id, [r]);
  }
  return (field) => recordValue(field, byField.get(field.id) ?? []);
}

/** What an update may do to the dynamic fields of an object type: the limits that keep one request's cost bounded. */
export interface DynamicFieldPolicy {
  /** An unknown name is created as a Text field (else it is an error). */
  dynamicFieldAutoCreate: boolean;
  /** DynamicField entries one request may carry. */
  dynamicFieldMaxEntries: number;
  /** Fields one request may create. */
  dynamicFieldMaxCreate: number;
  /** Fields an object type may have at most, for auto-creation (fields defined otherwise are never refused). */
  dynamicFieldMaxPerObject: number;
}

export type DynamicFieldInput = { Name: string; Value: Array<string | null> };
export type DynamicFieldUpdate = { fieldId: number; values: StoredValue[] };

// The valid fields of an object type by name. The read cache hands out the same list while it holds it, so the
// index is built once per cache fill, not per request, and every name is found in constant time.
const byName = new WeakMap<DynamicFieldRow[], Map<string, DynamicFieldRow>>();
function fieldIndex(fields: DynamicFieldRow[]): Map<string, DynamicFieldRow> {
  let index = byName.get(fields);
  if (!index) {
    index = new Map(fields.map((f) => [f.name, f]));
    byName.set(fields, index);
  }
  return index;
}

/** What a new field is: Text, as the OTRS 8 CustomerUserUpdate documentation promises for an unknown name. */
function newTextField(name: string, objectType: string, order: number, changedBy: number): NewDynamicField {
  return {
    internal_field: 0, name, label: name, field_order: order, field_type: 'Text', object_type: objectType,
    config: JSON.stringify({ DefaultValue: '' }), valid_id: 1, ...nowStamp(changedBy),
  };
}

/**
 * Resolves and checks every field of a create or an update before anything is written: each name once, each
 * value valid for its field, the request within the policy's limits. Names not yet defined are created (one
 * insert for all of them) only once everything else has passed. The cost is linear in the entries: known names
 * come from the cached index, unknown ones from one query. The result is what Repositories.setDynamicFieldValues
 * writes.
 */
export async function prepareDynamicFieldUpdates(repos: Repositories, input: DynamicFieldInput[] | undefined, objectType: string,
  policy: DynamicFieldPolicy, changedBy: number): Promise<DynamicFieldUpdate[]> {
  const entries = input ?? [];
  if (entries.length === 0) return [];
  if (entries.length > policy.dynamicFieldMaxEntries) {
    throw new DomainError('InvalidParameter', `At most ${policy.dynamicFieldMaxEntries} DynamicField entries per request (DYNAMIC_FIELD_MAX_ENTRIES), got ${entries.length}!`);
  }
  const known = fieldIndex(await repos.dynamicFields.ofType(objectType));
  const unknown = entries.map((df) => df.Name).filter((name) => !known.has(name) && isValidFieldName(name));
  // Invalid fields and other object types' fields are not in the cached index: one query finds them all.
  const elsewhere = unknown.length > 0 ? new Map((await repos.dynamicFields.byName(unknown)).map((f) => [f.name, f])) : new Map<string, DynamicFieldRow>();

  const updates: DynamicFieldUpdate[] = [];
  const created: Array<{ row: NewDynamicField; update: DynamicFieldUpdate }> = [];
  const seen = new Set<string>();
  for (const df of entries) {
    const name = df.Name;
    if (seen.has(name)) throw new DomainError('InvalidParameter', `DynamicField ${name} is given more than once!`);
    seen.add(name);
    if (!isValidFieldName(name)) throw new DomainError('InvalidParameter', `DynamicField name '${name}' is invalid: use letters and digits only!`);
    let field = known.get(name);
    if (!field) {
      const existing = elsewhere.get(name);
      if (existing) {
        if (existing.object_type !== objectType) throw new DomainError('InvalidParameter', `DynamicField ${name} is not a ${objectType} field!`);
        if (existing.valid_id !== 1) throw new DomainError('InvalidParameter', `DynamicField ${name} is not valid!`);
        field = existing;
      }
    }
    if (field) {
      updates.push({ fieldId: field.id, values: prepareFieldValues(field, df.Value) });
      continue;
    }
    if (!policy.dynamicFieldAutoCreate) throw new DomainError('InvalidParameter', `DynamicField ${name} does not exist for ${objectType}!`);
    // The order is set once the number of new fields is known; the value is checked against the new Text field.
    const row = newTextField(name, objectType, 0, changedBy);
    const update = { fieldId: 0, values: prepareFieldValues({ ...row, id: 0 } as DynamicFieldRow, df.Value) };
    updates.push(update);
    created.push({ row, update });
  }

  if (created.length > 0) {
    if (created.length > policy.dynamicFieldMaxCreate) {
      throw new DomainError('InvalidParameter', `At most ${policy.dynamicFieldMaxCreate} new DynamicFields per request (DYNAMIC_FIELD_MAX_CREATE), got ${created.length}!`);
    }
    const defined = await repos.dynamicFields.count(objectType);
    if (defined + created.length > policy.dynamicFieldMaxPerObject) {
      throw new DomainError('InvalidParameter', `${objectType} has ${defined} DynamicFields; at most ${policy.dynamicFieldMaxPerObject} are allowed (DYNAMIC_FIELD_MAX_PER_OBJECT), so ${created.length} new ones cannot be created!`);
    }
    const order = await repos.dynamicFields.maxOrder();
    created.forEach(({ row }, i) => { row.field_order = order + 1 + i; });
    const ids = await repos.dynamicFields.insertMany(created.map(({ row }) => row));
    for (const { row, update } of created) update.fieldId = ids.get(row.name)!;
  }
  return updates;
}
