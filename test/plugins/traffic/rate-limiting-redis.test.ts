import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import t from 'tap';
import { startTestGateway } from '../../helpers/gateway.js';
import { request } from '../../helpers/http.js';
import { startUpstream } from '../../helpers/upstream.js';
import { redisForFile } from './redis-server.js';
import { awaitFreshWindow } from './windows.js';

const CHILD = fileURLToPath(new URL('./child-gateway.ts', import.meta.url));

/** Another sluice process (same loaders as this test) serving `yaml`. */
async function startChildGateway(yaml: string): Promise<{ port: number; close(): Promise<void> }> {
  const child = spawn(process.execPath, [...process.execArgv, CHILD], { stdio: ['pipe', 'pipe', 'inherit'] });
  child.stdin.write(`${yaml}\n---END---\n`);
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('child gateway did not start in 20 s')), 20_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /PORT (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`child gateway exited (${code})`)));
  });
  return {
    port,
    close: () =>
      new Promise<void>((r) => {
        if (child.exitCode !== null) return r();
        const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(kill);
          r();
        });
        child.stdin.end();
      }),
  };
}

const { redis, skip } = await redisForFile(t);

t.test('rate-limiting, policy redis: counters shared by two sluice processes', { skip }, async (t) => {
  if (redis === null) return;
  const up = await startUpstream('svc');
  t.teardown(() => up.close());
  const yaml = `_format_version: "3.0"
services:
  - name: svc
    url: ${up.url}
    routes:
      - name: shared
        paths: [/shared]
        plugins:
          - name: rate-limiting
            config:
              minute: 6
              hour: 100
              policy: redis
              limit_by: header
              header_name: X-Client
              redis: { host: 127.0.0.1, port: ${redis.port} }
      - name: legacy-fields
        paths: [/legacy]
        plugins:
          - name: rate-limiting
            config: { minute: 1, policy: redis, redis_host: 127.0.0.1, redis_port: ${redis.port} }
`;
  const a = await startTestGateway(yaml);
  t.teardown(() => a.close());
  const b = await startChildGateway(yaml);
  t.teardown(() => b.close());
  await awaitFreshWindow(60_000, 8000);

  const statuses: number[] = [];
  const remaining: string[] = [];
  for (let i = 0; i < 6; i++) {
    const gw = i % 2 === 0 ? a.port : b.port;
    const res = await request(gw, '/shared', { headers: { 'x-client': 'c1' } });
    statuses.push(res.status);
    remaining.push(String(res.headers['x-ratelimit-remaining-minute']));
  }
  t.same(statuses, [200, 200, 200, 200, 200, 200], 'six requests alternating between the two gateways pass');
  t.same(remaining, ['5', '4', '3', '2', '1', '0'], 'each gateway sees the other one’s requests');
  const seventhA = await request(a.port, '/shared', { headers: { 'x-client': 'c1' } });
  const seventhB = await request(b.port, '/shared', { headers: { 'x-client': 'c1' } });
  t.equal(seventhA.status, 429, 'the 7th is refused on gateway A');
  t.equal(seventhB.status, 429, 'and on gateway B');
  t.equal(seventhA.json().message, 'API rate limit exceeded');
  t.equal(seventhB.headers['retry-after'], seventhB.headers['ratelimit-reset']);
  t.equal(up.seen.length, 6, 'the upstream saw exactly the limit');
  t.equal((await request(b.port, '/shared', { headers: { 'x-client': 'c2' } })).status, 200, 'another client is counted apart');

  // The keys are Kong's, with the window's expiry set.
  const client = new Redis({ host: '127.0.0.1', port: redis.port, lazyConnect: true });
  t.teardown(() => client.quit());
  const keys = (await client.keys('ratelimit:*:c1:*')).sort();
  t.equal(keys.length, 2, 'one key per period');
  const minuteKey = keys.find((k) => k.endsWith(':minute'))!;
  t.match(minuteKey, /^ratelimit:[0-9a-f-]{36}:[0-9a-f-]{36}:c1:\d{13}:minute$/);
  t.equal(await client.get(minuteKey), '8', 'refused requests count too (Kong realtime redis)');
  const ttl = await client.ttl(minuteKey);
  t.ok(ttl > 0 && ttl <= 60, `ttl ${ttl}`);

  t.same(
    [(await request(a.port, '/legacy')).status, (await request(b.port, '/legacy')).status],
    [200, 429],
    "Kong's deprecated redis_host / redis_port still work",
  );
});
