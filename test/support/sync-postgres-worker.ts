// The worker thread behind the PostgreSQL side of test/support/database.ts: it runs each query it is sent on one
// pg connection (with the server's own type parsers, so values come back as the server reads them), posts the
// answer back and wakes the waiting test thread.
import { workerData, type MessagePort } from 'node:worker_threads';
import pg from 'pg';
import { types } from '../../src/storage/postgres.js';

const { url, port, signal } = workerData as { url: string; port: MessagePort; signal: SharedArrayBuffer };
const flag = new Int32Array(signal);
const client = new pg.Client({ connectionString: url, types });
const ready = client.connect();

port.on('message', async ({ text, values }: { text: string; values: unknown[] }) => {
  let reply: { rows?: unknown[]; changes?: number; error?: string; code?: string };
  try {
    await ready;
    const r = await client.query(text, values);
    reply = { rows: r.rows, changes: r.rowCount ?? 0 };
  } catch (e) {
    reply = { error: (e as Error).message, code: (e as { code?: string }).code };
  }
  port.postMessage(reply);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
port.on('close', () => { void client.end().catch(() => { /* already gone */ }); });
