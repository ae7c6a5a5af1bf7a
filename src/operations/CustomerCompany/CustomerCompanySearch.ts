// CustomerCompany::CustomerCompanySearch, the OTRS 8 operation (contracts §4.3), with the semantics of the
// backend's CustomerCompanySearchDetail (§6.7): CustomerID and CustomerCompanyName match exactly or with `*`
// wildcards, ignoring case (`%` and `_` are ordinary characters), both ANDed; a repeated CustomerID matches any of
// its values. Valid=1 (the default) keeps valid companies only (Decision: applied, unlike OTRS, which ignores it);
// default order CustomerID descending; no default limit. The answer is Data.CustomerID, the list of ids
// (Decision); with no match the key is left out and the response is OTRS's nil wrapper.
// The add-ons' forms (issue 15, operations/search.ts) carry CustomerCompanySearchDetail's keys, every company
// field among them, in `Search` (GIExtension, answered as `CustomerCompany`) or `SearchDetail`
// (otrs-gi-customer-operation, answered as `CustomerIDs`).
import { CUSTOMER_COMPANY_MAP, type CustomerCompanyField } from '../../domain/CustomerCompany.js';
import type { CompanyColumn } from '../../storage/customer-company-repository.js';
import { asList, authorizeAgent, checkSchema, compileSchema, isHashRefWithData, isOperationResult, returnError } from '../common.js';
import type { Client, Operation, OperationResult, RequestData, RequestMap, Services } from '../operation.js';
import { checkSearchBounds, pattern, searchRequest, unknownCriterion, type SearchForm } from '../search.js';

const validate = compileSchema({
  type: 'object',
  properties: {
    CustomerID: { type: 'array', items: { type: 'string' } },
    CustomerCompanyName: { type: 'string' },
    Valid: { type: 'string', enum: ['0', '1'] },
    SortBy: { type: 'string', enum: ['CustomerID', 'CustomerCompanyName'] },
    OrderBy: { type: 'string', enum: ['Down', 'Up'] },
    Limit: { type: 'string', pattern: '^[0-9]{1,9}$' },
  },
});
const OTRS_KEYS = new Set(['CustomerID', 'CustomerCompanyName', 'Valid', 'SortBy', 'OrderBy', 'Limit']);

const FIELDS = ['CustomerID', ...Object.keys(CUSTOMER_COMPANY_MAP)];
const column = (field: string): CompanyColumn => (field === 'CustomerID' ? 'customer_id' : CUSTOMER_COMPANY_MAP[field as CustomerCompanyField].column);
const directions = { type: 'array', items: { type: 'string', enum: ['Down', 'Up'] } };
const validateDetail = compileSchema({
  type: 'object',
  properties: {
    CustomerID: { type: 'array', items: { type: 'string' } },
    ...Object.fromEntries(Object.keys(CUSTOMER_COMPANY_MAP).map((k) => [k, { type: 'string' }])),
    Valid: { type: 'string', enum: ['0', '1'] },
    SortBy: { type: 'array', items: { type: 'string', enum: FIELDS } },
    OrderBy: { type: 'array', items: { type: 'string' } },
    OrderByDirection: directions,
    Limit: { type: 'string', pattern: '^[0-9]{1,9}$' },
  },
});
const DETAIL_KEYS = new Set([...FIELDS, 'Valid', 'SortBy', 'OrderBy', 'OrderByDirection', 'Limit']);

/** The answer's list name, by the form the request came in. */
const LIST: Record<SearchForm, string> = { OTRS: 'CustomerID', GIExtension: 'CustomerCompany', GenericCustomerOperation: 'CustomerIDs' };

interface Query { customerIds: string[]; conditions: Array<{ column: CompanyColumn; pattern: string }>; validOnly: boolean; orderBy: Array<{ column: CompanyColumn; descending: boolean }>; limit?: number }

export class CustomerCompanySearch implements Operation {
  constructor(private readonly s: Services, private readonly name: string) {}

  async run(data: RequestData, client: Client): Promise<OperationResult> {
    const op = this.name;
    if (!isHashRefWithData(data)) return returnError(op, 'MissingParameter', 'The request is empty!');
    const user = await authorizeAgent(this.s, op, data, client, this.s.config.customerUserAdminGroups, 'search customer companies');
    if (isOperationResult(user)) return user;
    const found = searchRequest(op, data, 'CustomerCompany');
    if ('Success' in found) return found;
    const { form, criteria: c } = found;
    const bounded = checkSearchBounds(op, c, this.s.config) ?? unknownCriterion(op, c, form === 'OTRS' ? OTRS_KEYS : DETAIL_KEYS);
    if (bounded) return bounded;
    const query = form === 'OTRS' ? otrsQuery(op, c) : detailQuery(op, c);
    if ('Success' in query) return query;
    const ids = await this.s.storage.read((repos) => repos.customerCompanies.search({
      // A repeated CustomerID matches any of its values; a bare `*` among them matches all.
      customerIds: query.customerIds.includes('*') ? undefined : query.customerIds,
      conditions: query.conditions,
      validOnly: query.validOnly,
      orderBy: query.orderBy,
      limit: query.limit,
    }));
    return { Success: true, Data: ids.length > 0 ? { [LIST[form]]: ids } : {} };
  }
}

const customerIds = (c: RequestMap) => (asList(c.CustomerID) as string[]).filter((v) => v !== '');
const limitOf = (c: RequestMap) => (Number(c.Limit ?? 0) > 0 ? Number(c.Limit) : undefined);   // 0: no limit, as when none is given

function otrsQuery(op: string, c: RequestMap): Query | OperationResult {
  const request = { ...c, ...(c.CustomerID !== undefined ? { CustomerID: asList(c.CustomerID) } : {}) };
  const invalid = checkSchema(op, validate, request);
  if (invalid) return invalid;
  const name = pattern(c.CustomerCompanyName);
  return {
    customerIds: customerIds(c),
    conditions: name !== undefined ? [{ column: 'name', pattern: name }] : [],
    validOnly: c.Valid !== '0',
    orderBy: [{ column: c.SortBy === 'CustomerCompanyName' ? 'name' : 'customer_id', descending: c.OrderBy !== 'Up' }],
    limit: limitOf(c),
  };
}

/**
 * The backend's keys: OrderBy names the fields and OrderByDirection their directions. otrs-gi-customer-operation
 * documents SortBy (fields) with OrderBy (directions), the OTRS 8 pair; a request with SortBy is read that way.
 */
function detailQuery(op: string, c: RequestMap): Query | OperationResult {
  const list = (k: string) => (c[k] !== undefined ? { [k]: asList(c[k]) } : {});
  const request = { ...c, ...list('CustomerID'), ...list('SortBy'), ...list('OrderBy'), ...list('OrderByDirection') };
  const invalid = checkSchema(op, validateDetail, request);
  if (invalid) return invalid;
  const fields = (request.SortBy ?? request.OrderBy ?? []) as string[];
  const dirs = (request.SortBy !== undefined ? request.OrderBy ?? request.OrderByDirection ?? [] : request.OrderByDirection ?? []) as string[];
  const allowed = new Set(request.SortBy !== undefined ? ['Down', 'Up'] : FIELDS);
  const bad = (request.SortBy !== undefined ? dirs : fields).find((v) => !allowed.has(v));
  if (bad !== undefined) return returnError(op, 'InvalidParameter', `Parameter OrderBy is invalid (${bad} is not one of ${[...allowed].join(', ')})!`);
  const conditions: Query['conditions'] = [];
  for (const field of Object.keys(CUSTOMER_COMPANY_MAP)) {
    const v = pattern(c[field]);
    if (v !== undefined) conditions.push({ column: column(field), pattern: v });
  }
  return {
    customerIds: customerIds(request),
    conditions,
    validOnly: c.Valid !== '0',
    orderBy: fields.map((f, i) => ({ column: column(f), descending: dirs[i] !== 'Up' })),
    limit: limitOf(c),
  };
}
