import t from 'tap';
import { gatewayWithService, pluginRoute, startError } from '../../helpers/gateway.js';
import { request } from '../../helpers/http.js';
import type { UpstreamHandler } from '../../helpers/upstream.js';

const preflight = (origin: string, extra: Record<string, string> = {}) => ({
  method: 'OPTIONS',
  headers: { origin, 'access-control-request-method': 'POST', ...extra },
});

t.test('cors through a gateway', async (t) => {
  const route = (name: string, config: string) => pluginRoute(name, 'cors', config);
  const handler: UpstreamHandler = (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', vary: 'Accept-Encoding', 'access-control-allow-origin': 'http://upstream' });
    res.end('ok');
  };
  const { gw, up } = await gatewayWithService(t, `${route('any', '{}')}${route('one', '{ origins: ["http://a.example"] }')}${route('list', '{ origins: ["http://a.example:80", "https://b.example", "(.*)\\\\.c\\\\.example", "https://.*\\\\.d\\\\.example:8443"], headers: [X-One, X-Two], exposed_headers: [X-Total], methods: [GET, POST], max_age: 3600, credentials: true, private_network: true }')}${route('star-creds', '{ origins: ["*"], credentials: true }')}${route('continue', '{ preflight_continue: true }')}${route('absent', '{ origins: ["http://a.example", "http://x.example"], allow_origin_absent: false }')}`, { handler });

  await t.test('preflight with defaults', async (t) => {
    const res = await request(gw.port, '/any', preflight('http://x.example', { 'access-control-request-headers': 'X-Custom' }));
    t.equal(res.status, 200);
    t.equal(res.body, '');
    t.equal(res.headers['access-control-allow-origin'], '*');
    t.equal(res.headers['access-control-allow-methods'], 'GET,HEAD,PUT,PATCH,POST,DELETE,OPTIONS,TRACE,CONNECT');
    t.equal(res.headers['access-control-allow-headers'], 'X-Custom', 'requested headers echoed');
    t.notOk(res.headers['access-control-max-age']);
    t.notOk(res.headers['access-control-allow-credentials']);
    t.notOk(res.headers.vary);
    t.equal(up.seen.length, 0, 'answered by the gateway');
  });

  await t.test('preflight with a full config', async (t) => {
    const res = await request(gw.port, '/list', preflight('http://www.c.example', { 'access-control-request-private-network': 'true' }));
    t.equal(res.status, 200);
    t.equal(res.headers['access-control-allow-origin'], 'http://www.c.example');
    t.equal(res.headers.vary, 'Origin');
    t.equal(res.headers['access-control-allow-credentials'], 'true');
    t.equal(res.headers['access-control-allow-headers'], 'X-One,X-Two');
    t.equal(res.headers['access-control-allow-methods'], 'GET,POST');
    t.equal(res.headers['access-control-max-age'], '3600');
    t.equal(res.headers['access-control-allow-private-network'], 'true');
    t.notOk(res.headers['access-control-expose-headers'], 'not on preflights');
  });

  await t.test('preflight_continue sends the preflight upstream untouched', async (t) => {
    const res = await request(gw.port, '/continue', preflight('http://x.example'));
    t.equal(res.status, 200);
    t.equal(res.body, 'ok');
    t.equal(up.seen.at(-1)!.method, 'OPTIONS');
    t.equal(res.headers['access-control-allow-origin'], 'http://upstream', 'no CORS headers added');
  });

  await t.test('an OPTIONS without Access-Control-Request-Method is not a preflight', async (t) => {
    const res = await request(gw.port, '/any', { method: 'OPTIONS', headers: { origin: 'http://x.example' } });
    t.equal(res.body, 'ok');
    t.equal(res.headers['access-control-allow-origin'], '*');
  });

  await t.test('actual requests: origin matching', async (t) => {
    const get = (path: string, origin?: string) => request(gw.port, path, origin ? { headers: { origin } } : {});
    const cases: [string, string | undefined, string | undefined][] = [
      ['/any', 'http://x.example', '*'],
      ['/any', undefined, '*'],
      ['/one', 'http://elsewhere', 'http://a.example'],
      ['/list', 'http://a.example', 'http://a.example'],
      ['/list', 'http://a.example:80', 'http://a.example'],
      ['/list', 'https://b.example', 'https://b.example'],
      ['/list', 'https://b.example:443', 'https://b.example'],
      ['/list', 'http://b.example', undefined],
      ['/list', 'https://deep.www.c.example', 'https://deep.www.c.example'],
      ['/list', 'https://c.example.evil', undefined],
      ['/list', 'https://x.d.example:8443', 'https://x.d.example:8443'],
      ['/list', 'https://x.d.example', undefined],
      ['/list', undefined, undefined],
    ];
    for (const [path, origin, want] of cases) {
      const res = await get(path, origin);
      t.equal(res.headers['access-control-allow-origin'], want, `${path} ${origin ?? '(no origin)'}`);
    }
    const list = await get('/list', 'https://b.example');
    t.same(list.headers.vary, 'Accept-Encoding, Origin', 'Vary added to the upstream one');
    t.equal(list.headers['access-control-expose-headers'], 'X-Total');
    t.equal(list.headers['access-control-allow-credentials'], 'true');
  });

  await t.test('credentials with * echo the origin', async (t) => {
    const res = await request(gw.port, '/star-creds', { headers: { origin: 'http://q.example' } });
    t.equal(res.headers['access-control-allow-origin'], 'http://q.example');
    t.equal(res.headers['access-control-allow-credentials'], 'true');
    t.match(res.headers.vary, /Origin/);
  });

  await t.test('allow_origin_absent: false leaves origin-less responses alone', async (t) => {
    const res = await request(gw.port, '/absent');
    t.equal(res.headers['access-control-allow-origin'], 'http://upstream');
  });
});

t.test('cors refuses invalid origin regexes', async (t) => {
  const err = await startError(`_format_version: "3.0"
plugins:
  - name: cors
    config: { origins: ["(unclosed"] }
`);
  t.match(err, /'\(unclosed' is not a valid regex/);
});
