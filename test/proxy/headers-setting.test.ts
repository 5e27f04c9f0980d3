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
