// What the customer-user operations share: the request fragments of the OTRS 8 contracts (fields, ValidID,
// UserPassword, DynamicField and UserPreferences lists) and their translation into the domain's change set.
import { CUSTOMER_USER_MAP, type CustomerUserField, type RecordOptions } from '../../domain/CustomerUser.js';
import type { Config } from '../../config.js';
import { asList, parseValidID, stringOrNull } from '../common.js';
import type { RequestMap } from '../operation.js';
import type { WritableField } from '../fields.js';

/** Schema properties of everything a create or an update may change (after normaliseLists). */
export const changeSetProperties = {
  UserPassword: stringOrNull,
  ValidID: { type: 'string' },
  ...Object.fromEntries(Object.keys(CUSTOMER_USER_MAP).map((k) => [k, stringOrNull])),
  DynamicField: {
    type: 'array',
    items: {
      type: 'object',
      required: ['Name', 'Value'],
      properties: { Name: { type: 'string', minLength: 1 }, Value: { type: 'array', items: stringOrNull } },
    },
  },
  UserPreferences: {
    type: 'array',
    items: {
      type: 'object',
      required: ['Key', 'Value'],
      properties: { Key: { type: 'string', minLength: 1 }, Value: stringOrNull },
    },
  },
};

/** A single DynamicField (or Value, or UserPreferences entry) arrives as one element, not a list (dialect §5.7). */
export function normaliseLists(data: RequestMap): RequestMap {
  const out: RequestMap = { ...data };
  if (data.DynamicField !== undefined) {
    out.DynamicField = asList(data.DynamicField).map((df) =>
      df !== null && typeof df === 'object' && !Array.isArray(df) && df.Value !== undefined ? { ...df, Value: df.Value === null ? [] : asList(df.Value) } : df);
  }
  if (data.UserPreferences !== undefined) out.UserPreferences = asList(data.UserPreferences);
  return out;
}

export interface ChangeSet {
  fields: Partial<Record<CustomerUserField, string | null>>;
  ValidID?: number;
  UserPassword?: string | null;
  DynamicField?: Array<{ Name: string; Value: Array<string | null> }>;
  UserPreferences?: Array<{ Key: string; Value: string | null }>;
}

/** Validated request data -> the domain's change set (a malformed ValidID throws InvalidValidID). */
export function toChangeSet(d: RequestMap): ChangeSet {
  const fields: ChangeSet['fields'] = {};
  for (const key of Object.keys(CUSTOMER_USER_MAP) as CustomerUserField[]) {
    if (d[key] !== undefined) fields[key] = d[key] as string | null;
  }
  return {
    fields,
    ValidID: parseValidID(d.ValidID),
    UserPassword: d.UserPassword as string | null | undefined,
    DynamicField: d.DynamicField as ChangeSet['DynamicField'],
    UserPreferences: d.UserPreferences as ChangeSet['UserPreferences'],
  };
}

export function recordOptions(config: Config, dynamicFields = true): RecordOptions {
  return { returnPasswordHashes: config.returnPasswordHashes, customerUserNameFields: config.customerUserNameFields, dynamicFields };
}

/** What a create or an update can change, by record key, for Fields/FieldProperties and FIELD_RIGHTS. */
export const customerUserWritable: WritableField[] = [
  { Name: 'UserLogin', Params: ['CustomerUserLogin'], MaxLength: 200 },
  ...Object.entries(CUSTOMER_USER_MAP).map(([key, spec]) => ({ Name: key, Params: [key], MaxLength: spec.max })),
  { Name: 'UserPassword', Params: ['UserPassword'], WriteOnly: true },
  { Name: 'ValidID', Params: ['ValidID'] },
  { Name: 'DynamicField', Params: ['DynamicField'] },
  { Name: 'UserPreferences', Params: ['UserPreferences'] },
];
