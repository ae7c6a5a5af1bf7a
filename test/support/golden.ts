// Replays a capture from test/fixtures/znuny-golden/ byte for byte over a raw TCP connection and returns
// the raw bytes the server sent back (until it closes the connection).
import { readFileSync, existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { projectRoot } from './server.js';

export const goldenDir = join(projectRoot, 'test', 'fixtures', 'znuny-golden');

export function goldenRequest(name: string, port: number): Buffer {
  const head = readFileSync(join(goldenDir, `${name}.request-headers.txt`), 'utf8').split(/\r?\n/).filter((l) => l !== '')
    .map((l) => (/^Host:/i.test(l) ? `Host: 127.0.0.1:${port}` : l));
  const bodyFile = join(goldenDir, `${name}.request.xml`);
  const body = existsSync(bodyFile) ? readFileSync(bodyFile) : Buffer.alloc(0);
  return Buffer.concat([Buffer.from(head.join('\r\n') + '\r\n\r\n', 'latin1'), body]);
}

export function goldenResponse(name: string): Buffer {
  return readFileSync(join(goldenDir, `${name}.response.txt`));
}

/**
 * Sends raw bytes and collects everything until the server closes the connection (or timeoutMs passes). With
 * `untilComplete`, it stops as soon as a whole response (headers + Content-Length bytes) has arrived and checks
 * that the server kept the connection open, for the keep-alive mode.
 */
export function rawExchange(port: number, request: Buffer, timeoutMs = 5000, untilComplete = false): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    const timer = setTimeout(() => { socket.destroy(); reject(new Error(`no close within ${timeoutMs} ms; got: ${Buffer.concat(chunks).toString()}`)); }, timeoutMs);
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      if (!untilComplete) return;
      const all = Buffer.concat(chunks);
      const end = all.indexOf('\r\n\r\n');
      const length = /Content-Length: (\d+)/i.exec(all.subarray(0, Math.max(end, 0)).toString());
      if (end >= 0 && length && all.length >= end + 4 + Number(length[1])) {
        clearTimeout(timer);
        socket.destroy();
        resolve(all);
      }
    });
    socket.on('close', () => {
      clearTimeout(timer);
      if (untilComplete) reject(new Error(`the server closed a kept-alive connection: ${Buffer.concat(chunks).toString()}`));
      else resolve(Buffer.concat(chunks));
    });
    socket.on('error', () => { /* a reset is a close too */ });
  });
}

/** Replaces a generated 32-character SessionID so captures and live answers can be compared. */
export const maskSessionId = (b: Buffer | string) => b.toString().replace(/<SessionID>[A-Za-z0-9]{32}<\/SessionID>/g, '<SessionID>MASKED</SessionID>');
