import { request as httpRequest } from 'node:http';
import t from 'tap';
import { gatewayWithService, until } from '../../helpers/gateway.js';

// request-size-limiting counts a chunked body as it streams upstream (kong.request.limit_body). Runs on the
// engine SLUICE_TEST_ENGINE names, so `npm test` covers both.
t.test('chunked body over the limit is cut off while streaming', async (t) => {
  const { gw, up } = await gatewayWithService(t, `
    - name: small
      paths: [/small]
      plugins:
        - name: request-size-limiting
          config: { allowed_payload_size: 1, size_unit: megabytes }
`);

  // Under the limit: streamed through whole.
  const okStatus = await new Promise<{ status: number; len: number }>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: gw.port, path: '/small', method: 'POST', agent: false, headers: { 'transfer-encoding': 'chunked' } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, len: up.seen.at(-1)?.body.length ?? -1 }));
    });
    req.on('error', reject);
    for (let i = 0; i < 10; i++) req.write(Buffer.alloc(64 * 1024, 97));
    req.end();
  });
  t.same(okStatus, { status: 200, len: 640 * 1024 });

  // Over: 64 MB offered in 64 KB chunks; the 413 must come back long before the client is done.
  let sent = 0;
  const result = await new Promise<{ status: number; body: string; sentWhenAnswered: number; conn: string | undefined }>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: gw.port, path: '/small', method: 'POST', agent: false, headers: { 'transfer-encoding': 'chunked' } }, (res) => {
      const sentWhenAnswered = sent;
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString(), sentWhenAnswered, conn: res.headers.connection }));
    });
    req.on('error', () => undefined); // the gateway closes the connection mid-upload
    const chunk = Buffer.alloc(64 * 1024, 98);
    let stopped = false;
    req.on('response', () => (stopped = true));
    const pump = () => {
      while (!stopped && sent < 64 * 1024 * 1024) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!stopped) req.end();
    };
    pump();
    setTimeout(() => reject(new Error('no answer in 10 s')), 10_000).unref();
  });
  t.equal(result.status, 413);
  t.match(result.body, /Request size limit exceeded/);
  t.equal(result.conn, 'close');
  t.ok(result.sentWhenAnswered < 16 * 1024 * 1024, `answered after ${result.sentWhenAnswered} bytes of 64 MB`);
  t.ok(await until(() => up.aborted === 1), 'the upstream saw the oversized request cut off mid-body');
  t.equal(up.seen.length, 1, 'the upstream never completed the oversized request');
});
