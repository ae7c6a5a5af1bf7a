// CustomerUser::CustomerUserGet (no OTRS 8 page; the add-on's behaviour per contracts §3.4 Decision): one or
// many logins, as repeated CustomerUserID elements or one comma-separated string; unknown ones are skipped;
// dynamic fields only when DynamicFields is 1. Never the password hash, unless configured.
import { customerUserDataGet } from '../../domain/CustomerUser.js';
import { asList, authorizeAgent, checkSchema, compileSchema, isHashRefWithData, isOperationResult, perlTrue, returnError, stringOrNull } from '../common.js';
import type { Client, Operation, OperationResult, RequestData, Services } from '../operation.js';
import { answerShape, shapeAnswer } from '../fields.js';
import { customerUserWritable, recordOptions } from './shared.js';

const MAX_IDS = 1000;

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
    if (ids.length > MAX_IDS) return returnError(op, 'InvalidParameter', `At most ${MAX_IDS} CustomerUserIDs per request!`);

    const options = recordOptions(this.s.config, perlTrue(data.DynamicFields) !== undefined);
    const records = await this.s.storage.read(async (repos) => {
      const found = [];
      for (const id of ids) {
        const record = await customerUserDataGet(repos, id, options);
        if (record) found.push(record);
      }
      return found;
    });
    if (records.length === 0) return returnError(op, 'NotFound', 'No customer user found for the given CustomerUserID!');
    return { Success: true, Data: await shapeAnswer(this.s, 'CustomerUser', shape, { CustomerUser: records }, 'CustomerUser', customerUserWritable, Number(user.UserID)) };
  }
}
