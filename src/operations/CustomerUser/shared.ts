// What the customer-user operations share: the request fragments of the OTRS 8 contracts (fields, ValidID,
// UserPassword, DynamicField and UserPreferences lists) and their translation into the domain's change set.
import { CUSTOMER_USER_MAP, type CustomerUserField, type RecordOptions } from '../../domain/CustomerUser.js';
import type { Config } from '../../config.js';
import { asList, parseValidID, returnError, stringOrNull } from '../common.js';
import type { OperationResult, RequestMap } from '../operation.js';
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

/**
 * The add-ons' nested form (issue 15): the customer user's fields inside `CustomerUser`, its login as `UserLogin`
 * (GIExtension CustomerUserAdd/Update, otrs-gi-customer-operation CustomerUserCreate/Update, contracts §3.2-3.6).
 * It becomes the flat OTRS 8 form: UserLogin is CustomerUserLogin (the new login, in an update), and a `Password`
 * inside the structure is the account's password, as `UserPassword` is; the caller's credentials are only ever
 * the top-level SessionID, AccessToken or UserLogin + Password. A field given both inside and beside is refused.
 * `nested` is false for a request in the flat form.
 */
export function unnestCustomerUser(data: RequestMap): { flat: RequestMap; nested: boolean } | { error: [reason: string, text: string] } {
  const inner = data.CustomerUser;
  if (inner === undefined) return { flat: data, nested: false };
  if (inner === null || inner === '') return { error: ['MissingParameter', 'CustomerUser parameter is missing!'] };
  if (typeof inner !== 'object' || Array.isArray(inner)) return { error: ['InvalidParameter', 'Parameter CustomerUser is invalid (must be a structure of customer user fields)!'] };
  const { CustomerUser: _, ...flat } = data;
  if (inner.Password !== undefined && inner.UserPassword !== undefined && inner.Password !== inner.UserPassword) {
    return { error: ['InvalidParameter', 'Parameter CustomerUser->Password and CustomerUser->UserPassword differ!'] };
  }
  for (const [key, value] of Object.entries(inner)) {
    const name = key === 'UserLogin' ? 'CustomerUserLogin' : key === 'Password' ? 'UserPassword' : key;
    if (key === 'Password' && inner.UserPassword !== undefined) continue;   // the same password, checked above
    if (flat[name] !== undefined) return { error: ['InvalidParameter', `Parameter ${key} is given both inside CustomerUser and beside it!`] };
    flat[name] = value;
  }
  return { flat, nested: true };
}

/** An error answer under another reason (an add-on's code for the same rule), its message kept. */
export function withReason(op: string, result: OperationResult, reasons: Record<string, string>): OperationResult {
  const error = (result.Data.Error ?? undefined) as { ErrorCode: string; ErrorMessage: string } | undefined;
  if (!error) return result;
  const reason = error.ErrorCode.slice(op.length + 1);
  const renamed = reasons[reason];
  return renamed ? returnError(op, renamed, error.ErrorMessage.slice(op.length + 2)) : result;
}
