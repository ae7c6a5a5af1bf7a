// Structured logs: one JSON object per line on stderr (pino), written asynchronously so logging stays off the
// request's critical path. Secrets never reach a line: free text goes through `mask`, structured fields through
// `redact`, which replaces the value of every credential-like key at any depth.
import pino from 'pino';

export type Level = 'debug' | 'info' | 'warn' | 'error';

/**
 * Keys whose values are secrets wherever they appear: credentials, tokens, session IDs, password hashes (UserPw,
 * pw, PasswordHistoryData: what RETURN_PASSWORD_HASHES puts into records), signing keys, cookies.
 */
const SECRET_KEY = /^(?:\w*Password\w*|pw|UserPw|\w*Hash(?:es)?|\w*Token|SessionID|\w*Secret\w*|\w*SigningKey|ApiKey|Authorization|Cookie|Set-Cookie)$/i;
/** A secret named in free text (`Password=x`, `<SessionID>x`, `"AccessToken":"x"`). */
const SECRET_TEXT = /((?:Password|UserPassword|UserPw|SessionID|AccessToken|TwoFactorToken|PasswordHistoryData)["'>=:\s]+)([^"'<&\s]+)/gi;
/**
 * Values that look like a password hash or a token whatever their key: argon2, bcrypt (`$2a$`, OTRS's `BCRYPT:`),
 * MD5/SHA crypt (`$1$`, `$apr1$`, `$5$`, `$6$`), bare sha1/sha256/sha512 hex digests, JWTs (access tokens).
 */
const HASH_VALUE = /\$(?:argon2(?:id|i|d)|2[abxy]?|1|apr1|5|6)\$[^"'<&\s]+|BCRYPT:\d+:[^"'<&\s]+|\b(?:[0-9a-fA-F]{128}|[0-9a-fA-F]{64}|[0-9a-fA-F]{40})\b|\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*)?/g;
const MASKED = '***';

/** A cheap look for the characters every secret pattern needs, so that plain short values skip the regexes. */
const MAYBE_SECRET = /[$:=>"'\s]|eyJ|[0-9a-f]{40}/i;

export const mask = (s: string) => (MAYBE_SECRET.test(s) ? s.replace(SECRET_TEXT, `$1${MASKED}`).replace(HASH_VALUE, MASKED) : s);

/** A copy of `value` with the values of secret keys replaced (request data, records, headers). */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return mask(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 32) return '[too deep]';
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) && v !== null && v !== undefined ? MASKED : redact(v, depth + 1);
  // A Key/Value pair (SessionGet's SessionData, UserPreferences) names its secret in Key.
  const key = (value as { Key?: unknown }).Key;
  if (typeof key === 'string' && 'Value' in out && out.Value !== null && out.Value !== undefined && SECRET_KEY.test(key)) out.Value = MASKED;
  return out;
}

export type Fields = Record<string, unknown>;

export class Logger {
  private constructor(private readonly pino: pino.Logger, private readonly destination?: pino.DestinationStream & { flushSync(): void }) {}

  static create(level: Level): Logger {
    const destination = pino.destination({ dest: 2, sync: false });
    const logger = pino({
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    }, destination);
    return new Logger(logger, destination);
  }

  /** A logger whose every line carries `bindings` (for example the request ID). */
  child(bindings: Fields): Logger {
    return new Logger(this.pino.child(bindings));
  }

  isDebug(): boolean { return this.pino.isLevelEnabled('debug'); }

  debug(msg: string, fields?: Fields) { this.write('debug', msg, fields); }
  info(msg: string, fields?: Fields) { this.write('info', msg, fields); }
  warn(msg: string, fields?: Fields) { this.write('warn', msg, fields); }
  error(msg: string, fields?: Fields) { this.write('error', msg, fields); }

  /** Writes what is buffered; called before the process exits. */
  flush(): void {
    try { this.destination?.flushSync(); } catch { /* stderr gone: nothing left to tell */ }
  }

  private write(level: Level, msg: string, fields?: Fields): void {
    if (!this.pino.isLevelEnabled(level)) return;
    this.pino[level](fields ? (redact(fields) as Fields) : {}, mask(msg));
  }
}
