/**
 * A node:http server run as its own process, so its CPU time is its own and not the bench's:
 *   upstream  GET /big: 1 MiB; a path under /hit: "hit" (proves which route a gateway chose); else a small body
 *   sink      reads every body and answers 200 (an http-log endpoint, an OTLP/HTTP receiver); GET /count tells
 *             how many requests and bytes it took and how many log entries the JSON bodies held (an array is
 *             a batch), so a bench can show the plugin really sent something and lost nothing
 * Prints `PORT <n>` once listening on 127.0.0.1.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const mode = process.argv[2];
const SMALL = Buffer.from('hello from upstream\n');
const HIT = Buffer.from('hit from upstream\n');
const BIG = Buffer.alloc(1 << 20, 'x');
let requests = 0;
let bytes = 0;
let entries = 0;

const server = createServer((req, res) => {
  if (mode === 'sink' && req.method === 'GET' && req.url === '/count') {
    res.end(JSON.stringify({ requests, bytes, entries }));
    return;
  }
  const json = mode === 'sink' && String(req.headers['content-type']).startsWith('application/json');
  const chunks: Buffer[] = [];
  req.on('data', (d: Buffer) => {
    bytes += d.length;
    if (json) chunks.push(d);
  });
  req.on('end', () => {
    requests++;
    if (json) {
      const body = JSON.parse(Buffer.concat(chunks).toString()) as unknown;
      entries += Array.isArray(body) ? body.length : 1;
    }
    const body = mode === 'sink' ? Buffer.from('{}') : req.url === '/big' ? BIG : req.url!.startsWith('/hit') ? HIT : SMALL;
    res.writeHead(200, { 'content-type': mode === 'sink' ? 'application/json' : 'text/plain', 'content-length': body.length });
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`PORT ${(server.address() as AddressInfo).port}\n`));
process.once('SIGTERM', () => process.exit(0));
