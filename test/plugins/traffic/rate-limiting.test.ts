import t from 'tap';
import { gatewayWithService, startTestGateway } from '../../helpers/gateway.js';
import { request } from '../../helpers/http.js';
import { closedPort, startUpstream } from '../../helpers/upstream.js';
import { awaitFreshWindow } from './windows.js';

const HOUR = 3_600_000;

t.test('rate-limiting, policy local: exact counts, headers, 429', async (t) => {
  const { gw, up } = await gatewayWithService(t, `
      - name: limited
        paths: [/limited]
        plugins:
          - name: rate-limiting
            config: { hour: 5, policy: local, limit_by: ip }
      - name: two-periods
        paths: [/two]
        plugins:
          - name: rate-limiting
            config: { minute: 3, hour: 10, limit_by: ip }
      - name: hidden
        paths: [/hidden]
        plugins:
          - name: rate-limiting
            config: { hour: 1, hide_client_headers: true, error_code: 403, error_message: Slow down }
      - name: by-header
        paths: [/by-header]
        plugins:
          - name: rate-limiting
            config: { hour: 2, limit_by: header, header_name: X-Tenant }
      - name: by-path
        paths: [/by-path]
        plugins:
          - name: rate-limiting
            config: { hour: 1, limit_by: path, path: /by-path/a }
      - name: exported-nulls
        paths: [/nulls]
        plugins:
          - name: rate-limiting
            config: { second: null, minute: null, hour: 2, day: null, month: null, year: null, header_name: null, path: null, redis: { host: null } }
`);
  await awaitFreshWindow(HOUR);

  await t.test('the 6th request in the hour is refused, with Kong headers and body', async (t) => {
    for (let i = 1; i <= 5; i++) {
      const res = await request(gw.port, '/limited');
      t.equal(res.status, 200, `request ${i} passes`);
      t.equal(res.headers['x-ratelimit-limit-hour'], '5');
      t.equal(res.headers['x-ratelimit-remaining-hour'], String(5 - i));
      t.equal(res.headers['ratelimit-limit'], '5');
      t.equal(res.headers['ratelimit-remaining'], String(5 - i));
      const reset = Number(res.headers['ratelimit-reset']);
      t.ok(reset >= 1 && reset <= 3600, `reset ${reset} within the hour`);
      t.notOk(res.headers['retry-after']);
    }
    const res = await request(gw.port, '/limited');
    t.equal(res.status, 429);
    t.equal(res.json().message, 'API rate limit exceeded');
    t.match(res.headers['content-type'], /application\/json/);
    t.equal(res.headers['x-ratelimit-remaining-hour'], '0');
    t.equal(res.headers['ratelimit-remaining'], '0');
    t.equal(res.headers['retry-after'], res.headers['ratelimit-reset']);
    t.equal(up.seen.length, 5, 'the upstream saw exactly 5');
  });

  await t.test('concurrent requests: exactly the limit passes', async (t) => {
    const results = await Promise.all(Array.from({ length: 10 }, () => request(gw.port, '/by-header', { headers: { 'x-tenant': 'burst' } })));
    t.equal(results.filter((r) => r.status === 200).length, 2);
    t.equal(results.filter((r) => r.status === 429).length, 8);
  });

  await t.test('RateLimit-* follow the tightest period', async (t) => {
    await awaitFreshWindow(60_000);
    const first = await request(gw.port, '/two');
    t.equal(first.headers['x-ratelimit-limit-minute'], '3');
    t.equal(first.headers['x-ratelimit-limit-hour'], '10');
    t.equal(first.headers['x-ratelimit-remaining-minute'], '2');
    t.equal(first.headers['x-ratelimit-remaining-hour'], '9');
    t.equal(first.headers['ratelimit-limit'], '3', 'minute has less left');
    t.ok(Number(first.headers['ratelimit-reset']) <= 60);
    await request(gw.port, '/two');
    await request(gw.port, '/two');
    const refused = await request(gw.port, '/two');
    t.equal(refused.status, 429);
    t.equal(refused.headers['x-ratelimit-remaining-minute'], '0');
    t.equal(refused.headers['x-ratelimit-remaining-hour'], '7', 'a refused request is not counted');
    t.ok(Number(refused.headers['retry-after']) <= 60);
  });

  await t.test('hide_client_headers, error_code, error_message', async (t) => {
    const ok = await request(gw.port, '/hidden');
    t.equal(ok.status, 200);
    t.notOk(ok.headers['x-ratelimit-limit-hour']);
    t.notOk(ok.headers['ratelimit-limit']);
    const no = await request(gw.port, '/hidden');
    t.equal(no.status, 403);
    t.equal(no.json().message, 'Slow down');
    t.notOk(no.headers['retry-after']);
  });

  await t.test('limit_by header: one counter per value, the IP when absent', async (t) => {
    const a = (v?: string) => request(gw.port, '/by-header', v === undefined ? {} : { headers: { 'x-tenant': v } });
    t.equal((await a('a')).status, 200);
    t.equal((await a('a')).status, 200);
    t.equal((await a('a')).status, 429);
    t.equal((await a('b')).status, 200, 'another tenant has its own count');
    t.equal((await a()).status, 200, 'no header: counted by IP');
    t.equal((await a()).status, 200);
    t.equal((await a()).status, 429);
  });

  await t.test('limit_by path: the configured path is one counter, others fall back to the IP', async (t) => {
    t.equal((await request(gw.port, '/by-path/a')).status, 200);
    t.equal((await request(gw.port, '/by-path/a')).status, 429);
    t.equal((await request(gw.port, '/by-path/b')).status, 200);
    t.equal((await request(gw.port, '/by-path/c')).status, 429, 'same IP counter as /b');
  });

  await t.test('null fields (as Kong exports them) are accepted', async (t) => {
    t.equal((await request(gw.port, '/nulls')).status, 200);
    t.equal((await request(gw.port, '/nulls')).headers['x-ratelimit-limit-hour'], '2');
  });
});

t.test('rate-limiting: consumer-scoped config overrides the service-wide one', async (t) => {
  const up = await startUpstream('svc');
  t.teardown(() => up.close());
  // pre-function stands in for an auth plugin: it authenticates the consumer named in X-User.
  const gw = await startTestGateway(`_format_version: "3.0"
consumers:
  - username: gold
  - username: basic
services:
  - name: svc
    url: ${up.url}
    plugins:
      - name: rate-limiting
        config: { hour: 1 }
    routes:
      - name: api
        paths: [/api]
        plugins:
          - name: pre-function
            config:
              access:
                - |
                  const name = kong.request.get_header('x-user');
                  if (name) {
                    const [c] = kong.client.load_consumer(name, true);
                    if (c) kong.client.authenticate(c, null);
                  }
plugins:
  - name: rate-limiting
    consumer: gold
    config: { hour: 3 }
`);
  t.teardown(() => gw.close());
  await awaitFreshWindow(HOUR);
  const as = (user?: string) => request(gw.port, '/api', user ? { headers: { 'x-user': user } } : {});
  const gold = [await as('gold'), await as('gold'), await as('gold'), await as('gold')];
  t.same(gold.map((r) => r.status), [200, 200, 200, 429], 'gold gets its own limit of 3');
  t.equal(gold[0]!.headers['x-ratelimit-limit-hour'], '3');
  t.same([(await as('basic')).status, (await as('basic')).status], [200, 429], 'basic: the service limit of 1, per consumer');
  t.same([(await as()).status, (await as()).status], [200, 429], 'anonymous: by IP');
});

t.test('rate-limiting, policy redis: fault_tolerant when redis is unreachable', async (t) => {
  const deadPort = await closedPort();
  const { gw } = await gatewayWithService(t, `
      - name: tolerant
        paths: [/tolerant]
        plugins:
          - name: rate-limiting
            config: { minute: 1, policy: redis, redis: { host: 127.0.0.1, port: ${deadPort}, timeout: 300 } }
      - name: strict
        paths: [/strict]
        plugins:
          - name: rate-limiting
            config: { minute: 1, policy: redis, fault_tolerant: false, redis: { host: 127.0.0.1, port: ${deadPort}, timeout: 300 } }
`);
  const a = await request(gw.port, '/tolerant');
  t.equal(a.status, 200, 'proxied anyway');
  t.notOk(a.headers['x-ratelimit-limit-minute'], 'no usage, no headers');
  t.equal((await request(gw.port, '/tolerant')).status, 200, 'not limited while redis is down');
  const b = await request(gw.port, '/strict');
  t.equal(b.status, 500);
  t.equal(b.json().message, 'An unexpected error occurred');
});

t.test('rate-limiting schema checks', async (t) => {
  const { rateLimitingProblems } = await import('../../../src/plugins/rate-limiting/schema.js');
  const cases: [Record<string, unknown>, RegExp | null][] = [
    [{ minute: 10 }, null],
    [{}, /at least one of these fields must be non-empty: 'config.second'/],
    [{ minute: 10, hour: 5 }, /The limit for hour\(5\.0\) cannot be lower than the limit for minute\(10\.0\)/],
    [{ minute: 1, sync_rate: 1 }, /sync_rate can only be used with the redis policy/],
    [{ minute: 1, policy: 'redis', redis: {} }, /config\.redis\.host/],
    [{ minute: 1, policy: 'redis', redis_host: 'localhost', redis: {} }, null],
    [{ minute: 1, limit_by: 'header' }, /config\.header_name/],
    [{ minute: 1, limit_by: 'path' }, /config\.path/],
  ];
  for (const [config, want] of cases) {
    const got = rateLimitingProblems({ policy: 'local', sync_rate: -1, ...config });
    if (want === null) t.same(got, [], JSON.stringify(config));
    else t.match(got, [{ path: ['config'], message: want }], JSON.stringify(config));
  }
});
