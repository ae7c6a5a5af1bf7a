// The OTRS operation contract (Kernel::GenericInterface::Operation): Run({ Data }) -> { Success, ErrorMessage, Data }.
// Operations see plain data and the calling client; never XML, HTTP or SQL.
import type { Config } from '../config.js';
import type { Storage } from '../storage/database.js';
import type { Auth, AuthenticatedUser } from '../domain/Auth.js';
import type { Sessions, SessionClient } from '../domain/Session.js';
import type { AccessTokens } from '../domain/AccessToken.js';
import type { PasswordHasher } from '../domain/Password.js';

/** Request data as the transport decoded it: strings, null (xsi:nil), maps and lists. */
export type RequestData = string | null | RequestMap | RequestData[];
export interface RequestMap { [name: string]: RequestData }

/** Response data: maps are written with sorted keys, lists by repetition, numbers as text. */
export type ResponseData = string | number | null | undefined | ResponseData[] | { [key: string]: ResponseData };

export interface OperationResult {
  Success: boolean;
  ErrorMessage?: string;
  Data: { [key: string]: ResponseData };
}

/**
 * Who sent the request. `caller` is set by authentication (common.authenticate) for what runs around the
 * operation: the answer is written for that caller (mapping/locale).
 */
export interface Client extends SessionClient { caller?: AuthenticatedUser }

export interface Operation {
  run(data: RequestData, client: Client): Promise<OperationResult>;
}

/** What operations are built with: configuration and the domain services. */
export interface Services {
  config: Config;
  storage: Storage;
  auth: Auth;
  sessions: Sessions;
  accessTokens: AccessTokens;
  passwords: PasswordHasher;
}

export type OperationClass = new (services: Services, name: string) => Operation;
