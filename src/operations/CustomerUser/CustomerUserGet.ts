// CustomerUser::CustomerUserGet (no OTRS 8 page; the add-on's behaviour per contracts §3.4 Decision): one or
// many logins, as repeated CustomerUserID elements or one comma-separated string; unknown ones are skipped;
// dynamic fields only when DynamicFields is 1. Never the password hash, unless configured.
import { customerUserDataGet } from '../../domain/CustomerUser.js';
import { asList, authorizeAgent, checkSchema, compileSchema, isHashRefWithData, isOperationResult, perlTrue, returnError, stringOrNull } from '../common.js';
import type { Client, Operation, OperationResult, RequestData, Services } from '../operation.js';
import { answerShape, shapeAnswer } from '../fields.js';
import { customerUserWritable, recordOptions } from './shared.js';
import { readMany } from '../get-many.js';

const validate = compileSchema({
  type: 'object',
  required: ['CustomerUserID'],
  properties: { CustomerUserID: { type: 'array', items: { type: 'string' }, minItems: 1 }, DynamicFields: stringOrNull },
});

export class CustomerUserGet implements Operation {
  constructor(private readonly s: Services, private readonly name: string) {}

  async run(data: RequestData, client: Client): Promise<OperationResult> {
    const op = this.name;
    if (!isHashRefWithData(data)) return returnError(op, 'MissingParameter', 'The request is empty!');
    const user = await authorizeAgent(this.s, op, data, client, this.s.config.customerUserAdminGroups, 'read customer users');
    if (isOperationResult(user)) return user;
    const request = { ...data, ...(data.CustomerUserID !== undefined ? { CustomerUserID: asList(data.CustomerUserID) } : {}) };
    const invalid = checkSchema(op, validate, request);
    if (invalid) return invalid;
    const shape = answerShape(op, data);
    if ('Success' in shape) return shape;
    const ids = [...new Set((request.CustomerUserID as string[]).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean))];
    if (ids.length === 0) return returnError(op, 'MissingParameter', 'CustomerUserID parameter is missing!');
    const { getMaxIds, responseMaxBytes } = this.s.config;
    if (ids.length > getMaxIds) return returnError(op, 'InvalidParameter', `At most ${getMaxIds} CustomerUserIDs per request (GET_MAX_IDS), got ${ids.length}!`);

    const options = recordOptions(this.s.config, perlTrue(data.DynamicFields) !== undefined);
    const records = await readMany(this.s, {
      keys: ids, element: 'CustomerUser',
      read: async (repos, id) => { const record = await customerUserDataGet(repos, id, options); return record ? [record] : []; },
    });
    if (records === undefined) return returnError(op, 'InvalidParameter', `The answer would be larger than ${responseMaxBytes} bytes (RESPONSE_MAX_BYTES): ask for fewer records at a time!`);
    if (records.length === 0) return returnError(op, 'NotFound', 'No customer user found for the given CustomerUserID!');
    return { Success: true, Data: await shapeAnswer(this.s, 'CustomerUser', shape, { CustomerUser: records }, 'CustomerUser', customerUserWritable, Number(user.UserID)), Caller: user };
  }
}
