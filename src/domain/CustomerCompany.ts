// Customer companies: the OTRS 8 record (contracts §4.1) and the backend rules of Kernel::System::CustomerCompany
// (§6.7): ids and names unique ignoring case, required fields non-empty, column lengths of the OTRS schema, a
// rename that carries the company's customer users and dynamic-field values along. Every check runs before the
// first write; the caller runs each function inside one transaction.
import type { Repositories } from '../storage/repositories.js';
import type { CustomerCompanyChanges, CustomerCompanyRow } from '../storage/customer-company-repository.js';
import { dbTimestamp } from '../storage/time.js';
import { DomainError } from './errors.js';
import { checkValidID } from './Valid.js';
import { mapChanges } from './FieldMap.js';
import { prepareDynamicFieldUpdates, recordValues, type DynamicFieldInput, type DynamicFieldPolicy } from './DynamicField.js';

export const OBJECT_TYPE = 'CustomerCompany';

/** The customer_company map of the default source (Kernel/Config/Defaults.pm): map var -> column, max length, required. */
export const CUSTOMER_COMPANY_MAP = {
  CustomerCompanyName: { column: 'name', max: 200, required: true },
  CustomerCompanyStreet: { column: 'street', max: 200, required: false },
  CustomerCompanyZIP: { column: 'zip', max: 200, required: false },
  CustomerCompanyCity: { column: 'city', max: 200, required: false },
  CustomerCompanyCountry: { column: 'country', max: 200, required: false },
  CustomerCompanyURL: { column: 'url', max: 200, required: false },
  CustomerCompanyComment: { column: 'comments', max: 250, required: false },
} as const;
export type CustomerCompanyField = keyof typeof CUSTOMER_COMPANY_MAP;
const CUSTOMER_COMPANY_FIELDS = Object.keys(CUSTOMER_COMPANY_MAP) as CustomerCompanyField[];

/** customer_company.customer_id is varchar(150). */
const CUSTOMER_ID_MAX = 150;

export type { DynamicFieldInput };
export type CustomerCompanyRecord = Record<string, string | number | Array<{ Name: string; Value: string | number | string[] }>>;

export type CustomerCompanyPolicy = DynamicFieldPolicy;

/**
 * The company's map fields, CustomerID and CompanyString ("<id> <name>", OTRS's CustomerCompanyListFields): the
 * part of the company record that a customer-user record carries too.
 */
export function companyFields(row: CustomerCompanyRow): Record<string, string> {
  const rec: Record<string, string> = { CustomerID: row.customer_id };
  for (const key of CUSTOMER_COMPANY_FIELDS) rec[key] = row[CUSTOMER_COMPANY_MAP[key].column] ?? '';
  rec.CompanyString = `${row.customer_id} ${row.name}`;
  return rec;
}

/**
 * The OTRS 8 record of one company (looked up ignoring case), or undefined. `DynamicField` lists every valid
 * CustomerCompany field as {Name, Value} (a list, unlike the customer-user record); it is left out when
 * `dynamicFields` is false or no such field is defined (an empty list cannot be written).
 */
export async function customerCompanyGet(repos: Repositories, customerId: string, dynamicFields: boolean): Promise<CustomerCompanyRecord | undefined> {
  const row = await repos.customerCompanies.byId(customerId);
  if (!row) return undefined;
  const rec: CustomerCompanyRecord = companyFields(row);
  rec.Source = 'CustomerCompany';
  rec.ValidID = row.valid_id;
  rec.CreateTime = row.create_time;
  rec.CreateBy = row.create_by;
  rec.ChangeTime = row.change_time;
  rec.ChangeBy = row.change_by;
  if (dynamicFields) {
    const fields = await repos.dynamicFields.ofType(OBJECT_TYPE);
    if (fields.length > 0) {
      const values = recordValues(await repos.dynamicFields.values(OBJECT_TYPE, row.customer_id));
      rec.DynamicField = fields.map((f) => ({ Name: f.name, Value: values(f) }));
    }
  }
  return rec;
}

export interface CustomerCompanyCreateRequest {
  CustomerID: string;
  fields: Partial<Record<CustomerCompanyField, string | null>>;
  ValidID: number;
  DynamicField?: DynamicFieldInput[];
}

export interface CustomerCompanyUpdateRequest {
  /** The current id of the company (OTRS's CustomerCompanyID), looked up ignoring case. */
  CustomerCompanyID: string;
  /** The new id (rename); absent keeps the id. */
  CustomerID?: string;
  fields: Partial<Record<CustomerCompanyField, string | null>>;
  ValidID?: number;
  DynamicField?: DynamicFieldInput[];
}

/** Creates a company with its dynamic-field values; returns its id. */
export async function customerCompanyCreate(repos: Repositories, req: CustomerCompanyCreateRequest, changedBy: number,
  policy: CustomerCompanyPolicy): Promise<string> {
  checkCustomerId(req.CustomerID);
  if (!req.fields.CustomerCompanyName) throw new DomainError('MissingParameter', 'CustomerCompanyName parameter is missing!');
  const columns = checkFields(req.fields);
  checkValidID(req.ValidID);
  if (await repos.customerCompanies.idTaken(req.CustomerID)) {
    throw new DomainError('CustomerIDInUse', `A customer company with the CustomerID '${req.CustomerID}' already exists!`);
  }
  await checkNameFree(repos, req.fields.CustomerCompanyName);
  const fieldUpdates = await prepareDynamicFieldUpdates(repos, req.DynamicField, OBJECT_TYPE, policy, changedBy);

  // --- writes ---
  const now = dbTimestamp();
  await repos.customerCompanies.insert({
    customer_id: req.CustomerID, name: req.fields.CustomerCompanyName, street: null, zip: null, city: null, country: null, url: null, comments: null,
    ...columns, valid_id: req.ValidID, create_time: now, create_by: changedBy, change_time: now, change_by: changedBy,
  });
  await repos.dynamicFields.setValues(OBJECT_TYPE, req.CustomerID, fieldUpdates);
  return req.CustomerID;
}

/**
 * Updates only the fields sent. A new CustomerID renames the company and moves, in the same transaction, every
 * customer user of the company (OTRS moves at most 250, §6.7) and its dynamic-field values. Returns the id after
 * the update.
 */
export async function customerCompanyUpdate(repos: Repositories, req: CustomerCompanyUpdateRequest, changedBy: number,
  policy: CustomerCompanyPolicy): Promise<string> {
  const row: CustomerCompanyRow | undefined = await repos.customerCompanies.byId(req.CustomerCompanyID);
  if (!row) throw new DomainError('NotFound', `No customer company found with CustomerID '${req.CustomerCompanyID}'!`);

  const changes: CustomerCompanyChanges = checkFields(req.fields);
  let newId = row.customer_id;
  if (req.CustomerID !== undefined && req.CustomerID !== row.customer_id) {
    checkCustomerId(req.CustomerID);
    if (await repos.customerCompanies.idTaken(req.CustomerID, row.customer_id)) {
      throw new DomainError('CustomerIDInUse', `A customer company with the CustomerID '${req.CustomerID}' already exists!`);
    }
    newId = req.CustomerID;
    changes.customer_id = newId;
  }
  const name = req.fields.CustomerCompanyName;
  if (name && name !== row.name) await checkNameFree(repos, name, row.customer_id);
  if (req.ValidID !== undefined) {
    checkValidID(req.ValidID);
    changes.valid_id = req.ValidID;
  }
  const fieldUpdates = await prepareDynamicFieldUpdates(repos, req.DynamicField, OBJECT_TYPE, policy, changedBy);

  // --- writes ---
  const now = dbTimestamp();
  await repos.customerCompanies.update(row.customer_id, { ...changes, change_time: now, change_by: changedBy });
  if (newId !== row.customer_id) {
    await repos.customerCompanies.moveCustomerUsers(row.customer_id, newId, now, changedBy);
    await repos.dynamicFields.renameObject(OBJECT_TYPE, row.customer_id, newId);
  }
  await repos.dynamicFields.setValues(OBJECT_TYPE, newId, fieldUpdates);
  return newId;
}

/** A customer id: non-empty, at most 150 characters, no control characters (they cannot travel in XML). */
function checkCustomerId(id: string): void {
  if (id === '') throw new DomainError('MissingParameter', 'CustomerID parameter is missing!');
  if ([...id].length > CUSTOMER_ID_MAX) throw new DomainError('InvalidParameter', `Parameter CustomerID is longer than ${CUSTOMER_ID_MAX} characters!`);
  if (/[\u0000-\u001f\u007f]/.test(id)) throw new DomainError('InvalidParameter', 'Parameter CustomerID must not contain control characters!');
}

/** Length and required checks of the map fields sent; returns the column changes. */
function checkFields(fields: CustomerCompanyUpdateRequest['fields']): CustomerCompanyChanges {
  return mapChanges(CUSTOMER_COMPANY_MAP, fields) as CustomerCompanyChanges;
}

/** customer_company.name is UNIQUE in OTRS; here the check ignores case, as every company lookup does. */
async function checkNameFree(repos: Repositories, name: string, exceptId?: string): Promise<void> {
  if (await repos.customerCompanies.nameTaken(name, exceptId)) {
    throw new DomainError('CompanyNameInUse', `A customer company with the name '${name}' already exists!`);
  }
}
