// Customer users: the record OTRS builds (CustomerUser.pm CustomerUserDataGet, contracts §6.3) and the update
// rules of OTRS 8's CustomerUserUpdate (§3.6): only the fields sent change, everything is checked before the
// first write, and the caller runs it inside one transaction.
import type { Repositories, CustomerUserRow, CustomerUserChanges, NewCustomerUser } from '../storage/repositories.js';
import { dbTimestamp } from '../storage/time.js';
import { DomainError } from './errors.js';
import { checkValidID } from './Valid.js';
import { mapChanges } from './FieldMap.js';
import { companyFields } from './CustomerCompany.js';
import { checkEmail, checkMailExchanger, type EmailCheckConfig } from './CheckItem.js';
import { prepareDynamicFieldUpdates, recordValues, type DynamicFieldInput, type DynamicFieldPolicy } from './DynamicField.js';
import { checkActivation, checkLicence, checkLoginLength, checkPassword, strictActivation, type ActivationPolicy, type PasswordPolicy } from './AccountPolicy.js';
import type { PasswordHasher } from './Password.js';
import { endSessionsOnAccountChange } from './Auth.js';

export const OBJECT_TYPE = 'CustomerUser';

/** The customer_user map of the default source (Kernel/Config/Defaults.pm): map var -> column, max length, required. */
export const CUSTOMER_USER_MAP = {
  UserTitle: { column: 'title', max: 50, required: false },
  UserFirstname: { column: 'first_name', max: 100, required: true },
  UserLastname: { column: 'last_name', max: 100, required: true },
  UserEmail: { column: 'email', max: 150, required: true },
  UserCustomerID: { column: 'customer_id', max: 150, required: true },
  UserPhone: { column: 'phone', max: 150, required: false },
  UserFax: { column: 'fax', max: 150, required: false },
  UserMobile: { column: 'mobile', max: 150, required: false },
  UserStreet: { column: 'street', max: 150, required: false },
  UserZip: { column: 'zip', max: 200, required: false },
  UserCity: { column: 'city', max: 200, required: false },
  UserCountry: { column: 'country', max: 200, required: false },
  UserComment: { column: 'comments', max: 250, required: false },
} as const;
export type CustomerUserField = keyof typeof CUSTOMER_USER_MAP;
const CUSTOMER_USER_FIELDS = Object.keys(CUSTOMER_USER_MAP) as CustomerUserField[];

/** The columns CUSTOMER_USER_NAME_FIELDS may name (config.ts checks the setting against the same list). */
const NAME_COLUMNS = new Set(['title', 'first_name', 'last_name', 'login', 'email', 'customer_id'] as const);
type NameColumn = typeof NAME_COLUMNS extends Set<infer C> ? C : never;
const isNameColumn = (c: string): c is NameColumn => NAME_COLUMNS.has(c as NameColumn);

/** Keys that are part of the record itself and can never be set as preferences (CustomerUser/Preferences/DB.pm), plus the password bookkeeping. */
const PROTECTED_PREFERENCES = new Set([
  'UserID', 'UserLogin', 'UserPassword', 'UserFirstname', 'UserLastname', 'UserFullname', 'UserStreet', 'UserCity', 'UserZip',
  'UserCountry', 'UserComment', 'UserCustomerID', 'UserTitle', 'UserEmail', 'ChangeTime', 'ChangeBy', 'CreateTime', 'CreateBy',
  'UserPhone', 'UserMobile', 'UserFax', 'UserMailString', 'ValidID', 'UserLastLogin', 'UserLastLoginTimestamp',
  'PasswordLastSet', 'PasswordHistoryData', 'Source', 'UserLoginFailed',
]);
const PASSWORD_HISTORY_LENGTH = 10;

export interface RecordOptions {
  returnPasswordHashes: boolean;
  /** OTRS CustomerUserNameFields: the columns UserFullname is made of, in order. */
  customerUserNameFields: string[];
  /** Include DynamicField_<Name> keys (always for Create/Update answers; on request for Get). */
  dynamicFields?: boolean;
}

export type CustomerUserRecord = Record<string, string | number | string[]>;

/** The full OTRS record of one customer user, or undefined. */
export async function customerUserDataGet(repos: Repositories, login: string, opts: RecordOptions): Promise<CustomerUserRecord | undefined> {
  const row = await repos.customerUsers.byLogin(login);
  return row ? buildRecord(repos, row, opts) : undefined;
}

async function buildRecord(repos: Repositories, row: CustomerUserRow, opts: RecordOptions): Promise<CustomerUserRecord> {
  const rec: CustomerUserRecord = {};
  // The company lies underneath: customer keys win (CustomerUser.pm merges company data first).
  const company = await repos.customerCompanies.byId(row.customer_id);
  rec.CustomerID = company?.customer_id ?? row.customer_id;
  if (company) {
    Object.assign(rec, companyFields(company));
    rec.CustomerCompanyValidID = company.valid_id;
  }
  for (const key of CUSTOMER_USER_FIELDS) rec[key] = row[CUSTOMER_USER_MAP[key].column] ?? '';
  rec.UserLogin = row.login;
  rec.UserID = row.login;
  // The OTRS 8 CustomerUserCreate answer carries the login under this name too (contracts §3.1).
  rec.CustomerUserLogin = row.login;
  rec.ValidID = row.valid_id;
  rec.Source = 'CustomerUser';
  rec.CreateTime = row.create_time;
  rec.CreateBy = row.create_by;
  rec.ChangeTime = row.change_time;
  rec.ChangeBy = row.change_by;
  // CustomerUserNameFields (default title, first_name, last_name), joined by one space; the title is included.
  let fullname = '';
  for (const c of opts.customerUserNameFields) {
    const v = isNameColumn(c) ? row[c] : '';
    if (v) fullname = fullname ? `${fullname} ${v}` : v;
  }
  rec.UserFullname = fullname;
  // CustomerUserListFields [first_name, last_name, email]: a trailing address becomes "Name" <address>.
  const names = [row.first_name, row.last_name].filter((v) => v).join(' ');
  rec.UserMailString = row.email ? (names ? `"${names}" <${row.email}>` : row.email) : names;

  for (const p of await repos.preferences.customer(row.login)) {
    if (!(p.preferences_key in rec)) rec[p.preferences_key] = p.preferences_value ?? '';
  }
  if (rec.UserLastLogin) rec.UserLastLoginTimestamp = dbTimestamp(new Date(Number(rec.UserLastLogin) * 1000));
  if (opts.returnPasswordHashes) {
    rec.UserPassword = row.pw ?? '';
    const history = await repos.passwordHistory.of(OBJECT_TYPE, row.id);
    if (history.length > 0) rec.PasswordHistoryData = history;
  }

  const fields = opts.dynamicFields === false ? [] : await repos.dynamicFields.ofType(OBJECT_TYPE);
  if (fields.length > 0) {
    const values = recordValues(await repos.dynamicFields.values(OBJECT_TYPE, row.login));
    for (const f of fields) rec[`DynamicField_${f.name}`] = values(f);
  }
  return rec;
}

/** What a create or an update may send besides the login. */
interface CustomerUserChangeSet {
  fields: Partial<Record<CustomerUserField, string | null>>;
  ValidID?: number;
  /** A new password; null removes it (the account can no longer log in); absent or '' keeps it. */
  UserPassword?: string | null;
  DynamicField?: DynamicFieldInput[];
  UserPreferences?: Array<{ Key: string; Value: string | null }>;
}

export interface CustomerUserUpdateRequest extends CustomerUserChangeSet {
  /** The current login of the customer user to change. */
  ID: string;
  /** New login (rename); absent or empty keeps the login. */
  CustomerUserLogin?: string;
}

export interface CustomerUserCreateRequest extends CustomerUserChangeSet {
  UserLogin: string;
  ValidID: number;
  Source?: string;
}

export interface CustomerUserPolicy extends EmailCheckConfig, PasswordPolicy, ActivationPolicy, DynamicFieldPolicy {
  customerUserEmailUniqCheck: boolean;
  preferencesMaxEntries: number;
  customerUserMaxValid: number;
  loginMinLength: number;
  checkMXRecord: boolean;
}

/** The stored key of a preference: OTRS 8 turns Key "TimeZone" into the record key UserTimeZone. */
export function preferenceKey(key: string): string {
  return key.startsWith('User') ? key : `User${key}`;
}

function checkLogin(login: string, policy: CustomerUserPolicy): void {
  if ([...login].length > 200 || /[\s\u0000-\u001f\u007f]/.test(login)) {
    throw new DomainError('InvalidParameter', 'Parameter CustomerUserLogin is invalid: at most 200 characters, no white space or control characters!');
  }
  checkLoginLength(login, policy.loginMinLength);
}

/** Dynamic fields and preferences are checked (and unknown fields created) before anything else is written. */
async function prepareExtras(repos: Repositories, req: CustomerUserChangeSet, changedBy: number, policy: CustomerUserPolicy) {
  const fieldUpdates = await prepareDynamicFieldUpdates(repos, req.DynamicField, OBJECT_TYPE, policy, changedBy);
  const preferenceUpdates = new Map<string, string | null>();
  const preferences = req.UserPreferences ?? [];
  // Bounded like DynamicField entries: tens of thousands would exceed SQLite's bound parameters of one statement.
  if (preferences.length > policy.preferencesMaxEntries) {
    throw new DomainError('InvalidParameter', `At most ${policy.preferencesMaxEntries} UserPreferences entries per request (PREFERENCES_MAX_ENTRIES), got ${preferences.length}!`);
  }
  for (const p of preferences) {
    const key = preferenceKey(p.Key);
    if (!/^[A-Za-z_][A-Za-z0-9_.-]{0,149}$/.test(key)) throw new DomainError('InvalidParameter', `UserPreferences Key '${p.Key}' is invalid: letters, digits, '_', '.', '-' only, at most 150 characters!`);
    if (PROTECTED_PREFERENCES.has(key)) throw new DomainError('InvalidParameter', `UserPreferences Key '${p.Key}' cannot be set as a preference!`);
    if (p.Value !== null && [...p.Value].length > 250) throw new DomainError('InvalidParameter', `UserPreferences ${p.Key}: the value is longer than 250 characters!`);
    if (preferenceUpdates.has(key)) throw new DomainError('InvalidParameter', `UserPreferences Key '${p.Key}' is given more than once!`);
    preferenceUpdates.set(key, p.Value);
  }
  return async (login: string) => {
    await repos.dynamicFields.setValues(OBJECT_TYPE, login, fieldUpdates);
    await repos.preferences.setCustomerMany(login, preferenceUpdates);
  };
}

/** The account state an update or a create would leave, for the lifecycle rules. */
interface AccountState { email: string; customerId: string; validId: number; hasPassword: boolean }

/**
 * The lifecycle rules, in the order a caller can act on them: e-mail (checked as OTRS checks it, only for a valid
 * record, and here only when the address or the validity changes), e-mail uniqueness, activation, licence.
 */
async function checkAccount(repos: Repositories, before: (AccountState & { id: number }) | null, after: AccountState, policy: CustomerUserPolicy): Promise<void> {
  const emailChanged = !before || before.email !== after.email;
  const becomesValid = after.validId === 1 && (!before || before.validId !== 1);
  if (after.validId === 1 && (emailChanged || becomesValid)) {
    const reason = await checkEmailDeep(after.email, policy);
    if (reason) throw new DomainError('InvalidEmail', `Email address '${after.email}' is invalid (${reason})!`);
  }
  if (policy.customerUserEmailUniqCheck && (!before || before.email.toLowerCase() !== after.email.toLowerCase())
    && await repos.customerUsers.emailTaken(after.email, before?.id ?? -1)) {
    throw new DomainError('EmailInUse', `The email address '${after.email}' is already in use for another customer user!`);
  }
  if (strictActivation(policy) && after.validId === 1 && (becomesValid || before?.customerId !== after.customerId)) {
    const missing: string[] = [];
    if (!after.hasPassword) missing.push('no password is set');
    if (!(await repos.customerCompanies.byId(after.customerId))) missing.push(`company '${after.customerId}' does not exist`);
    checkActivation('customer user', missing);
  }
  if (becomesValid) await checkLicence(repos, 'customer user', policy.customerUserMaxValid);
}

async function checkEmailDeep(address: string, policy: CustomerUserPolicy): Promise<string | null> {
  return checkEmail(address, policy) ?? (policy.checkMXRecord ? checkMailExchanger(address) : null);
}

/**
 * Applies an update (passwordHash from newPasswordHash). Every check runs before the first write; the caller
 * wraps this in a transaction, so a failure (a DomainError or a database error) leaves nothing changed.
 * Returns the login after the update.
 */
export async function customerUserUpdate(repos: Repositories, req: CustomerUserUpdateRequest, changedBy: number,
  policy: CustomerUserPolicy, passwords: PasswordHasher, passwordHash: string | null | undefined): Promise<string> {
  const row = await repos.customerUsers.byLogin(req.ID);
  if (!row) throw new DomainError('NotFound', `No customer user found with ID '${req.ID}'!`);

  const changes = mapChanges(CUSTOMER_USER_MAP, req.fields) as CustomerUserChanges;

  let newLogin = row.login;
  if (req.CustomerUserLogin !== undefined && req.CustomerUserLogin !== '' && req.CustomerUserLogin !== row.login) {
    const login = req.CustomerUserLogin;
    checkLogin(login, policy);
    if (await repos.customerUsers.loginTaken(login, row.id)) throw new DomainError('LoginInUse', `A customer user with the login '${login}' already exists!`);
    newLogin = login;
    changes.login = login;
  }

  if (req.ValidID !== undefined) checkValidID(req.ValidID);
  // Removing the password removes the ability to log in: under the strict policy the account stays, and is no
  // longer valid.
  let validId = req.ValidID ?? row.valid_id;
  if (passwordHash === null && strictActivation(policy)) {
    if (req.ValidID === 1) checkActivation('customer user', ['the password is being removed']);
    if (validId === 1) validId = 2;
  }
  if (validId !== row.valid_id) changes.valid_id = validId;

  if (req.UserPassword) await checkPassword(req.UserPassword, [row.pw, ...await repos.passwordHistory.of(OBJECT_TYPE, row.id)].filter((h): h is string => !!h), policy, passwords);
  await checkAccount(repos,
    { id: row.id, email: row.email, customerId: row.customer_id, validId: row.valid_id, hasPassword: row.pw !== null },
    { email: req.fields.UserEmail ?? row.email, customerId: req.fields.UserCustomerID ?? row.customer_id, validId, hasPassword: passwordHash === undefined ? row.pw !== null : passwordHash !== null },
    policy);
  const writeExtras = await prepareExtras(repos, req, changedBy, policy);

  // --- writes ---
  const now = dbTimestamp();
  if (passwordHash !== undefined) changes.pw = passwordHash;
  await repos.customerUsers.update(row.id, { ...changes, change_time: now, change_by: changedBy });
  await endSessionsOnAccountChange(repos, 'Customer', row.login, changes);
  if (newLogin !== row.login) {
    await repos.preferences.renameCustomer(row.login, newLogin);
    await repos.dynamicFields.renameObject(OBJECT_TYPE, row.login, newLogin);
  }
  if (passwordHash !== undefined && row.pw) await repos.passwordHistory.add(OBJECT_TYPE, row.id, row.pw, now, PASSWORD_HISTORY_LENGTH);
  if (passwordHash) await repos.preferences.setCustomer(newLogin, 'PasswordLastSet', now);
  await writeExtras(newLogin);
  return newLogin;
}

/** Adds a customer user (CustomerUser.pm CustomerUserAdd with the OTRS 8 operation's fields); returns the login. */
export async function customerUserAdd(repos: Repositories, req: CustomerUserCreateRequest, changedBy: number,
  policy: CustomerUserPolicy, passwords: PasswordHasher, passwordHash: string | null | undefined): Promise<string> {
  if (req.Source !== undefined && req.Source !== '' && req.Source !== 'CustomerUser') {
    throw new DomainError('InvalidParameter', `Source '${req.Source}' is not a customer user source of this system (only CustomerUser)!`);
  }
  checkLogin(req.UserLogin, policy);
  for (const [key, spec] of Object.entries(CUSTOMER_USER_MAP)) {
    const v = req.fields[key as CustomerUserField];
    if (spec.required && (v === undefined || v === null || v === '')) throw new DomainError('MissingParameter', `${key} parameter is missing!`);
  }
  mapChanges(CUSTOMER_USER_MAP, req.fields);
  checkValidID(req.ValidID);
  if (await repos.customerUsers.loginTaken(req.UserLogin, -1)) throw new DomainError('LoginInUse', `A customer user with the login '${req.UserLogin}' already exists!`);
  if (req.UserPassword) await checkPassword(req.UserPassword, [], policy, passwords);
  const email = req.fields.UserEmail!;
  const customerId = req.fields.UserCustomerID!;
  await checkAccount(repos, null, { email, customerId, validId: req.ValidID, hasPassword: !!passwordHash }, policy);
  const writeExtras = await prepareExtras(repos, req, changedBy, policy);

  const now = dbTimestamp();
  const row: Record<string, string | number | null> = {};
  for (const [key, spec] of Object.entries(CUSTOMER_USER_MAP)) row[spec.column] = req.fields[key as CustomerUserField] ?? null;
  await repos.customerUsers.insert({
    ...(row as unknown as Omit<NewCustomerUser, 'login'>),
    login: req.UserLogin, pw: passwordHash ?? null, valid_id: req.ValidID,
    create_time: now, create_by: changedBy, change_time: now, change_by: changedBy,
  });
  if (passwordHash) await repos.preferences.setCustomer(req.UserLogin, 'PasswordLastSet', now);
  await writeExtras(req.UserLogin);
  return req.UserLogin;
}

export interface CustomerUserSearchRequest {
  /** Map var -> pattern (exact, or with * wildcards), ANDed. */
  criteria: Partial<Record<'UserLogin' | CustomerUserField, string>>;
  valid: boolean;
  orderBy: Array<{ field: 'UserLogin' | CustomerUserField; direction: 'Up' | 'Down' }>;
  limit?: number;
}

/** CustomerSearchDetail semantics (contracts §6.6): case-insensitive, `*` wildcards, no implicit ones; default order login descending. */
export function customerUserSearch(repos: Repositories, req: CustomerUserSearchRequest): Promise<string[]> {
  const column = (f: string) => (f === 'UserLogin' ? 'login' : CUSTOMER_USER_MAP[f as CustomerUserField].column);
  const orderBy = req.orderBy.map((o) => ({ column: column(o.field), descending: o.direction === 'Down' }));
  if (!req.orderBy.some((o) => o.field === 'UserLogin')) orderBy.push({ column: 'login', descending: true });
  return repos.customerUsers.search({
    conditions: Object.entries(req.criteria).filter(([, v]) => v !== undefined && v !== '*').map(([f, v]) => ({ column: column(f), pattern: v! })),
    validOnly: req.valid,
    orderBy,
    limit: req.limit,
  });
}
