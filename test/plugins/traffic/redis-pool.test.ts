/**
 * The gateway's Redis pool (src/redis/) against a real redis-server: handles connect on first use only, one
 * client per distinct connection, bounded and idle-closed, and the circuit: open at once on a lost or silent
 * Redis, closed again by the background probe, never opened by Redis's own error replies.
 */
import { Writable } from 'node:stream';
import type { Redis } from 'ioredis';
import t from 'tap';
import { createLogger } from '../../../src/log/logger.js';
import { type RedisConnection, RedisPool, RedisUnavailableError } from '../../../src/redis/pool.js';
import { until } from '../../helpers/gateway.js';
import { closedPort } from '../../helpers/upstream.js';
import { redisForFile, startRedis } from './redis-server.js';

const { redis, skip } = await redisForFile(t);

const connection = (port: number, over: Partial<RedisConnection> = {}): RedisConnection => ({
  host: '127.0.0.1',
  port,
  timeout: 2000,
  username: null,
  password: null,
  database: 0,
  ssl: false,
  ssl_verify: false,
  server_name: null,
  ...over,
});

function pool(opts: { maxClients?: number; idleMs?: number } = {}) {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      cb();
    },
  });
  return { pool: new RedisPool({ logger: createLogger({ level: 'debug', format: 'json', stream }), ...opts }), lines };
}

const ping = (client: Redis) => client.ping();
const dbOf = async (client: Redis) => Number((await client.client('INFO')).match(/ db=(\d+)/)?.[1]);

/** ms until `run` settles, and how. */
async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value?: T; error?: Error }> {
  const started = performance.now();
  try {
    const value = await run();
    return { ms: performance.now() - started, value };
  } catch (err) {
    return { ms: performance.now() - started, error: err as Error };
  }
}

t.test('handles hold nothing until used; equal connections share one client', { skip }, async (t) => {
  if (redis === null) return;
  const { pool: p } = pool();
  t.teardown(() => p.close());
  const a = p.handle(connection(redis.port));
  const b = p.handle(connection(redis.port));
  const other = p.handle(connection(redis.port, { database: 1 }));
  t.equal(p.size, 0, 'creating handles (what compile does) opens nothing');
  t.same([await a.run(ping, null), await b.run(ping, null)], ['PONG', 'PONG']);
  t.equal(p.size, 1, 'one client for two handles of the same connection');
  t.equal(await other.run(dbOf, null), 1, 'another database is another client');
  t.equal(p.size, 2);
});

t.test('bounded: the least recently acquired client is closed, and its handle comes back on use', { skip }, async (t) => {
  if (redis === null) return;
  const { pool: p } = pool({ maxClients: 2 });
  t.teardown(() => p.close());
  const handles = [0, 1, 2].map((database) => p.handle(connection(redis.port, { database })));
  for (const [i, h] of handles.entries()) t.equal(await h.run(dbOf, null), i);
  t.equal(p.size, 2, 'never more than maxClients');
  t.equal(await handles[0]!.run(dbOf, null), 0, 'the evicted handle works again');
  t.equal(p.size, 2);
});

t.test('idle clients are closed; closed pools refuse', { skip }, async (t) => {
  if (redis === null) return;
  const { pool: p } = pool({ idleMs: 100 });
  const h = p.handle(connection(redis.port));
  await h.run(ping, null);
  t.equal(p.size, 1);
  await until(() => p.size === 0, 1000, 50);
  t.equal(p.size, 0, 'closed after two idle sweeps');
  t.equal(await h.run(ping, null), 'PONG', 'the handle reconnects on its next use');
  await p.close();
  t.equal(p.size, 0);
  await t.rejects(h.run(ping, null), /pool is closed/, 'a closed pool refuses');
});

t.test("Redis's own error replies do not open the circuit", { skip }, async (t) => {
  if (redis === null) return;
  const { pool: p } = pool();
  t.teardown(() => p.close());
  const h = p.handle(connection(redis.port));
  await h.run((c) => c.set('pool-test:text', 'not a number'), null);
  await t.rejects(h.run((c) => c.incr('pool-test:text'), null), /not an integer/);
  t.equal(await h.run(ping, null), 'PONG', 'the next command is sent at once');
});

t.test('a Redis that hangs: one timeout opens the circuit, later calls fail at once, the PING probe closes it', { skip }, async (t) => {
  // A server of its own: this test pauses it.
  const own = await startRedis();
  if (typeof own === 'string') return t.fail(own);
  t.teardown(() => own.stop());
  const { pool: p, lines } = pool();
  t.teardown(() => p.close());
  const h = p.handle(connection(own.port, { timeout: 150 }));
  t.equal(await h.run(ping, null), 'PONG');

  own.pause();
  const first = await timed(() => h.run(ping, null));
  t.match(first.error?.message, /timed out/, 'the first command waits for its timeout');
  t.ok(first.ms >= 140 && first.ms < 1000, `after ${first.ms.toFixed(0)} ms`);
  const next = await timed(() => h.run(ping, null));
  t.ok(next.error instanceof RedisUnavailableError, 'the next is refused without being sent');
  t.ok(next.ms < 20, `at once (${next.ms.toFixed(2)} ms)`);

  own.resume();
  const resumed = performance.now();
  const ok = await until(async () => (await timed(() => h.run(ping, null))).value === 'PONG', 2000, 10);
  const ms = performance.now() - resumed;
  t.ok(ok && ms < 1000, `commands go through again ${ms.toFixed(0)} ms after Redis answers`);
  t.equal(lines.filter((l) => l.includes('is unavailable')).length, 1, 'the outage is logged once');
  t.equal(lines.filter((l) => l.includes('is available again')).length, 1, 'and so is the recovery');

  // timeout 0: no command timeout, so only the close's own cut-off ends its QUIT.
  t.equal(await p.handle(connection(own.port, { timeout: 0 })).run(ping, null), 'PONG');
  own.pause();
  const closing = await timed(() => p.close());
  t.ok(closing.ms < 2000, `closing the pool does not wait on a hung Redis (${closing.ms.toFixed(0)} ms)`);
});

t.test('a refused connection: the first use waits for the refusal only, later ones not even that', async (t) => {
  const { pool: p } = pool();
  t.teardown(() => p.close());
  const h = p.handle(connection(await closedPort()));
  const first = await timed(() => h.run(ping, null));
  t.ok(first.error instanceof RedisUnavailableError, first.error?.message ?? 'no error');
  t.match(first.error?.message, /ECONNREFUSED/, 'the reason is given');
  t.ok(first.ms < 100, `first use: ${first.ms.toFixed(2)} ms`);
  const later: number[] = [];
  for (let i = 0; i < 100; i++) later.push((await timed(() => h.run(ping, null))).ms);
  later.sort((x, y) => x - y);
  t.ok(later[50]! < 1, `later uses: p50 ${later[50]!.toFixed(3)} ms`);
});
