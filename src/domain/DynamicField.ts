// Dynamic fields (OTRS Kernel::System::DynamicField and its drivers): a value is checked against the field's
// type and configuration before anything is stored; values live one row per value in dynamic_field_value.
import type { Repositories, DynamicFieldRow } from '../storage/repositories.js';
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
 * Finds the field by name for an object type. A name not yet defined is created as a Text field when
 * auto-creation is on (the OTRS 8 CustomerUserUpdate documentation promises this), else it is an error.
 */
async function resolveField(repos: Repositories, name: string, objectType: string, autoCreate: boolean, changedBy: number): Promise<DynamicFieldRow> {
  if (!isValidFieldName(name)) throw new DomainError('InvalidParameter', `DynamicField name '${name}' is invalid: use letters and digits only!`);
  // The valid fields of the object type are cached; only an unknown, invalid or foreign name asks the database.
  const known = (await repos.dynamicFieldsOf(objectType)).find((f) => f.name === name);
  if (known) return known;
  const existing = await repos.dynamicFieldByName(name);
  if (existing) {
    if (existing.object_type !== objectType) throw new DomainError('InvalidParameter', `DynamicField ${name} is not a ${objectType} field!`);
    if (existing.valid_id !== 1) throw new DomainError('InvalidParameter', `DynamicField ${name} is not valid!`);
    return existing;
  }
  if (!autoCreate) throw new DomainError('InvalidParameter', `DynamicField ${name} does not exist for ${objectType}!`);
  const order = (await repos.maxDynamicFieldOrder()) + 1;
  await repos.insertDynamicField({
    internal_field: 0, name, label: name, field_order: order, field_type: 'Text', object_type: objectType,
    config: JSON.stringify({ DefaultValue: '' }), valid_id: 1, ...nowStamp(changedBy),
  });
  return (await repos.dynamicFieldByName(name))!;
}

export type DynamicFieldInput = { Name: string; Value: Array<string | null> };

/**
 * Resolves and checks every field of a create or an update before anything is written: each name once, each
 * value valid for its field. The result is what Repositories.setDynamicFieldValues writes.
 */
export async function prepareDynamicFieldUpdates(repos: Repositories, input: DynamicFieldInput[] | undefined, objectType: string,
  autoCreate: boolean, changedBy: number): Promise<Array<{ fieldId: number; values: ReturnType<typeof prepareFieldValues> }>> {
  const updates: Array<{ fieldId: number; values: ReturnType<typeof prepareFieldValues> }> = [];
  const seen = new Set<string>();
  for (const df of input ?? []) {
    if (seen.has(df.Name)) throw new DomainError('InvalidParameter', `DynamicField ${df.Name} is given more than once!`);
    seen.add(df.Name);
    const field = await resolveField(repos, df.Name, objectType, autoCreate, changedBy);
    updates.push({ fieldId: field.id, values: prepareFieldValues(field, df.Value) });
  }
  return updates;
}
