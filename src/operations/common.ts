// What every operation shares (OTRS Kernel::GenericInterface::Operation::Common): the error shape, the "is this
// a non-empty map" check, credentials in OTRS order, list normalisation, and request-shape validation with ajv.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { AuthenticatedUser } from '../domain/Auth.js';
import { DomainError } from '../domain/errors.js';
import { invalidValidID } from '../domain/Valid.js';
import type { Client, OperationResult, RequestData, RequestMap, Services } from './operation.js';

/**
 * OTRS ReturnError: the call "succeeds" and carries Data.Error (dialect §9), so the transport answers HTTP 200.
 * Codes are always `<Operation>.<Reason>` and messages `<Operation>: <text>`, built here and nowhere else.
 */
export function returnError(operation: string, reason: string, text: string): OperationResult {
  const ErrorCode = `${operation}.${reason}`;
  const ErrorMessage = `${operation}: ${text}`;
  return { Success: true, ErrorMessage: `${ErrorCode}: ${ErrorMessage}`, Data: { Error: { ErrorCode, ErrorMessage } } };
}

/** A map with at least one key (OTRS IsHashRefWithData). */
export function isHashRefWithData(v: RequestData | undefined): v is RequestMap {
  return v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0;
}

/** A scalar that Perl would call true: a non-empty string other than "0" (dialect §10.1). */
export function perlTrue(v: RequestData | undefined): string | undefined {
  return typeof v === 'string' && v !== '' && v !== '0' ? v : undefined;
}

/** Repetition is the only array signal on the wire (dialect §5.7): a single element arrives as a scalar. */
export function asList(v: RequestData | undefined): RequestData[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

export interface AuthOptions {
  /** Whether CustomerUserLogin is a credential (session operations) or a data field (OTRS 8 customer operations). */
  customerLogin: boolean;
}

/**
 * Authenticates the caller in OTRS order (Operation/Common.pm Auth, dialect §10.1): a non-empty SessionID decides
 * alone; then an AccessToken (OTRS 8); then UserLogin + Password (agent); then CustomerUserLogin + Password.
 */
export async function authenticate(s: Services, data: RequestMap, client: Client, opts: AuthOptions): Promise<AuthenticatedUser | null> {
  const sessionId = perlTrue(data.SessionID);
  if (sessionId) return (await s.sessions.user(sessionId, client)) ?? null;
  const token = perlTrue(data.AccessToken);
  if (token) return (await s.accessTokens.user(token, client)) ?? null;
  const password = perlTrue(data.Password);
  const login = perlTrue(data.UserLogin);
  if (login) return password ? s.auth.agent(login, password, client) : null;
  const customer = opts.customerLogin ? perlTrue(data.CustomerUserLogin) : undefined;
  if (customer) return password ? s.auth.customer(customer, password, client) : null;
  return null;
}

/**
 * Authentication, then the agent permission the customer administration needs (rw in one of `groups`):
 * the user, or the AuthFail / AccessDenied answer. Customers never administer customers.
 */
export async function authorizeAgent(s: Services, operation: string, data: RequestMap, client: Client, groups: string[], what: string): Promise<AuthenticatedUser | OperationResult> {
  const user = await authenticate(s, data, client, { customerLogin: false });
  if (!user) return returnError(operation, 'AuthFail', 'Authorization failing!');
  if (user.UserType !== 'User' || !(await s.auth.agentHasPermission(Number(user.UserID), groups))) {
    return returnError(operation, 'AccessDenied', `User does not have access to ${what}!`);
  }
  return user;
}

/** Runs the domain part of an operation: a broken domain rule becomes `<Operation>.<Reason>` (DomainError), anything else propagates. */
export async function withDomainErrors(operation: string, fn: () => Promise<OperationResult>): Promise<OperationResult> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof DomainError) return returnError(operation, e.reason, e.message);
    throw e;
  }
}

/** ValidID as sent: digits only, else InvalidValidID (whether it is 1..3 is the domain's rule). */
export function parseValidID(v: RequestData | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !/^[0-9]{1,9}$/.test(v)) throw invalidValidID(typeof v === 'string' ? v : '(a structure)');
  return Number(v);
}

export const isOperationResult = (v: AuthenticatedUser | OperationResult): v is OperationResult => 'Success' in v;

const ajv = new Ajv({ allErrors: false, strict: true });

/** Compiles a request schema once, at module load. */
export function compileSchema(schema: object): ValidateFunction {
  return ajv.compile(schema);
}

/** Runs a compiled schema; the first violation becomes an OTRS-style MissingParameter or InvalidParameter error. */
export function checkSchema(operation: string, validate: ValidateFunction, data: unknown): OperationResult | null {
  if (validate(data)) return null;
  const e = validate.errors![0];
  return e.keyword === 'required'
    ? returnError(operation, 'MissingParameter', `${fieldPath(e, (e.params as { missingProperty: string }).missingProperty)} parameter is missing!`)
    : returnError(operation, 'InvalidParameter', `Parameter ${fieldPath(e)} is invalid (${e.message})!`);
}

/** "/DynamicField/1/Name" -> "DynamicField[1]->Name", the way OTRS names nested parameters. */
function fieldPath(e: ErrorObject, leaf?: string): string {
  const parts = e.instancePath.split('/').filter(Boolean);
  if (leaf) parts.push(leaf);
  let out = '';
  for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : (out ? `->${p}` : p);
  return out || 'Data';
}

/** JSON-schema fragments for SOAP values: strings, or null for xsi:nil. */
export const stringOrNull = { type: ['string', 'null'] } as const;
