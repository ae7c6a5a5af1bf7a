// Configuration: environment variables, optionally a JSON file named by CONFIG_FILE (same keys). Every limit
// has a safe default here, and docs/configuration.md lists them all.
import type { LicenceModule } from './domain/User.js';
import { readFileSync } from 'node:fs';
import type { LoginThrottleConfig } from './domain/LoginThrottle.js';
import type { PasswordHashFormat } from './domain/Password.js';

/** LoginThrottleConfig: the failed-login throttling settings, described where they are used. */
export interface Config extends LoginThrottleConfig {
  port: number;
  host: string;
  databaseUrl: string;
  demoData: boolean;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Default MaxLength for web services that do not set one (bytes). */
  maxLength: number;
  xmlMaxDepth: number;
  xmlMaxElements: number;
  xmlMaxAttributes: number;
  xmlMaxTextLength: number;
  /** Hostile XML: the largest array size a soapenc:arrayType may declare, and the namespace declarations in scope at once. */
  xmlMaxArraySize: number;
  xmlMaxNamespaceDeclarations: number;
  keepAlive: boolean;
  keepAliveTimeoutMs: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  maxConnections: number;
  /** Connections one client address may hold at once (below maxConnections, so one client cannot take them all). */
  maxConnectionsPerClient: number;
  /** Requests served on one kept-alive connection before it is closed (0: no limit). */
  maxRequestsPerSocket: number;
  /** What an unknown web service gets: 'close' (OTRS: the connection closes with no bytes) or '500'. */
  unknownWebserviceResponse: 'close' | '500';
  sessionMaxIdleTime: number;
  sessionMaxTime: number;
  sessionCheckRemoteIP: boolean;
  accessTokenMaxTime: number;
  accessTokenCheckRemoteIP: boolean;
  /** Groups in which an agent needs rw to change customer users. */
  customerUserAdminGroups: string[];
  checkEmailAddresses: boolean;
  checkEmailValidAddress: string;
  checkEmailInvalidAddress: string;
  customerUserEmailUniqCheck: boolean;
  dynamicFieldAutoCreate: boolean;
  returnPasswordHashes: boolean;
  argon2MemoryKiB: number;
  argon2TimeCost: number;
  /** The imported OTRS database used CryptType 'plain' (passwords stored as they are). */
  legacyPasswordPlain: boolean;
  /** New password hashes: argon2id, or OTRS's bcrypt form; unset: argon2id, but otrs-bcrypt on an existing OTRS database. */
  passwordHashFormat: PasswordHashFormat | undefined;
  /** Successful password verifications remembered this long (0: off), at most this many. */
  passwordCacheSeconds: number;
  passwordCacheMaxEntries: number;
  sqliteSynchronous: 'NORMAL' | 'FULL';
  /** PostgreSQL (DATABASE_URL postgres://...): connections per instance, statement time-out, connect time-out, retries of units PostgreSQL could not serialize. */
  postgresPoolSize: number;
  postgresStatementTimeoutMs: number;
  postgresConnectTimeoutMs: number;
  postgresSerializationRetries: number;
  /** How long a process trusts cached sessions, field definitions and agent groups that others may change. */
  cacheTtlMs: number;
  /** Licence pools: at most this many valid customer users / agents (0: no limit). */
  customerUserMaxValid: number;
  agentMaxValid: number;
  /** Password policy (OTRS PreferencesGroups###Password keys), applied to every password set through the API. */
  passwordMinSize: number;
  passwordMin2Lower2UpperCharacters: boolean;
  passwordNeedDigit: boolean;
  passwordRegExp: string;
  passwordHistory: number;
  passwordMaxValidTimeInDays: number;
  passwordMaxLoginFailed: number;
  /** SIGTERM: requests in flight get this long to finish before the process exits anyway. */
  shutdownTimeoutMs: number;
  /** Minimum length of a customer-user login (OTRS has none: 0). */
  loginMinLength: number;
  checkMXRecord: boolean;
  /** OTRS CustomerUserNameFields: the columns UserFullname is built from, in order. */
  customerUserNameFields: string[];
  /** OTRSTimeZone: the zone of CreateTime/ChangeTime and every stored timestamp. */
  otrsTimeZone: string;
  /** Whether an answer's times follow the caller's UserTimeZone preference when the request names no TimeZone. */
  timeZoneFromPreference: boolean;
  /** OTRS FirstnameLastnameOrder (0-9): how an agent's UserFullname is written. */
  firstnameLastnameOrder: number;
  /** Groups in which `rw` lets an agent manage agents (OTRS Frontend::Module###AdminUser: admin). */
  userAdminGroups: string[];
  /** Licence modules agents can be given, each with its Total (LICENCE_MODULES=name:total,...). */
  licenceModules: LicenceModule[];
  /** Agents made by UserAdd wait, invalid, until an agent of userApproverGroups approves them. */
  userAddNeedsApproval: boolean;
  userApproverGroups: string[];
  /** Field rights: `<Object>.<Field>` -> groups in which rw lets an agent change it (FIELD_RIGHTS); others may. */
  fieldRights: Record<string, string[]>;
  /**
   * Bounds on one request's work and answer (issue 15.7): DynamicField entries in one request, fields one request
   * may create, fields per object type for auto-creation, ids named in one Get, and the size of one Get answer.
   */
  dynamicFieldMaxEntries: number;
  dynamicFieldMaxCreate: number;
  dynamicFieldMaxPerObject: number;
  getMaxIds: number;
  responseMaxBytes: number;
  /** UserPreferences entries one customer-user create or update may carry. */
  preferencesMaxEntries: number;
  /** Customer add-on forms and search bounds (issue 15): ACCOUNT_ACTIVATION otrs (OTRS's rules: any account may be
   * valid) or strict (valid only with a password and, for a customer user, an existing company); the longest search
   * pattern and the most values of one search parameter. */
  accountActivation: 'otrs' | 'strict';
  searchMaxPatternLength: number;
  searchMaxValues: number;
  /** Operator: extra web service definitions (WEBSERVICE_FILES, comma-separated *.webservice.json paths). */
  webserviceFiles: string[];
  // Web service names and the warnings about wrong ones (issue 15): other names of a web service (OTRS's
  // documentation samples call the default GenericTicketConnector), and how often an unknown name is logged.
  /** WEBSERVICE_ALIASES: [alias, web service name] pairs. */
  webserviceAliases: Array<[string, string]>;
  /** One warning per unknown web service name (or unknown operation of a web service) per this many seconds (0: none). */
  unknownNameWarnIntervalSeconds: number;
  /** Distinct unknown names remembered for that; past it, new names are not logged until old ones expire. */
  unknownNameWarnMaxNames: number;
}

/** `alias:name,...`; set but empty: no aliases. */
function webserviceAliases(src: Source, key: string, dflt: string): Array<[string, string]> {
  const v = src[key] ?? dflt;
  return v.split(',').map((s) => s.trim()).filter(Boolean).map((entry) => {
    const m = /^([^:/?]+):([^:/?]+)$/.exec(entry);
    if (!m) throw new Error(`Configuration ${key}=${v}: '${entry}' is not <alias>:<web service name>`);
    return [m[1].trim(), m[2].trim()];
  });
}

function fieldRights(src: Source, key: string): Record<string, string[]> {
  const v = str(src, key, '');
  const rights: Record<string, string[]> = {};
  for (const entry of v.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^((?:CustomerUser|User)\.[A-Za-z][A-Za-z0-9_]*):([^:|]+(?:\|[^:|]+)*)$/.exec(entry);
    if (!m) throw new Error(`Configuration ${key}=${v}: '${entry}' is not <CustomerUser|User>.<Field>:<group>[|<group>...]`);
    rights[m[1]] = m[2].split('|').map((g) => g.trim());
  }
  return rights;
}


function licenceModules(src: Source, key: string): LicenceModule[] {
  const v = str(src, key, '');
  const modules = v.split(',').map((s) => s.trim()).filter(Boolean).map((entry) => {
    const m = /^([A-Za-z0-9][A-Za-z0-9_.-]{0,99}):([0-9]{1,9})$/.exec(entry);
    if (!m) throw new Error(`Configuration ${key}=${v}: '${entry}' is not name:total (e.g. reporting:5)`);
    return { Module: m[1], Total: Number(m[2]) };
  });
  if (new Set(modules.map((m) => m.Module)).size !== modules.length) throw new Error(`Configuration ${key}=${v} names a module twice`);
  return modules;
}

type Source = Record<string, string | undefined>;

function accountActivation(v: string): Config['accountActivation'] {
  if (v !== 'otrs' && v !== 'strict') throw new Error(`ACCOUNT_ACTIVATION=${v} is not otrs or strict`);
  return v;
}

function hashFormat(v: string): PasswordHashFormat | undefined {
  if (v === '') return undefined;
  if (v !== 'argon2id' && v !== 'otrs-bcrypt') throw new Error(`PASSWORD_HASH_FORMAT=${v} is not argon2id or otrs-bcrypt`);
  return v;
}

function int(src: Source, key: string, dflt: number, min = 0): number {
  const v = src[key];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`Configuration ${key}=${v} is not an integer >= ${min}`);
  return n;
}

function bool(src: Source, key: string, dflt: boolean): boolean {
  const v = src[key];
  if (v === undefined || v === '') return dflt;
  if (/^(1|true|yes|on)$/i.test(v)) return true;
  if (/^(0|false|no|off)$/i.test(v)) return false;
  throw new Error(`Configuration ${key}=${v} is not a boolean (1/0)`);
}

function str(src: Source, key: string, dflt: string): string {
  const v = src[key];
  return v === undefined || v === '' ? dflt : v;
}

/** A pattern setting: set but empty turns the check off, as an empty OTRS SysConfig pattern does. */
function pattern(src: Source, key: string, dflt: string): string {
  const v = src[key];
  if (v === undefined) return dflt;
  try { new RegExp(v); } catch { throw new Error(`Configuration ${key}=${v} is not a valid regular expression`); }
  return v;
}

function timeZoneName(v: string): string {
  try { new Intl.DateTimeFormat('en', { timeZone: v }); } catch { throw new Error(`OTRS_TIME_ZONE=${v} is not a known time zone`); }
  return v;
}

function nameFields(v: string): string[] {
  const fields = v.split(',').map((f) => f.trim()).filter(Boolean);
  const allowed = ['title', 'first_name', 'last_name', 'login', 'email', 'customer_id'];
  const bad = fields.filter((f) => !allowed.includes(f));
  if (bad.length > 0 || fields.length === 0) throw new Error(`CUSTOMER_USER_NAME_FIELDS=${v}: use columns of ${allowed.join(', ')}`);
  return fields;
}

/** The settings of CONFIG_FILE as strings, like environment variables; every problem names the file. */
function readConfigFile(path: string): Source {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch (e) {
    throw new Error(`CONFIG_FILE ${path} cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let file: unknown;
  try { file = JSON.parse(text); } catch (e) {
    throw new Error(`CONFIG_FILE ${path} is not valid JSON: ${(e as Error).message}`);
  }
  if (file === null || typeof file !== 'object' || Array.isArray(file)) {
    throw new Error(`CONFIG_FILE ${path} must hold one JSON object of settings ({"PORT": 8080, ...})`);
  }
  const settings: Source = {};
  for (const [key, value] of Object.entries(file)) {
    if (value === null) continue;
    if (!['string', 'number', 'boolean'].includes(typeof value)) throw new Error(`CONFIG_FILE ${path}: ${key} must be a string, a number or a boolean`);
    settings[key] = typeof value === 'boolean' ? (value ? '1' : '0') : String(value);
  }
  return settings;
}

/** Edit distance, for naming the setting a misspelt key meant. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
}

export function nearest(key: string, known: Iterable<string>): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const name of known) {
    const d = distance(key.toUpperCase(), name);
    if (!best || d < best.d) best = { name, d };
  }
  return best && best.d <= Math.max(2, Math.floor(key.length / 3)) ? best.name : undefined;
}

/**
 * The configuration from the environment and CONFIG_FILE. A key in the file that no setting reads is refused (a
 * misspelt key would otherwise be ignored silently): the keys known are exactly those buildConfig reads, so a
 * new setting needs no second list. (Every setting is read on every load, whatever the others say.)
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  if (!env.CONFIG_FILE) return buildConfig({ ...env });
  const file = readConfigFile(env.CONFIG_FILE);
  const read = new Set<string>();
  // The environment wins over the file, so one setting can be overridden for one run.
  const src = new Proxy<Source>({ ...file, ...env }, { get: (target, key: string) => { read.add(key); return target[key]; } });
  const config = buildConfig(src);
  for (const key of Object.keys(file)) {
    if (read.has(key)) continue;
    const meant = nearest(key, read);
    throw new Error(`CONFIG_FILE ${env.CONFIG_FILE}: unknown setting ${key}${meant ? ` (did you mean ${meant}?)` : ''}`);
  }
  return config;
}

function buildConfig(src: Source): Config {
  const logLevel = str(src, 'LOG_LEVEL', 'info');
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) throw new Error(`LOG_LEVEL=${logLevel} is not debug|info|warn|error`);
  const unknown = str(src, 'UNKNOWN_WEBSERVICE_RESPONSE', 'close');
  if (unknown !== 'close' && unknown !== '500') throw new Error('UNKNOWN_WEBSERVICE_RESPONSE must be close or 500');
  const sync = str(src, 'SQLITE_SYNCHRONOUS', 'FULL').toUpperCase();
  if (sync !== 'NORMAL' && sync !== 'FULL') throw new Error('SQLITE_SYNCHRONOUS must be NORMAL or FULL');
  return {
    port: int(src, 'PORT', 8080),
    host: str(src, 'HOST', '0.0.0.0'),
    databaseUrl: str(src, 'DATABASE_URL', 'var/otrs-gi.sqlite'),
    demoData: bool(src, 'DEMO_DATA', true),
    logLevel: logLevel as Config['logLevel'],
    maxLength: int(src, 'MAX_LENGTH', 20 * 1024 * 1024, 1),
    xmlMaxDepth: int(src, 'XML_MAX_DEPTH', 64, 4),
    xmlMaxElements: int(src, 'XML_MAX_ELEMENTS', 100_000, 1),
    xmlMaxAttributes: int(src, 'XML_MAX_ATTRIBUTES', 64, 1),
    xmlMaxTextLength: int(src, 'XML_MAX_TEXT_LENGTH', 10 * 1024 * 1024, 1),
    // Hostile XML: declared array sizes and namespace declarations in scope.
    xmlMaxArraySize: int(src, 'XML_MAX_ARRAY_SIZE', 10_000, 1),
    xmlMaxNamespaceDeclarations: int(src, 'XML_MAX_NAMESPACE_DECLARATIONS', 256, 8),
    keepAlive: bool(src, 'KEEP_ALIVE', true),
    keepAliveTimeoutMs: int(src, 'KEEP_ALIVE_TIMEOUT_MS', 5000, 1),
    headersTimeoutMs: int(src, 'HEADERS_TIMEOUT_MS', 10_000, 1),
    requestTimeoutMs: int(src, 'REQUEST_TIMEOUT_MS', 30_000, 1),
    maxConnections: int(src, 'MAX_CONNECTIONS', 1024, 1),
    maxConnectionsPerClient: int(src, 'MAX_CONNECTIONS_PER_CLIENT', 256, 1),
    maxRequestsPerSocket: int(src, 'MAX_REQUESTS_PER_SOCKET', 1000),
    unknownWebserviceResponse: unknown,
    sessionMaxIdleTime: int(src, 'SESSION_MAX_IDLE_TIME', 7200, 1),
    sessionMaxTime: int(src, 'SESSION_MAX_TIME', 57600, 1),
    sessionCheckRemoteIP: bool(src, 'SESSION_CHECK_REMOTE_IP', true),
    accessTokenMaxTime: int(src, 'ACCESS_TOKEN_MAX_TIME', 7200, 1),
    accessTokenCheckRemoteIP: bool(src, 'ACCESS_TOKEN_CHECK_REMOTE_IP', false),
    customerUserAdminGroups: str(src, 'CUSTOMER_USER_ADMIN_GROUPS', 'admin,users').split(',').map((s) => s.trim()).filter(Boolean),
    checkEmailAddresses: bool(src, 'CHECK_EMAIL_ADDRESSES', true),
    checkEmailValidAddress: pattern(src, 'CHECK_EMAIL_VALID_ADDRESS', '^(root@localhost|admin@localhost)$'),
    checkEmailInvalidAddress: pattern(src, 'CHECK_EMAIL_INVALID_ADDRESS', '@(example)\\.(..|...)$'),
    customerUserEmailUniqCheck: bool(src, 'CUSTOMER_USER_EMAIL_UNIQ_CHECK', true),
    dynamicFieldAutoCreate: bool(src, 'DYNAMIC_FIELD_AUTO_CREATE', true),
    returnPasswordHashes: bool(src, 'RETURN_PASSWORD_HASHES', false),
    argon2MemoryKiB: int(src, 'ARGON2_MEMORY_KIB', 19456, 1024),
    argon2TimeCost: int(src, 'ARGON2_TIME_COST', 2, 1),
    legacyPasswordPlain: bool(src, 'LEGACY_PASSWORD_PLAIN', false),
    passwordHashFormat: hashFormat(str(src, 'PASSWORD_HASH_FORMAT', '')),
    passwordCacheSeconds: int(src, 'PASSWORD_CACHE_SECONDS', 60),
    passwordCacheMaxEntries: int(src, 'PASSWORD_CACHE_MAX_ENTRIES', 10_000, 1),
    sqliteSynchronous: sync,
    postgresPoolSize: int(src, 'POSTGRES_POOL_SIZE', 10, 1),
    postgresStatementTimeoutMs: int(src, 'POSTGRES_STATEMENT_TIMEOUT_MS', 30_000),
    postgresConnectTimeoutMs: int(src, 'POSTGRES_CONNECT_TIMEOUT_MS', 10_000, 1),
    postgresSerializationRetries: int(src, 'POSTGRES_SERIALIZATION_RETRIES', 20),
    cacheTtlMs: int(src, 'CACHE_TTL_MS', 5000),
    customerUserMaxValid: int(src, 'CUSTOMER_USER_MAX_VALID', 0),
    agentMaxValid: int(src, 'AGENT_MAX_VALID', 0),
    passwordMinSize: int(src, 'PASSWORD_MIN_SIZE', 0),
    passwordMin2Lower2UpperCharacters: bool(src, 'PASSWORD_MIN_2_LOWER_2_UPPER_CHARACTERS', false),
    passwordNeedDigit: bool(src, 'PASSWORD_NEED_DIGIT', false),
    passwordRegExp: pattern(src, 'PASSWORD_REGEXP', ''),
    passwordHistory: int(src, 'PASSWORD_HISTORY', 0),
    passwordMaxValidTimeInDays: int(src, 'PASSWORD_MAX_VALID_TIME_IN_DAYS', 0),
    passwordMaxLoginFailed: int(src, 'PASSWORD_MAX_LOGIN_FAILED', 0),
    loginFailuresAllowed: int(src, 'LOGIN_FAILURES_ALLOWED', 5),
    loginFailuresPerClient: int(src, 'LOGIN_FAILURES_PER_CLIENT', 100),
    loginFailureWindowSeconds: int(src, 'LOGIN_FAILURE_WINDOW', 300, 1),
    loginDelayMs: int(src, 'LOGIN_DELAY_MS', 1000, 1),
    loginMaxDelayMs: int(src, 'LOGIN_MAX_DELAY_MS', 300_000, 1),
    loginThrottleMaxEntries: int(src, 'LOGIN_THROTTLE_MAX_ENTRIES', 100_000, 1),
    shutdownTimeoutMs: int(src, 'SHUTDOWN_TIMEOUT_MS', 10_000, 1),
    loginMinLength: int(src, 'LOGIN_MIN_LENGTH', 0),
    checkMXRecord: bool(src, 'CHECK_MX_RECORD', false),
    customerUserNameFields: nameFields(str(src, 'CUSTOMER_USER_NAME_FIELDS', 'title,first_name,last_name')),
    otrsTimeZone: timeZoneName(str(src, 'OTRS_TIME_ZONE', 'UTC')),
    timeZoneFromPreference: bool(src, 'TIME_ZONE_FROM_PREFERENCE', true),
    firstnameLastnameOrder: Math.min(int(src, 'FIRSTNAME_LASTNAME_ORDER', 0), 9),
    userAdminGroups: str(src, 'USER_ADMIN_GROUPS', 'admin').split(',').map((s) => s.trim()).filter(Boolean),
    licenceModules: licenceModules(src, 'LICENCE_MODULES'),
    userAddNeedsApproval: bool(src, 'USER_ADD_APPROVAL', false),
    userApproverGroups: str(src, 'USER_APPROVER_GROUPS', 'admin').split(',').map((s) => s.trim()).filter(Boolean),
    fieldRights: fieldRights(src, 'FIELD_RIGHTS'),
    // Customer add-on forms and search bounds (issue 15).
    accountActivation: accountActivation(str(src, 'ACCOUNT_ACTIVATION', 'otrs')),
    searchMaxPatternLength: int(src, 'SEARCH_MAX_PATTERN_LENGTH', 250, 1),
    searchMaxValues: int(src, 'SEARCH_MAX_VALUES', 1000, 1),
    // Operator: extra web service definitions.
    webserviceFiles: str(src, 'WEBSERVICE_FILES', '').split(',').map((s) => s.trim()).filter(Boolean),
    // Web service names and the warnings about wrong ones (issue 15).
    webserviceAliases: webserviceAliases(src, 'WEBSERVICE_ALIASES', 'GenericTicketConnector:GenericTicketConnectorSOAP'),
    unknownNameWarnIntervalSeconds: int(src, 'UNKNOWN_NAME_WARN_INTERVAL', 60),
    unknownNameWarnMaxNames: int(src, 'UNKNOWN_NAME_WARN_MAX_NAMES', 1000, 1),
    // Bounds on one request's work and answer (issue 15.7).
    dynamicFieldMaxEntries: int(src, 'DYNAMIC_FIELD_MAX_ENTRIES', 1000, 1),
    dynamicFieldMaxCreate: int(src, 'DYNAMIC_FIELD_MAX_CREATE', 100),
    dynamicFieldMaxPerObject: int(src, 'DYNAMIC_FIELD_MAX_PER_OBJECT', 1000),
    getMaxIds: int(src, 'GET_MAX_IDS', 1000, 1),
    responseMaxBytes: int(src, 'RESPONSE_MAX_BYTES', 4 * 1024 * 1024, 1024),
    preferencesMaxEntries: int(src, 'PREFERENCES_MAX_ENTRIES', 100, 1),
  };
}
