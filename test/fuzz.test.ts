// The fuzzing property (test/fuzz/property.ts) with a small budget, so every `npm test` runs a few thousand
// generated and mutated envelopes; `npm run fuzz` runs 100,000.
import { expect } from 'chai';
import { startServer, type RunningServer } from './support/server.js';
import { call } from './support/soap.js';
import { fuzzContext, runFuzz, type FuzzContext } from './fuzz/property.js';

const CASES = 2000;

describe('Fuzzing (property-based, generated from the WSDL)', function () {
  this.timeout(120_000);
  let server: RunningServer;
  let ctx: FuzzContext;
  before(async () => { server = await startServer(); ctx = await fuzzContext(server); });
  after(async () => { ctx.close(); await server.stop(); });

  it(`answers ${CASES} random and mutated envelopes only as defined, changing nothing when it rejects`, async () => {
    const seed = Date.now() % 2 ** 31;
    const finding = await runFuzz(ctx, CASES, seed);
    expect(finding, finding ?? '').to.equal(null);
  });

  it('still serves a normal request afterwards', async () => {
    const r = await call(server.endpoint, 'SessionCreate', '<UserLogin>demo-agent</UserLogin><Password>DemoAgent1!</Password>');
    expect(r.data.SessionID).to.match(/^[A-Za-z0-9]{32}$/);
  });
});
