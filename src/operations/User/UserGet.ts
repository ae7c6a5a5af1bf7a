// User::UserGet. OTRS publishes no agent-user operation; this follows the contracts' decision (§5.4) and the
// backend's GetUserData(UserID|User): agents named by UserID or by Login, each repeated or comma-separated.
// (UserLogin is the caller's credential, and the backend's own name, User, would clash with the answer's User in
// wrapper-style stubs.) Unknown ones are skipped; none found is NotFound. Only agents with rw in a USER_ADMIN_GROUPS group may read agents; the hash is never returned.
import { userDataGet, type UserRecord } from '../../domain/User.js';
import { asList, authorizeAgent, checkSchema, compileSchema, isHashRefWithData, isOperationResult, returnError } from '../common.js';
import type { Client, Operation, OperationResult, RequestData, Services } from '../operation.js';
import { userWritable } from './shared.js';
import { answerShape, shapeAnswer } from '../fields.js';
import { readMany } from '../get-many.js';

const validate = compileSchema({
  type: 'object',
  properties: {
    UserID: { type: 'array', items: { type: 'string', pattern: '^[0-9, ]*$' } },
    Login: { type: 'array', items: { type: 'string' } },
  },
});

const split = (values: RequestData[]) => (values as string[]).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);

export class UserGet implements Operation {
  constructor(private readonly s: Services, private readonly name: string) {}

  async run(data: RequestData, client: Client): Promise<OperationResult> {
    const op = this.name;
    if (!isHashRefWithData(data)) return returnError(op, 'MissingParameter', 'The request is empty!');
    const caller = await authorizeAgent(this.s, op, data, client, this.s.config.userAdminGroups, 'read agents');
    if (isOperationResult(caller)) return caller;
    const request = {
      ...(data.UserID !== undefined ? { UserID: asList(data.UserID) } : {}),
      ...(data.Login !== undefined ? { Login: asList(data.Login) } : {}),
    };
    const invalid = checkSchema(op, validate, request);
    if (invalid) return invalid;
    const shape = answerShape(op, data);
    if ('Success' in shape) return shape;
    const keys = [
      ...split(request.UserID ?? []).map((id) => ({ UserID: Number(id) })),
      ...split(request.Login ?? []).map((login) => ({ UserLogin: login })),
    ];
    if (keys.length === 0) return returnError(op, 'MissingParameter', 'UserID or Login parameter is missing!');
    const { getMaxIds, responseMaxBytes } = this.s.config;
    if (keys.length > getMaxIds) return returnError(op, 'InvalidParameter', `At most ${getMaxIds} agents per request (GET_MAX_IDS), got ${keys.length}!`);

    const records = await readMany(this.s, {
      keys, element: 'User', identity: (rec: UserRecord) => rec.UserID as number,
      read: async (repos, key) => { const rec = await userDataGet(repos, key, this.s.config); return rec ? [rec] : []; },
    });
    if (records === undefined) return returnError(op, 'InvalidParameter', `The answer would be larger than ${responseMaxBytes} bytes (RESPONSE_MAX_BYTES): ask for fewer records at a time!`);
    if (records.length === 0) return returnError(op, 'NotFound', 'No agent found for the given UserID or Login!');
    return { Success: true, Data: await shapeAnswer(this.s, 'User', shape, { User: records }, 'User', userWritable, Number(caller.UserID)), Caller: caller };
  }
}
