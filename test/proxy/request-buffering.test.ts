/** request_buffering (Kong default on): small bodies reach the upstream whole with a Content-Length; off
 * streams them as they come; bodies over the in-memory limit stream either way. Both engines. */
import { request as httpRequest } from 'node:http';
import t from 'tap';
import { MAX_BUFFERED_BODY } from '../../src/proxy/request-buffering.js';
import { startTestGateway } from '../helpers/gateway.js';
import { startUpstream } from '../helpers/upstream.js';

function chunkedPost(port: number, path: string, body: Buffer): Promise<{ status: number; json: { headers: Record<string, string>; bodyLength: number } }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'POST', agent: false }, (res) => {
      let data = '';
      res.on('data', (c: Buffer) => (data += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(data) as never }));
    });
    req.on('error', reject);
    for (let off = 0; off < body.length; off += 64 * 1024) req.write(body.subarray(off, off + 64 * 1024));
    req.end();
  });
}

for (const engine of ['undici', 'http-proxy'] as const) {
  t.test(`${engine}: request_buffering`, async (t) => {
    const up = await startUpstream('echo', (req, res, body) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ headers: req.headers, bodyLength: body.length }));
    });
    t.teardown(() => up.close());
    const gw = await startTestGateway(
      `_format_version: "3.0"\nservices:\n  - name: s\n    url: ${up.url}\n    routes:\n      - { name: buffered, paths: [/buffered] }\n      - { name: streamed, paths: [/streamed], request_buffering: false }\n`,
      { engine },
    );
    t.teardown(() => gw.close());
    const small = Buffer.alloc(200 * 1024, 7);
    const b = await chunkedPost(gw.port, '/buffered', small);
    t.equal(b.status, 200);
    t.equal(b.json.headers['content-length'], String(small.length), 'buffered: sent with its length');
    t.equal(b.json.headers['transfer-encoding'], undefined);
    t.equal(b.json.bodyLength, small.length);
    const s = await chunkedPost(gw.port, '/streamed', small);
    t.equal(s.json.headers['transfer-encoding'], 'chunked', 'request_buffering off: streamed as it comes');
    t.equal(s.json.bodyLength, small.length);
    const big = Buffer.alloc(MAX_BUFFERED_BODY + 300 * 1024, 9);
    const l = await chunkedPost(gw.port, '/buffered', big);
    t.equal(l.json.headers['transfer-encoding'], 'chunked', 'over the in-memory limit: streamed');
    t.equal(l.json.bodyLength, big.length, 'every byte arrives');
  });
}
