// What the CustomerCompany operations share: the company fields of a request and their schema, ValidID, Source,
// and the GIExtension add-on's nested request form.
import { CUSTOMER_COMPANY_MAP, type CustomerCompanyField, type DynamicFieldInput } from '../../domain/CustomerCompany.js';
import { DomainError } from '../../domain/errors.js';
import { stringOrNull } from '../common.js';
import type { RequestData, RequestMap } from '../operation.js';
import { changeSetProperties } from '../CustomerUser/shared.js';

/** Schema properties of the company fields (xsi:nil clears an optional one) and the DynamicField list (after normaliseLists). */
export const companyProperties = {
  ...Object.fromEntries(Object.keys(CUSTOMER_COMPANY_MAP).map((k) => [k, stringOrNull])),
  DynamicField: changeSetProperties.DynamicField,
};

/** The company map fields present in a validated request. */
export function companyFields(d: RequestMap): Partial<Record<CustomerCompanyField, string | null>> {
  const fields: Partial<Record<CustomerCompanyField, string | null>> = {};
  for (const key of Object.keys(CUSTOMER_COMPANY_MAP) as CustomerCompanyField[]) {
    if (d[key] !== undefined) fields[key] = d[key] as string | null;
  }
  return fields;
}

export const dynamicFields = (d: RequestMap) => d.DynamicField as DynamicFieldInput[] | undefined;

/** The keys that describe the company itself (flat OTRS 8 form, or inside CustomerCompany in the add-on's form). */
const COMPANY_KEYS = ['CustomerID', 'ValidID', 'Source', 'DynamicField', ...Object.keys(CUSTOMER_COMPANY_MAP)];

/**
 * The GIExtension add-on sends the company as a nested map, `CustomerCompany{CustomerID, CustomerCompanyName, ...}`
 * (contracts §4.4); OTRS 8 sends the same keys flat. The nested form is turned into the flat one (other keys in
 * it are ignored, as unmapped keys are everywhere). In an update,
 * the add-on's top-level CustomerID is the current id and `CustomerCompany.CustomerID` the new one, which is
 * OTRS's CustomerCompanyID / CustomerID pair. A request mixing both forms is refused rather than guessed at.
 */
export function flattenNested(d: RequestMap, update: boolean): RequestMap {
  const nested = d.CustomerCompany;
  if (nested === undefined) return d;
  if (nested === null || nested === '') throw new DomainError('MissingParameter', 'CustomerCompany parameter is missing!');
  if (typeof nested !== 'object' || Array.isArray(nested)) throw new DomainError('InvalidParameter', 'Parameter CustomerCompany is invalid (must be a structure of company fields)!');
  const { CustomerCompany: _, ...rest } = d;
  const flat: RequestMap = { ...rest };
  if (update && rest.CustomerCompanyID === undefined && rest.CustomerID !== undefined) {
    flat.CustomerCompanyID = rest.CustomerID;
    delete flat.CustomerID;
  }
  for (const key of COMPANY_KEYS) {
    if (nested[key] === undefined) continue;
    if (flat[key] !== undefined) throw new DomainError('InvalidParameter', `Parameter ${key} is given both inside CustomerCompany and beside it!`);
    flat[key] = nested[key];
  }
  return flat;
}

/** Only the one source this server has; OTRS would crash on an unknown one. */
export function checkSource(v: RequestData | undefined): void {
  if (v === undefined || v === '' || v === 'CustomerCompany') return;
  throw new DomainError('InvalidParameter', `Parameter Source is invalid: the only customer company source is 'CustomerCompany'!`);
}
