/** Malformed requests on raw sockets: each gets a 4xx (Kong's statuses), and the gateway keeps serving. */
import t from 'tap';
import { gateway } from '../helpers/gateway.js';
import { request } from '../helpers/http.js';
import { rawExchange } from '../helpers/raw-client.js';

/** The status line of what the gateway answers to `text` (the client half-closes after sending it). */
const raw = async (port: number, text: string) => (await rawExchange(port, text, { end: true, timeoutMs: 2000 })).text.split('\r\n')[0] ?? '';

// Unparsable request lines and headers, and a header block too large, are in raw-errors.test.ts.
const CASES: [string, string, RegExp][] = [
  ['broken percent-encoding', 'GET /%zz HTTP/1.1\r\nHost: a\r\n\r\n', / 400 /],
  ['dot segments above the root', 'GET /../../etc/passwd HTTP/1.1\r\nHost: a\r\n\r\n', / 400 /],
  ['Content-Length with Transfer-Encoding', 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', / 400 /],
  ['control character in the path', 'GET /\x01 HTTP/1.1\r\nHost: a\r\n\r\n', / 400 /],
  ['unknown HTTP version', 'GET / HTTP/9.9\r\nHost: a\r\n\r\n', / 400 /],
];

t.test('malformed requests get 4xx and never take the gateway down', async (t) => {
  const gw = await gateway(t, `_format_version: "3.0"
routes:
  - name: hello
    paths: [/]
    plugins:
      - name: request-termination
        config: { status_code: 200, message: ok }
`);
  for (const [name, text, want] of CASES) t.match(await raw(gw.port, text), want, name);
  t.equal((await request(gw.port, '/')).status, 200, 'still serving');
  // Absolute-form targets are accepted as nginx accepts them: the authority is the Host.
  t.match(await raw(gw.port, 'GET http://example.test/ HTTP/1.1\r\nHost: other\r\n\r\n'), / 200 /, 'absolute-form target');
  t.match(await raw(gw.port, 'GET mailto:x HTTP/1.1\r\nHost: a\r\n\r\n'), / 400 /, 'other forms refused');
});
