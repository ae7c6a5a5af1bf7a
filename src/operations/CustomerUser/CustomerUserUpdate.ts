// CustomerUser::CustomerUserUpdate, the OTRS 8 operation (reference/product-docs/otrs8-CustomerUserUpdate.txt,
// contracts §3.6): ID names the customer user; only the fields sent change; DynamicField and UserPreferences
// entries are created or updated; the answer is the whole record. Everything happens in one transaction.
import { CUSTOMER_USER_MAP, customerUserDataGet, customerUserUpdate, newPasswordHash, type CustomerUserField, type CustomerUserUpdateRequest } from '../../domain/CustomerUser.js';
import { DomainError } from '../../domain/errors.js';
import { asList, authenticate, checkSchema, compileSchema, isHashRefWithData, returnError, stringOrNull } from '../common.js';
import type { Client, Operation, OperationResult, RequestData, RequestMap, Services } from '../operation.js';

/** The request shape after lists are normalised (a single DynamicField arrives as a map, not a list). */
const schema = {
  type: 'object',
  required: ['ID'],
  properties: {
    ID: { type: 'string', minLength: 1 },
    CustomerUserLogin: stringOrNull,
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
  },
};
const validate = compileSchema(schema);

export class CustomerUserUpdate implements Operation {
  constructor(private readonly s: Services, private readonly name: string) {}

  async run(data: RequestData, client: Client): Promise<OperationResult> {
    const op = this.name;
    if (!isHashRefWithData(data)) return returnError(op, 'MissingParameter', 'The request is empty!');

    // Authentication before parameters, as OTRS operations do (dialect §9.2). CustomerUserLogin is the new
    // login here, not a credential (OTRS 8, contracts §1.4).
    const user = await authenticate(this.s, data, client, { customerLogin: false });
    if (!user) return returnError(op, 'AuthFail', 'Authorization failing!');
    if (user.UserType !== 'User' || !(await this.s.auth.agentHasPermission(Number(user.UserID), this.s.config.customerUserAdminGroups))) {
      return returnError(op, 'AccessDenied', 'User does not have access to update customer users!');
    }

    if (data.ID === undefined || data.ID === '' || data.ID === null) return returnError(op, 'MissingParameter', 'ID parameter is missing!');
    const normalised: RequestMap = { ...data };
    if (data.DynamicField !== undefined) {
      normalised.DynamicField = asList(data.DynamicField).map((df) =>
        df !== null && typeof df === 'object' && !Array.isArray(df) && df.Value !== undefined ? { ...df, Value: df.Value === null ? [] : asList(df.Value) } : df);
    }
    if (data.UserPreferences !== undefined) normalised.UserPreferences = asList(data.UserPreferences);
    const invalid = checkSchema(op, validate, normalised);
    if (invalid) return invalid;

    const request = toRequest(normalised);
    if (typeof request === 'string') return returnError(op, 'InvalidValidID', request);
    const passwordHash = await newPasswordHash(request.UserPassword, this.s.passwords);
    try {
      const record = await this.s.storage.transaction(async (repos) => {
        const login = await customerUserUpdate(repos, request, Number(user.UserID), this.s.config, passwordHash);
        return customerUserDataGet(repos, login, { returnPasswordHashes: this.s.config.returnPasswordHashes });
      });
      return { Success: true, Data: { ID: record!.UserLogin as string, CustomerUser: record } };
    } catch (e) {
      if (e instanceof DomainError) return returnError(op, e.reason, e.message);
      throw e;
    }
  }
}

/** Turns validated request data into the domain's update request; a malformed ValidID gives its error text. */
function toRequest(d: RequestMap): CustomerUserUpdateRequest | string {
  const fields: CustomerUserUpdateRequest['fields'] = {};
  for (const key of Object.keys(CUSTOMER_USER_MAP) as CustomerUserField[]) {
    if (d[key] !== undefined) fields[key] = d[key] as string | null;
  }
  let ValidID: number | undefined;
  if (d.ValidID !== undefined) {
    if (!/^[0-9]{1,9}$/.test(d.ValidID as string)) return `ValidID '${d.ValidID}' is invalid: it must be 1 (valid), 2 (invalid) or 3 (invalid-temporarily)!`;
    ValidID = Number(d.ValidID);
  }
  return {
    ID: d.ID as string,
    CustomerUserLogin: (d.CustomerUserLogin ?? undefined) as string | undefined,
    fields,
    ValidID,
    UserPassword: d.UserPassword as string | null | undefined,
    DynamicField: (d.DynamicField as Array<{ Name: string; Value: Array<string | null> }> | undefined),
    UserPreferences: (d.UserPreferences as Array<{ Key: string; Value: string | null }> | undefined),
  };
}
