// Structured logs: one JSON object per line on stderr (pino), written asynchronously so logging stays off the
// request's critical path. Secrets never reach a line: free text goes through `mask`, structured fields through
// `redact`, which replaces the value of every credential-like key at any depth.
import pino from 'pino';

export type Level = 'debug' | 'info' | 'warn' | 'error';

/** Keys whose values are secrets wherever they appear: credentials, tokens, session IDs, password hashes. */
const SECRET_KEY = /^(Password|UserPassword|NewPassword|PasswordHash|pw|SessionID|AccessToken|TwoFactorToken|UserChallengeToken|Authorization|Cookie)$/i;
const SECRET_TEXT = /((?:Password|UserPassword|SessionID|AccessToken|TwoFactorToken)["'>=:\s]+)([^"'<&\s]+)/gi;
const MASKED = '***';

export const mask = (s: string) => s.replace(SECRET_TEXT, `$1${MASKED}`);

/** A copy of `value` with the values of secret keys replaced (request data, records, headers). */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return mask(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 32) return '[too deep]';
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) && v !== null && v !== undefined ? MASKED : redact(v, depth + 1);
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
