/** Malformed requests on raw sockets: each gets a 4xx (Kong's statuses), and the gateway keeps serving. */
import { connect } from 'node:net';
import t from 'tap';
import { startTestGateway } from '../helpers/gateway.js';
import { request } from '../helpers/http.js';

function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    let data = '';
    const s = connect(port, '127.0.0.1', () => s.end(text));
    const timer = setTimeout(() => {
      s.destroy();
      resolve(data.split('\r\n')[0] ?? '');
    }, 2000);
    s.on('data', (c: Buffer) => (data += c.toString()));
    s.on('error', () => undefined);
    s.on('close', () => {
      clearTimeout(timer);
      resolve(data.split('\r\n')[0] ?? '');
    });
  });
}

const CASES: [string, string, RegExp][] = [
  ['not HTTP at all', 'GARBAGE\r\n\r\n', / 400 /],
  ['header without a colon', 'GET / HTTP/1.1\r\nHost: a\r\nBad Header\r\n\r\n', / 400 /],
  ['broken percent-encoding', 'GET /%zz HTTP/1.1\r\nHost: a\r\n\r\n', / 400 /],
  ['dot segments above the root', 'GET /../../etc/passwd HTTP/1.1\r\nHost: a\r\n\r\n', / 400 /],
  ['Content-Length with Transfer-Encoding', 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', / 400 /],
  ['control character in the path', 'GET /\x01 HTTP/1.1\r\nHost: a\r\n\r\n', / 400 /],
  ['unknown HTTP version', 'GET / HTTP/9.9\r\nHost: a\r\n\r\n', / 400 /],
  ['oversized header', `GET / HTTP/1.1\r\nHost: a\r\nX: ${'a'.repeat(20000)}\r\n\r\n`, / 494 /],
];

t.test('malformed requests get 4xx and never take the gateway down', async (t) => {
  const gw = await startTestGateway(`_format_version: "3.0"
routes:
  - name: hello
    paths: [/]
    plugins:
      - name: request-termination
        config: { status_code: 200, message: ok }
`);
  t.teardown(() => gw.close());
  for (const [name, text, want] of CASES) t.match(await raw(gw.port, text), want, name);
  t.equal((await request(gw.port, '/')).status, 200, 'still serving');
  // Absolute-form targets are accepted as nginx accepts them: the authority is the Host.
  t.match(await raw(gw.port, 'GET http://example.test/ HTTP/1.1\r\nHost: other\r\n\r\n'), / 200 /, 'absolute-form target');
  t.match(await raw(gw.port, 'GET mailto:x HTTP/1.1\r\nHost: a\r\n\r\n'), / 400 /, 'other forms refused');
});
