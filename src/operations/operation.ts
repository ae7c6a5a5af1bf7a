// The OTRS operation contract (Kernel::GenericInterface::Operation): Run({ Data }) -> { Success, ErrorMessage, Data }.
// Operations see plain data and the calling client; never XML, HTTP or SQL.
import type { Config } from '../config.js';
import type { Storage } from '../storage/database.js';
import type { Auth, AuthenticatedUser } from '../domain/Auth.js';
import type { Sessions, SessionClient } from '../domain/Session.js';
import type { AccessTokens } from '../domain/AccessToken.js';
import type { PasswordHasher } from '../domain/Password.js';

import type { RequestData, ResponseMap } from '../transport/data.js';
export type { RequestData, RequestMap, ResponseData } from '../transport/data.js';

export interface OperationResult {
  Success: boolean;
  ErrorMessage?: string;
  Data: ResponseMap;
  /** Who the operation authenticated: the answer is written for that caller (mapping/locale). Never sent. */
  Caller?: AuthenticatedUser;
}

/** Who sent the request, as sessions and the login throttle see it. */
export type Client = SessionClient;

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
