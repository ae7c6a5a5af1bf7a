// What the search operations share (issue 15): the request forms of the two public customer add-ons, and bounds
// on every search input. The GIExtension add-on (contracts §3.5, §4.4) sends its criteria in a `Search` map and
// answers its list as `CustomerUser` / `CustomerCompany`; otrs-gi-customer-operation sends them in `SearchDetail`
// and answers `CustomerUserIDs` / `CustomerIDs`. Both hand the map to OTRS's CustomerSearchDetail /
// CustomerCompanySearchDetail, so its keys are the backend's: map field names, Valid, Limit, OrderBy (fields) and
// OrderByDirection. A key that is not understood is InvalidParameter: ignoring a criterion returns everything.
import type { Config } from '../config.js';
import { asList, isHashRefWithData, returnError } from './common.js';
import type { OperationResult, RequestData, RequestMap } from './operation.js';

export type SearchForm = 'OTRS' | 'GIExtension' | 'GenericCustomerOperation';

/** Top-level keys every form may carry beside its criteria: the caller's credentials and the locale keys. */
export const REQUEST_KEYS = new Set(['SessionID', 'AccessToken', 'UserLogin', 'Password', 'TimeZone', 'Language']);

/** Backend search keys this server does not implement: refused by name rather than ignored. */
const UNSUPPORTED = /^(DynamicField_.+|CustomerCompanySearchCustomerIDs|ExcludeUserLogins|Result|CustomerUserOnly)$/;

export interface SearchRequest { form: SearchForm; criteria: RequestMap }

/**
 * The criteria of a search request, in whichever form it came: the flat OTRS 8 form (the request itself, less
 * credentials), the GIExtension form (`Search`, or the `nestedName` map its documentation shows, or both), or
 * the `SearchDetail` form. Mixing a nested form with flat criteria is refused, not guessed at.
 */
export function searchRequest(op: string, data: RequestMap, nestedName: string): SearchRequest | OperationResult {
  const nested = (['Search', nestedName, 'SearchDetail'] as const).filter((k) => data[k] !== undefined);
  if (nested.length === 0) {
    const criteria: RequestMap = {};
    for (const [k, v] of Object.entries(data)) if (!REQUEST_KEYS.has(k)) criteria[k] = v;
    return { form: 'OTRS', criteria };
  }
  const form: SearchForm = nested.includes('SearchDetail') ? 'GenericCustomerOperation' : 'GIExtension';
  const criteria: RequestMap = {};
  for (const key of nested) {
    const map = data[key];
    if (!isHashRefWithData(map)) return returnError(op, 'MissingParameter', `${key} parameter is missing or not valid!`);
    for (const [k, v] of Object.entries(map)) {
      // The add-ons trim scalar criteria (GIExtension, otrs-gi-customer-operation alike).
      const value = typeof v === 'string' ? v.trim() : v;
      if (criteria[k] !== undefined && JSON.stringify(criteria[k]) !== JSON.stringify(value)) {
        return returnError(op, 'InvalidParameter', `Parameter ${k} is given twice with different values!`);
      }
      criteria[k] = value;
    }
  }
  const beside = Object.keys(data).filter((k) => !REQUEST_KEYS.has(k) && !nested.includes(k as never));
  if (beside.length > 0) return returnError(op, 'InvalidParameter', `Parameter ${beside[0]} is not a search parameter beside ${nested[0]}!`);
  if (form === 'GenericCustomerOperation' && nested.length > 1) return returnError(op, 'InvalidParameter', `Parameter SearchDetail is not a search parameter beside ${nested.find((k) => k !== 'SearchDetail')}!`);
  return { form, criteria };
}

/** The first criterion key not in `known`, as InvalidParameter (a backend key this server lacks says so). */
export function unknownCriterion(op: string, criteria: RequestMap, known: Set<string>): OperationResult | null {
  for (const k of Object.keys(criteria)) {
    if (known.has(k)) continue;
    return UNSUPPORTED.test(k)
      ? returnError(op, 'InvalidParameter', `Search parameter ${k} is not supported by this server!`)
      : returnError(op, 'InvalidParameter', `Search parameter ${k} is unknown!`);
  }
  return null;
}

/**
 * Bounds on search inputs (SEARCH_MAX_PATTERN_LENGTH, SEARCH_MAX_VALUES), checked before any query is built:
 * SQLite refuses LIKE patterns over 50,000 bytes, and thousands of values or sort keys overflow the query
 * builder's stack. The answer names the limit, so a caller knows what to change.
 */
export function checkSearchBounds(op: string, criteria: RequestMap, config: Pick<Config, 'searchMaxPatternLength' | 'searchMaxValues'>): OperationResult | null {
  for (const [k, v] of Object.entries(criteria)) {
    const values = asList(v);
    if (values.length > config.searchMaxValues) {
      return returnError(op, 'InvalidParameter', `Parameter ${k} has more than ${config.searchMaxValues} values (SEARCH_MAX_VALUES)!`);
    }
    for (const value of values) {
      if (typeof value === 'string' && tooLong(value, config.searchMaxPatternLength)) {
        return returnError(op, 'InvalidParameter', `Parameter ${k} is longer than ${config.searchMaxPatternLength} characters (SEARCH_MAX_PATTERN_LENGTH)!`);
      }
    }
  }
  return null;
}

/** Characters (code points) beyond `max`, counted without copying a long string into an array. */
function tooLong(s: string, max: number): boolean {
  if (s.length <= max) return false;
  let n = 0;
  for (const _ of s) if (++n > max) return true;
  return false;
}

/** A scalar criterion: a string, or undefined when it is empty or a bare `*` (CustomerSearchDetail ignores those). */
export function pattern(v: RequestData | undefined): string | undefined {
  return typeof v === 'string' && v !== '' && v !== '*' ? v : undefined;
}
