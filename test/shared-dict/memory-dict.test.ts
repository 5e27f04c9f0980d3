/** The in-process shared dictionary: Kong's ngx.shared.DICT semantics (TTL, incr with init, LRU capacity). */
import t from 'tap';
import { MemoryDict } from '../../src/shared-dict/memory-dict.js';
import { MemoryDicts } from '../../src/shared-dict/memory-dicts.js';

function dictAt(capacity: number): { dict: MemoryDict; advance(ms: number): void } {
  let now = 1_000;
  const dict = new MemoryDict({ capacity, clock: () => now });
  return { dict, advance: (ms) => void (now += ms) };
}

t.test('get, set, delete', async (t) => {
  const { dict } = dictAt(10);
  t.equal(dict.get('a'), undefined);
  dict.set('a', 'x');
  dict.set('b', true);
  dict.set('c', 3);
  t.equal(dict.get('a'), 'x');
  t.equal(dict.get('b'), true);
  t.equal(dict.get('c'), 3);
  dict.set('a', 'y');
  t.equal(dict.get('a'), 'y', 'set replaces');
  dict.delete('a');
  dict.delete('absent');
  t.equal(dict.get('a'), undefined);
  t.equal(dict.size, 2);
});

t.test('incr: init and its TTL for a new key, existing keys keep their TTL (Kong incr(key, value, init, init_ttl))', async (t) => {
  const { dict, advance } = dictAt(10);
  t.equal(dict.incr('n', 1, 0, 2), 1, 'absent: init + by');
  t.equal(dict.incr('n', 5, 100, 60), 6, 'present: init and init_ttl ignored');
  advance(1_999);
  t.equal(dict.get('n'), 6, 'alive just before the first TTL ends');
  advance(1);
  t.equal(dict.get('n'), undefined, 'expired at init_ttl, not at the later TTL');
  t.equal(dict.incr('n', 1), 1, 'an expired key starts over at init (default 0)');
  dict.set('s', 'text');
  t.throws(() => dict.incr('s', 1), /not a number/);
  t.equal(dict.incr('neg', -3, 10), 7);
});

t.test('TTL: 0 never expires; set renews a TTL', async (t) => {
  const { dict, advance } = dictAt(10);
  dict.set('forever', 1);
  dict.set('short', 1, 1);
  advance(900);
  dict.set('short', 2, 1);
  advance(900);
  t.equal(dict.get('short'), 2, 'set gave it a new second');
  advance(100);
  t.equal(dict.get('short'), undefined);
  advance(10 ** 9);
  t.equal(dict.get('forever'), 1);
});

t.test('capacity: the least recently used key goes; reads and writes count as use', async (t) => {
  const { dict } = dictAt(3);
  dict.set('a', 1);
  dict.set('b', 2);
  dict.set('c', 3);
  dict.get('a'); // a is now the most recent: b is the least
  dict.set('d', 4);
  t.equal(dict.size, 3, 'never above capacity');
  t.equal(dict.get('b'), undefined, 'b evicted');
  t.same([dict.get('a'), dict.get('c'), dict.get('d')], [1, 3, 4]);
  dict.incr('a', 1); // order now: a, d, c (c least recent: the reads above were a, c, d then incr a)
  dict.set('e', 5);
  t.equal(dict.get('c'), undefined, 'c evicted after a was incremented');
  t.equal(dict.evicted, 2, 'both were live keys pushed out');
});

t.test('capacity: expired keys at the tail go before any live key', async (t) => {
  const { dict, advance } = dictAt(3);
  dict.set('old1', 1, 1);
  dict.set('old2', 1, 1);
  dict.set('live', 1);
  advance(1_000);
  dict.set('new1', 1);
  dict.set('new2', 1);
  t.equal(dict.get('live'), 1, 'the live key stayed');
  t.equal(dict.evicted, 0, 'nothing live was evicted');
  t.equal(dict.size, 3);
});

t.test('capacity 1 and a long churn keep the bound and the list consistent', async (t) => {
  const one = dictAt(1).dict;
  for (let i = 0; i < 5; i++) one.incr(`k${i}`, 1);
  t.equal(one.size, 1);
  t.equal(one.get('k4'), 1);
  // Random operations against a model: a plain Map in recency order (oldest first) following the same rules.
  const { dict, advance } = dictAt(50);
  const model = new Map<string, { v: number; exp: number }>();
  let now = 1_000;
  let seed = 7;
  const rand = (n: number) => {
    // xorshift32: repeatable, and its low bits are as random as its high ones
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  const expired = (m: { exp: number }) => m.exp !== 0 && m.exp <= now;
  const insert = (key: string, entry: { v: number; exp: number }) => {
    for (let n = 0; n < 2; n++) {
      const [oldest, m] = model.entries().next().value ?? [];
      if (oldest === undefined || !expired(m!)) break;
      model.delete(oldest);
    }
    if (model.size >= 50) model.delete(model.keys().next().value!);
    model.set(key, entry);
  };
  for (let i = 0; i < 20_000; i++) {
    const key = `k${rand(200)}`;
    const r = rand(20);
    const op = r < 8 ? 0 : r < 17 ? 1 : r < 18 ? 2 : 3;
    let m = model.get(key);
    if (m !== undefined && expired(m) && op < 2) {
      // Reading a key is what drops it once expired (and what advance does not do).
      model.delete(key);
      m = undefined;
    }
    if (op === 0) {
      if (dict.get(key) !== m?.v) t.bailout(`get ${key} at step ${i}`);
      if (m !== undefined) {
        model.delete(key);
        model.set(key, m);
      }
    } else if (op === 1) {
      const ttl = [0, 1, 5][rand(3)]!;
      const want = m !== undefined ? m.v + 1 : 1;
      if (dict.incr(key, 1, 0, ttl) !== want) t.bailout(`incr ${key} at step ${i}`);
      if (m !== undefined) {
        m.v = want;
        model.delete(key);
        model.set(key, m);
      } else insert(key, { v: want, exp: ttl > 0 ? now + ttl * 1000 : 0 });
    } else if (op === 2) {
      dict.delete(key);
      model.delete(key);
    } else {
      advance(37);
      now += 37;
    }
    if (dict.size !== model.size) t.bailout(`size ${dict.size}, model ${model.size} at step ${i}`);
  }
  t.ok(dict.evicted > 1000, `live keys were evicted (${dict.evicted}) and expired ones dropped on the way`);
  t.pass('20 000 random operations agree with the model');
});

t.test('MemoryDicts: one dictionary per name, capacities per gateway, close drops everything', async (t) => {
  const dicts = new MemoryDicts({ capacities: { kong_rate_limiting_counters: 2 } });
  const d = dicts.get('kong_rate_limiting_counters');
  t.equal(dicts.get('kong_rate_limiting_counters'), d, 'the same dictionary every time');
  t.equal(d.capacity, 2);
  t.equal(new MemoryDicts().get('kong_rate_limiting_counters').capacity, 50_000, 'declared default');
  t.throws(() => dicts.get('nope' as 'kong_rate_limiting_counters'), /no shared dictionary named 'nope'/);
  d.incr('a', 1);
  dicts.close();
  t.equal(d.size, 0, 'emptied');
  t.not(dicts.get('kong_rate_limiting_counters'), d, 'a new one after close');
});
