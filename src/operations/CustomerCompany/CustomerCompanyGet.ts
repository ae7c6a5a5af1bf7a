// CustomerCompany::CustomerCompanyGet. OTRS 8 publishes no Get page (contracts §9); this follows the
// GIExtension add-on (§4.4): CustomerID names one or more companies, repeated or as a comma-separated string;
// unknown ids are skipped and an answer with none found is an error. DynamicFields=1 adds the company's dynamic
// fields in the OTRS 8 shape (a DynamicField list of {Name, Value}), as TicketGet's flag of the same name does.
import { customerCompanyGet, type CustomerCompanyRecord } from '../../domain/CustomerCompany.js';
import { asList, authorizeAgent, checkSchema, compileSchema, isHashRefWithData, isOperationResult, perlTrue, returnError, stringOrNull } from '../common.js';
import type { Client, Operation, OperationResult, RequestData, Services } from '../operation.js';
import { readMany } from '../get-many.js';

/** The request shape after CustomerID is made a list. */
const validate = compileSchema({
  type: 'object',
  properties: { CustomerID: { type: 'array', items: stringOrNull }, DynamicFields: stringOrNull },
});

export class CustomerCompanyGet implements Operation {
  constructor(private readonly s: Services, private readonly name: string) {}

  async run(data: RequestData, client: Client): Promise<OperationResult> {
    const op = this.name;
    if (!isHashRefWithData(data)) return returnError(op, 'MissingParameter', 'The request is empty!');
    const user = await authorizeAgent(this.s, op, data, client, this.s.config.customerUserAdminGroups, 'read customer companies');
    if (isOperationResult(user)) return user;

    const request = { ...data, CustomerID: asList(data.CustomerID) };
    const invalid = checkSchema(op, validate, request);
    if (invalid) return invalid;
    const given = [...new Set((request.CustomerID as Array<string | null>).filter((v): v is string => v !== null && v.trim() !== ''))];
    if (given.length === 0) return returnError(op, 'MissingParameter', 'CustomerID parameter is missing!');
    // A value that names a company as a whole is that company (company ids, often the company's name, may contain
    // commas); otherwise a comma-separated value is the add-on's list.
    const lists = given.map((value) => ({ value, parts: value.split(',').map((p) => p.trim()).filter(Boolean) }));
    const { getMaxIds, responseMaxBytes } = this.s.config;
    const named = lists.reduce((n, l) => n + l.parts.length, 0);
    if (named > getMaxIds) return returnError(op, 'InvalidParameter', `At most ${getMaxIds} CustomerIDs per request (GET_MAX_IDS), got ${named}!`);
    const withFields = perlTrue(data.DynamicFields) !== undefined;

    const records = await readMany(this.s, {
      keys: lists, element: 'CustomerCompany', weight: (l) => l.parts.length,
      identity: (rec: CustomerCompanyRecord) => rec.CustomerID as string,
      read: async (repos, { value, parts }) => {
        const whole = await customerCompanyGet(repos, value, withFields);
        if (whole) return [whole];
        const found: CustomerCompanyRecord[] = [];
        for (const id of parts) {
          const rec = id === value ? undefined : await customerCompanyGet(repos, id, withFields);
          if (rec) found.push(rec);
        }
        return found;
      },
    });
    if (records === undefined) return returnError(op, 'InvalidParameter', `The answer would be larger than ${responseMaxBytes} bytes (RESPONSE_MAX_BYTES): ask for fewer records at a time!`);
    if (records.length === 0) return returnError(op, 'NotFound', 'No customer company found for the given CustomerID!');
    return { Success: true, Data: { CustomerCompany: records }, Caller: user };
  }
}
