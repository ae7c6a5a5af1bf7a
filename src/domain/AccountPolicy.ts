// Account lifecycle and policy rules (issue 5; the capabilities of Wordbee's UpdatePerson, in OTRS words):
// an account becomes valid only when it can log in, valid accounts are limited by a licence pool, passwords
// follow OTRS's PreferencesGroups###Password settings (which OTRS itself applies only in its preferences
// screen; here they guard every password set through the API), and logins have a minimum length.
// Every rule throws a DomainError with its own reason, before anything is written.
import type { Repositories } from '../storage/repositories.js';
import { DomainError } from './errors.js';
import type { PasswordHasher } from './Password.js';

export interface PasswordPolicy {
  passwordMinSize: number;
  passwordMin2Lower2UpperCharacters: boolean;
  passwordNeedDigit: boolean;
  passwordRegExp: string;
  passwordHistory: number;
}

/** Checks a new password against the policy; `previous` are the hashes it must not repeat (current first). */
export async function checkPassword(password: string, previous: string[], policy: PasswordPolicy, passwords: PasswordHasher): Promise<void> {
  if (policy.passwordRegExp && !new RegExp(policy.passwordRegExp).test(password)) {
    throw new DomainError('PasswordForbidden', 'This password is forbidden by the current system configuration!');
  }
  if ([...password].length < policy.passwordMinSize) {
    throw new DomainError('PasswordTooShort', `The password must be at least ${policy.passwordMinSize} characters long!`);
  }
  if (policy.passwordMin2Lower2UpperCharacters && ((password.match(/[A-Z]/g) ?? []).length < 2 || (password.match(/[a-z]/g) ?? []).length < 2)) {
    throw new DomainError('PasswordNeedsMixedCase', 'The password must contain at least 2 lowercase and 2 uppercase letter characters!');
  }
  if (policy.passwordNeedDigit && !/[0-9]/.test(password)) {
    throw new DomainError('PasswordNeedsDigit', 'The password must contain at least 1 digit!');
  }
  for (const hash of previous.slice(0, policy.passwordHistory)) {
    if ((await passwords.verify(hash, password)).ok) {
      throw new DomainError('PasswordReused', `The password must differ from the last ${policy.passwordHistory} passwords!`);
    }
  }
}

export function checkLoginLength(login: string, min: number): void {
  if ([...login].length < min) throw new DomainError('LoginTooShort', `The login must be at least ${min} characters long!`);
}

/**
 * ACCOUNT_ACTIVATION: `otrs` (the default) keeps OTRS's rules, under which any account may be valid (a customer
 * user added without a password cannot log in, CustomerUser/DB.pm; an agent gets a random one, User.pm);
 * `strict` lets an account become valid only when it can log in (issue 5).
 */
export interface ActivationPolicy { accountActivation: 'otrs' | 'strict' }

export const strictActivation = (policy: ActivationPolicy) => policy.accountActivation === 'strict';

/**
 * Under the strict policy an account may only become valid when it can log in: it has a login and a password
 * and, for a customer user, belongs to an existing company. `missing` lists what is not there.
 */
export function checkActivation(kind: string, missing: string[]): void {
  if (missing.length > 0) throw new DomainError('CannotActivate', `The ${kind} cannot be made valid: ${missing.join('; ')}!`);
}

export type LicencePool = 'customer user' | 'agent';

/** Making one more account valid must stay within the pool; `max` 0 means no limit. */
export async function checkLicence(repos: Repositories, pool: LicencePool, max: number): Promise<void> {
  if (max <= 0) return;
  const inUse = pool === 'customer user' ? await repos.customerUsers.countValid() : await repos.agents.countValid();
  if (inUse >= max) {
    throw new DomainError('LicenceExceeded', `${inUse} of ${max} ${pool} licences are in use: make another ${pool} invalid first!`);
  }
}
