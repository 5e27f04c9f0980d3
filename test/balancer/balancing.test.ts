import t, { type Test } from 'tap';
import { gateway, upstream } from '../helpers/gateway.js';
import { request } from '../helpers/http.js';
import type { Upstream } from '../helpers/upstream.js';
import { countHits, poolConfig, sleep } from './lb-helpers.js';

function upstreams(t: Test, names: string[]): Promise<Upstream[]> {
  return Promise.all(names.map((n) => upstream(t, n)));
}

t.test('weighted round-robin: shares follow the weights', async (t) => {
  const [a, b, c, z] = await upstreams(t, ['a', 'b', 'c', 'z']);
  const gw = await gateway(
    t,
    poolConfig([
      { target: `127.0.0.1:${a!.port}`, weight: 100 },
      { target: `127.0.0.1:${b!.port}`, weight: 200 },
      { target: `localhost:${c!.port}`, weight: 300 },
      { target: `127.0.0.1:${z!.port}`, weight: 0 },
    ]),
  );
  const N = 600;
  const { counts, statuses } = await countHits(gw.port, '/', N, 4);
  t.same(statuses, { 200: N }, 'all answered');
  // Stated tolerance: each share within 3 percentage points of weight / total (smooth WRR is exact in fact).
  for (const [name, want] of [['a', 1 / 6], ['b', 2 / 6], ['c', 3 / 6]] as const) {
    const share = (counts[name] ?? 0) / N;
    t.ok(Math.abs(share - want) <= 0.03, `${name}: ${(share * 100).toFixed(1)} % (want ${(want * 100).toFixed(1)} %)`);
  }
  t.equal(counts['z'] ?? 0, 0, 'weight 0 takes no traffic');
  t.equal(z!.seen.length, 0);
});

t.test('consistent hashing: each input is sticky', async (t) => {
  const ups = await upstreams(t, ['h1', 'h2', 'h3', 'h4']);
  const targets = ups.slice(0, 3).map((u) => ({ target: `127.0.0.1:${u.port}` }));
  const cases: { name: string; upstream: string; path: (k: number) => string; headers?: (k: number) => Record<string, string>; more?: string }[] = [
    { name: 'header', upstream: 'hash_on: header\nhash_on_header: x-user', path: () => '/', headers: (k) => ({ 'x-user': `u${k}` }) },
    { name: 'cookie', upstream: 'hash_on: cookie\nhash_on_cookie: sticky', path: () => '/', headers: (k) => ({ cookie: `sticky=c${k}` }) },
    { name: 'path', upstream: 'hash_on: path', path: (k) => `/p/${k}` },
    { name: 'query_arg', upstream: 'hash_on: query_arg\nhash_on_query_arg: uid', path: (k) => `/q?uid=${k}&other=${Math.random()}` },
    {
      name: 'uri_capture',
      upstream: 'hash_on: uri_capture\nhash_on_uri_capture: id',
      path: (k) => `/items/${k}/x${Math.random()}`,
      more: `      - name: cap\n        paths: ["~/items/(?<id>\\\\d+)/"]\n`,
    },
    {
      name: 'consumer',
      upstream: 'hash_on: consumer',
      path: () => '/',
      headers: (k) => ({ 'x-cred': `cred-${k}` }),
      more: `plugins:
  - name: pre-function
    config:
      access:
        - "kong.client.authenticate(null, { id: kong.request.get_header('x-cred') })"
`,
    },
    {
      name: 'header with query_arg fallback',
      upstream: 'hash_on: header\nhash_on_header: x-none\nhash_fallback: query_arg\nhash_fallback_query_arg: uid',
      path: (k) => `/?uid=${k}`,
    },
  ];
  for (const c of cases) {
    t.test(c.name, async (t) => {
      let yaml = poolConfig(targets, c.upstream);
      if (c.more?.startsWith('plugins')) yaml += c.more;
      else if (c.more) yaml = yaml.replace('        paths: [/]\n', `        paths: [/]\n${c.more}`);
      const gw = await gateway(t, yaml);
      const owners = new Set<string>();
      for (let k = 0; k < 12; k++) {
        const seen = new Set<string>();
        for (let i = 0; i < 4; i++) {
          const res = await request(gw.port, c.path(k), c.headers ? { headers: c.headers(k) } : {});
          t.equal(res.status, 200, `key ${k} answered`);
          seen.add(String(res.headers['x-upstream']));
        }
        if (seen.size !== 1) t.fail(`key ${k} went to ${[...seen].join(', ')}`);
        owners.add([...seen][0]!);
      }
      t.ok(owners.size >= 2, `12 keys spread over ${owners.size} targets`);
    });
  }

  t.test('ip: one client, one target', async (t) => {
    const gw = await gateway(t, poolConfig(targets, 'hash_on: ip'));
    const { counts } = await countHits(gw.port, '/', 20);
    t.equal(Object.keys(counts).length, 1, `all on ${Object.keys(counts).join(',')}`);
  });

  t.test('a missing hash cookie is set, then sticks', async (t) => {
    const gw = await gateway(t, poolConfig(targets, 'hash_on: cookie\nhash_on_cookie: sticky\nhash_on_cookie_path: /app'));
    const first = await request(gw.port, '/');
    const set = first.headers['set-cookie']?.[0] ?? '';
    t.match(set, /^sticky=[0-9a-f-]{36}; Path=\/app; Same-Site=Lax; HttpOnly$/, 'Set-Cookie sent');
    const cookie = set.split(';')[0]!;
    for (let i = 0; i < 5; i++) {
      const res = await request(gw.port, '/', { headers: { cookie } });
      t.equal(res.headers['x-upstream'], first.headers['x-upstream'], 'same target with the cookie');
      t.equal(res.headers['set-cookie'], undefined, 'no new cookie');
    }
  });

  t.test('adding a target remaps only the keys it takes', async (t) => {
    const gw = await gateway(t, poolConfig(targets, 'hash_on: header\nhash_on_header: x-user'));
    const before: string[] = [];
    const K = 60;
    for (let k = 0; k < K; k++) before.push(String((await request(gw.port, '/', { headers: { 'x-user': `u${k}` } })).headers['x-upstream']));
    await gw.writeConfig(poolConfig([...targets, { target: `127.0.0.1:${ups[3]!.port}` }], 'hash_on: header\nhash_on_header: x-user'));
    t.equal((await gw.reload()).status, 'swapped');
    let moved = 0;
    for (let k = 0; k < K; k++) {
      const now = String((await request(gw.port, '/', { headers: { 'x-user': `u${k}` } })).headers['x-upstream']);
      if (now !== before[k]) {
        moved++;
        t.equal(now, 'h4', `key ${k} moved only to the new target`);
      }
    }
    // Ideal 1/4 of the keys; stated tolerance: fewer than half move.
    t.ok(moved < K / 2, `${moved} of ${K} keys moved`);
  });
});

t.test('least-connections favours the fast target when one is slow', async (t) => {
  const slow = await upstream(t, 'slow', (_req, res) => {
    setTimeout(() => {
      res.writeHead(200, { 'x-upstream': 'slow' });
      res.end('slow');
    }, 150);
  });
  const fast = await upstream(t, 'fast');
  const gw = await gateway(
    t,
    poolConfig([{ target: `127.0.0.1:${slow.port}` }, { target: `127.0.0.1:${fast.port}` }], 'algorithm: least-connections'),
  );
  const { counts, statuses } = await countHits(gw.port, '/', 80, 8);
  t.same(statuses, { 200: 80 });
  t.ok((counts['fast'] ?? 0) >= 3 * (counts['slow'] ?? 0), `fast ${counts['fast']} vs slow ${counts['slow']}`);
  t.ok((counts['slow'] ?? 0) > 0, 'the slow target still gets some');
});

t.test('latency prefers the quicker target', async (t) => {
  const slow = await upstream(t, 'slow', (_req, res) => {
    setTimeout(() => {
      res.writeHead(200, { 'x-upstream': 'slow' });
      res.end('slow');
    }, 60);
  });
  const fast = await upstream(t, 'fast');
  const gw = await gateway(t, poolConfig([{ target: `127.0.0.1:${slow.port}` }, { target: `127.0.0.1:${fast.port}` }], 'algorithm: latency'));
  await countHits(gw.port, '/', 6);
  await sleep(10);
  const { counts } = await countHits(gw.port, '/', 40);
  t.ok((counts['fast'] ?? 0) >= 36, `fast ${counts['fast']} vs slow ${counts['slow'] ?? 0}`);
});
