import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import t from 'tap';
import { request } from '../helpers/http.js';
import { closedPort } from '../helpers/upstream.js';
import { gateway, upstream } from '../helpers/gateway.js';

t.test('proxies a request with the headers Kong sets', async (t) => {
  const up = await upstream(t, 'a');
  const gw = await gateway(t, `_format_version: "3.0"
services:
  - name: echo
    url: ${up.url}
    routes:
      - name: echo
        paths: [/echo]
`);
  const res = await request(gw.port, '/echo/x?a=1&b=2', { headers: { 'x-custom': 'yes', 'x-forwarded-for': '10.1.1.1' } });
  t.equal(res.status, 200);
  const seen = res.json<{ url: string; headers: Record<string, string> }>();
  t.equal(seen.url, '/x?a=1&b=2', 'strip_path removes the matched prefix; query kept');
  t.equal(seen.headers.host, `127.0.0.1:${up.port}`, 'Host is the service host:port');
  t.equal(seen.headers['x-custom'], 'yes');
  t.equal(seen.headers['x-forwarded-for'], '10.1.1.1, 127.0.0.1', 'XFF appends the peer');
  t.equal(seen.headers['x-forwarded-proto'], 'http');
  t.equal(seen.headers['x-forwarded-host'], '127.0.0.1');
  t.equal(seen.headers['x-forwarded-port'], String(gw.port));
  t.equal(seen.headers['x-forwarded-path'], '/echo/x');
  t.equal(seen.headers['x-forwarded-prefix'], '/echo');
  t.equal(seen.headers['x-real-ip'], '127.0.0.1');
  t.equal(seen.headers.via, '1.1 kong/3.10.0');
  t.match(seen.headers['x-kong-request-id'], /^[0-9a-f]{32}$/);
  t.equal(res.headers.via, '1.1 kong/3.10.0');
  t.equal(res.headers.server, 'kong/3.10.0', 'Server added when the upstream sent none');
  t.match(res.headers['x-kong-upstream-latency'], /^\d+$/);
  t.match(res.headers['x-kong-proxy-latency'], /^\d+$/);
  t.equal(res.headers['x-kong-request-id'], seen.headers['x-kong-request-id']);
  t.equal(res.headers['x-upstream'], 'a');
});

t.test('errors the gateway generates carry Kong statuses and bodies', async (t) => {
  const dead = await closedPort();
  const slow = await upstream(t, 'slow', (_req, res) => {
    setTimeout(() => res.end('late'), 1500).unref();
  });
  const gw = await gateway(t, `_format_version: "3.0"
services:
  - name: refused
    url: http://127.0.0.1:${dead}
    retries: 2
    routes: [{ name: refused, paths: [/refused] }]
  - name: slow
    url: ${slow.url}
    read_timeout: 200
    retries: 0
    routes: [{ name: slow, paths: [/slow] }]
  - name: disabled
    url: http://127.0.0.1:${dead}
    enabled: false
    routes: [{ name: disabled, paths: [/off] }]
routes:
  - name: serviceless
    paths: [/nowhere]
  - name: tls-only
    protocols: [https]
    paths: [/secure]
  - name: tls-redirect
    protocols: [https]
    https_redirect_status_code: 308
    paths: [/redirect]
`);

  const cases: [string, number, string | null][] = [
    ['/missing', 404, 'no Route matched with those values'],
    ['/refused', 502, 'An invalid response was received from the upstream server'],
    ['/slow', 504, 'The upstream server is timing out'],
    ['/off', 404, 'no Route matched with those values'],
    ['/nowhere', 503, 'no Service found with those values'],
    ['/secure', 426, 'Please use HTTPS protocol'],
    ['/redirect/a?b=1', 308, null],
    ['/bad%zzpath', 400, 'Bad request'],
  ];
  for (const [path, status, message] of cases) {
    const res = await request(gw.port, path, { headers: { host: 'example.test:8000' } });
    t.equal(res.status, status, `${path} → ${status}`);
    t.equal(res.headers.server, 'kong/3.10.0', `${path}: Server header`);
    t.match(res.headers['x-kong-request-id'], /^[0-9a-f]{32}$/, `${path}: request id`);
    if (message !== null) {
      t.equal(res.headers['content-type'], 'application/json; charset=utf-8');
      t.same(res.json(), { message, request_id: res.headers['x-kong-request-id'] }, `${path}: body`);
      t.ok(res.body.startsWith('{\n  "message":'), 'Kong formats the body on several lines');
    }
  }
  const secure = await request(gw.port, '/secure');
  t.equal(secure.headers.connection, 'Upgrade');
  t.equal(secure.headers.upgrade, 'TLS/1.2, HTTP/1.1');
  const redirect = await request(gw.port, '/redirect/a?b=1', { headers: { host: 'Example.test:8000' } });
  t.equal(redirect.headers.location, 'https://example.test/redirect/a?b=1', 'Location drops the port, keeps the query');

  const text = await request(gw.port, '/missing', { headers: { accept: 'text/plain' } });
  t.match(text.body, /^no Route matched with those values\nrequest_id: [0-9a-f]{32}\n$/);
});

t.test('retries move on after connection failures (round-robin over targets)', async (t) => {
  const dead = await closedPort();
  const up = await upstream(t, 'live');
  const gw = await gateway(t, `_format_version: "3.0"
upstreams:
  - name: pool.internal
    targets:
      - target: 127.0.0.1:${dead}
      - target: 127.0.0.1:${up.port}
services:
  - name: pooled
    host: pool.internal
    retries: 3
    routes: [{ name: pooled, paths: [/] }]
`);
  for (let i = 0; i < 6; i++) {
    const res = await request(gw.port, `/r${i}`);
    t.equal(res.status, 200, `request ${i} reaches the live target`);
    t.equal(res.json<{ headers: { host: string } }>().headers.host, `127.0.0.1:${up.port}`, 'Host is the target');
  }
});

t.test('streams large bodies both ways intact', async (t) => {
  const size = 8 * 1024 * 1024;
  const up = await upstream(t, 'big', (req, res, body) => {
    const h = createHash('sha256').update(body).digest('hex');
    res.writeHead(200, { 'x-request-sha256': h, 'content-type': 'application/octet-stream' });
    // Answer with the same bytes in chunks (chunked transfer encoding).
    let off = 0;
    const push = () => {
      while (off < body.length) {
        const end = Math.min(off + 65536, body.length);
        const ok = res.write(body.subarray(off, end));
        off = end;
        if (!ok) return res.once('drain', push);
      }
      res.end();
    };
    push();
    void req;
  });
  const gw = await gateway(t, `_format_version: "3.0"
services:
  - name: big
    url: ${up.url}
    routes: [{ name: big, paths: [/big] }]
`);
  const payload = Buffer.alloc(size);
  for (let i = 0; i < size; i += 4) payload.writeUInt32LE((i * 2654435761) >>> 0, i);
  const want = createHash('sha256').update(payload).digest('hex');
  const got = await new Promise<{ status: number; sha: string; echoedSha: string; length: number }>((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: gw.port, path: '/big', method: 'POST', headers: { 'content-type': 'application/octet-stream' } },
      (res) => {
        const hash = createHash('sha256');
        let length = 0;
        res.on('data', (c: Buffer) => {
          hash.update(c);
          length += c.length;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, sha: hash.digest('hex'), echoedSha: String(res.headers['x-request-sha256']), length }),
        );
      },
    );
    req.on('error', reject);
    // Write in pieces without a content-length: the request goes chunked.
    for (let off = 0; off < size; off += 1 << 20) req.write(payload.subarray(off, off + (1 << 20)));
    req.end();
  });
  t.equal(got.status, 200);
  t.equal(got.echoedSha, want, 'upstream received every byte');
  t.equal(got.length, size);
  t.equal(got.sha, want, 'client received every byte');
});
