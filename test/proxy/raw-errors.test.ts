/**
 * Requests the gateway cannot take — an unreadable request line, a header block too large, broken upgrades —
 * each get Kong's 4xx as a well-formed response (read by node:http's own client parser: framing, Content-Length,
 * Connection: close), answers leave a pipelined connection in request order, and the gateway keeps serving.
 */
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { Duplex } from 'node:stream';
import t from 'tap';
import { gateway, upstream } from '../helpers/gateway.js';
import { request } from '../helpers/http.js';
import { rawExchange } from '../helpers/raw-client.js';

interface Parsed {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * Sends `raw` as is and reads the answer with node:http's client: a wire in place of its socket carries our
 * bytes instead of the request it would write, and gives its parser what the gateway sends back.
 */
function sendRaw(port: number, raw: string): Promise<Parsed> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let sent = false;
    const wire = new Duplex({
      read() {},
      write(_chunk, _encoding, done) {
        if (!sent) {
          sent = true;
          socket.write(raw);
        }
        done();
      },
      destroy(err, done) {
        socket.destroy();
        done(err);
      },
    });
    socket.on('data', (d: Buffer) => wire.push(d));
    socket.on('end', () => wire.push(null));
    socket.on('error', (err) => wire.destroy(err));
    const timer = setTimeout(() => wire.destroy(new Error('no answer within 5 s')), 5000);
    const req = httpRequest({ createConnection: () => wire as never, path: '/', headers: { host: 'x' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        socket.destroy();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() });
      });
    });
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end();
  });
}

const UPGRADE = 'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n';

t.test('unreadable requests get a well-formed 4xx, and the gateway goes on', async (t) => {
  const up = await upstream(t, 'svc', (req, res) => {
    setTimeout(() => res.end('slow answer'), req.url === '/slow' ? 300 : 0);
  });
  const port = up.url.split(':').pop();
  const gw = await gateway(
    t,
    `_format_version: "3.0"
services:
  - name: svc
    url: ${up.url}
    routes:
      - name: plain
        paths: [/]
  - name: ws
    url: ws://127.0.0.1:${port}
    routes:
      - name: ws
        protocols: [ws]
        paths: [/ws]
`,
  );
  const cases: [name: string, raw: string, status: number, message: string][] = [
    ['not HTTP at all', 'GARBAGE\r\n\r\n', 400, 'Bad request'],
    ['a broken request line', 'GET / HTTP/x.1\r\nHost: a\r\n\r\n', 400, 'Bad request'],
    ['a header without a colon', 'GET / HTTP/1.1\r\nHost: a\r\nBad Header\r\n\r\n', 400, 'Bad request'],
    // Kong error_handlers.lua: nginx's 494 becomes 400 with Kong's message (spec 05-proxy/13-error_handlers_spec).
    ['a header block too large', `GET / HTTP/1.1\r\nHost: a\r\nX-Large: ${'a'.repeat(20_000)}\r\n\r\n`, 400, 'Request header or cookie too large'],
    ['an upgrade with a header that does not parse', `GET /ws HTTP/1.1\r\nHost: a\r\n${UPGRADE}Sec-WebSocket-Key\r\n\r\n`, 400, 'Bad request'],
    ['an upgrade with a Host that is not a host name', `GET /ws HTTP/1.1\r\nHost: a..b\r\n${UPGRADE}Sec-WebSocket-Key: dGhlIHNhbXBsZQ==\r\n\r\n`, 400, 'Bad request'],
    ['an upgrade with two Host headers', `GET /ws HTTP/1.1\r\nHost: a\r\nHost: b\r\n${UPGRADE}Sec-WebSocket-Key: dGhlIHNhbXBsZQ==\r\n\r\n`, 400, 'Bad request'],
    [
      'a ws route handshake without a key',
      `GET /ws HTTP/1.1\r\nHost: a\r\n${UPGRADE}\r\n`,
      400,
      "Cannot complete WebSocket handshake: invalid/missing 'Sec-WebSocket-Key' header",
    ],
  ];
  for (const [name, raw, status, message] of cases) {
    const got = await sendRaw(gw.port, raw);
    t.equal(got.status, status, `${name}: status`);
    t.equal(got.headers.connection, 'close', `${name}: the connection closes`);
    t.equal(Number(got.headers['content-length']), Buffer.byteLength(got.body), `${name}: Content-Length is the body's bytes`);
    t.match(String(got.headers.server), /^kong\//, `${name}: Server`);
    let body: { message?: string; request_id?: string } = {};
    try {
      body = JSON.parse(got.body) as typeof body;
    } catch {
      t.fail(`${name}: a JSON body, got ${JSON.stringify(got.body.slice(0, 80))}`);
    }
    t.equal(body.message, message, `${name}: Kong's message`);
    t.equal(body.request_id, got.headers['x-kong-request-id'], `${name}: the request id, in the body and the header`);
    t.equal((await request(gw.port, '/ok')).status, 200, `${name}: still serving`);
  }
  t.equal(up.seen.filter((r) => r.url === '/ws').length, 0, 'no broken upgrade reached the upstream');

  // Pipelined behind a slow answer, the 400 waits for it: answers leave a connection in request order.
  const piped = await rawExchange(gw.port, 'GET /slow HTTP/1.1\r\nHost: a\r\n\r\nGARBAGE\r\n\r\n');
  t.same(piped.statuses, [200, 400], 'the earlier answer first, then the 400');
  t.match(piped.text, /slow answer/, 'the earlier answer whole');
});
