// Session::SessionRemove (Znuny, dialect §10.5): the SessionID to remove is taken out of the request and the
// remaining fields authenticate the caller. An AccessToken given as SessionID is revoked the same way.
import { authenticate, checkSchema, compileSchema, isHashRefWithData, perlTrue, returnError, stringOrNull } from '../common.js';
import type { Client, Operation, OperationResult, RequestData, Services } from '../operation.js';

const validate = compileSchema({
  type: 'object',
  properties: { SessionID: stringOrNull, UserLogin: stringOrNull, CustomerUserLogin: stringOrNull, Password: stringOrNull, AccessToken: stringOrNull },
});

export class SessionRemove implements Operation {
  constructor(private readonly s: Services, private readonly name: string) {}

  async run(data: RequestData, client: Client): Promise<OperationResult> {
    // Znuny reports the empty request under SessionCreate's code (contracts §2.3).
    if (!isHashRefWithData(data)) return returnError('SessionCreate', 'MissingParameter', 'The request is empty!');
    const target = perlTrue(data.SessionID);
    if (!target) return returnError(this.name, 'MissingParameter', 'SessionID parameter is missing!');
    const invalid = checkSchema(this.name, validate, data);
    if (invalid) return invalid;
    const { SessionID: _removed, ...credentials } = data;
    const caller = await authenticate(this.s, credentials, client, { customerLogin: true });
    if (!caller) return returnError(this.name, 'AuthFail', 'Authorization failed!');

    // The owner is read from what is stored (a session's rows, a token's row), whatever the session's age or
    // address: a caller removes its own sessions; another user's need rw in admin. Only a token this server
    // signed is revoked, and its owner is the one its row names, never what an unverified payload claims.
    const isToken = target.includes('.');
    const owner = isToken ? await this.s.accessTokens.owner(target) : await this.s.sessions.owner(target);
    if (owner === 'forged') return returnError(this.name, 'Fail', 'Could not remove SessionID!');
    // Nothing stored under that ID (never issued, already removed): nothing to remove, and Znuny's answer.
    if (owner === undefined) return { Success: true, Data: { Success: 1 } };
    const own = owner.UserType === caller.UserType && owner.UserID === String(caller.UserID);
    if (!own) {
      if (caller.UserType === 'Customer') return returnError(this.name, 'AuthFail', 'Authorization failing!');
      if (!(await this.s.auth.agentHasPermission(Number(caller.UserID), ['admin'], 'rw'))) {
        return returnError(this.name, 'AuthFail', 'Authorization failed! User needs to be in group admin.');
      }
    }
    if (isToken) await this.s.accessTokens.revoke(target);
    else await this.s.sessions.remove(target);
    return { Success: true, Data: { Success: 1 } };
  }
}
