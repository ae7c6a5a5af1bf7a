// User::UserUpdate: UserID names the agent; only what is sent changes (unlike the backend's full replacement,
// contracts §6.8): Login renames it, the fields of UserAdd change, UserPassword xsi:nil removes the password (the
// agent becomes invalid); Group entries set the agent's keys in those groups, RemoveGroup and RemoveRole take
// memberships away, which leaving a group out never does. Deleted 1 retires the agent (invalid, no licences, out
// of searches), Deleted 0 restores it; WaitingForApproval 0 approves a new agent (USER_APPROVER_GROUPS only).
// Admin-group agents only; the answer is the record.
import { userDataGet, userUpdate } from '../../domain/User.js';
import { newPasswordHash } from '../../domain/Password.js';
import { authorizeAgent, checkSchema, compileSchema, isHashRefWithData, isOperationResult, returnError, withDomainErrors } from '../common.js';
import type { Client, Operation, OperationResult, RequestData, Services } from '../operation.js';
import { answerShape, checkFieldRights, shapeAnswer } from '../fields.js';
import { normaliseUserLists, toUserChangeSet, unnestUser, userChangeProperties, userWritable } from './shared.js';

const validate = compileSchema({
  type: 'object',
  required: ['UserID'],
  properties: {
    UserID: { type: 'string', pattern: '^[0-9]{1,9}$' }, Login: { type: 'string' }, ...userChangeProperties,
    Deleted: { type: 'string', enum: ['0', '1'] }, DeletedReason: { type: 'string', maxLength: 250 }, WaitingForApproval: { type: 'string', enum: ['0'] },
  },
});

export class UserUpdate implements Operation {
  constructor(private readonly s: Services, private readonly name: string) {}

  async run(data: RequestData, client: Client): Promise<OperationResult> {
    const op = this.name;
    if (!isHashRefWithData(data)) return returnError(op, 'MissingParameter', 'The request is empty!');
    const caller = await authorizeAgent(this.s, op, data, client, this.s.config.userAdminGroups, 'change agents');
    if (isOperationResult(caller)) return caller;
    if (data.UserID === undefined || data.UserID === '' || data.UserID === null) return returnError(op, 'MissingParameter', 'UserID parameter is missing!');
    const unnested = unnestUser(op, data, false);
    if ('error' in unnested) return unnested.error;
    const { flat } = unnested;
    const request = normaliseUserLists(flat);
    const invalid = checkSchema(op, validate, request);
    if (invalid) return invalid;
    const shape = answerShape(op, data);
    if ('Success' in shape) return shape;
    const refused = await checkFieldRights(this.s, op, 'User', flat, userWritable, Number(caller.UserID));
    if (refused) return refused;

    return withDomainErrors(op, async () => {
      const changes = toUserChangeSet(request);
      const userId = Number(request.UserID);
      const lifecycle = {
        ...(request.Deleted !== undefined ? { Deleted: Number(request.Deleted) as 0 | 1 } : {}),
        ...(request.DeletedReason !== undefined ? { DeletedReason: request.DeletedReason as string } : {}),
        ...(request.WaitingForApproval !== undefined ? { WaitingForApproval: 0 as const } : {}),
        callerMayApprove: request.WaitingForApproval !== undefined && await this.s.auth.agentHasPermission(Number(caller.UserID), this.s.config.userApproverGroups),
      };
      const passwordHash = await newPasswordHash(changes.UserPassword, this.s.passwords);
      const record = await this.s.storage.transaction(async (repos) => {
        await userUpdate(repos, { ...changes, ...lifecycle, UserID: userId, Login: request.Login as string | undefined }, Number(caller.UserID),
          this.s.config, this.s.passwords, passwordHash);
        return userDataGet(repos, { UserID: userId }, this.s.config);
      }, { serializeOn: `User:${userId}` });
      return { Success: true, Data: await shapeAnswer(this.s, 'User', shape, { UserID: String(userId), User: record }, 'User', userWritable, Number(caller.UserID)), Caller: caller };
    });
  }
}
