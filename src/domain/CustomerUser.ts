// Customer users: the record OTRS builds (CustomerUser.pm CustomerUserDataGet, contracts §6.3) and the update
// rules of OTRS 8's CustomerUserUpdate (§3.6): only the fields sent change, everything is checked before the
// first write, and the caller runs it inside one transaction.
import type { Repositories, CustomerUserRow, CustomerUserChanges } from '../storage/repositories.js';
import { dbTimestamp } from '../storage/time.js';
import { DomainError } from './errors.js';
import { checkEmail, type EmailCheckConfig } from './CheckItem.js';
import { prepareFieldValues, recordValue, resolveField } from './DynamicField.js';
import type { PasswordHasher } from './Password.js';

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

/** Keys that are part of the record itself and can never be set as preferences (CustomerUser/Preferences/DB.pm), plus the password bookkeeping. */
const PROTECTED_PREFERENCES = new Set([
  'UserID', 'UserLogin', 'UserPassword', 'UserFirstname', 'UserLastname', 'UserFullname', 'UserStreet', 'UserCity', 'UserZip',
  'UserCountry', 'UserComment', 'UserCustomerID', 'UserTitle', 'UserEmail', 'ChangeTime', 'ChangeBy', 'CreateTime', 'CreateBy',
  'UserPhone', 'UserMobile', 'UserFax', 'UserMailString', 'ValidID', 'UserLastLogin', 'UserLastLoginTimestamp',
  'PasswordLastSet', 'PasswordHistoryData', 'Source', 'UserLoginFailed',
]);
const PASSWORD_HISTORY_LENGTH = 10;

export interface RecordOptions { returnPasswordHashes: boolean }

export type CustomerUserRecord = Record<string, string | number | string[]>;

/** The full OTRS record of one customer user, or undefined. */
export async function customerUserDataGet(repos: Repositories, login: string, opts: RecordOptions): Promise<CustomerUserRecord | undefined> {
  const row = await repos.customerUserByLogin(login);
  return row ? buildRecord(repos, row, opts) : undefined;
}

async function buildRecord(repos: Repositories, row: CustomerUserRow, opts: RecordOptions): Promise<CustomerUserRecord> {
  const rec: CustomerUserRecord = {};
  // The company lies underneath: customer keys win (CustomerUser.pm merges company data first).
  const company = await repos.customerCompany(row.customer_id);
  rec.CustomerID = company?.customer_id ?? row.customer_id;
  if (company) {
    rec.CustomerCompanyName = company.name;
    rec.CustomerCompanyStreet = company.street ?? '';
    rec.CustomerCompanyZIP = company.zip ?? '';
    rec.CustomerCompanyCity = company.city ?? '';
    rec.CustomerCompanyCountry = company.country ?? '';
    rec.CustomerCompanyURL = company.url ?? '';
    rec.CustomerCompanyComment = company.comments ?? '';
    rec.CustomerCompanyValidID = company.valid_id;
    rec.CompanyString = `${company.customer_id} ${company.name}`;
  }
  for (const [key, spec] of Object.entries(CUSTOMER_USER_MAP)) {
    rec[key] = (row as unknown as Record<string, string | null>)[spec.column] ?? '';
  }
  rec.UserLogin = row.login;
  rec.UserID = row.login;
  rec.ValidID = row.valid_id;
  rec.Source = 'CustomerUser';
  rec.CreateTime = row.create_time;
  rec.CreateBy = row.create_by;
  rec.ChangeTime = row.change_time;
  rec.ChangeBy = row.change_by;
  // CustomerUserNameFields [title, first_name, last_name], joined by one space; the title is included.
  rec.UserFullname = [row.title, row.first_name, row.last_name].filter((v) => v).join(' ');
  // CustomerUserListFields [first_name, last_name, email]: a trailing address becomes "Name" <address>.
  const names = [row.first_name, row.last_name].filter((v) => v).join(' ');
  rec.UserMailString = row.email ? (names ? `"${names}" <${row.email}>` : row.email) : names;

  for (const p of await repos.customerPreferences(row.login)) {
    if (!(p.preferences_key in rec)) rec[p.preferences_key] = p.preferences_value ?? '';
  }
  if (rec.UserLastLogin) rec.UserLastLoginTimestamp = dbTimestamp(new Date(Number(rec.UserLastLogin) * 1000));
  if (opts.returnPasswordHashes) {
    rec.UserPassword = row.pw ?? '';
    const history = await repos.passwordHistory(OBJECT_TYPE, row.id);
    if (history.length > 0) rec.PasswordHistoryData = history;
  }

  const fields = await repos.dynamicFieldsOf(OBJECT_TYPE);
  if (fields.length > 0) {
    const values = await repos.dynamicFieldValues(OBJECT_TYPE, row.login);
    for (const f of fields) rec[`DynamicField_${f.name}`] = recordValue(f, values.filter((v) => v.field_id === f.id));
  }
  return rec;
}

export interface CustomerUserUpdateRequest {
  /** The current login of the customer user to change. */
  ID: string;
  /** New login (rename); absent or empty keeps the login. */
  CustomerUserLogin?: string;
  fields: Partial<Record<CustomerUserField, string | null>>;
  ValidID?: number;
  /** A new password; null removes it (the account can no longer log in); absent or '' keeps it. */
  UserPassword?: string | null;
  DynamicField?: Array<{ Name: string; Value: Array<string | null> }>;
  UserPreferences?: Array<{ Key: string; Value: string | null }>;
}

export interface CustomerUserPolicy extends EmailCheckConfig {
  customerUserEmailUniqCheck: boolean;
  dynamicFieldAutoCreate: boolean;
}

/** The stored key of a preference: OTRS 8 turns Key "TimeZone" into the record key UserTimeZone. */
export function preferenceKey(key: string): string {
  return key.startsWith('User') ? key : `User${key}`;
}

/**
 * The hash to store for UserPassword: null removes the password, absent or '' keeps it (OTRS ignores a false
 * password). Computed before the transaction, so a slow hash never holds the database.
 */
export async function newPasswordHash(password: string | null | undefined, passwords: PasswordHasher): Promise<string | null | undefined> {
  if (password === null) return null;
  return password === undefined || password === '' ? undefined : passwords.hash(password);
}

/**
 * Applies an update (passwordHash from newPasswordHash). Every check runs before the first write; the caller wraps this in a transaction, so a
 * failure (a DomainError or a database error) leaves nothing changed. Returns the login after the update.
 */
export async function customerUserUpdate(repos: Repositories, req: CustomerUserUpdateRequest, changedBy: number,
  policy: CustomerUserPolicy, passwordHash: string | null | undefined): Promise<string> {
  const row = await repos.customerUserByLogin(req.ID);
  if (!row) throw new DomainError('NotFound', `No customer user found with ID '${req.ID}'!`);

  const changes: CustomerUserChanges = {};
  for (const [key, value] of Object.entries(req.fields) as Array<[CustomerUserField, string | null]>) {
    const spec = CUSTOMER_USER_MAP[key];
    if (spec.required && (value === null || value === '')) throw new DomainError('InvalidParameter', `Parameter ${key} must not be empty!`);
    if (value !== null && [...value].length > spec.max) throw new DomainError('InvalidParameter', `Parameter ${key} is longer than ${spec.max} characters!`);
    (changes as Record<string, string | null>)[spec.column] = value;
  }

  let newLogin = row.login;
  if (req.CustomerUserLogin !== undefined && req.CustomerUserLogin !== '' && req.CustomerUserLogin !== row.login) {
    const login = req.CustomerUserLogin;
    if ([...login].length > 200 || /[\s\u0000-\u001f\u007f]/.test(login)) {
      throw new DomainError('InvalidParameter', 'Parameter CustomerUserLogin is invalid: at most 200 characters, no white space or control characters!');
    }
    if (await repos.customerUserLoginTaken(login, row.id)) throw new DomainError('LoginInUse', `A customer user with the login '${login}' already exists!`);
    newLogin = login;
    changes.login = login;
  }

  if (req.ValidID !== undefined) {
    if (![1, 2, 3].includes(req.ValidID)) throw new DomainError('InvalidValidID', `ValidID '${req.ValidID}' is invalid: it must be 1 (valid), 2 (invalid) or 3 (invalid-temporarily)!`);
    changes.valid_id = req.ValidID;
  }

  // E-mail syntax is checked only for valid records (CustomerUser/DB.pm), and here only when the address or
  // the validity is being changed, so that an update of other fields never fails on an address stored earlier.
  const email = req.fields.UserEmail ?? row.email;
  const validId = req.ValidID ?? row.valid_id;
  if (validId === 1 && (req.fields.UserEmail !== undefined || (req.ValidID !== undefined && req.ValidID !== row.valid_id))) {
    const reason = checkEmail(email, policy);
    if (reason) throw new DomainError('InvalidEmail', `Email address '${email}' is invalid (${reason})!`);
  }
  if (policy.customerUserEmailUniqCheck && req.fields.UserEmail && req.fields.UserEmail.toLowerCase() !== row.email.toLowerCase()
    && await repos.customerUserEmailTaken(req.fields.UserEmail, row.id)) {
    throw new DomainError('EmailInUse', `The email address '${req.fields.UserEmail}' is already in use for another customer user!`);
  }

  const fieldUpdates: Array<{ fieldId: number; rows: ReturnType<typeof prepareFieldValues> }> = [];
  const seenFields = new Set<string>();
  for (const df of req.DynamicField ?? []) {
    if (seenFields.has(df.Name)) throw new DomainError('InvalidParameter', `DynamicField ${df.Name} is given more than once!`);
    seenFields.add(df.Name);
    const field = await resolveField(repos, df.Name, OBJECT_TYPE, policy.dynamicFieldAutoCreate, changedBy);
    fieldUpdates.push({ fieldId: field.id, rows: prepareFieldValues(field, df.Value) });
  }

  const preferenceUpdates = new Map<string, string | null>();
  for (const p of req.UserPreferences ?? []) {
    const key = preferenceKey(p.Key);
    if (!/^[A-Za-z_][A-Za-z0-9_.-]{0,149}$/.test(key)) throw new DomainError('InvalidParameter', `UserPreferences Key '${p.Key}' is invalid: letters, digits, '_', '.', '-' only, at most 150 characters!`);
    if (PROTECTED_PREFERENCES.has(key)) throw new DomainError('InvalidParameter', `UserPreferences Key '${p.Key}' cannot be set as a preference!`);
    if (p.Value !== null && [...p.Value].length > 250) throw new DomainError('InvalidParameter', `UserPreferences ${p.Key}: the value is longer than 250 characters!`);
    if (preferenceUpdates.has(key)) throw new DomainError('InvalidParameter', `UserPreferences Key '${p.Key}' is given more than once!`);
    preferenceUpdates.set(key, p.Value);
  }

  // --- writes ---
  const now = dbTimestamp();
  if (passwordHash !== undefined) changes.pw = passwordHash;
  await repos.updateCustomerUser(row.id, { ...changes, change_time: now, change_by: changedBy });
  if (newLogin !== row.login) {
    await repos.renameCustomerPreferences(row.login, newLogin);
    await repos.renameDynamicFieldObject(OBJECT_TYPE, row.login, newLogin);
  }
  if (passwordHash !== undefined && row.pw) await repos.addPasswordHistory(OBJECT_TYPE, row.id, row.pw, now, PASSWORD_HISTORY_LENGTH);
  if (passwordHash) await repos.setCustomerPreference(newLogin, 'PasswordLastSet', now);
  for (const u of fieldUpdates) await repos.setDynamicFieldValues(u.fieldId, OBJECT_TYPE, newLogin, u.rows);
  for (const [key, value] of preferenceUpdates) await repos.setCustomerPreference(newLogin, key, value);
  return newLogin;
}

