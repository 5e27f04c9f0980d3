/**
 * rate-limiting's local policy over a shared dictionary: the counters are the dictionary's keys (Kong's
 * kong_rate_limiting_counters shm), so whoever holds the dictionary holds the counts — one per gateway, kept
 * across compiles, bounded, and the same steps whether the dictionary answers now or later (another process).
 */
import t from 'tap';
import { QueueRegistry } from '../../src/plugins/queue/registry.js';
import { loadConfigText } from '../../src/config/load.js';
import { createLogger } from '../../src/log/logger.js';
import { counterKeys } from '../../src/plugins/rate-limiting/counter-key.js';
import { LocalPolicy } from '../../src/plugins/rate-limiting/local-policy.js';
import { windowStarts } from '../../src/plugins/rate-limiting/windows.js';
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

t.test('keys: one per period, with the window start (Kong: ratelimit:route:service:id:window:period)', async (t) => {
  const keys = counterKeys('r', 's', '10.0.0.1', ['minute', 'hour'], starts);
  t.same(keys, [`ratelimit:r:s:10.0.0.1:${Date.UTC(2024, 0, 1, 10, 30)}:minute`, `ratelimit:r:s:10.0.0.1:${Date.UTC(2024, 0, 1, 10)}:hour`]);
});

t.test('usage then count; each key expires with its period', async (t) => {
  let now = 0;
  const dict = new MemoryDict({ capacity: 100, clock: () => now });
  const policy = new LocalPolicy(dict, ['second', 'minute'], logger);
  const keys = counterKeys('r', 's', 'id', ['second', 'minute'], starts);
  t.same(policy.usage(keys), [0, 0], 'nothing counted yet, answered synchronously');
  policy.count(keys);
  policy.count(keys);
  t.same(policy.usage(keys), [2, 2]);
  now = 1_000;
  t.same(policy.usage(keys), [0, 2], 'the second key expired after 1 s, the minute key lives on');
  now = 60_000;
  t.same(policy.usage(keys), [0, 0]);
});

t.test('a dictionary that answers later: the same counts, through promises', async (t) => {
  const inner = new MemoryDict({ capacity: 100 });
  const policy = new LocalPolicy(later(inner), ['minute'], logger);
  const keys = counterKeys('r', 's', 'id', ['minute'], starts);
  const first = policy.usage(keys);
  t.ok(first instanceof Promise, 'pending');
  t.same(await first, [0]);
  policy.count(keys);
  await new Promise((r) => setImmediate(r));
  t.same(await policy.usage(keys), [1]);
  t.equal(inner.get(keys[0]!), 1, 'counted in the dictionary behind');
});

t.test('a count that fails on its way is logged, never an unhandled rejection', async (t) => {
  const lines: string[] = [];
  const log = createLogger({ level: 'error', format: 'json', stream: { write: (s: string) => (lines.push(s), true) } as never });
  const broken: SharedDict = {
    get: () => Promise.reject(new Error('primary gone')),
    set: () => Promise.reject(new Error('primary gone')),
    incr: () => Promise.reject(new Error('primary gone')),
    delete: () => Promise.reject(new Error('primary gone')),
  };
  const policy = new LocalPolicy(broken, ['minute'], log);
  await t.rejects(policy.usage(['k']) as Promise<number[]>, /primary gone/);
  policy.count(['k']);
  await new Promise((r) => setImmediate(r));
  t.match(lines.join(''), /failed to increment a rate-limiting counter.*primary gone/);
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
  compilePlugins(loaded.config.entities, logger, { dictionaries: spy, queues: new QueueRegistry(logger) });
  t.same(asked, ['kong_rate_limiting_counters', 'kong_rate_limiting_counters'], 'both instances use the given dictionary');
});
