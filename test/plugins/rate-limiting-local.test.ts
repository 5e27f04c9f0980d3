/**
 * rate-limiting's local policy over a shared dictionary: the counters are the dictionary's keys (Kong's
 * kong_rate_limiting_counters shm), so whoever holds the dictionary holds the counts — one per gateway, kept
 * across compiles, bounded, and the same steps whether the dictionary answers now or later (another process).
 */
import t from 'tap';
import { standaloneServices } from '../../src/plugins/services.js';
import { loadConfigText } from '../../src/config/load.js';
import { createLogger } from '../../src/log/logger.js';
import { CounterKeys } from '../../src/plugins/rate-limiting/counter-key.js';
import { LocalPolicy } from '../../src/plugins/rate-limiting/local-policy.js';
import { windowStarts } from '../../src/plugins/rate-limiting/windows.js';
import { awaitFreshWindow } from './traffic/windows.js';
import { compilePlugins } from '../../src/snapshot/compile-plugins.js';
import { MemoryDict } from '../../src/shared-dict/memory-dict.js';
import { MemoryDicts } from '../../src/shared-dict/memory-dicts.js';
import type { SharedDict, SharedDictName, SharedDicts } from '../../src/shared-dict/shared-dict.js';

const logger = createLogger({ level: 'error' });
const starts = windowStarts(Date.UTC(2024, 0, 1, 10, 30, 15));

/** A dictionary answering every operation a tick later, as one held by another process would. */
function later(inner: MemoryDict): SharedDict {
  const tick = <T>(f: () => T) => new Promise<T>((resolve, reject) => setImmediate(() => {
    try {
      resolve(f());
    } catch (err) {
      reject(err as Error);
    }
  }));
  return {
    get: (k) => tick(() => inner.get(k)),
    set: (k, v, ttl) => tick(() => inner.set(k, v, ttl)),
    incr: (k, by, init, ttl) => tick(() => inner.incr(k, by, init, ttl)),
    delete: (k) => tick(() => inner.delete(k)),
  };
}

t.test('keys: one per period and window; Kong\'s layout for Redis, a short one for the dictionary', async (t) => {
  const kong = CounterKeys.kong('r', 's', ['minute', 'hour']);
  t.same(kong.keys('10.0.0.1', starts), [
    `ratelimit:r:s:10.0.0.1:${Date.UTC(2024, 0, 1, 10, 30)}:minute`,
    `ratelimit:r:s:10.0.0.1:${Date.UTC(2024, 0, 1, 10)}:hour`,
  ]);
  const next = windowStarts(Date.UTC(2024, 0, 1, 10, 31, 0));
  t.equal(kong.keys('10.0.0.1', next)[0], `ratelimit:r:s:10.0.0.1:${Date.UTC(2024, 0, 1, 10, 31)}:minute`, 'a new window, a new key');
  const all = ['second', 'minute', 'hour', 'day', 'month', 'year'] as const;
  // The first second of a year starts every window at once: the keys still differ by period.
  const newYear = windowStarts(Date.UTC(2025, 0, 1));
  const local = CounterKeys.local('r', 's', all).keys('10.0.0.1', newYear);
  t.equal(new Set(local).size, 6, 'six periods, six keys, even when their windows start together');
  t.ok(local.every((k) => k.length < 40), `short keys (${local[0]})`);
  t.same(CounterKeys.local('r', 's', all).keys('10.0.0.1', newYear), local, 'another instance on the same route and service: the same keys');
  t.not(CounterKeys.local('r', 's2', all).keys('10.0.0.1', newYear)[0], local[0], 'another service: other keys');
  t.not(CounterKeys.local('r', 's', all).keys('10.0.0.2', newYear)[0], local[0], 'another identifier: other keys');
});

t.test('count returns the usage before the request; a refused request is given back; keys expire with their period', async (t) => {
  let now = 0;
  const dict = new MemoryDict({ capacity: 100, clock: () => now });
  const policy = new LocalPolicy(dict, ['second', 'minute'], logger);
  const keys = CounterKeys.local('r', 's', ['second', 'minute']).keys('id', starts);
  t.same(policy.count(keys), [0, 0], 'nothing before the first, answered synchronously');
  t.same(policy.count(keys), [1, 1]);
  t.same(policy.count(keys), [2, 2]);
  policy.giveBack(keys);
  t.same([dict.get(keys[0]!), dict.get(keys[1]!)], [2, 2], 'the refused third no longer counts (Kong never counts it)');
  now = 1_000;
  t.same(policy.count(keys), [0, 2], 'the second key expired after 1 s, the minute key lives on');
  now = 60_000;
  t.same(policy.count(keys), [0, 0]);
});

t.test('a dictionary that answers later: the same counts, through promises', async (t) => {
  const inner = new MemoryDict({ capacity: 100 });
  const policy = new LocalPolicy(later(inner), ['minute'], logger);
  const keys = CounterKeys.local('r', 's', ['minute']).keys('id', starts);
  const first = policy.count(keys);
  t.ok(first instanceof Promise, 'pending');
  t.same(await first, [0]);
  t.same(await policy.count(keys), [1]);
  policy.giveBack(keys);
  await new Promise((r) => setImmediate(r));
  t.equal(inner.get(keys[0]!), 1, 'counted (and given back) in the dictionary behind');
});

t.test('a dictionary that fails: count rejects (the handler decides, fault_tolerant), giving back is logged', async (t) => {
  const lines: string[] = [];
  const log = createLogger({ level: 'error', format: 'json', stream: { write: (s: string) => (lines.push(s), true) } as never });
  const gone = () => Promise.reject(new Error('primary gone'));
  const broken: SharedDict = { get: gone, set: gone, incr: gone, delete: gone };
  const policy = new LocalPolicy(broken, ['minute'], log);
  await t.rejects(policy.count(['k']) as Promise<number[]>, /primary gone/);
  policy.giveBack(['k']);
  await new Promise((r) => setImmediate(r));
  t.match(lines.join(''), /failed to give back a rate-limiting count.*primary gone/, 'logged, never an unhandled rejection');
});

t.test('compilePlugins hands every factory the dictionaries it is given', async (t) => {
  const loaded = loadConfigText(
    `_format_version: "3.0"
services:
  - name: s
    url: http://127.0.0.1:9
    routes: [{ name: r, paths: [/] }]
plugins:
  - name: rate-limiting
    config: { minute: 5, policy: local }
  - name: rate-limiting
    route: r
    config: { hour: 5, policy: local }
`,
    'kong.yaml',
  );
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  const asked: SharedDictName[] = [];
  const own = new MemoryDicts();
  const spy: SharedDicts = { get: (name) => (asked.push(name), own.get(name)) };
  compilePlugins(loaded.config.entities, logger, { ...standaloneServices(logger), dictionaries: spy });
  t.same(asked, ['kong_rate_limiting_counters', 'kong_rate_limiting_counters'], 'both instances use the given dictionary');
});

t.test('a full dictionary: counters of the least recently seen clients go, the busy ones keep limiting', async (t) => {
  const dict = new MemoryDict({ capacity: 5 });
  const policy = new LocalPolicy(dict, ['minute'], logger);
  const keys = CounterKeys.local('r', 's', ['minute']);
  const seen = (id: string) => policy.count(keys.keys(id, starts)) as number[];
  const hot: number[] = [];
  for (let i = 0; i < 100; i++) {
    seen(`cold-${i}`);
    hot.push(seen('hot')[0]!);
  }
  t.equal(dict.size, 5, 'never above its capacity');
  t.ok(dict.evicted >= 94, `${dict.evicted} counters evicted`);
  t.same(hot.slice(0, 3), [0, 1, 2], 'the busy counter survived the churn');
  t.equal(hot[99], 99);
  t.same(seen('cold-0'), [0], 'an evicted counter starts over (Kong: a full shm forgets its least recently used keys)');
});

t.test('the handler over a dictionary that answers later: limits the same way, through a promise', async (t) => {
  const definition = (await import('../../src/plugins/rate-limiting/handler.js')).default;
  await awaitFreshWindow(60_000, 2000);
  const backing = new MemoryDicts();
  const dictionaries: SharedDicts = { get: (name) => later(backing.get(name)) };
  const config = { minute: 2, policy: 'local', limit_by: 'ip', fault_tolerant: true, hide_client_headers: false, error_code: 429, error_message: 'API rate limit exceeded', redis: {}, sync_rate: -1 };
  const entity = { id: 'p', name: 'rate-limiting', route: { id: 'r' }, service: null, config } as never;
  const handlers = definition.create(config as never, { ...standaloneServices(logger), entity, logger, dictionaries });
  const answers: number[] = [];
  const kong = {
    ctx: { plugin: {} as Record<string, unknown> },
    client: { get_forwarded_ip: () => '10.0.0.1' },
    response: { error: (status: number) => answers.push(status), set_header: () => undefined },
    log: { err: () => undefined },
  } as never;
  for (let i = 0; i < 3; i++) {
    const step = handlers.access!(kong);
    t.ok(step instanceof Promise, `request ${i + 1}: pending on the dictionary`);
    await step;
  }
  t.same(answers, [429], 'the third in the minute is refused');
  const key = CounterKeys.local('r', '00000000-0000-0000-0000-000000000000', ['minute']).keys('10.0.0.1', windowStarts(Date.now()))[0]!;
  await new Promise((r) => setImmediate(r));
  t.equal(backing.get('kong_rate_limiting_counters').get(key), 2, 'two counted; the refused one given back');
});
