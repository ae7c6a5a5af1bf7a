// OTRS backends describe their columns as a map: map var (UserFirstname, CustomerCompanyName) -> column, with
// a maximum length and whether it is required. One check for every such map.
import { DomainError } from './errors.js';

export interface FieldSpec { column: string; max: number; required: boolean }

/** Checks the fields sent (required ones non-empty, lengths within the column) and returns them by column. */
export function mapChanges<K extends string>(map: Record<K, FieldSpec>, fields: Partial<Record<K, string | null>>): Record<string, string | null> {
  const changes: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(fields) as Array<[K, string | null]>) {
    const spec = map[key];
    if (spec.required && (value === null || value === '')) throw new DomainError('InvalidParameter', `Parameter ${key} must not be empty!`);
    if (value !== null && [...value].length > spec.max) throw new DomainError('InvalidParameter', `Parameter ${key} is longer than ${spec.max} characters!`);
    changes[spec.column] = value;
  }
  return changes;
}
