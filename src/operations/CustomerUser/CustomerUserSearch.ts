// CustomerUser::CustomerUserSearch (OTRS 8, contracts §3.5): exact values or `*` wildcards, ANDed,
// case-insensitive; Valid 1 (default) or 0; SortBy UserLogin|UserCustomerID with OrderBy Down|Up (scalars or
// index-paired lists); Limit. Answers the list of logins as CustomerUserID (no key when nothing matches).
import { customerUserSearch, type CustomerUserSearchRequest } from '../../domain/CustomerUser.js';
import { asList, authorizeAgent, checkSchema, compileSchema, isHashRefWithData, isOperationResult, returnError } from '../common.js';
import type { Client, Operation, OperationResult, RequestData, Services } from '../operation.js';

const CRITERIA = { CustomerUserLogin: 'UserLogin', UserFirstname: 'UserFirstname', UserLastname: 'UserLastname', UserEmail: 'UserEmail', UserCustomerID: 'UserCustomerID' } as const;
const MAX_LIMIT = 10_000;

const validate = compileSchema({
  type: 'object',
  properties: {
    ...Object.fromEntries(Object.keys(CRITERIA).map((k) => [k, { type: 'string', maxLength: 250 }])),
    Valid: { type: 'string', enum: ['0', '1'] },
    SortBy: { type: 'array', items: { type: 'string', enum: ['UserLogin', 'UserCustomerID'] } },
    OrderBy: { type: 'array', items: { type: 'string', enum: ['Down', 'Up'] } },
    Limit: { type: 'string', pattern: '^[0-9]{1,9}$' },
  },
});

export class CustomerUserSearch implements Operation {
  constructor(private readonly s: Services, private readonly name: string) {}

  async run(data: RequestData, client: Client): Promise<OperationResult> {
    const op = this.name;
    if (!isHashRefWithData(data)) return returnError(op, 'MissingParameter', 'The request is empty!');
    const user = await authorizeAgent(this.s, op, data, client, this.s.config.customerUserAdminGroups, 'search customer users');
    if (isOperationResult(user)) return user;
    const request = {
      ...data,
      ...(data.SortBy !== undefined ? { SortBy: asList(data.SortBy) } : {}),
      ...(data.OrderBy !== undefined ? { OrderBy: asList(data.OrderBy) } : {}),
    };
    const invalid = checkSchema(op, validate, request);
    if (invalid) return invalid;

    const criteria: CustomerUserSearchRequest['criteria'] = {};
    for (const [param, field] of Object.entries(CRITERIA)) {
      if (typeof data[param] === 'string' && data[param] !== '') criteria[field] = data[param] as string;
    }
    const sortBy = (request.SortBy ?? []) as Array<'UserLogin' | 'UserCustomerID'>;
    const orderBy = (request.OrderBy ?? []) as Array<'Up' | 'Down'>;
    const limit = data.Limit !== undefined ? Math.min(Number(data.Limit), MAX_LIMIT) : undefined;
    const logins = await this.s.storage.read((repos) => customerUserSearch(repos, {
      criteria,
      valid: data.Valid !== '0',
      // OrderBy pairs with SortBy by position; a missing direction is Down, as in OTRS.
      orderBy: sortBy.map((field, i) => ({ field, direction: orderBy[i] ?? 'Down' })),
      limit: limit || undefined,
    }));
    return { Success: true, Data: logins.length > 0 ? { CustomerUserID: logins } : {} };
  }
}
