// Validity (OTRS Kernel::System::Valid): 1 valid, 2 invalid, 3 invalid-temporarily; nothing else.
import { DomainError } from './errors.js';

export const VALID_IDS = [1, 2, 3];

export function invalidValidID(shown: string): DomainError {
  return new DomainError('InvalidValidID', `ValidID '${shown}' is invalid: it must be 1 (valid), 2 (invalid) or 3 (invalid-temporarily)!`);
}

export function checkValidID(validId: number): void {
  if (!VALID_IDS.includes(validId)) throw invalidValidID(String(validId));
}
