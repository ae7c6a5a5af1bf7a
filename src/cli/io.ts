// What every command shares: options parsed strictly, the password read without ever being an argument (stdin,
// or a prompt that does not echo), and failures as one line with a non-zero exit.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { loadConfig, type Config } from '../config.js';
import { setTimeZone } from '../storage/time.js';
import type { Storage } from '../storage/database.js';
import type { PasswordHasher } from '../domain/Password.js';
import { openStorage, passwordHasher } from '../app.js';
import { DomainError } from '../domain/errors.js';

/** A failure the operator can act on: printed as one line, exit code 1 (2: the command line itself is wrong). */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) { super(message); }
}

export interface Output { out: (line: string) => void; err: (line: string) => void }

export type Options = Record<string, string | boolean | string[] | undefined>;

/** Parses a command's options; an unknown option or a missing value is a usage error. */
export function options(args: string[], spec: ParseArgsConfig['options'], allowPositionals = false): { values: Options; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args, options: spec, strict: true, allowPositionals });
    return { values: values as Options, positionals };
  } catch (e) {
    throw new CliError((e as Error).message.replace(/\s*\n[\s\S]*$/, ''), 2);
  }
}

export function required(values: Options, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v === '') throw new CliError(`--${name} is required`, 2);
  return v;
}

export function optional(values: Options, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The options that say where a password comes from, for every command that sets one. */
export const PASSWORD_OPTIONS = {
  'password-stdin': { type: 'boolean' },
  password: { type: 'string' },
  'no-password': { type: 'boolean' },
} as const;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    size += chunk.length;
    // A password, not a file: a bounded read.
    if (size > 64 * 1024) throw new CliError('--password-stdin: more than 64 KiB on stdin');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Asks on the terminal with echo off (raw mode), as passwd does. */
function prompt(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    let typed = '';
    const done = (error?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (error) reject(error); else resolve(typed);
    };
    const onData = (b: Buffer) => {
      for (const ch of b.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003' || ch === '\u0004') return done(new CliError('cancelled'));
        if (ch === '\u007f' || ch === '\b') typed = [...typed].slice(0, -1).join('');
        else typed += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/**
 * The new password: from stdin (--password-stdin, the first line), a prompt on a terminal (typed twice), or
 * --password (with a warning: other users see arguments in ps, and shells keep them). undefined: --no-password.
 */
export async function readPassword(values: Options, io: Output): Promise<string | undefined> {
  const given = ['password-stdin', 'password', 'no-password'].filter((k) => values[k] !== undefined);
  if (given.length > 1) throw new CliError(`--${given[0]} and --${given[1]} exclude each other`, 2);
  if (values['no-password']) return undefined;
  let password: string;
  if (values['password-stdin']) {
    password = (await readStdin()).split(/\r?\n/)[0];
  } else if (typeof values.password === 'string') {
    io.err('warning: a password given as an argument can be seen by other users and stays in the shell history; use --password-stdin');
    password = values.password;
  } else if (process.stdin.isTTY) {
    password = await prompt('Password: ');
    if (password !== '' && (await prompt('Repeat the password: ')) !== password) throw new CliError('the passwords differ');
  } else {
    throw new CliError('no password: give --password-stdin (or run on a terminal to be asked), or --no-password', 2);
  }
  if (password === '') throw new CliError('the password is empty');
  return password;
}

/** What every set-password command reads: the login (as argument or --user-name) and the new password. */
export async function setPasswordRequest(args: string[], io: Output): Promise<{ login: string; password: string; config: Config }> {
  const { values, positionals } = options(args, { 'user-name': { type: 'string' }, ...PASSWORD_OPTIONS }, true);
  const login = positionals[0] ?? required(values, 'user-name');
  if (positionals.length > 1) throw new CliError(`unexpected argument ${positionals[1]} (the password is never an argument: use --password-stdin)`, 2);
  if (values['no-password']) throw new CliError('--no-password: set-password sets a password', 2);
  const config = configuration();
  return { login, password: (await readPassword(values, io))!, config };
}

/** --valid-id: 1 unless given. */
export function validIdOption(values: Options): number {
  const v = optional(values, 'valid-id') ?? '1';
  if (!/^[123]$/.test(v)) throw new CliError(`--valid-id ${v}: use 1 (valid), 2 (invalid) or 3 (invalid-temporarily)`, 2);
  return Number(v);
}

/** The configuration as the server reads it (environment and CONFIG_FILE). */
export function configuration(): Config {
  const config = loadConfig();
  setTimeZone(config.otrsTimeZone);
  return config;
}

/** Runs fn on the server's database with its password hasher, and closes the database afterwards. */
export async function withStorage<T>(config: Config, fn: (storage: Storage, passwords: PasswordHasher) => Promise<T>): Promise<T> {
  const storage = await openStorage(config);
  try { return await fn(storage, passwordHasher(config, storage)); } finally { await storage.close(); }
}

/** A domain rule's refusal, worded as the API words it: the message and the OTRS reason. */
export function describeError(e: unknown): string {
  if (e instanceof DomainError) return `${e.message} (${e.reason})`;
  return String((e as Error)?.message ?? e);
}

/** The OTRS console's actor: the system user 1 (Kernel::System::Console runs as UserID 1). */
export const SYSTEM_USER = 1;
