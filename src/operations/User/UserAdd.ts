// User::UserAdd. OTRS has the backend (User.pm UserAdd) and, in the GIExtension add-on, an operation of this name
// (contracts §5.3); this is its flat form, in the style of the OTRS 8 CustomerUserCreate: Login (UserLogin is the
// caller's credential), UserFirstname, UserLastname, UserEmail and ValidID required; UserTitle, UserPassword,
// the preferences UserLanguage, UserTimeZone, UserComment; Group entries (Name, Permission...) and Role names.
// Admin-group agents only. The answer is the new UserID and the record, as UserGet shows it.
import { userAdd, userDataGet } from '../../domain/User.js';
import { randomBytes } from 'node:crypto';
import { newPasswordHash } from '../../domain/Password.js';
import { strictActivation } from '../../domain/AccountPolicy.js';
import { authorizeAgent, checkSchema, compileSchema, isHashRefWithData, isOperationResult, returnError, withDomainErrors } from '../common.js';
import type { Client, Operation, OperationResult, RequestData, Services } from '../operation.js';
import { answerShape, checkFieldRights, shapeAnswer } from '../fields.js';
import { normaliseUserLists, toUserChangeSet, unnestUser, userChangeProperties, userWritable } from './shared.js';

const validate = compileSchema({
  type: 'object',
  required: ['Login', 'UserFirstname', 'UserLastname', 'UserEmail', 'ValidID'],
  properties: { Login: { type: 'string', minLength: 1 }, ...userChangeProperties },
});

export class UserAdd implements Operation {
  constructor(private readonly s: Services, private readonly name: string) {}

  async run(data: RequestData, client: Client): Promise<OperationResult> {
    const op = this.name;
    if (!isHashRefWithData(data)) return returnError(op, 'MissingParameter', 'The request is empty!');
    const caller = await authorizeAgent(this.s, op, data, client, this.s.config.userAdminGroups, 'add agents');
    if (isOperationResult(caller)) return caller;
    const unnested = unnestUser(op, data, true);
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
      // Without a password OTRS's UserAdd sets a random one that nobody is told (User.pm): the agent is valid and
      // logs in once a password is set. The strict policy (ACCOUNT_ACTIVATION) refuses to make it valid instead.
      const passwordHash = changes.UserPassword || strictActivation(this.s.config)
        ? await newPasswordHash(changes.UserPassword, this.s.passwords)
        : await this.s.passwords.hash(randomBytes(24).toString('base64url'));
      const record = await this.s.storage.transaction(async (repos) => {
        const id = await userAdd(repos, { ...changes, Login: request.Login as string, ValidID: changes.ValidID! }, Number(caller.UserID),
          this.s.config, this.s.passwords, passwordHash);
        return userDataGet(repos, { UserID: id }, this.s.config);
      });
      return { Success: true, Data: await shapeAnswer(this.s, 'User', shape, { UserID: String(record!.UserID), User: record }, 'User', userWritable, Number(caller.UserID)), Caller: caller };
    });
  }
}
