// CustomerUser::CustomerUserCreate (OTRS 8, contracts §3.1), also registered under the add-on spelling
// CustomerUserAdd (§3.2), whose clients send the record nested as Data.CustomerUser with UserLogin: both forms
// are accepted under both names (shared.ts unnestCustomerUser), with the rules of the add-on that sends each
// (issue 15), and the answer carries what each expects (UserLogin, CustomerUser, CustomerUserID).
import { customerUserAdd, customerUserDataGet } from '../../domain/CustomerUser.js';
import { newPasswordHash } from '../../domain/Password.js';
import { authorizeAgent, checkSchema, compileSchema, isHashRefWithData, isOperationResult, returnError, stringOrNull, withDomainErrors } from '../common.js';
import type { Client, Operation, OperationResult, RequestData, RequestMap, Services } from '../operation.js';
import { answerShape, checkFieldRights, shapeAnswer } from '../fields.js';
import { changeSetProperties, normaliseLists, recordOptions, customerUserWritable, toChangeSet, unnestCustomerUser, withReason } from './shared.js';

const validate = compileSchema({
  type: 'object',
  required: ['CustomerUserLogin', 'UserFirstname', 'UserLastname', 'UserEmail', 'UserCustomerID', 'ValidID'],
  properties: { CustomerUserLogin: { type: 'string', minLength: 1 }, Source: stringOrNull, ...changeSetProperties },
});

/**
 * The rules of the add-on whose form a nested request is (issue 15, contracts §3.2, §3.3). GIExtension's
 * CustomerUserAdd hands the structure to the backend, so its fields are the backend's required ones.
 * otrs-gi-customer-operation's CustomerUserCreate needs UserLogin and the names and e-mail, trims them, makes the
 * account valid unless told otherwise (it forces ValidID 1; here 1 is its default), puts it in the company named
 * like its e-mail address when it names none, refuses a company that does not exist, and has its own codes.
 */
const CUSTOMER_OPERATION_REQUIRED = ['UserLogin', 'UserFirstname', 'UserLastname', 'UserEmail'];
const CUSTOMER_OPERATION_REASONS = { LoginInUse: 'ValidateUserLogin', InvalidEmail: 'EmailValidate' };

function customerOperationForm(op: string, data: RequestMap, flat: RequestMap): { flat: RequestMap; companyGiven: boolean } | { error: OperationResult } {
  const inner = data.CustomerUser as RequestMap;
  for (const key of CUSTOMER_OPERATION_REQUIRED) {
    const v = inner[key];
    if (typeof v !== 'string' || v.trim() === '') return { error: returnError(op, 'MissingParameter', `CustomerUser->${key} parameter is missing!`) };
  }
  const out: RequestMap = { ...flat };
  for (const [k, v] of Object.entries(out)) if (typeof v === 'string' && k !== 'UserPassword' && inner[k === 'CustomerUserLogin' ? 'UserLogin' : k] !== undefined) out[k] = v.trim();
  if (out.ValidID === undefined || out.ValidID === '') out.ValidID = '1';
  const companyGiven = !(out.UserCustomerID === undefined || out.UserCustomerID === null || out.UserCustomerID === '');
  if (!companyGiven) out.UserCustomerID = out.UserEmail;
  return { flat: out, companyGiven };
}

/** In the nested form a missing field is named as the add-ons name it: CustomerUser->UserLogin. */
function nestedSchemaError(op: string, d: RequestMap): OperationResult | null {
  const invalid = checkSchema(op, validate, d);
  if (!invalid || !(invalid.Data.Error as { ErrorCode: string }).ErrorCode.endsWith('.MissingParameter')) return invalid;
  const missing = /^\S+: (\S+) parameter is missing!$/.exec((invalid.Data.Error as { ErrorMessage: string }).ErrorMessage)?.[1] ?? '';
  return returnError(op, 'MissingParameter', `CustomerUser->${missing === 'CustomerUserLogin' ? 'UserLogin' : missing} parameter is missing!`);
}

export class CustomerUserCreate implements Operation {
  constructor(private readonly s: Services, private readonly name: string) {}

  async run(data: RequestData, client: Client): Promise<OperationResult> {
    const op = this.name;
    if (!isHashRefWithData(data)) return returnError(op, 'MissingParameter', 'The request is empty!');
    const user = await authorizeAgent(this.s, op, data, client, this.s.config.customerUserAdminGroups, 'create customer users');
    if (isOperationResult(user)) return user;

    const unnested = unnestCustomerUser(data);
    if ('error' in unnested) return returnError(op, ...unnested.error);
    // The add-on's spelling is GIExtension's; the OTRS 8 name with a nested request is otrs-gi-customer-operation's.
    const customerOperation = unnested.nested && !/Add$/.test(op);
    let flat = unnested.flat;
    let companyGiven = false;
    if (customerOperation) {
      const form = customerOperationForm(op, data, flat);
      if ('error' in form) return form.error;
      ({ flat, companyGiven } = form);
    }
    const normalised = normaliseLists(flat);
    const invalid = unnested.nested ? nestedSchemaError(op, normalised) : checkSchema(op, validate, normalised);
    if (invalid) return invalid;
    const shape = answerShape(op, data);
    if ('Success' in shape) return shape;
    const refused = await checkFieldRights(this.s, op, 'CustomerUser', normalised, customerUserWritable, Number(user.UserID));
    if (refused) return refused;

    const result = await withDomainErrors(op, async () => {
      if (companyGiven && !(await this.s.storage.read((repos) => repos.customerCompanies.byId(normalised.UserCustomerID as string)))) {
        return returnError(op, 'ValidateCompany', `UserCustomerID '${normalised.UserCustomerID as string}' does not exist!`);
      }
      const changes = toChangeSet(normalised);
      const passwordHash = await newPasswordHash(changes.UserPassword, this.s.passwords);
      const record = await this.s.storage.transaction(async (repos) => {
        const login = await customerUserAdd(repos, {
          ...changes, ValidID: changes.ValidID!, UserLogin: normalised.CustomerUserLogin as string, Source: (normalised.Source ?? undefined) as string | undefined,
        }, Number(user.UserID), this.s.config, this.s.passwords, passwordHash);
        return customerUserDataGet(repos, login, recordOptions(this.s.config));
      });
      // Each form's key for the new login: UserLogin (OTRS 8), CustomerUserID (otrs-gi-customer-operation).
      const answer = { UserLogin: record!.UserLogin as string, ...(customerOperation ? { CustomerUserID: record!.UserLogin as string } : {}), CustomerUser: record };
      return { Success: true, Data: await shapeAnswer(this.s, 'CustomerUser', shape, answer, 'CustomerUser', customerUserWritable, Number(user.UserID)), Caller: user };
    });
    return customerOperation ? withReason(op, result, CUSTOMER_OPERATION_REASONS) : result;
  }
}
