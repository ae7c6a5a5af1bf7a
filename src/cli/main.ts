#!/usr/bin/env node
// The command line (`npx otrs-gi <group> <verb>`), OTRS's console commands in spirit (Admin::User::Add, ...):
// one file per command group, each reusing the domain services and the storage the server uses, on the
// database DATABASE_URL and CONFIG_FILE name, exactly as the server reads them.
import { userCommand, USER_USAGE } from './user.js';
import { customerUserCommand, CUSTOMER_USER_USAGE } from './customer-user.js';
import { customerCompanyCommand, CUSTOMER_COMPANY_USAGE } from './customer-company.js';
import { configCommand, CONFIG_USAGE } from './config.js';
import { CliError, describeError, type Output } from './io.js';

const COMMANDS: Record<string, (verb: string | undefined, args: string[], io: Output) => Promise<void>> = {
  user: userCommand,
  'customer-user': customerUserCommand,
  'customer-company': customerCompanyCommand,
  config: configCommand,
};

const USAGE = [
  'usage: otrs-gi <command> [options]   (settings from the environment and CONFIG_FILE, as the server reads them)',
  ...[...USER_USAGE, ...CUSTOMER_USER_USAGE, ...CUSTOMER_COMPANY_USAGE, ...CONFIG_USAGE].map((l) => `  ${l}`),
  'Passwords are read from stdin (--password-stdin, the first line) or asked on the terminal without echo.',
].join('\n');

async function run(argv: string[]): Promise<number> {
  const io: Output = { out: (line) => process.stdout.write(`${line}\n`), err: (line) => process.stderr.write(`${line}\n`) };
  const [group, verb, ...args] = argv;
  if (group === undefined || group === 'help' || group === '--help' || group === '-h') { io.out(USAGE); return group === undefined ? 2 : 0; }
  const command = COMMANDS[group];
  const name = [group, verb].filter(Boolean).join(' ');
  try {
    if (!command) throw new CliError(`unknown command ${group}; run otrs-gi help`, 2);
    if (verb === '--help' || verb === 'help') { io.out(USAGE); return 0; }
    await command(verb, args, io);
    return 0;
  } catch (e) {
    // One line, never a stack: what failed and why, in the API's words (with the OTRS reason) for a refused rule.
    io.err(`otrs-gi ${name}: ${describeError(e).replace(/\s*\n\s*/g, ' ')}`);
    return e instanceof CliError ? e.exitCode : 1;
  }
}

run(process.argv.slice(2)).then((code) => process.exit(code), (e) => {
  process.stderr.write(`otrs-gi: ${String((e as Error)?.message ?? e).split('\n')[0]}\n`);
  process.exit(1);
});
