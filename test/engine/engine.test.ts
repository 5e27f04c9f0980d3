// One suite, run against every engine: both must behave the same to the gateway.
import { createHash, randomBytes } from 'node:crypto';
import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as netServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import t, { type Test } from 'tap';
import { createEngine } from '../../src/proxy/engine/index.js';
import type { ProxyEngine, ProxyHooks, UpstreamRequest, UpstreamResult } from '../../src/http/engine.js';
import { responseOnSocket } from '../../src/proxy/upgrade.js';
import { until } from '../helpers/gateway.js';
import { closedPort } from '../helpers/upstream.js';

const ENGINES = ['undici', 'http-proxy'] as const;
// A self-signed certificate for upstream.test / 127.0.0.1, made for these tests only.
const CERT = readFileSync(new URL('./fixtures/upstream.test-cert.pem', import.meta.url), 'utf8');
const KEY = readFileSync(new URL('./fixtures/upstream.test-key.pem', import.meta.url), 'utf8');
const MB = 1024 * 1024;

interface Listening {
  server: Server;
  port: number;
  sockets: Set<Socket>;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<Listening> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    server,
    port: (server.address() as AddressInfo).port,
    sockets,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

async function listenNet(server: NetServer): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
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


function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

interface Front {
  port: number;
  /** Every onDone result, in order, and how many times onDone ran per proxied request. */
  results: UpstreamResult[];
  doneCounts: number[];
  clientReqs: IncomingMessage[];
}

interface FrontOptions {
  /** Adjusts the upstream request the front builds from the client request. */
  prepare?: (up: UpstreamRequest, req: IncomingMessage) => void;
  onResponse?: ProxyHooks['onResponse'];
  onBody?: (res: ServerResponse, status: number, headers: IncomingHttpHeaders, body: Buffer) => void;
  /** Retry policy for retriable failures: the next port to try, or null to stop. */
  retryPort?: (attempt: number) => number | null;
}

/**
 * A minimal gateway in front of the engine: builds the upstream request, answers failures the way the real
 * handler does (502/504 while the head is not sent), and records what the engine reported.
 */
async function startFront(t: Test, engine: ProxyEngine, upstreamPort: number, opts: FrontOptions = {}): Promise<Front> {
  const front: Front = { port: 0, results: [], doneCounts: [], clientReqs: [] };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    front.clientReqs.push(req);
    const index = front.doneCounts.push(0) - 1;
    const up: UpstreamRequest = {
      protocol: 'http',
      host: '127.0.0.1',
      port: upstreamPort,
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: { ...req.headers, host: 'upstream.test' },
      connectTimeout: 1000,
      writeTimeout: 2000,
      readTimeout: 2000,
      retries: 0,
    };
    opts.prepare?.(up, req);
    let attempt = 0;
    const hooks: ProxyHooks = {
      onResponse: opts.onResponse ?? (() => undefined),
      onDone(result) {
        front.doneCounts[index]!++;
        front.results.push(result);
        if (result.ok) return;
        const next = result.retriable && !res.headersSent ? opts.retryPort?.(++attempt) : null;
        if (next != null) {
          up.port = next;
          engine.proxy(req, res, up, hooks);
          return;
        }
        if (res.headersSent) res.destroy();
        else {
          res.writeHead(result.kind === 'timeout' ? 504 : 502, { 'x-failure': result.kind });
          res.end(result.error.message);
        }
      },
    };
    const onBody = opts.onBody;
    if (onBody) hooks.onBody = (status, headers, body) => onBody(res, status, headers, body);
    engine.proxy(req, res, up, hooks);
  });
  const l = await listen(server);
  t.teardown(() => l.close());
  front.port = l.port;
  return front;
}

async function startUpstream(t: Test, handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Listening> {
  const l = await listen(createServer(handler));
  t.teardown(() => l.close());
  return l;
}

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  body: Buffer;
}

function call(
  port: number,
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path, method: opts.method ?? 'GET', headers: opts.headers, agent: false, timeout: 10_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('client timed out')));
    req.on('error', reject);
    req.end(opts.body);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


for (const name of ENGINES) {
  t.test(`engine: ${name}`, async (t) => {
    const engine = createEngine(name);
    t.teardown(() => engine.close());
    t.equal(engine.name, name);

    t.test('GET: headers both ways, hop-by-hop dropped, Set-Cookie kept apart', async (t) => {
      let seen: IncomingHttpHeaders = {};
      const up = await startUpstream(t, (req, res) => {
        seen = req.headers;
        res.setHeader('set-cookie', ['a=1; Path=/', 'b=2; Path=/']);
        res.setHeader('x-upstream', 'yes');
        res.setHeader('x-private', 'hop');
        res.setHeader('connection', 'x-private');
        res.end('hello');
      });
      const front = await startFront(t, engine, up.port);
      const r = await call(front.port, '/a/b?x=1&y=%20', {
        headers: { 'x-client': 'c', connection: 'keep-alive, x-secret', 'x-secret': 's', 'keep-alive': 'timeout=5', te: 'trailers' },
      });
      t.equal(r.status, 200);
      t.equal(r.body.toString(), 'hello');
      t.same(r.headers['set-cookie'], ['a=1; Path=/', 'b=2; Path=/']);
      t.equal(r.headers['x-upstream'], 'yes');
      t.notOk(r.headers['x-private'], 'field listed in the upstream Connection header dropped');
      t.equal(seen.host, 'upstream.test');
      t.equal(seen['x-client'], 'c');
      // The client's Connection list is applied where the upstream headers are built (upstream-headers.ts), so
      // it cannot remove what the gateway adds; the engine drops only the fixed hop-by-hop names.
      t.equal(seen['x-secret'], 's', 'engine leaves Connection-listed names to the lifecycle');
      t.notOk(seen['keep-alive']);
      t.notOk(seen.te);
      t.same(front.results, [{ ok: true, status: 200, upstreamLatencyMs: front.results[0]?.ok ? front.results[0].upstreamLatencyMs : -1 }]);
    });

    t.test('path and query reach the upstream exactly', async (t) => {
      let url = '';
      const up = await startUpstream(t, (req, res) => {
        url = req.url ?? '';
        res.end();
      });
      const front = await startFront(t, engine, up.port, {
        prepare: (u) => {
          u.path = '//double//slash/%2F?q=a%20b&q=2';
        },
      });
      await call(front.port, '/');
      t.equal(url, '//double//slash/%2F?q=a%20b&q=2');
    });

    t.test('POST: 1 MB streamed up and 1 MB streamed down', async (t) => {
      const down = randomBytes(MB);
      let upHash = '';
      let upLength = 0;
      const up = await startUpstream(t, (req, res) => {
        void readBody(req).then((b) => {
          upHash = sha(b);
          upLength = b.length;
          res.writeHead(201, { 'content-type': 'application/octet-stream' });
          // Several writes so the body really streams.
          for (let i = 0; i < 16; i++) res.write(down.subarray(i * 65536, (i + 1) * 65536));
          res.end();
        });
      });
      const front = await startFront(t, engine, up.port);
      const body = randomBytes(MB);
      const r = await call(front.port, '/upload', { method: 'POST', body, headers: { 'content-type': 'application/octet-stream' } });
      t.equal(r.status, 201);
      t.equal(upLength, MB);
      t.equal(upHash, sha(body));
      t.equal(r.body.length, MB);
      t.equal(sha(r.body), sha(down));
    });

    t.test('a slow client holds the upstream back (backpressure)', async (t) => {
      const total = 64 * MB;
      const chunk = Buffer.alloc(64 * 1024, 7);
      let written = 0;
      const up = await startUpstream(t, (_req, res) => {
        res.writeHead(200, { 'content-length': String(total) });
        const pump = () => {
          while (written < total) {
            written += chunk.length;
            if (!res.write(chunk)) {
              res.once('drain', pump);
              return;
            }
          }
          res.end();
        };
        pump();
      });
      const front = await startFront(t, engine, up.port);
      const received = await new Promise<number>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port: front.port, path: '/', agent: false }, (res) => {
          res.pause();
          setTimeout(() => {
            t.ok(written < total / 2, `upstream paused at ${written} bytes while the client did not read`);
            let n = 0;
            res.on('data', (c: Buffer) => (n += c.length));
            res.on('end', () => resolve(n));
            res.resume();
          }, 300);
        });
        req.on('error', reject);
        req.end();
      });
      t.equal(received, total);
    });

    t.test('chunked client body (no length) arrives whole', async (t) => {
      let got = '';
      const up = await startUpstream(t, (req, res) => {
        void readBody(req).then((b) => {
          got = b.toString();
          res.end('ok');
        });
      });
      const front = await startFront(t, engine, up.port);
      const r = await new Promise<number>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port: front.port, method: 'PUT', path: '/', agent: false }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.write('part1-');
        setTimeout(() => req.end('part2'), 20);
      });
      t.equal(r, 200);
      t.equal(got, 'part1-part2');
    });

    t.test('chunked DELETE body arrives whole', async (t) => {
      let got = '';
      let method = '';
      const up = await startUpstream(t, (req, res) => {
        method = req.method ?? '';
        void readBody(req).then((b) => {
          got = b.toString();
          res.end('ok');
        });
      });
      const front = await startFront(t, engine, up.port);
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(
          { host: '127.0.0.1', port: front.port, method: 'DELETE', path: '/', agent: false, headers: { 'transfer-encoding': 'chunked' } },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          },
        );
        req.on('error', reject);
        req.write('gone-');
        setTimeout(() => req.end('now'), 20);
      });
      t.equal(status, 200);
      t.equal(method, 'DELETE');
      t.equal(got, 'gone-now');
    });

    t.test('a request node:http cannot send becomes a failure, not an exception', async (t) => {
      const up = await startUpstream(t, (_req, res) => res.end());
      const front = await startFront(t, engine, up.port, {
        prepare: (u) => {
          u.headers['x-bad'] = 'line\nbreak';
        },
      });
      const r = await call(front.port, '/');
      t.equal(r.status, 502);
      t.same(front.doneCounts, [1]);
      t.match(front.results[0], { ok: false });
    });

    t.test('onResponse changes the status and headers before anything is written', async (t) => {
      const up = await startUpstream(t, (_req, res) => {
        res.writeHead(200, { 'x-a': '1' });
        res.end('body');
      });
      const statuses: number[] = [];
      const front = await startFront(t, engine, up.port, {
        onResponse: (status, headers) => {
          statuses.push(status);
          headers['x-added'] = 'by-hook';
          delete headers['x-a'];
          return 418;
        },
      });
      const r = await call(front.port, '/');
      t.same(statuses, [200]);
      t.equal(r.status, 418);
      t.equal(r.headers['x-added'], 'by-hook');
      t.notOk(r.headers['x-a']);
      t.equal(r.body.toString(), 'body');
    });

    t.test('HEAD, 204 and 304 carry no body', async (t) => {
      const up = await startUpstream(t, (req, res) => {
        if (req.url === '/204') res.writeHead(204).end();
        else if (req.url === '/304') res.writeHead(304, { etag: '"x"' }).end();
        else res.writeHead(200, { 'content-length': '5' }).end(req.method === 'HEAD' ? undefined : 'hello');
      });
      const front = await startFront(t, engine, up.port);
      const head = await call(front.port, '/', { method: 'HEAD' });
      t.equal(head.status, 200);
      t.equal(head.headers['content-length'], '5');
      t.equal(head.body.length, 0);
      const r204 = await call(front.port, '/204');
      t.equal(r204.status, 204);
      t.equal(r204.body.length, 0);
      const r304 = await call(front.port, '/304');
      t.equal(r304.status, 304);
      t.equal(r304.headers.etag, '"x"');
      t.equal(r304.body.length, 0);
    });

    t.test('connection refused: kind connect, retriable', async (t) => {
      const front = await startFront(t, engine, await closedPort());
      const r = await call(front.port, '/');
      t.equal(r.status, 502);
      t.equal(front.results.length, 1);
      const res = front.results[0]!;
      t.match(res, { ok: false, kind: 'connect', retriable: true });
    });

    t.test('connect refused with a buffered POST body is still retriable', async (t) => {
      const front = await startFront(t, engine, await closedPort(), {
        prepare: (u) => {
          u.body = Buffer.from('buffered');
          u.headers['content-length'] = '8';
        },
      });
      await call(front.port, '/', { method: 'POST', body: 'client' });
      t.match(front.results[0], { ok: false, kind: 'connect', retriable: true });
    });

    t.test('retries reuse the client request without piling up listeners', async (t) => {
      const up = await startUpstream(t, (_req, res) => res.end('finally'));
      const refused = await closedPort();
      const front = await startFront(t, engine, refused, { retryPort: (n) => (n < 15 ? refused : n === 15 ? up.port : null) });
      const warnings: Error[] = [];
      const onWarning = (w: Error) => warnings.push(w);
      process.on('warning', onWarning);
      t.teardown(() => process.off('warning', onWarning));
      const r = await call(front.port, '/');
      t.equal(r.status, 200);
      t.equal(r.body.toString(), 'finally');
      t.equal(front.results.length, 16);
      t.ok(front.results.slice(0, 15).every((x) => !x.ok && x.kind === 'connect' && x.retriable));
      const req = front.clientReqs[0]!;
      // Attempts remove their listeners as they settle, just after the response: wait for it (bounded).
      await until(() => req.listenerCount('error') <= 1 && req.listenerCount('aborted') <= 1, 2000);
      t.ok(req.listenerCount('error') <= 1, 'no error listeners left behind');
      t.ok(req.listenerCount('aborted') <= 1, 'no aborted listeners left behind');
      t.same(
        warnings.filter((w) => w.name === 'MaxListenersExceededWarning'),
        [],
      );
    });

    t.test('read timeout: kind timeout (retriable for GET, not for a streamed POST)', async (t) => {
      const up = await startUpstream(t, (req) => {
        req.resume(); // never answers
      });
      const front = await startFront(t, engine, up.port, {
        prepare: (u) => {
          u.readTimeout = 150;
        },
      });
      const started = Date.now();
      const r = await call(front.port, '/slow');
      t.equal(r.status, 504);
      t.ok(Date.now() - started < 3000);
      t.match(front.results[0], { ok: false, kind: 'timeout', retriable: true });
      const p = await call(front.port, '/slow', { method: 'POST', body: 'x'.repeat(1000) });
      t.equal(p.status, 504);
      t.match(front.results[1], { ok: false, kind: 'timeout', retriable: false });
    });

    t.test('connect timeout (TLS handshake never completes): kind timeout, retriable', async (t) => {
      const silent = netServer((socket) => socket.on('error', () => undefined));
      const l = await listenNet(silent);
      t.teardown(() => l.close());
      const front = await startFront(t, engine, l.port, {
        prepare: (u) => {
          u.protocol = 'https';
          u.tls = { rejectUnauthorized: false };
          u.connectTimeout = 150;
        },
      });
      const started = Date.now();
      const r = await call(front.port, '/');
      t.equal(r.status, 504);
      t.ok(Date.now() - started < 3000);
      t.match(front.results[0], { ok: false, kind: 'timeout', retriable: true });
    });

    t.test('https upstream: trust settings are applied', async (t) => {
      const up = await listen(
        createHttpsServer({ cert: CERT, key: KEY }, (req, res) => {
          res.end(`tls:${(req.socket as TLSSocket).servername || ''}`);
        }) as unknown as Server,
      );
      t.teardown(() => up.close());
      const cases: { name: string; tls: UpstreamRequest['tls']; status: number; kind?: string }[] = [
        { name: 'verification off', tls: { rejectUnauthorized: false }, status: 200 },
        { name: 'untrusted certificate', tls: { rejectUnauthorized: true, servername: 'upstream.test' }, status: 502, kind: 'tls' },
        { name: 'trusted through ca', tls: { rejectUnauthorized: true, servername: 'upstream.test', ca: [CERT] }, status: 200 },
      ];
      for (const c of cases) {
        const front = await startFront(t, engine, up.port, {
          prepare: (u) => {
            u.protocol = 'https';
            u.tls = c.tls;
          },
        });
        const r = await call(front.port, '/');
        t.equal(r.status, c.status, c.name);
        if (c.kind) t.match(front.results[0], { ok: false, kind: c.kind, retriable: true }, c.name);
        if (c.tls?.servername && c.status === 200) t.equal(r.body.toString(), 'tls:upstream.test', `${c.name}: SNI sent`);
      }
    });

    t.test('upstream resets mid-body: client response is cut, onDone reports failure once', async (t) => {
      const up = await startUpstream(t, (_req, res) => {
        res.writeHead(200, { 'content-length': String(MB) });
        res.write(Buffer.alloc(1024, 1));
        setTimeout(() => res.socket?.destroy(), 30);
      });
      const front = await startFront(t, engine, up.port);
      const outcome = await call(front.port, '/').then(
        (r) => `complete:${r.body.length}`,
        (err: Error) => `error:${err.message}`,
      );
      t.match(outcome, /^error:/, 'client sees a broken response');
      t.ok(await until(() => front.results.length === 1));
      await sleep(30); // a window for a second onDone, which must not come
      t.same(front.doneCounts, [1]);
      t.match(front.results[0], { ok: false, retriable: false });
    });

    t.test('client abort cancels the upstream request', async (t) => {
      let upstreamClosed = false;
      let upstreamGotRequest = false;
      const up = await startUpstream(t, (req, res) => {
        upstreamGotRequest = true;
        res.once('close', () => {
          upstreamClosed = true;
        });
        req.resume();
      });
      const front = await startFront(t, engine, up.port);
      const client = httpRequest({ host: '127.0.0.1', port: front.port, path: '/hang', agent: false });
      client.on('error', () => undefined);
      client.end();
      t.ok(await until(() => upstreamGotRequest));
      client.destroy();
      t.ok(await until(() => upstreamClosed), 'upstream sees the connection close');
      t.ok(await until(() => front.results.length === 1));
      await sleep(30); // a window for a second onDone, which must not come
      t.same(front.doneCounts, [1]);
      t.match(front.results[0], { ok: false, retriable: false });
    });

    t.test('client abort mid-response stops the upstream stream', async (t) => {
      let upstreamClosed = false;
      let timer: NodeJS.Timeout | undefined;
      const up = await startUpstream(t, (_req, res) => {
        res.writeHead(200);
        let n = 0;
        timer = setInterval(() => {
          if (n++ < 200) res.write('tick\n');
        }, 10);
        res.once('close', () => {
          clearInterval(timer);
          upstreamClosed = true;
        });
      });
      t.teardown(() => clearInterval(timer));
      const front = await startFront(t, engine, up.port);
      await new Promise<void>((resolve) => {
        const client = httpRequest({ host: '127.0.0.1', port: front.port, path: '/', agent: false }, (res) => {
          res.once('data', () => {
            client.destroy();
            resolve();
          });
        });
        client.on('error', () => undefined);
        client.end();
      });
      t.ok(await until(() => upstreamClosed), 'upstream sees the connection close');
      t.ok(await until(() => front.results.length === 1));
      t.same(front.doneCounts, [1]);
      t.match(front.results[0], { ok: false });
    });

    t.test('bufferResponse: the body goes to onBody and the engine writes nothing', async (t) => {
      const up = await startUpstream(t, (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain', 'set-cookie': ['a=1', 'b=2'] });
        res.write('chunk-1 ');
        res.end('chunk-2');
      });
      const seen: { status: number; body: string; cookies: unknown }[] = [];
      const front = await startFront(t, engine, up.port, {
        prepare: (u) => {
          u.bufferResponse = true;
        },
        onResponse: () => 202,
        onBody(res, status, headers, body) {
          seen.push({ status, body: body.toString(), cookies: headers['set-cookie'] });
          t.notOk(res.headersSent, 'nothing written by the engine');
          const out = Buffer.from(`${body.toString()} +pdk`);
          headers['content-length'] = String(out.length);
          res.writeHead(status, headers);
          res.end(out);
        },
      });
      const r = await call(front.port, '/');
      t.equal(r.status, 202);
      t.equal(r.body.toString(), 'chunk-1 chunk-2 +pdk');
      t.same(r.headers['set-cookie'], ['a=1', 'b=2']);
      t.same(seen, [{ status: 202, body: 'chunk-1 chunk-2', cookies: ['a=1', 'b=2'] }]);
      t.match(front.results, [{ ok: true, status: 200 }]);
    });

    t.test('bufferResponse without onBody: the engine writes the buffered response', async (t) => {
      const up = await startUpstream(t, (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('a');
        res.end('b');
      });
      const front = await startFront(t, engine, up.port, {
        prepare: (u) => {
          u.bufferResponse = true;
        },
      });
      const r = await call(front.port, '/');
      t.equal(r.status, 200);
      t.equal(r.body.toString(), 'ab');
      t.equal(r.headers['content-length'], '2');
      t.notOk(r.headers['transfer-encoding']);
    });

    t.test('up.body replaces the client body', async (t) => {
      let got = '';
      let length = '';
      const up = await startUpstream(t, (req, res) => {
        length = String(req.headers['content-length']);
        void readBody(req).then((b) => {
          got = b.toString();
          res.end('ok');
        });
      });
      const front = await startFront(t, engine, up.port, {
        prepare: (u, req) => {
          req.resume(); // a plugin already read the client body
          u.body = Buffer.from('replaced by plugin');
          u.headers['content-length'] = String(u.body.length);
          delete u.headers['transfer-encoding'];
        },
      });
      const r = await call(front.port, '/', { method: 'POST', body: 'original body from client' });
      t.equal(r.status, 200);
      t.equal(got, 'replaced by plugin');
      t.equal(length, '18');
    });

    t.test('upgrade: 101 handshake, then bytes both ways', async (t) => {
      let upstreamHeaders: IncomingHttpHeaders = {};
      let upstreamEnded = false;
      const upServer = createServer((_req, res) => res.end('no upgrade'));
      upServer.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
        upstreamHeaders = req.headers;
        socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nX-Up: 1\r\n\r\n');
        if (head.length > 0) socket.write(Buffer.concat([Buffer.from('echo:'), head]));
        socket.on('data', (d: Buffer) => socket.write(Buffer.concat([Buffer.from('echo:'), d])));
        socket.on('error', () => socket.destroy());
        socket.once('end', () => {
          upstreamEnded = true;
          socket.destroy();
        });
      });
      const up = await listen(upServer);
      t.teardown(() => up.close());

      const results: UpstreamResult[] = [];
      const frontServer = createServer((_req, res) => res.end());
      frontServer.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
        socket.on('error', () => socket.destroy());
        const upReq: UpstreamRequest = {
          protocol: 'http',
          host: '127.0.0.1',
          port: up.port,
          method: 'GET',
          path: req.url ?? '/',
          headers: { ...req.headers, host: 'ws.test', connection: 'Upgrade', upgrade: 'websocket' },
          connectTimeout: 1000,
          writeTimeout: 1000,
          readTimeout: 1000,
          retries: 0,
        };
        engine.upgrade(req, responseOnSocket(req, socket), head, upReq, {
          onResponse: (_s, headers) => {
            headers['x-gateway'] = 'sluice';
            return undefined;
          },
          onDone: (r) => results.push(r),
        });
      });
      const front = await listen(frontServer);
      t.teardown(() => front.close());

      const { socket, status, headers } = await new Promise<{ socket: Socket; status: number; headers: IncomingHttpHeaders }>(
        (resolve, reject) => {
          const req = httpRequest({
            host: '127.0.0.1',
            port: front.port,
            path: '/chat?room=1',
            headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' },
            agent: false,
            timeout: 5000,
          });
          req.on('upgrade', (res: IncomingMessage, s: Socket) => resolve({ socket: s, status: res.statusCode ?? 0, headers: res.headers }));
          req.on('response', () => reject(new Error('no upgrade')));
          req.on('timeout', () => req.destroy(new Error('timeout')));
          req.on('error', reject);
          req.end();
        },
      );
      t.teardown(() => socket.destroy());
      t.equal(status, 101);
      t.equal(headers['x-up'], '1');
      t.equal(headers['x-gateway'], 'sluice');
      t.equal(upstreamHeaders.host, 'ws.test');
      t.equal(String(upstreamHeaders.upgrade).toLowerCase(), 'websocket');
      t.match(String(upstreamHeaders.connection), /upgrade/i);
      t.match(results, [{ ok: true, status: 101 }]);

      const replies: string[] = [];
      socket.on('data', (d: Buffer) => replies.push(d.toString()));
      socket.write('ping');
      t.ok(await until(() => replies.join('') === 'echo:ping'), 'bytes go up and come back');
      socket.write('second');
      t.ok(await until(() => replies.join('') === 'echo:pingecho:second'));
      // Closing the client side closes the upstream side.
      socket.destroy();
      t.ok(await until(() => upstreamEnded), 'upstream connection closed with the client');
    });

    t.test('upgrade: an idle tunnel closes after the read timeout', async (t) => {
      const upServer = createServer((_req, res) => res.end());
      upServer.on('upgrade', (_req: IncomingMessage, socket: Socket) => {
        socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
        socket.on('error', () => socket.destroy());
      });
      const up = await listen(upServer);
      t.teardown(() => up.close());
      const frontServer = createServer((_req, res) => res.end());
      frontServer.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
        socket.on('error', () => socket.destroy());
        engine.upgrade(
          req,
          responseOnSocket(req, socket),
          head,
          {
            protocol: 'http',
            host: '127.0.0.1',
            port: up.port,
            method: 'GET',
            path: '/',
            headers: { connection: 'Upgrade', upgrade: 'websocket' },
            connectTimeout: 1000,
            writeTimeout: 1000,
            readTimeout: 150,
            retries: 0,
          },
          { onResponse: () => undefined, onDone: () => undefined },
        );
      });
      const front = await listen(frontServer);
      t.teardown(() => front.close());
      const closed = await new Promise<boolean>((resolve, reject) => {
        const req = httpRequest({
          host: '127.0.0.1',
          port: front.port,
          path: '/',
          headers: { connection: 'Upgrade', upgrade: 'websocket' },
          agent: false,
        });
        req.on('upgrade', (_res: IncomingMessage, s: Socket) => {
          const timer = setTimeout(() => {
            s.destroy();
            resolve(false);
          }, 3000);
          s.on('error', () => undefined);
          s.once('close', () => {
            clearTimeout(timer);
            resolve(true);
          });
          s.resume();
        });
        req.on('error', reject);
        req.end();
      });
      t.ok(closed, 'tunnel closed when idle');
    });

    t.test('upgrade refused by the upstream: its answer is relayed', async (t) => {
      const up = await startUpstream(t, (_req, res) => res.writeHead(400, { 'content-type': 'text/plain' }).end('nope'));
      const results: UpstreamResult[] = [];
      const frontServer = createServer((_req, res) => res.end());
      frontServer.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
        socket.on('error', () => socket.destroy());
        engine.upgrade(
          req,
          responseOnSocket(req, socket),
          head,
          {
            protocol: 'http',
            host: '127.0.0.1',
            port: up.port,
            method: 'GET',
            path: '/',
            headers: { ...req.headers, connection: 'Upgrade', upgrade: 'websocket' },
            connectTimeout: 1000,
            writeTimeout: 1000,
            readTimeout: 1000,
            retries: 0,
          },
          { onResponse: () => undefined, onDone: (r) => results.push(r) },
        );
      });
      const front = await listen(frontServer);
      t.teardown(() => front.close());
      const r = await call(front.port, '/', { headers: { connection: 'Upgrade', upgrade: 'websocket' } });
      t.equal(r.status, 400);
      t.equal(r.body.toString(), 'nope');
      t.match(results, [{ ok: true, status: 400 }]);
    });

    t.test('upgrade to a refused port reports a connect failure', async (t) => {
      const port = await closedPort();
      const results: UpstreamResult[] = [];
      const frontServer = createServer((_req, res) => res.end());
      frontServer.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
        socket.on('error', () => socket.destroy());
        engine.upgrade(
          req,
          responseOnSocket(req, socket),
          head,
          {
            protocol: 'http',
            host: '127.0.0.1',
            port,
            method: 'GET',
            path: '/',
            headers: { connection: 'Upgrade', upgrade: 'websocket' },
            connectTimeout: 1000,
            writeTimeout: 1000,
            readTimeout: 1000,
            retries: 0,
          },
          {
            onResponse: () => undefined,
            onDone: (r) => {
              results.push(r);
              socket.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
            },
          },
        );
      });
      const front = await listen(frontServer);
      t.teardown(() => front.close());
      const r = await call(front.port, '/', { headers: { connection: 'Upgrade', upgrade: 'websocket' } });
      t.equal(r.status, 502);
      t.match(results, [{ ok: false, kind: 'connect', retriable: true }]);
    });

    t.test('close() closes pooled upstream connections', async (t) => {
      const own = createEngine(name);
      const up = await startUpstream(t, (_req, res) => res.end('pooled'));
      const front = await startFront(t, own, up.port);
      await call(front.port, '/');
      await call(front.port, '/');
      t.ok(await until(() => up.sockets.size === 1), 'one kept-alive connection serves both requests');
      await own.close();
      t.ok(await until(() => up.sockets.size === 0), 'closed by engine.close()');
    });
  });
}

