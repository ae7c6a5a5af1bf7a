// The ceiling of the benchmark: a bare node:http server that reads the request and answers a fixed 1 KB body.
// No framework, no parsing, no storage: what this machine's Node can do at all with the same connections.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const body = Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><ok>${'x'.repeat(1024 - 47)}</ok>`);
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'Content-Type': 'text/xml; charset=UTF-8', 'Content-Length': body.length });
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`PORT ${(server.address() as AddressInfo).port}\n`));
process.on('SIGTERM', () => process.exit(0));
