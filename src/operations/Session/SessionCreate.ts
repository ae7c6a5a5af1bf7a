// Session::SessionCreate (Znuny Operation/Session/SessionCreate.pm, dialect §10.3): a 32-character SessionID for
// an agent (UserLogin wins) or a customer (CustomerUserLogin).
import type { AuthenticatedUser } from '../../domain/Auth.js';
import { checkSchema, compileSchema, isHashRefWithData, isOperationResult, perlTrue, returnError, stringOrNull } from '../common.js';
import type { Client, Operation, OperationResult, RequestData, RequestMap, Services } from '../operation.js';

/** Credentials are strings; anything else (a structure, a list) is refused before a login is tried. */
const validate = compileSchema({
  type: 'object',
  properties: { UserLogin: stringOrNull, CustomerUserLogin: stringOrNull, Password: stringOrNull, TwoFactorToken: stringOrNull },
});

/** The login half of SessionCreate, shared with AccessTokenCreate: empty request, missing password, failed login. */
export async function login(s: Services, operation: string, data: RequestData, client: Client): Promise<AuthenticatedUser | OperationResult> {
  if (!isHashRefWithData(data)) return returnError(operation, 'MissingParameter', 'The request is empty!');
  const invalid = checkSchema(operation, validate, data);
  if (invalid) return invalid;
  const password = perlTrue((data as RequestMap).Password);
  if (!password) return returnError(operation, 'MissingParameter', 'Password parameter is missing!');
  const userLogin = perlTrue(data.UserLogin);
  const customerLogin = perlTrue(data.CustomerUserLogin);
  const user = userLogin ? await s.auth.agent(userLogin, password, client)
    : customerLogin ? await s.auth.customer(customerLogin, password, client) : null;
  return user ?? returnError(operation, 'AuthFail', 'Authorization failing!');
}

export class SessionCreate implements Operation {
  constructor(private readonly s: Services, private readonly name: string) {}

  async run(data: RequestData, client: Client): Promise<OperationResult> {
    const user = await login(this.s, this.name, data, client);
    if (isOperationResult(user)) return user;
    const SessionID = await this.s.sessions.create(user, client);
    return { Success: true, Data: { SessionID } };
  }
}
