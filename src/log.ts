// One line per event on stderr. Never given request bodies; `mask` scrubs anything that looks like a secret
// from free text before it is written.
export type Level = 'debug' | 'info' | 'warn' | 'error';
const order: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 };

const SECRET = /((?:Password|UserPassword|SessionID|AccessToken|TwoFactorToken)["'>=:\s]+)([^"'<&\s]+)/gi;
export const mask = (s: string) => s.replace(SECRET, '$1***');

export class Logger {
  constructor(private readonly level: Level) {}
  private write(level: Level, msg: string): void {
    if (order[level] < order[this.level]) return;
    process.stderr.write(`${new Date().toISOString()} ${level.toUpperCase()} ${mask(msg)}\n`);
  }
  debug(msg: string) { this.write('debug', msg); }
  info(msg: string) { this.write('info', msg); }
  warn(msg: string) { this.write('warn', msg); }
  error(msg: string) { this.write('error', msg); }
}
