/**
 * The engines keep their state per instance and bounded (issue 12): two gateways in one process, each with
 * its own engine, never hand one's request (or its TLS server name) to the other; connection pools and the
 * names that key them stay within their bounds whatever plugins set per request.
 */
import t from 'tap';
import type { UpstreamRequest } from '../../src/http/engine.js';
import { PoolKeys } from '../../src/proxy/engine/pool-keys.js';
import type { UndiciEngine } from '../../src/proxy/engine/undici-engine.js';
import { MAX_VERIFY_DEPTH, poolDepth } from '../../src/proxy/engine/verify-depth.js';
import { startTestGateway } from '../helpers/gateway.js';
import { request } from '../helpers/http.js';
import { startUpstream } from '../helpers/upstream.js';
import { makePki, yamlPem } from '../tls/pki.js';
import { startTlsUpstream } from '../tls/tls-upstream.js';

const pki = makePki();
t.teardown(() => pki.cleanup());

const upstreamRequest = (tls: UpstreamRequest['tls'], connectTimeout = 1000): UpstreamRequest => ({
  protocol: 'https',
  host: '127.0.0.1',
  port: 1,
  method: 'GET',
  path: '/',
  headers: {},
  connectTimeout,
  writeTimeout: 1000,
  readTimeout: 1000,
  retries: 0,
  tls,
});

t.test('pool keys: by material, not by object; PEM ids bounded; depths folded', async (t) => {
  const keys = new PoolKeys(4);
  const ca = ['-----CA ONE-----', '-----CA TWO-----'];
  const base = keys.key(upstreamRequest({ rejectUnauthorized: true, ca }));
  t.equal(keys.key(upstreamRequest({ rejectUnauthorized: true, ca: [...ca] })), base, 'a new list with the same CAs shares the pool');
  t.not(keys.key(upstreamRequest({ rejectUnauthorized: true, ca: [ca[1]!, ca[0]!] })), base, 'order is part of the trust store');
  t.not(keys.key(upstreamRequest({ rejectUnauthorized: false, ca })), base, 'verification is part of the key');
  t.not(keys.key(upstreamRequest({ rejectUnauthorized: true, ca }, 2000)), base, 'connect timeout is part of the key');
  const seen = new Set<string>();
  for (let i = 0; i < 50; i++) seen.add(keys.key(upstreamRequest({ rejectUnauthorized: true, cert: `CERT ${i}`, key: `KEY ${i}` })));
  t.equal(seen.size, 50, '50 client certificates, 50 pools');
  t.ok(keys.pems <= 4, `PEM ids held: ${keys.pems} (bound 4)`);
  t.equal(poolDepth(3), 3);
  t.equal(poolDepth(10 ** 9), MAX_VERIFY_DEPTH, 'every depth beyond what is counted shares one pool');
  t.equal(
    keys.key(upstreamRequest({ rejectUnauthorized: true, verifyDepth: 500 })),
    keys.key(upstreamRequest({ rejectUnauthorized: true, verifyDepth: 600 })),
  );
});

t.test('undici: per-request connect timeouts cannot grow the agent table without bound', async (t) => {
  const up = await startUpstream('up');
  t.teardown(() => up.close());
  const gw = await startTestGateway(
    `_format_version: "3.0"
services:
  - name: s
    url: ${up.url}
    routes: [{ name: r, paths: [/] }]
    plugins:
      - name: pre-function
        config:
          access:
            - "kong.service.set_timeouts(1000 + Number(kong.request.get_header('x-n')), 5000, 5000)"
`,
    { engine: 'undici' },
  );
  t.teardown(() => gw.close());
  const engine = gw.engine as UndiciEngine;
  for (let i = 0; i < 90; i++) {
    const res = await request(gw.port, '/', { headers: { 'x-n': String(i) } });
    if (res.status !== 200) t.fail(`request ${i}: ${res.status}`);
  }
  t.equal(up.seen.length, 90, 'every request arrived');
  t.equal(engine.agentCount, 64, '90 distinct timeouts, 64 agents kept');
  const again = await request(gw.port, '/', { headers: { 'x-n': '0' } });
  t.equal(again.status, 200, 'a request for an evicted pool gets a new agent');
});

for (const engine of ['undici', 'http-proxy'] as const) {
  t.test(`two gateways in one process (${engine}): concurrent requests reach their own upstream with their own SNI`, async (t) => {
    const names = ['alpha.test', 'bravo.test'] as const;
    const upstreams = await Promise.all(names.map((n) => startTlsUpstream(pki.issue(n, { san: `DNS:${n}` }))));
    t.teardown(() => Promise.all(upstreams.map((u) => u.close())));
    // Each gateway verifies its upstream against the name it sends: a request sent with the other's SNI (or to
    // the other's upstream) fails verification and answers 502.
    const gateways = await Promise.all(
      names.map((name, i) =>
        startTestGateway(
          `_format_version: "3.0"
ca_certificates:
  - id: 6b2c1a0e-0000-4000-8000-00000000000${i + 1}
    cert: ${yamlPem(pki.ca.cert, 6)}
upstreams:
  - name: ${name}
    targets: [{ target: "127.0.0.1:${upstreams[i]!.port}" }]
services:
  - name: s
    protocol: https
    host: ${name}
    port: 443
    tls_verify: true
    ca_certificates: [6b2c1a0e-0000-4000-8000-00000000000${i + 1}]
    routes: [{ name: r, paths: [/] }]
`,
          { engine },
        ),
      ),
    );
    t.teardown(() => Promise.all(gateways.map((g) => g.close())));
    const rounds = 40;
    const results = await Promise.all(
      Array.from({ length: rounds * 2 }, (_, n) => {
        const i = n % 2;
        return request(gateways[i]!.port, `/from-${i}-${n}`).then((res) => ({ i, res }));
      }),
    );
    for (const { i, res } of results) {
      if (res.status !== 200) t.fail(`gateway ${i}: ${res.status} ${res.body}`);
      else if (!String(res.json().url).startsWith(`/from-${i}-`)) t.fail(`gateway ${i} got ${res.json().url}`);
    }
    t.equal(results.filter((r) => r.res.status === 200).length, rounds * 2, 'all answered 200 by the right upstream');
    for (let i = 0; i < 2; i++) {
      const sni = new Set(upstreams[i]!.handshakes.map((h) => h.servername));
      t.same([...sni], [names[i]], `${names[i]}'s upstream saw only its own server name`);
    }
  });
}
