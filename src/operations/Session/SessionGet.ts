// Session::SessionGet (dialect §10.4): the session's data as a Key-sorted list; secrets are never included.
import { checkSchema, compileSchema, isHashRefWithData, perlTrue, returnError, stringOrNull } from '../common.js';
import type { Client, Operation, OperationResult, RequestData, Services } from '../operation.js';

const validate = compileSchema({ type: 'object', properties: { SessionID: stringOrNull } });

const SECRET_KEYS = new Set(['UserPw', 'UserPassword', 'UserChallengeToken']);

export class SessionGet implements Operation {
  constructor(private readonly s: Services, private readonly name: string) {}

  async run(data: RequestData, client: Client): Promise<OperationResult> {
    if (!isHashRefWithData(data)) return returnError(this.name, 'MissingParameter', 'The request is empty!');
    const sessionId = perlTrue(data.SessionID);
    if (!sessionId) return returnError(this.name, 'MissingParameter', 'SessionID is missing!');
    const invalid = checkSchema(this.name, validate, data);
    if (invalid) return invalid;
    const session = await this.s.sessions.data(sessionId, client);
    if (!session) return returnError(this.name, 'SessionInvalid', 'SessionID is Invalid!');
    const SessionData = Object.keys(session).filter((k) => !SECRET_KEYS.has(k)).sort()
      .map((Key) => ({ Key, Value: session[Key] }));
    return { Success: true, Data: { SessionData } };
  }
}
