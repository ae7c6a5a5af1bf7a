// User::UserSearch (contracts §5.4 decision, after the backend's UserSearch, §6.8): Search finds each word in the
// login, first or last name; Login is a login pattern (exact, or `*` wildcards; UserLogin is the caller's
// credential); PostMasterSearch is the e-mail address, exactly; criteria are ANDed, case-insensitive. Valid 1
// (default) or 0; retired agents only with IncludeDeleted 1; Limit. Answers agent ids in login order as UserID (no key when nothing matches).
import { userSearch } from '../../domain/User.js';
import { authorizeAgent, checkSchema, compileSchema, isHashRefWithData, isOperationResult, returnError } from '../common.js';
import type { Client, Operation, OperationResult, RequestData, Services } from '../operation.js';
import { checkSearchBounds } from '../search.js';

const MAX_LIMIT = 10_000;

const validate = compileSchema({
  type: 'object',
  properties: {
    Search: { type: 'string' },
    Login: { type: 'string' },
    PostMasterSearch: { type: 'string' },
    Valid: { type: 'string', enum: ['0', '1'] },
    Limit: { type: 'string', pattern: '^[0-9]{1,9}$' },
    IncludeDeleted: { type: 'string', enum: ['0', '1'] },
  },
});

export class UserSearch implements Operation {
  constructor(private readonly s: Services, private readonly name: string) {}

  async run(data: RequestData, client: Client): Promise<OperationResult> {
    const op = this.name;
    if (!isHashRefWithData(data)) return returnError(op, 'MissingParameter', 'The request is empty!');
    const caller = await authorizeAgent(this.s, op, data, client, this.s.config.userAdminGroups, 'search agents');
    if (isOperationResult(caller)) return caller;
    const invalid = checkSearchBounds(op, { Search: data.Search, Login: data.Login, PostMasterSearch: data.PostMasterSearch }, this.s.config)
      ?? checkSchema(op, validate, data);
    if (invalid) return invalid;

    const text = (v: RequestData | undefined) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
    const words = (text(data.Search) ?? '').split(/\s+/).map((w) => w.replace(/^\*+|\*+$/g, '')).filter(Boolean);
    // Each word is a condition on three columns: their number is bounded like a search parameter's values.
    if (words.length > this.s.config.searchMaxValues) {
      return returnError(op, 'InvalidParameter', `Parameter Search has more than ${this.s.config.searchMaxValues} words (SEARCH_MAX_VALUES)!`);
    }
    const limit = data.Limit !== undefined ? Math.min(Number(data.Limit), MAX_LIMIT) : undefined;
    const ids = await this.s.storage.read((repos) => userSearch(repos, {
      words,
      login: text(data.Login),
      email: text(data.PostMasterSearch),
      validOnly: data.Valid !== '0',
      includeDeleted: data.IncludeDeleted === '1',
      limit: limit || undefined,
    }));
    return { Success: true, Data: ids.length > 0 ? { UserID: ids.map(String) } : {} };
  }
}
