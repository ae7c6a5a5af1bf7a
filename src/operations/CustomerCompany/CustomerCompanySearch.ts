// CustomerCompany::CustomerCompanySearch, the OTRS 8 operation (contracts §4.3), with the semantics of the
// backend's CustomerCompanySearchDetail (§6.7): CustomerID and CustomerCompanyName match exactly or with `*`
// wildcards, ignoring case (`%` and `_` are ordinary characters), both ANDed; a repeated CustomerID matches any of
// its values. Valid=1 (the default) keeps valid companies only (Decision: applied, unlike OTRS, which ignores it);
// default order CustomerID descending; no default limit. The answer is Data.CustomerID, the list of ids
// (Decision); with no match the key is left out and the response is OTRS's nil wrapper.
import { asList, authorizeAgent, checkSchema, compileSchema, isHashRefWithData, isOperationResult, returnError } from '../common.js';
import type { Client, Operation, OperationResult, RequestData, Services } from '../operation.js';

const schema = {
  type: 'object',
  properties: {
    CustomerID: { type: 'array', items: { type: 'string' } },
    CustomerCompanyName: { type: 'string' },
    Valid: { type: 'string', enum: ['0', '1'] },
    SortBy: { type: 'string', enum: ['CustomerID', 'CustomerCompanyName'] },
    OrderBy: { type: 'string', enum: ['Down', 'Up'] },
    Limit: { type: 'string', pattern: '^[0-9]{1,9}$' },
  },
};
const validate = compileSchema(schema);

export class CustomerCompanySearch implements Operation {
  constructor(private readonly s: Services, private readonly name: string) {}

  async run(data: RequestData, client: Client): Promise<OperationResult> {
    const op = this.name;
    if (!isHashRefWithData(data)) return returnError(op, 'MissingParameter', 'The request is empty!');
    const user = await authorizeAgent(this.s, op, data, client, this.s.config.customerUserAdminGroups, 'search customer companies');
    if (isOperationResult(user)) return user;
    const request = { ...data, ...(data.CustomerID !== undefined ? { CustomerID: asList(data.CustomerID) } : {}) };
    const invalid = checkSchema(op, validate, request);
    if (invalid) return invalid;

    // An empty criterion or a bare `*` is no criterion (CustomerSearchDetail ignores them); a repeated CustomerID
    // matches any of its values.
    const pattern = (v: RequestData | undefined) => (typeof v === 'string' && v !== '' && v !== '*' ? v : undefined);
    const ids = (request.CustomerID as string[] | undefined)?.filter((v) => v !== '') ?? [];
    const limit = Number(data.Limit ?? 0);   // 0: no limit, as when none is given
    const found = await this.s.storage.read((repos) => repos.customerCompanies.search({
      customerIds: ids.includes('*') ? undefined : ids,
      name: pattern(data.CustomerCompanyName),
      validOnly: data.Valid !== '0',
      sortBy: data.SortBy === 'CustomerCompanyName' ? 'name' : 'customer_id',
      descending: data.OrderBy !== 'Up',
      limit: limit > 0 ? limit : undefined,
    }));
    return { Success: true, Data: found.length > 0 ? { CustomerID: found } : {} };
  }
}
