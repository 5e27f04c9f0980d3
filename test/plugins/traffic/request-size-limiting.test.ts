import { request as httpRequest } from 'node:http';
import t from 'tap';
import { gatewayWithService, until } from '../../helpers/gateway.js';
import { request, type Response } from '../../helpers/http.js';

/** Sends `chunks` with Transfer-Encoding: chunked (no Content-Length). */
function chunked(port: number, path: string, chunks: Buffer[], headers: Record<string, string> = {}): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'POST', agent: false, headers: { ...headers, 'transfer-encoding': 'chunked' } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => {
        const body = Buffer.concat(parts).toString();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: <T>() => JSON.parse(body) as T });
      });
    });
    req.on('error', reject);
    for (const c of chunks) req.write(c);
    req.end();
  });
}

t.test('request-size-limiting', async (t) => {
  const { gw, up } = await gatewayWithService(t, `
      - name: small
        paths: [/small]
        plugins:
          - name: request-size-limiting
            config: { allowed_payload_size: 10, size_unit: bytes }
      - name: kb
        paths: [/kb]
        plugins:
          - name: request-size-limiting
            config: { allowed_payload_size: 1, size_unit: kilobytes }
      - name: needs-length
        paths: [/needs-length]
        plugins:
          - name: request-size-limiting
            config: { allowed_payload_size: 1, require_content_length: true }
      - name: defaults
        paths: [/defaults]
        plugins:
          - name: request-size-limiting
      - name: mb
        paths: [/mb]
        plugins:
          - name: request-size-limiting
            config: { allowed_payload_size: 1, size_unit: megabytes }
`);

  await t.test('Content-Length within and over the limit', async (t) => {
    const ok = await request(gw.port, '/small', { method: 'POST', body: '0123456789' });
    t.equal(ok.status, 200);
    t.equal(up.seen.at(-1)!.body, '0123456789');
    const seen = up.seen.length;
    const big = await request(gw.port, '/small', { method: 'POST', body: '0123456789x' });
    t.equal(big.status, 413);
    t.equal(big.json().message, 'Request size limit exceeded');
    t.equal(up.seen.length, seen, 'not proxied');
    t.equal((await request(gw.port, '/kb', { method: 'POST', body: 'x'.repeat(1024) })).status, 200);
    t.equal((await request(gw.port, '/kb', { method: 'POST', body: 'x'.repeat(1025) })).status, 413);
    t.equal((await request(gw.port, '/defaults', { method: 'POST', body: 'x'.repeat(100_000) })).status, 200, '128 MB by default');
  });

  await t.test('Expect: 100-continue over the limit answers 417', async (t) => {
    const res = await request(gw.port, '/small', {
      method: 'POST',
      headers: { expect: '100-continue', 'content-length': '100' },
      body: 'x'.repeat(100),
    });
    t.equal(res.status, 417);
    t.equal(res.json().message, 'Request size limit exceeded');
  });

  await t.test('require_content_length', async (t) => {
    const res = await request(gw.port, '/needs-length');
    t.equal(res.status, 411);
    t.equal(res.json().message, 'A valid Content-Length header is required');
    t.equal((await chunked(gw.port, '/needs-length', [Buffer.from('abc')])).status, 200, 'chunked is allowed through');
    t.equal((await request(gw.port, '/needs-length', { method: 'POST', body: 'abc' })).status, 200);
  });

  await t.test('chunked bodies are measured too', async (t) => {
    const ok = await chunked(gw.port, '/small', [Buffer.from('01234'), Buffer.from('56789')]);
    t.equal(ok.status, 200);
    t.equal(up.seen.at(-1)!.body, '0123456789', 'the whole body reaches the upstream');
    const big = await chunked(gw.port, '/small', [Buffer.from('012345'), Buffer.from('6789x')]);
    t.equal(big.status, 413);
    t.equal(big.json().message, 'Request size limit exceeded');
  });

  await t.test('a GET without a body passes untouched', async (t) => {
    const res = await request(gw.port, '/small');
    t.equal(res.status, 200);
    t.equal(up.seen.at(-1)!.headers['content-length'], undefined, 'no Content-Length invented for the upstream');
  });

  // kong.request.limit_body: the body is counted as it streams upstream, never buffered whole.
  await t.test('a chunked body over the limit is cut off while streaming', async (t) => {
    const ok = await chunked(gw.port, '/mb', Array.from({ length: 10 }, () => Buffer.alloc(64 * 1024, 97)));
    t.equal(ok.status, 200);
    t.equal(up.seen.at(-1)!.body.length, 640 * 1024, 'under the limit: streamed through whole');

    const seen = up.seen.length;
    const aborted = up.aborted;
    const over = await uploadUntilAnswered(gw.port, '/mb', 64 * 1024 * 1024);
    t.equal(over.status, 413);
    t.match(over.body, /Request size limit exceeded/);
    t.equal(over.connection, 'close');
    t.ok(over.sentWhenAnswered < 16 * 1024 * 1024, `answered after ${over.sentWhenAnswered} bytes of 64 MB`);
    t.ok(await until(() => up.aborted === aborted + 1), 'the upstream saw the oversized body cut off mid-way');
    t.equal(up.seen.length, seen, 'the upstream never completed the oversized request');
  });
});

/** Offers up to `total` bytes in 64 KB chunks, stopping as soon as the answer comes; says how much was sent by then. */
function uploadUntilAnswered(
  port: number,
  path: string,
  total: number,
): Promise<{ status: number; body: string; sentWhenAnswered: number; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let stopped = false;
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'POST', agent: false, headers: { 'transfer-encoding': 'chunked' } }, (res) => {
      stopped = true;
      const sentWhenAnswered = sent;
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString(), sentWhenAnswered, connection: res.headers.connection });
      });
    });
    req.on('error', () => undefined); // the gateway closes the connection mid-upload
    const chunk = Buffer.alloc(64 * 1024, 98);
    const pump = () => {
      while (!stopped && sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!stopped) req.end();
    };
    pump();
    const timer = setTimeout(() => reject(new Error(`no answer from ${path} in 10 s`)), 10_000);
  });
}
