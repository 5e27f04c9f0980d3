/** Kong's `headers` setting (--headers): parsing, and its effect on real responses. */
import t from 'tap';
import { parseHeaders } from '../../src/proxy/settings.js';
import { gatewayWithService } from '../helpers/gateway.js';
import { request } from '../helpers/http.js';

t.test('parseHeaders', async (t) => {
  const cases: [string, object | string][] = [
    ['server_tokens,latency_tokens,X-Kong-Request-Id', { serverTokens: true, latencyTokens: true, requestIdDownstream: true }],
    ['off', { serverTokens: false, latencyTokens: false, requestIdDownstream: false }],
    ['latency_tokens', { serverTokens: false, latencyTokens: true, requestIdDownstream: false }],
    [' Server_Tokens , x-kong-request-id ', { serverTokens: true, latencyTokens: false, requestIdDownstream: true }],
    ['bogus', "headers: unknown value 'bogus'"],
  ];
  for (const [input, want] of cases) {
    if (typeof want === 'string') t.throws(() => parseHeaders(input), { message: new RegExp(want) }, input);
    else t.same(parseHeaders(input), want, input);
  }
});

t.test('headers off: no Server, Via or X-Kong-* informational headers', async (t) => {
  const { gw } = await gatewayWithService(t, '- { name: r, paths: [/] }', { gateway: { settings: parseHeaders('off') } });
  const res = await request(gw.port, '/x');
  t.equal(res.status, 200);
  for (const h of ['via', 'x-kong-upstream-latency', 'x-kong-proxy-latency', 'x-kong-request-id']) t.notOk(res.headers[h], `${h} absent`);
  const missing = await request(gw.port, '/x', { headers: { host: 'x' } });
  t.equal(missing.status, 200);
});

// Kong's own answers follow `headers` too (kong.response.exit and its error handlers add Server only with
// server_tokens, X-Kong-Response-Latency only with latency_tokens, X-Kong-Request-Id only when enabled).
t.test("the gateway's own answers carry only the headers `headers` enables", async (t) => {
  const routes = `
    - { name: r, paths: [/r] }
    - name: denied
      paths: [/denied]
      plugins: [{ name: request-termination, config: { status_code: 403, message: denied } }]
    - name: empty
      paths: [/empty]
      plugins: [{ name: request-termination, config: { status_code: 204 } }]
  `;
  const answers: [what: string, path: string, status: number, headers?: Record<string, string>][] = [
    ['no route (the fast path)', '/nowhere', 404],
    ['a plugin exit', '/denied', 403],
    ['a plugin exit without a body', '/empty', 204],
    ['a bad Host', '/r', 400, { host: 'a/b' }],
  ];
  const generated = { server: 'serverTokens', 'x-kong-response-latency': 'latencyTokens', 'x-kong-request-id': 'requestIdDownstream' } as const;
  for (const setting of ['off', 'latency_tokens', 'server_tokens,X-Kong-Request-Id', 'server_tokens,latency_tokens,X-Kong-Request-Id']) {
    const settings = parseHeaders(setting);
    const { gw } = await gatewayWithService(t, routes, { gateway: { settings } });
    for (const [what, path, status, headers] of answers) {
      const res = await request(gw.port, path, headers ? { headers } : {});
      t.equal(res.status, status, `${setting}: ${what}`);
      for (const [h, key] of Object.entries(generated)) {
        t.equal(res.headers[h] !== undefined, settings[key], `${setting}: ${what}: ${h} ${settings[key] ? 'present' : 'absent'}`);
      }
    }
  }
});
