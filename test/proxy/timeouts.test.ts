/**
 * Kong's service timeouts are milliseconds: each must fire within max(20 ms, 5 %) of its value, on both
 * engines (npm test runs this file on each). Measured from the client; allowed on top are the gateway's own
 * overhead (a request to an upstream that answers at once, made just before) and how late this process's own timers
 * run at that moment (a plain setTimeout of the same value, started with the request: the gateway runs in
 * this process, so a loaded machine delays both alike). A case gets a second run when the first is late; an
 * engine whose timers are coarse (undici's own fire up to a second late) fails both.
 */
import { request as httpRequest } from 'node:http';
import { createServer, type Server } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import t from 'tap';
import { gateway } from '../helpers/gateway.js';
import { request } from '../helpers/http.js';
import { startUpstream } from '../helpers/upstream.js';

/** A TCP server that accepts and never says a word: a TLS handshake to it never completes. */
async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

const VALUES = [100, 300, 1200];
const KINDS = ['connect (TLS handshake never completes)', 'read (no response head)', 'read (stalls between body chunks)'] as const;

t.test('service timeouts fire on time', async (t) => {
  const held: { end(): void }[] = [];
  const up = await startUpstream('slow', (req, res) => {
    if (req.url?.startsWith('/fast')) return res.end('ok');
    if (req.url?.startsWith('/head')) return held.push(res); // never answers
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('first chunk');
    held.push(res); // then nothing more
  });
  const silent = await silentServer();
  t.teardown(async () => {
    for (const r of held) r.end();
    await up.close();
    await silent.close();
  });
  const services = VALUES.flatMap((v) => [
    `  - { name: connect-${v}, url: "https://127.0.0.1:${silent.port}/", connect_timeout: ${v}, retries: 0, routes: [{ name: connect-${v}, paths: [/connect-${v}] }] }`,
    `  - { name: head-${v}, url: "${up.url}/head", read_timeout: ${v}, retries: 0, routes: [{ name: head-${v}, paths: [/head-${v}] }] }`,
    `  - { name: body-${v}, url: "${up.url}/body", read_timeout: ${v}, retries: 0, routes: [{ name: body-${v}, paths: [/body-${v}] }] }`,
  ]);
  const gw = await gateway(t, `_format_version: "3.0"
services:
  - { name: fast, url: "${up.url}/fast", routes: [{ name: fast, paths: [/fast] }] }
${services.join('\n')}
`);

  const timed = async (path: string, value = 0) => {
    const started = performance.now();
    const control = new Promise<number>((r) => setTimeout(() => r(performance.now() - started - value), value));
    const r = await request(gw.port, path).catch((err: Error) => ({ status: -1, body: err.message }));
    return { status: r.status, ms: performance.now() - started, lag: Math.max(0, await control) };
  };
  // The gateway's own cost for a request, in this run.
  let overhead = Infinity;
  for (let i = 0; i < 5; i++) overhead = Math.min(overhead, (await timed('/fast')).ms);

  for (const kind of KINDS) {
    for (const value of VALUES) {
      const path = `/${kind.startsWith('connect') ? 'connect' : kind.includes('head') ? 'head' : 'body'}-${value}`;
      const margin = Math.max(20, value * 0.05);
      let last = { status: 0, ms: 0, lag: 0 };
      let cost = overhead;
      for (let run = 0; run < 2; run++) {
        // A loaded machine slows the gateway's work too: take its cost just now, if higher than at the start.
        cost = Math.max(overhead, (await timed('/fast')).ms);
        last = await timed(path, value);
        if (last.ms <= value + margin + cost + last.lag) break;
      }
      const expected = kind.includes('stalls') ? -1 : 504;
      t.equal(last.status, kind.includes('stalls') ? -1 : 504, `${kind} ${value} ms: ${expected === 504 ? '504' : 'a broken response'}`);
      t.ok(last.ms >= value - 2, `${kind} ${value} ms: not early (${last.ms.toFixed(0)} ms)`);
      t.ok(
        last.ms <= value + margin + cost + last.lag,
        `${kind} ${value} ms: within ${margin.toFixed(0)} ms (${(last.ms - value).toFixed(0)} ms over; timers here ran ${last.lag.toFixed(0)} ms late)`,
      );
    }
  }
});

/** Streams `chunks` pieces of `size` bytes, `gapMs` apart, as a chunked POST; resolves with the status. */
function upload(port: number, path: string, chunks: number, size: number, gapMs: number): Promise<number> {
  return new Promise((resolve) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'POST', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(-1));
    let sent = 0;
    const piece = Buffer.alloc(size, 120);
    const next = () => {
      if (sent++ === chunks) return req.end();
      if (req.destroyed) return;
      if (gapMs === 0) {
        if (req.write(piece)) setImmediate(next);
        else req.once('drain', next);
      } else {
        req.write(piece);
        setTimeout(next, gapMs);
      }
    };
    next();
  });
}

t.test('write_timeout: a stalled upload times out, a slow but steady one does not', async (t) => {
  const up = await startUpstream('reader', (_req, res) => res.end('got it'));
  const stall = await silentServer(); // accepts, never reads: the upload's write stalls once buffers fill
  t.teardown(async () => {
    await up.close();
    await stall.close();
  });
  const gw = await gateway(t, `_format_version: "3.0"
services:
  - name: stalls
    url: http://127.0.0.1:${stall.port}
    write_timeout: 300
    read_timeout: 60000
    retries: 0
    routes: [{ name: stalls, paths: [/stalls], request_buffering: false }]
  - name: steady
    url: ${up.url}
    write_timeout: 300
    read_timeout: 300
    routes: [{ name: steady, paths: [/steady], request_buffering: false }]
`);
  const started = performance.now();
  // 256 MiB, far more than the socket buffers between the gateway and a peer that never reads.
  const status = await upload(gw.port, '/stalls', 4096, 64 * 1024, 0);
  t.ok(status === 504 || status === -1, `the stalled upload is cut (status ${status}) after ${Math.round(performance.now() - started)} ms`);
  t.ok(performance.now() - started < 20_000, 'well before the 60 s read timeout');
  t.equal(await upload(gw.port, '/steady', 8, 1024, 120), 200, 'chunks 120 ms apart keep a 300 ms write timeout alive for ~1 s');
});

t.test('read_timeout does not count time a slow client takes to read the response', async (t) => {
  const big = Buffer.alloc(8 * 1024 * 1024, 97);
  const up = await startUpstream('big', (_req, res) => res.end(big));
  t.teardown(() => up.close());
  const gw = await gateway(t, `_format_version: "3.0"
services:
  - { name: big, url: "${up.url}", read_timeout: 200, routes: [{ name: big, paths: [/big] }] }
`);
  const received = await new Promise<number>((resolve) => {
    const req = httpRequest({ host: '127.0.0.1', port: gw.port, path: '/big', agent: false }, (res) => {
      let n = 0;
      res.pause();
      // Take nothing for 3 read timeouts, then read it all.
      setTimeout(() => {
        res.on('data', (c: Buffer) => (n += c.length));
        res.resume();
      }, 600);
      res.on('end', () => resolve(n));
      res.on('error', () => resolve(-n));
      res.on('aborted', () => resolve(-n));
    });
    req.on('error', () => resolve(-1));
    req.end();
  });
  t.equal(received, big.length, 'the whole 8 MiB body arrived');
});
