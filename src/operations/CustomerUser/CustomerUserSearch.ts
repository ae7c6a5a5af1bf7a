// CustomerUser::CustomerUserSearch (OTRS 8, contracts §3.5): exact values or `*` wildcards, ANDed,
// case-insensitive; Valid 1 (default) or 0; SortBy UserLogin|UserCustomerID with OrderBy Down|Up (scalars or
// index-paired lists); Limit. Answers the list of logins as CustomerUserID (no key when nothing matches).
// The add-ons' forms (issue 15, operations/search.ts) carry CustomerSearchDetail's keys in `Search` (GIExtension,
// answered as `CustomerUser`) or `SearchDetail` (otrs-gi-customer-operation, answered as `CustomerUserIDs`).
import { CUSTOMER_USER_MAP, customerUserSearch, type CustomerUserSearchRequest } from '../../domain/CustomerUser.js';
import { asList, authorizeAgent, checkSchema, compileSchema, isHashRefWithData, isOperationResult, returnError } from '../common.js';
import type { Client, Operation, OperationResult, RequestData, RequestMap, Services } from '../operation.js';
import { checkSearchBounds, pattern, searchRequest, unknownCriterion, type SearchForm } from '../search.js';

const CRITERIA = { CustomerUserLogin: 'UserLogin', UserFirstname: 'UserFirstname', UserLastname: 'UserLastname', UserEmail: 'UserEmail', UserCustomerID: 'UserCustomerID' } as const;
const MAX_LIMIT = 10_000;
type Field = CustomerUserSearchRequest['orderBy'][number]['field'];

const validate = compileSchema({
  type: 'object',
  properties: {
    ...Object.fromEntries(Object.keys(CRITERIA).map((k) => [k, { type: 'string' }])),
    Valid: { type: 'string', enum: ['0', '1'] },
    SortBy: { type: 'array', items: { type: 'string', enum: ['UserLogin', 'UserCustomerID'] } },
    OrderBy: { type: 'array', items: { type: 'string', enum: ['Down', 'Up'] } },
    Limit: { type: 'string', pattern: '^[0-9]{1,9}$' },
  },
});
const OTRS_KEYS = new Set(['CustomerUserLogin', 'UserFirstname', 'UserLastname', 'UserEmail', 'UserCustomerID', 'Valid', 'SortBy', 'OrderBy', 'Limit']);

/** CustomerSearchDetail's keys (contracts §6.6): every map field (not the password), Valid, Limit, OrderBy, OrderByDirection. */
const FIELDS = ['UserLogin', ...Object.keys(CUSTOMER_USER_MAP)];
const validateDetail = compileSchema({
  type: 'object',
  properties: {
    ...Object.fromEntries(FIELDS.map((k) => [k, { type: 'string' }])),
    Valid: { type: 'string', enum: ['0', '1'] },
    OrderBy: { type: 'array', items: { type: 'string', enum: FIELDS } },
    OrderByDirection: { type: 'array', items: { type: 'string', enum: ['Down', 'Up'] } },
    Limit: { type: 'string', pattern: '^[0-9]{1,9}$' },
  },
});
const DETAIL_KEYS = new Set([...FIELDS, 'Valid', 'OrderBy', 'OrderByDirection', 'Limit']);

/** The answer's list name, by the form the request came in. */
const LIST: Record<SearchForm, string> = { OTRS: 'CustomerUserID', GIExtension: 'CustomerUser', GenericCustomerOperation: 'CustomerUserIDs' };

export class CustomerUserSearch implements Operation {
  constructor(private readonly s: Services, private readonly name: string) {}

  async run(data: RequestData, client: Client): Promise<OperationResult> {
    const op = this.name;
    if (!isHashRefWithData(data)) return returnError(op, 'MissingParameter', 'The request is empty!');
    const user = await authorizeAgent(this.s, op, data, client, this.s.config.customerUserAdminGroups, 'search customer users');
    if (isOperationResult(user)) return user;
    const found = searchRequest(op, data, 'CustomerUser');
    if ('Success' in found) return found;
    const { form, criteria: c } = found;
    const bounded = checkSearchBounds(op, c, this.s.config) ?? unknownCriterion(op, c, form === 'OTRS' ? OTRS_KEYS : DETAIL_KEYS);
    if (bounded) return bounded;
    const request = form === 'OTRS' ? this.otrsRequest(op, c) : this.detailRequest(op, c);
    if ('Success' in request) return request;
    const logins = await this.s.storage.read((repos) => customerUserSearch(repos, request));
    return { Success: true, Data: logins.length > 0 ? { [LIST[form]]: logins } : {} };
  }

  private otrsRequest(op: string, c: RequestMap): CustomerUserSearchRequest | OperationResult {
    const request = { ...c, ...(c.SortBy !== undefined ? { SortBy: asList(c.SortBy) } : {}), ...(c.OrderBy !== undefined ? { OrderBy: asList(c.OrderBy) } : {}) };
    const invalid = checkSchema(op, validate, request);
    if (invalid) return invalid;
    const criteria: CustomerUserSearchRequest['criteria'] = {};
    for (const [param, field] of Object.entries(CRITERIA)) {
      if (typeof c[param] === 'string' && c[param] !== '') criteria[field] = c[param] as string;
    }
    // OrderBy pairs with SortBy by position; a missing direction is Down, as in OTRS.
    return this.finish(criteria, c, (request.SortBy ?? []) as Field[], (request.OrderBy ?? []) as Array<'Up' | 'Down'>);
  }

  private detailRequest(op: string, c: RequestMap): CustomerUserSearchRequest | OperationResult {
    const request = { ...c, ...(c.OrderBy !== undefined ? { OrderBy: asList(c.OrderBy) } : {}), ...(c.OrderByDirection !== undefined ? { OrderByDirection: asList(c.OrderByDirection) } : {}) };
    const invalid = checkSchema(op, validateDetail, request);
    if (invalid) return invalid;
    const criteria: CustomerUserSearchRequest['criteria'] = {};
    for (const field of FIELDS) {
      const v = pattern(c[field]);
      if (v !== undefined) criteria[field as Field] = v;
    }
    return this.finish(criteria, c, (request.OrderBy ?? []) as Field[], (request.OrderByDirection ?? []) as Array<'Up' | 'Down'>);
  }

  private finish(criteria: CustomerUserSearchRequest['criteria'], c: RequestMap, fields: Field[], directions: Array<'Up' | 'Down'>): CustomerUserSearchRequest {
    const limit = c.Limit !== undefined ? Math.min(Number(c.Limit), MAX_LIMIT) : undefined;
    return {
      criteria,
      valid: c.Valid !== '0',
      orderBy: fields.map((field, i) => ({ field, direction: directions[i] ?? 'Down' })),
      limit: limit || undefined,
    };
  }
}
