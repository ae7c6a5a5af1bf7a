// AccessToken::AccessTokenCreate (OTRS 8 access tokens; contracts §2.5 Decision): the SessionCreate inputs and
// errors, answered with a signed, expiring, revocable token. A project extension: OTRS 6/Znuny have no such call.
import { login } from '../Session/SessionCreate.js';
import { isOperationResult } from '../common.js';
import type { Client, Operation, OperationResult, RequestData, Services } from '../operation.js';

export class AccessTokenCreate implements Operation {
  constructor(private readonly s: Services, private readonly name: string) {}

  async run(data: RequestData, client: Client): Promise<OperationResult> {
    const user = await login(this.s, this.name, data, client);
    if (isOperationResult(user)) return user;
    const { token } = await this.s.accessTokens.create(user, client);
    return { Success: true, Data: { AccessToken: token } };
  }
}
