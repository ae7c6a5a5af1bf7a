// The caller's language and time zone (issue 8.6), a mapping around every operation, as OTRS's mappings sit
// between transport and operation. Inbound: the request's own TimeZone and Language are checked before the
// operation runs (a bad one changes nothing). Outbound: the times in a successful answer are written in the
// caller's zone (TimeZone, else the caller's UserTimeZone preference, else the system zone, as OTRS writes them),
// and an error's message in the language asked for (Language; English otherwise, and for an unsupported one).
import type { AuthenticatedUser } from '../domain/Auth.js';
import { preferredTimeZone } from '../domain/Preferences.js';
import { returnError } from '../operations/common.js';
import type { OperationResult, RequestData, ResponseData } from '../operations/operation.js';
import type { Storage } from '../storage/database.js';
import { canonicalTimeZone, timeZone as systemTimeZone, timestampIn } from '../storage/time.js';
import { LANGUAGES, translate, type Language } from './messages.js';

export interface Locale { language: Language; timeZone?: string }

/** Keys whose values are times the server wrote (in the system zone); dynamic-field values are data, left as stored. */
const TIME_KEYS = new Set(['CreateTime', 'ChangeTime', 'UserLastLoginTimestamp']);
const STORED_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

/** The request's Language and TimeZone, or the InvalidParameter answer for a malformed one. */
export function requestLocale(operation: string, data: RequestData): Locale | OperationResult {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return { language: 'en' };
  const language = languageOf(data.Language);
  if (language === undefined) {
    return returnError(operation, 'InvalidParameter', 'Parameter Language is invalid (a language such as en, de or de_DE)!');
  }
  const given = data.TimeZone;
  if (given === undefined || given === null || given === '') return { language };
  const zone = typeof given === 'string' ? canonicalTimeZone(given) : undefined;
  if (zone === undefined) {
    const error = returnError(operation, 'InvalidParameter', 'Parameter TimeZone is invalid (an IANA time zone such as Europe/Berlin)!');
    return withLanguage(error, language);
  }
  return { language, timeZone: zone };
}

/** en, de, de_DE, de-AT: the supported language of the tag; English for a well-formed unsupported one. */
function languageOf(v: RequestData | undefined): Language | undefined {
  if (v === undefined || v === null || v === '') return 'en';
  if (typeof v !== 'string' || !/^[A-Za-z]{2,3}([_-][A-Za-z0-9]{1,8}){0,3}$/.test(v)) return undefined;
  const primary = v.slice(0, v.search(/[_-]|$/)).toLowerCase();
  return (LANGUAGES as readonly string[]).includes(primary) ? primary as Language : 'en';
}

/** The answer as the caller reads it: its error message translated, or its times in the caller's zone. */
export async function localize(result: OperationResult, locale: Locale, caller: AuthenticatedUser | undefined, storage: Storage): Promise<OperationResult> {
  if (!result.Success) return result;
  if (result.Data.Error !== undefined) return withLanguage(result, locale.language);
  if (locale.timeZone === undefined && caller === undefined) return result;
  // Most answers carry times (every record does), so the caller's preference is read from a cache.
  if (!hasTimes(result.Data)) return result;
  const zone = locale.timeZone ?? (caller ? await preferredTimeZone(storage, caller) : undefined);
  if (zone === undefined || zone === canonicalTimeZone(systemTimeZone())) return result;
  return { ...result, Data: inZone(result.Data, zone) as OperationResult['Data'] };
}

function withLanguage(result: OperationResult, language: Language): OperationResult {
  const error = result.Data.Error as { ErrorCode: string; ErrorMessage: string } | undefined;
  if (language === 'en' || !error || typeof error.ErrorMessage !== 'string') return result;
  // Messages are "<Operation>: <text>" (operations/common returnError); the operation's name stays.
  const operation = `${error.ErrorCode.slice(0, error.ErrorCode.indexOf('.'))}: `;
  if (!error.ErrorMessage.startsWith(operation)) return result;
  const ErrorMessage = operation + translate(error.ErrorMessage.slice(operation.length), language);
  return { ...result, ErrorMessage: `${error.ErrorCode}: ${ErrorMessage}`, Data: { ...result.Data, Error: { ...error, ErrorMessage } } };
}

function hasTimes(v: ResponseData): boolean {
  if (Array.isArray(v)) return v.some(hasTimes);
  if (v === null || typeof v !== 'object') return false;
  for (const key in v) if (TIME_KEYS.has(key) || hasTimes(v[key])) return true;
  return false;
}

/** A copy of v with every server-written time rewritten in `zone`. */
function inZone(v: ResponseData, zone: string): ResponseData {
  if (Array.isArray(v)) return v.map((item) => inZone(item, zone));
  if (v === null || typeof v !== 'object') return v;
  const out: { [key: string]: ResponseData } = {};
  for (const key in v) {
    const value = v[key];
    out[key] = TIME_KEYS.has(key) && typeof value === 'string' && STORED_TIME.test(value) ? timestampIn(zone, value) : inZone(value, zone);
  }
  return out;
}
