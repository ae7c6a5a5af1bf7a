// CustomerCompany::CustomerCompanyCreate, the OTRS 8 operation (contracts §4.1), registered also as
// CustomerCompany::CustomerCompanyAdd, the GIExtension add-on's name (§0.2 Decision: both spellings), which sends
// the company nested in `CustomerCompany` (§4.4). Both forms work under both names, and the answer carries
// both add-on and OTRS 8 keys: CustomerID and the whole CustomerCompany record. One transaction.
import { customerCompanyCreate, customerCompanyGet, type CustomerCompanyCreateRequest } from '../../domain/CustomerCompany.js';
import { authorizeAgent, checkSchema, compileSchema, isHashRefWithData, isOperationResult, returnError, withDomainErrors, parseValidID } from '../common.js';
import type { Client, Operation, OperationResult, RequestData, RequestMap, Services } from '../operation.js';
import { normaliseLists } from '../CustomerUser/shared.js';
import { checkSource, companyFields, companyProperties, dynamicFields, flattenNested } from './shared.js';

/** The request shape after the nested form is flattened and the DynamicField list normalised. */
const schema = {
  type: 'object',
  required: ['CustomerID', 'CustomerCompanyName', 'ValidID'],
  properties: {
    CustomerID: { type: 'string' },
    ...companyProperties,
    CustomerCompanyName: { type: 'string' },
    ValidID: { type: 'string' },
    Source: { type: 'string' },
  },
};
const validate = compileSchema(schema);

export class CustomerCompanyCreate implements Operation {
  constructor(private readonly s: Services, private readonly name: string) {}

  async run(data: RequestData, client: Client): Promise<OperationResult> {
    const op = this.name;
    if (!isHashRefWithData(data)) return returnError(op, 'MissingParameter', 'The request is empty!');
    const user = await authorizeAgent(this.s, op, data, client, this.s.config.customerUserAdminGroups, 'create customer companies');
    if (isOperationResult(user)) return user;

    return withDomainErrors(op, async () => {
      const d = normaliseLists(flattenNested(data, false));
      // Required means non-empty (OTRS: "Need CustomerID!"); xsi:nil counts as not sent.
      for (const key of ['CustomerID', 'CustomerCompanyName', 'ValidID']) {
        if (d[key] === undefined || d[key] === null || d[key] === '') return returnError(op, 'MissingParameter', `${key} parameter is missing!`);
      }
      const invalid = checkSchema(op, validate, d);
      if (invalid) return invalid;
      checkSource(d.Source);
      const request = toRequest(d);
      const record = await this.s.storage.transaction(async (repos) => {
        const id = await customerCompanyCreate(repos, request, Number(user.UserID), this.s.config);
        return customerCompanyGet(repos, id, true);
      });
      return { Success: true, Data: { CustomerID: record!.CustomerID as string, CustomerCompany: record }, Caller: user };
    });
  }
}

function toRequest(d: RequestMap): CustomerCompanyCreateRequest {
  return { CustomerID: d.CustomerID as string, fields: companyFields(d), ValidID: parseValidID(d.ValidID)!, DynamicField: dynamicFields(d) };
}
