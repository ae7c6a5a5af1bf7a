// Real SOAP clients in the tests: a script under test/clients/ makes every call of its scenario and prints one JSON
// document with what the client saw for each; the tests check that report against the contract. Here: running a
// script, and the checks on a reported call that every client shares (its own shape of the call stays in its file).
import { expect } from 'chai';
import { execFile, spawnSync } from 'node:child_process';
import { dumpDatabase } from './dump.js';
import type { RunningServer } from './server.js';
import { accessTokenRow, sessionData } from './state.js';

/** LWP and Python's requests send even loopback requests to a proxy named in these variables; CI may export one. */
export const WITHOUT_PROXY = {
  HTTP_PROXY: '', HTTP_proxy: '', http_proxy: '', HTTPS_PROXY: '', HTTPS_proxy: '', https_proxy: '',
  NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost',
};

export interface ScriptOptions { env?: Record<string, string>; timeout?: number; maxBuffer?: number }

/** Runs a client script and returns the JSON it printed (and its stderr); fails with its output otherwise. */
export function runClientScript<T>(client: string, command: string, args: string[], options: ScriptOptions = {}): Promise<{ out: T; stderr: string }> {
  const { env, timeout = 60000, maxBuffer = 16 * 1024 * 1024 } = options;
  return new Promise((resolve, reject) => {
    execFile(command, args, { env: env && { ...process.env, ...env }, timeout, maxBuffer, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${client} client failed: ${err.message}\n${stderr}\n${stdout}`));
      try {
        resolve({ out: JSON.parse(stdout) as T, stderr });
      } catch (e) {
        reject(new Error(`${client} client printed no JSON (${(e as Error).message}):\n${stdout}\n${stderr}`));
      }
    });
  });
}

/**
 * Runs a check that a client's runtime is installed: `failure` says why it did not run. A missing client fails its
 * tests, it never skips them: without it the capability is untested.
 */
export function probe(command: string, args: string[]): { failure?: string; stdout: string } {
  const run = spawnSync(command, args, { encoding: 'utf8' });
  if (run.error) return { failure: run.error.message, stdout: '' };
  return run.status === 0 ? { stdout: run.stdout } : { failure: run.stderr.trim(), stdout: run.stdout };
}

/**
 * A call that reached the operation and came back as a normal HTTP 200 response (business errors included,
 * dialect §9): reported, with none of the client's failure fields set. `detail` adds what helps read a failure.
 */
export function expectAnswered<C extends { HTTPStatus?: number | null }>(call: C | undefined, failures: Array<keyof C & string>, detail: (c: C) => string = () => ''): C {
  expect(call, 'call missing from the client output').to.be.an('object');
  const c = call!;
  for (const failure of failures) expect(c[failure], `unexpected ${failure}: ${JSON.stringify(c[failure])}${detail(c)}`).to.equal(undefined);
  expect(c.HTTPStatus).to.equal(200);
  return c;
}

/**
 * A successful CustomerUserUpdate of cust1 as the client bound it: no Error (`absent` is how the client binds a
 * missing element: undefined or null), ID and a record without password material. Returns the record.
 */
export function expectUpdated(response: { Error?: unknown; ID?: unknown; CustomerUser?: unknown }, absent: null | undefined): Record<string, any> {
  expect(response.Error, `unexpected Error: ${JSON.stringify(response.Error)}`).to.equal(absent);
  expect(response.ID).to.equal('cust1');
  expect(response.CustomerUser).to.be.an('object');
  const rec = response.CustomerUser as Record<string, any>;
  expect(rec.UserLogin).to.equal('cust1');
  expect(rec).not.to.have.property('UserPassword');
  expect(rec).not.to.have.property('PasswordHistoryData');
  return rec;
}

/** The Error block CustomerUserUpdate answers ValidID 7 with. */
export function expectInvalidValidID(error: any): void {
  expect(error, 'Error block').to.be.an('object');
  expect(error.ErrorCode).to.equal('CustomerUserUpdate.InvalidValidID');
  expect(error.ErrorMessage).to.match(/^CustomerUserUpdate: /).and.contain('7');
}

/** AccessTokenCreate's token: a JWT whose jti the server stored for the agent of the session. */
export function expectTokenOfSessionUser(server: RunningServer, accessToken: unknown, sessionId: string): void {
  expect(accessToken).to.be.a('string').and.match(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  const row = accessTokenRow(server, accessToken as string);
  expect(row, 'access_token row for the jti').to.be.an('object');
  expect(String(row!.user_id)).to.equal(sessionData(server, sessionId).UserID);
}

/** One run of a client script with the whole database before and after it (dumpDatabase). */
export interface DumpedRun<T> { out: T; before: Record<string, unknown[]>; after: Record<string, unknown[]> }

/**
 * Runs a client script (`run`) between two dumps of the server's database, for "a rejected call changes nothing,
 * row for row". The calls should authenticate by SessionID: a password login writes the agent's preferences.
 */
export async function runBetweenDumps<T>(server: RunningServer, run: () => Promise<T>): Promise<DumpedRun<T>> {
  const before = dumpDatabase(server);
  const out = await run();
  return { out, before, after: dumpDatabase(server) };
}
