// CustomerUser::CustomerUserCreate (OTRS 8, contracts §3.1), also registered under the add-on spelling
// CustomerUserAdd (§3.2), whose clients send the record nested as Data.CustomerUser with UserLogin: both forms
// are accepted, and the answer carries what both expect (UserLogin and CustomerUser).
import { customerUserAdd, customerUserDataGet } from '../../domain/CustomerUser.js';
import { newPasswordHash } from '../../domain/Password.js';
import { authorizeAgent, checkSchema, compileSchema, isHashRefWithData, isOperationResult, returnError, stringOrNull, withDomainErrors } from '../common.js';
import type { Client, Operation, OperationResult, RequestData, RequestMap, Services } from '../operation.js';
import { answerShape, checkFieldRights, shapeAnswer } from '../fields.js';
import { changeSetProperties, normaliseLists, recordOptions, customerUserWritable, toChangeSet } from './shared.js';

const validate = compileSchema({
  type: 'object',
  required: ['CustomerUserLogin', 'UserFirstname', 'UserLastname', 'UserEmail', 'UserCustomerID', 'ValidID'],
  properties: { CustomerUserLogin: { type: 'string', minLength: 1 }, Source: stringOrNull, ...changeSetProperties },
});

/** The add-on form: Data.CustomerUser{UserLogin, ...} (and Data.Source) becomes the flat OTRS 8 form. */
function flatten(data: RequestMap): RequestMap {
  const nested = data.CustomerUser;
  if (nested === null || typeof nested !== 'object' || Array.isArray(nested)) return data;
  const { CustomerUser: _nested, ...rest } = data;
  const { UserLogin, ...fields } = nested;
  return { ...fields, ...(UserLogin !== undefined ? { CustomerUserLogin: UserLogin } : {}), ...rest };
}

export class CustomerUserCreate implements Operation {
  constructor(private readonly s: Services, private readonly name: string) {}

  async run(data: RequestData, client: Client): Promise<OperationResult> {
    const op = this.name;
    if (!isHashRefWithData(data)) return returnError(op, 'MissingParameter', 'The request is empty!');
    const user = await authorizeAgent(this.s, op, data, client, this.s.config.customerUserAdminGroups, 'create customer users');
    if (isOperationResult(user)) return user;

    const normalised = normaliseLists(flatten(data));
    const invalid = checkSchema(op, validate, normalised);
    if (invalid) return invalid;
    const shape = answerShape(op, data);
    if ('Success' in shape) return shape;
    const refused = await checkFieldRights(this.s, op, 'CustomerUser', normalised, customerUserWritable, Number(user.UserID));
    if (refused) return refused;

    return withDomainErrors(op, async () => {
      const changes = toChangeSet(normalised);
      const passwordHash = await newPasswordHash(changes.UserPassword, this.s.passwords);
      const record = await this.s.storage.transaction(async (repos) => {
        const login = await customerUserAdd(repos, {
          ...changes, ValidID: changes.ValidID!, UserLogin: normalised.CustomerUserLogin as string, Source: (normalised.Source ?? undefined) as string | undefined,
        }, Number(user.UserID), this.s.config, this.s.passwords, passwordHash);
        return customerUserDataGet(repos, login, recordOptions(this.s.config));
      });
      return { Success: true, Data: await shapeAnswer(this.s, 'CustomerUser', shape, { UserLogin: record!.UserLogin as string, CustomerUser: record }, 'CustomerUser', customerUserWritable, Number(user.UserID)) };
    });
  }
}
