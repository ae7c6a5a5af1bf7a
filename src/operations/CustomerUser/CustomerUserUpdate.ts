// CustomerUser::CustomerUserUpdate, the OTRS 8 operation (reference/product-docs/otrs8-CustomerUserUpdate.txt,
// contracts §3.6): ID names the customer user; only the fields sent change; DynamicField and UserPreferences
// entries are created or updated; the answer is the whole record. Everything happens in one transaction.
// The add-ons' form (issue 15; GIExtension and otrs-gi-customer-operation send the same) names the customer user
// by CustomerUserID and sends the changes inside CustomerUser, the new login as its UserLogin; only the fields
// sent change here too (GIExtension's backend call would replace the whole record). The answer adds
// CustomerUserID, the login after the update.
import { customerUserDataGet, customerUserUpdate } from '../../domain/CustomerUser.js';
import { newPasswordHash } from '../../domain/Password.js';
import { authorizeAgent, checkSchema, compileSchema, isHashRefWithData, isOperationResult, returnError, stringOrNull, withDomainErrors } from '../common.js';
import type { Client, Operation, OperationResult, RequestData, RequestMap, Services } from '../operation.js';
import { answerShape, checkFieldRights, shapeAnswer } from '../fields.js';
import { changeSetProperties, normaliseLists, recordOptions, customerUserWritable, toChangeSet, unnestCustomerUser } from './shared.js';

const validate = compileSchema({
  type: 'object',
  required: ['ID'],
  properties: { ID: { type: 'string', minLength: 1 }, CustomerUserLogin: stringOrNull, ...changeSetProperties },
});

/** The add-ons' CustomerUserID is OTRS 8's ID (the current login); both given must agree. */
function byCustomerUserID(d: RequestMap): { request: RequestMap } | { error: [string, string] } {
  if (d.CustomerUserID === undefined) return { request: d };
  const { CustomerUserID, ...rest } = d;
  if (d.ID !== undefined && d.ID !== CustomerUserID) return { error: ['InvalidParameter', 'Parameter ID and CustomerUserID name different customer users!'] };
  return { request: { ...rest, ID: CustomerUserID } };
}

export class CustomerUserUpdate implements Operation {
  constructor(private readonly s: Services, private readonly name: string) {}

  async run(data: RequestData, client: Client): Promise<OperationResult> {
    const op = this.name;
    if (!isHashRefWithData(data)) return returnError(op, 'MissingParameter', 'The request is empty!');
    // Authentication before parameters, as OTRS operations do (dialect §9.2). CustomerUserLogin is the new
    // login here, not a credential (OTRS 8, contracts §1.4).
    const user = await authorizeAgent(this.s, op, data, client, this.s.config.customerUserAdminGroups, 'update customer users');
    if (isOperationResult(user)) return user;

    const unnested = unnestCustomerUser(data);
    if ('error' in unnested) return returnError(op, ...unnested.error);
    const named = byCustomerUserID(unnested.flat);
    if ('error' in named) return returnError(op, ...named.error);
    const { request } = named;
    if (request.ID === undefined || request.ID === '' || request.ID === null) return returnError(op, 'MissingParameter', 'ID parameter is missing!');
    const addonForm = request !== unnested.flat;
    const normalised = normaliseLists(request);
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
        const login = await customerUserUpdate(repos, { ...changes, ID: normalised.ID as string, CustomerUserLogin: (normalised.CustomerUserLogin ?? undefined) as string | undefined },
          Number(user.UserID), this.s.config, this.s.passwords, passwordHash);
        return customerUserDataGet(repos, login, recordOptions(this.s.config));
      }, { serializeOn: `CustomerUser:${String(normalised.ID).toLowerCase()}` });
      const login = record!.UserLogin as string;
      const answer = { ID: login, ...(addonForm || unnested.nested ? { CustomerUserID: login } : {}), CustomerUser: record };
      return { Success: true, Data: await shapeAnswer(this.s, 'CustomerUser', shape, answer, 'CustomerUser', customerUserWritable, Number(user.UserID)), Caller: user };
    });
  }
}
