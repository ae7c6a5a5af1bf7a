// The documented examples work as printed: every request example in README.md, then in docs/operations.md, is
// sent in that order to one fresh demo server, and its answer must match the example's answer.
//
// The convention both files keep (stated in a comment at the top of docs/operations.md too):
// - In a ```xml block, a request is a line that starts with `<Op xmlns="http://www.otrs.org/TicketConnector/">`
//   (Op not ending in `Response`), up to the line that closes `</Op>`. A fragment without that namespace
//   declaration (`<Licence>…`) is an illustration, not a request.
// - The answer shown for it is the next `<OpResponse xmlns=…>` element (up to `</OpResponse>` or `/>`) before the
//   next request. An answer with `<ErrorCode>X</ErrorCode>` means the request must fail with X; any other means
//   it must succeed; a request without an answer must succeed. An answer that follows no request of its
//   operation is refused: each shown answer needs its request.
// - `<SessionID>…</SessionID>` in a request is a session of the demo agent that the test makes; a SessionID
//   written out (32 characters) is the one the last SessionCreate example answered.
// - `…` in an answer elides; every other `<Name>text</Name>` leaf shown in an answer must be in the real answer
//   (SessionID and AccessToken, generated, excepted). `<!-- -->` comments are not part of an example.
// - The README's ```perl block is run with its endpoint replaced by the test server's; its last answer must have no Error.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, projectRoot, type RunningServer } from './support/server.js';
import { envelope, NS, post } from './support/soap.js';
import { WITHOUT_PROXY } from './support/client-run.js';
import { customerUserState, fieldValues, preferenceValues } from './support/state.js';

interface Example { operation: string; request: string; answer?: string; where: string }

/** The files whose examples run, in this order, against the one server. */
const DOCUMENTS = ['README.md', join('docs', 'operations.md')].map((file) => ({ file, text: readFileSync(join(projectRoot, file), 'utf8') }));
const GENERATED = new Set(['SessionID', 'AccessToken']);

/** The fenced blocks of one language, in document order, with the file and line each starts on. */
function blocks(language: string): Array<{ text: string; file: string; line: number }> {
  const found: Array<{ text: string; file: string; line: number }> = [];
  for (const { file, text } of DOCUMENTS) {
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (lines[i].trim() !== '```' + language) continue;
      const start = i + 1;
      while (++i < lines.length && lines[i].trim() !== '```');
      found.push({ text: lines.slice(start, i).join('\n'), file, line: start + 1 });
    }
  }
  return found;
}

function examples(): Example[] {
  const out: Example[] = [];
  const opening = new RegExp(`^\\s*<(\\w+) xmlns="${NS.replace(/[./]/g, '\\$&')}"`);
  for (const block of blocks('xml')) {
    const lines = block.text.replace(/<!--[\s\S]*?-->/g, '').split('\n');
    let pending: Example | undefined;
    for (let i = 0; i < lines.length; i++) {
      const m = opening.exec(lines[i]);
      if (!m) continue;
      const name = m[1];
      const isAnswer = name.endsWith('Response');
      const start = i;
      const closed = (l: string) => l.includes(`</${name}>`) || (isAnswer && /\/>\s*$/.test(l) && i === start);
      while (!closed(lines[i]) && i + 1 < lines.length) i++;
      const text = lines.slice(start, i + 1).join('\n').trim();
      if (!isAnswer) {
        pending = { operation: name, request: text, where: `${block.file} line ${block.line + start}` };
        out.push(pending);
      } else {
        const operation = name.slice(0, -'Response'.length);
        expect(pending && pending.operation === operation && pending.answer === undefined,
          `${block.file} line ${block.line + start}: the answer ${name} follows no request of ${operation}`).to.equal(true);
        pending!.answer = text;
      }
    }
  }
  return out;
}

/** The request's children, credentials filled in as the convention says. */
function body(example: Example, session: string, lastCreated: string | undefined): string {
  const inner = example.request.replace(new RegExp(`^<${example.operation} xmlns="[^"]*">`), '').replace(new RegExp(`</${example.operation}>$`), '');
  return inner.replace(/<SessionID>([^<]*)<\/SessionID>/g, (_, id: string) => {
    if (id === '…') return `<SessionID>${session}</SessionID>`;
    expect(lastCreated, `${example.operation} at ${example.where} names a SessionID no SessionCreate example made`).to.be.a('string');
    return `<SessionID>${lastCreated}</SessionID>`;
  });
}

/** The leaves `<Name>text</Name>` an answer shows, without elided or generated ones. */
function shownLeaves(answer: string): string[] {
  return [...answer.matchAll(/<(\w+)>([^<]*)<\/\1>/g)]
    .filter(([, name, text]) => !GENERATED.has(name) && !text.includes('…'))
    .map(([leaf]) => leaf);
}

describe('The README and docs/operations.md examples, as printed, against a fresh demo server', function () {
  this.timeout(60_000);
  let server: RunningServer;
  let session: string;
  before(async () => {
    server = await startServer();
    const r = await post(server.endpoint, envelope('SessionCreate', '<UserLogin>demo-agent</UserLogin><Password>DemoAgent1!</Password>'));
    session = /<SessionID>(\w+)<\/SessionID>/.exec(r.text)![1];
  });
  after(async () => { await server.stop(); });

  it('finds the examples by the convention', () => {
    const all = examples();
    expect(all.length).to.be.at.least(20);
    expect(all.filter((e) => e.answer && /<ErrorCode>/.test(e.answer)).length, 'examples that show an error').to.be.at.least(2);
  });

  it('answers every request example as its example shows, in document order', async () => {
    let lastCreated: string | undefined;
    for (const example of examples()) {
      const where = `${example.operation} at ${example.where}`;
      const res = await post(server.endpoint, envelope(example.operation, body(example, session, lastCreated)), { SOAPAction: `"${NS}#${example.operation}"` });
      expect(res.status, `${where}: ${res.text}`).to.equal(200);
      const code = /<ErrorCode>([^<]*)<\/ErrorCode>/.exec(res.text)?.[1];
      const expected = example.answer && /<ErrorCode>([^<]*)<\/ErrorCode>/.exec(example.answer)?.[1];
      expect(code, `${where}: ${res.text}`).to.equal(expected ?? undefined);
      for (const leaf of example.answer ? shownLeaves(example.answer) : []) expect(res.text, `${where} shows ${leaf}`).to.contain(leaf);
      if (example.operation === 'SessionCreate' && !code) lastCreated = /<SessionID>(\w+)<\/SessionID>/.exec(res.text)![1];
    }
  });

  it('runs the Perl example as printed', async () => {
    const [perl] = blocks('perl').filter((b) => b.file === 'README.md');
    expect(perl, 'the README has a perl block').to.be.an('object');
    const script = perl.text.replace(/'http:\/\/localhost:8080\/[^']*'/, `'${server.endpoint}'`)
      + "\nprint defined $som->valueof('//ErrorCode') ? 'Error ' . $som->valueof('//ErrorCode') : 'ID ' . $som->valueof('//ID');\n";
    expect(script).to.contain(server.endpoint);
    const out = await new Promise<string>((resolve, reject) => {
      execFile('perl', ['-e', script], { env: { ...process.env, ...WITHOUT_PROXY }, timeout: 30_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)));
    });
    expect(out).to.equal('ID cust1');
    const stored = customerUserState(server, 'cust1');
    expect(stored.row?.first_name).to.equal('Carla');
    expect(fieldValues(stored, 'Skills')).to.have.members(['SQL', 'Perl']);
    expect(preferenceValues(stored, 'UserTimeZone')).to.deep.equal(['Europe/Berlin']);
  });
});
