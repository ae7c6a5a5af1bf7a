// The repository stands alone: a clone with nothing beside it builds, tests and benchmarks. So no file
// of the folders that make up the product or its tests may name the research folder that lived next to the
// checkout during development, and the served WSDL cites no file the repository does not have. The patterns are
// put together from the folder's name, so that this file is scanned like every other and cites nothing itself.
import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { startServer, projectRoot } from './support/server.js';

const SCANNED = ['src', 'test', 'bench', '.ci', 'wsdl', 'README.md', 'docs', 'package.json', 'tsconfig.json', '.mocharc.json'];
/** Generated or local-only: not part of a checkout. */
const SKIPPED = new Set(['node_modules', 'dist', 'var', 'data']);
/** The folder beside the checkout that held the research notes during development. */
const FOLDER = 'shared';
const OUTSIDE = [['..', FOLDER].join('/'), [FOLDER, 'research'].join('/')];
/** The same paths as code writes them: join(root, '..', '<folder>', ...). */
const OUTSIDE_IN_CODE = new RegExp(`'\\.\\.'\\s*,\\s*'${FOLDER}'|'${FOLDER}'\\s*,\\s*'research'`);

function* files(path: string): Generator<string> {
  if (!existsSync(path)) return;
  if (!statSync(path).isDirectory()) { yield path; return; }
  for (const entry of readdirSync(path)) if (!SKIPPED.has(entry)) yield* files(join(path, entry));
}

describe('The repository stands alone', function () {
  it('names no folder outside the checkout in src, test, bench, .ci, wsdl, the README or docs', () => {
    const offenders: string[] = [];
    let scanned = 0;
    for (const top of SCANNED) {
      for (const file of files(join(projectRoot, top))) {
        scanned++;
        const text = readFileSync(file, 'latin1');
        for (const pattern of OUTSIDE) if (text.includes(pattern)) offenders.push(`${relative(projectRoot, file)}: ${pattern}`);
        if (OUTSIDE_IN_CODE.test(text)) offenders.push(`${relative(projectRoot, file)}: ${OUTSIDE_IN_CODE.source}`);
      }
    }
    expect(scanned, 'files scanned').to.be.above(100);
    expect(offenders).to.deep.equal([]);
  });

  it('names no internal issue numbers in the README or docs/', () => {
    const documents = [join(projectRoot, 'README.md'), ...files(join(projectRoot, 'docs'))];
    expect(documents.length, 'the README and the docs').to.be.above(5);
    const offenders = documents.flatMap((file) => (readFileSync(file, 'utf8').match(/\bissues? \d+(?:\.\d+)?/gi) ?? []).map((m) => `${relative(projectRoot, file)}: ${m}`));
    expect(offenders).to.deep.equal([]);
  });

  it('has the golden captures the replay test reads inside the repository', () => {
    const dir = join(projectRoot, 'test', 'fixtures', 'znuny-golden');
    const responses = readdirSync(dir).filter((f) => f.endsWith('.response.txt'));
    expect(responses.length).to.be.at.least(25);
    expect(existsSync(join(dir, 'throughput-wrk.txt')), 'the throughput figures docs/performance.md cites').to.equal(true);
  });

  it('serves a WSDL that cites no document the repository lacks', async () => {
    const server = await startServer();
    try {
      const wsdl = await (await fetch(server.wsdlUrl)).text();
      for (const pattern of [...OUTSIDE, 'research/']) expect(wsdl).not.to.contain(pattern);
      const cited = wsdl.match(/[\w./-]+\.(?:md|txt)\b/g) ?? [];
      expect(cited.filter((path) => !existsSync(join(projectRoot, path)))).to.deep.equal([]);
    } finally { await server.stop(); }
  });
});
