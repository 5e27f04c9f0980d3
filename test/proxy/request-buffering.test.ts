/** request_buffering (Kong default on): small bodies reach the upstream whole with a Content-Length; off
 * streams them as they come; bodies over the in-memory limit stream either way. On the engine under test
 * (SLUICE_TEST_ENGINE: `npm test` runs both). */
import { request as httpRequest } from 'node:http';
import t from 'tap';
import { MAX_BUFFERED_BODY } from '../../src/proxy/request-buffering.js';
import { gatewayWithService } from '../helpers/gateway.js';
import type { UpstreamHandler } from '../helpers/upstream.js';

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

t.test('request_buffering', async (t) => {
  const handler: UpstreamHandler = (req, res, body) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ headers: req.headers, bodyLength: body.length }));
  };
  const { gw } = await gatewayWithService(
    t,
    `
      - { name: buffered, paths: [/buffered] }
      - { name: streamed, paths: [/streamed], request_buffering: false }
`,
    { handler },
  );
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
