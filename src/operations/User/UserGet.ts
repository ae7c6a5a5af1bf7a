// User::UserGet. OTRS publishes no agent-user operation; this follows the contracts' decision (§5.4) and the
// backend's GetUserData(UserID|User): agents named by UserID or by Login, each repeated or comma-separated.
// (UserLogin is the caller's credential, and the backend's own name, User, would clash with the answer's User in
// wrapper-style stubs.) Unknown ones are skipped; none found is NotFound. Only agents with rw in a USER_ADMIN_GROUPS group may read agents; the hash is never returned.
import { userDataGet, type UserRecord } from '../../domain/User.js';
import { asList, authorizeAgent, checkSchema, compileSchema, isHashRefWithData, isOperationResult, returnError } from '../common.js';
import type { Client, Operation, OperationResult, RequestData, Services } from '../operation.js';
import { userWritable } from './shared.js';
import { answerShape, shapeAnswer } from '../fields.js';

const MAX_IDS = 1000;

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
    if (keys.length > MAX_IDS) return returnError(op, 'InvalidParameter', `At most ${MAX_IDS} agents per request!`);

    const records = await this.s.storage.read(async (repos) => {
      const found = new Map<number, UserRecord>();
      for (const key of keys) {
        const rec = await userDataGet(repos, key, this.s.config);
        if (rec && !found.has(rec.UserID as number)) found.set(rec.UserID as number, rec);
      }
      return [...found.values()];
    });
    if (records.length === 0) return returnError(op, 'NotFound', 'No agent found for the given UserID or Login!');
    return { Success: true, Data: await shapeAnswer(this.s, 'User', shape, { User: records }, 'User', userWritable, Number(caller.UserID)) };
  }
}
