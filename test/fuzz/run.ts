// `npm run fuzz [-- --cases 100000] [--seed N]`: the fuzzing property (property.ts) against one server started
// as a user starts it. Prints the seed, progress, and on a finding the shrunk case; exits 1 on a finding.
import { startServer } from '../support/server.js';
import { fuzzContext, runFuzz } from './property.js';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
}

const cases = arg('cases', 100_000);
const seed = arg('seed', Date.now() % 2 ** 31);
const server = await startServer({ LOG_LEVEL: 'error' });
const ctx = await fuzzContext(server);
const started = Date.now();
process.stdout.write(`Fuzzing ${cases} cases against ${server.endpoint} (seed ${seed})\n`);
const finding = await runFuzz(ctx, cases, seed, (done) => {
  if (done % 10_000 === 0) process.stdout.write(`  ${done} cases, ${Math.round(done / ((Date.now() - started) / 1000))} per second\n`);
});
ctx.close();
const alive = server.child.exitCode === null && server.child.signalCode === null;
await server.stop();
const seconds = ((Date.now() - started) / 1000).toFixed(0);
if (finding || !alive) {
  process.stdout.write(`${finding ?? 'The server is no longer running.'}\n`);
  process.exit(1);
}
process.stdout.write(`${cases} cases in ${seconds} s, no finding (seed ${seed})\n`);
process.stdout.write(`Answers: ${Object.entries(ctx.outcomes).map(([k, n]) => `${k} ${n}`).join(', ')}\n`);
