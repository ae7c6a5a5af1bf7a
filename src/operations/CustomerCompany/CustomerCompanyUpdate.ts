// CustomerCompany::CustomerCompanyUpdate, the OTRS 8 operation (contracts §4.2): CustomerID names the company and
// only the fields sent change. Renaming follows the OTRS backend's parameters (§6.7): a request with
// CustomerCompanyID names the company by it, and its CustomerID becomes the new id; the add-on's nested form
// (top-level CustomerID = current id, CustomerCompany.CustomerID = new id, §4.4) means the same. The rename takes
// every customer user of the company and its dynamic-field values along, all in one transaction.
import { customerCompanyGet, customerCompanyUpdate, type CustomerCompanyUpdateRequest } from '../../domain/CustomerCompany.js';
import { DomainError } from '../../domain/errors.js';
import { authorizeAgent, checkSchema, compileSchema, isHashRefWithData, isOperationResult, returnError, stringOrNull, withDomainErrors, parseValidID } from '../common.js';
import type { Client, Operation, OperationResult, RequestData, RequestMap, Services } from '../operation.js';
import { normaliseLists } from '../CustomerUser/shared.js';
import { companyFields, companyProperties, dynamicFields, flattenNested } from './shared.js';

/** The request shape after the nested form is flattened and the DynamicField list normalised. */
const schema = {
  type: 'object',
  properties: {
    CustomerCompanyID: { type: 'string' },
    CustomerID: stringOrNull,
    ...companyProperties,
    ValidID: { type: 'string' },
  },
};
const validate = compileSchema(schema);

export class CustomerCompanyUpdate implements Operation {
  constructor(private readonly s: Services, private readonly name: string) {}

  async run(data: RequestData, client: Client): Promise<OperationResult> {
    const op = this.name;
    if (!isHashRefWithData(data)) return returnError(op, 'MissingParameter', 'The request is empty!');
    const user = await authorizeAgent(this.s, op, data, client, this.s.config.customerUserAdminGroups, 'change customer companies');
    if (isOperationResult(user)) return user;

    return withDomainErrors(op, async () => {
      const d = normaliseLists(flattenNested(data, true));
      const byCompanyId = d.CustomerCompanyID !== undefined && d.CustomerCompanyID !== null && d.CustomerCompanyID !== '';
      const current = byCompanyId ? d.CustomerCompanyID : d.CustomerID;
      if (current === undefined || current === null || current === '') return returnError(op, 'MissingParameter', 'CustomerID parameter is missing!');
      const invalid = checkSchema(op, validate, d);
      if (invalid) return invalid;
      const request = toRequest(d, byCompanyId);
      const record = await this.s.storage.transaction(async (repos) => {
        const id = await customerCompanyUpdate(repos, request, Number(user.UserID), this.s.config);
        return customerCompanyGet(repos, id, true);
      }, { serializeOn: `CustomerCompany:${String(current).toLowerCase()}` });
      return { Success: true, Data: { CustomerID: record!.CustomerID as string, CustomerCompany: record }, Caller: user };
    });
  }
}

function toRequest(d: RequestMap, byCompanyId: boolean): CustomerCompanyUpdateRequest {
  let newId: string | undefined;
  if (byCompanyId) {
    // The id cannot be cleared; an empty CustomerID beside CustomerCompanyID keeps it (as an empty login does in CustomerUserUpdate).
    if (d.CustomerID === null) throw new DomainError('InvalidParameter', 'Parameter CustomerID must not be empty!');
    if (d.CustomerID !== undefined && d.CustomerID !== '') newId = d.CustomerID as string;
  }
  return {
    CustomerCompanyID: (byCompanyId ? d.CustomerCompanyID : d.CustomerID) as string,
    CustomerID: newId,
    fields: companyFields(d),
    ValidID: parseValidID(d.ValidID),
    DynamicField: dynamicFields(d),
  };
}
