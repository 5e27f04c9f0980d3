/**
 * Kong's plugin queue semantics (kong/tools/queue.lua; Kong's spec/01-unit/27-queue_spec.lua covers the same
 * rules): batching by size and by coalescing delay, retries with doubling backoff bounded by max_retry_time,
 * dropping the oldest when full, max_bytes, unlimited concurrency, the latest handler conf, flush at stop.
 */
import { PassThrough } from 'node:stream';
import t from 'tap';
import { createLogger } from '../../../src/log/logger.js';
import { Queue, type QueueParams } from '../../../src/plugins/queue/queue.js';
import { QueueRegistry } from '../../../src/plugins/queue/registry.js';

const params = (p: Partial<QueueParams> = {}): QueueParams => ({
  name: 'q',
  logTag: 'test plugin 1',
  maxBatchSize: 1,
  maxCoalescingDelay: 1,
  maxEntries: 10000,
  maxBytes: null,
  maxRetryTime: 60,
  initialRetryDelay: 0.01,
  maxRetryDelay: 60,
  concurrencyLimit: 1,
  ...p,
});

function memoryLog() {
  const stream = new PassThrough();
  const lines: string[] = [];
  stream.on('data', (c: Buffer) => lines.push(...c.toString().split('\n').filter(Boolean)));
  return { log: createLogger({ level: 'debug', format: 'json', stream }), lines };
}

/** Resolves once `cond` holds, polling every 5 ms, failing after `ms`. */
async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

t.test('a full batch is sent at once, without waiting for the coalescing delay', async (t) => {
  const batches: string[][] = [];
  const q = new Queue<string, null>(params({ maxBatchSize: 3, maxCoalescingDelay: 30 }), async (_c, b) => (batches.push([...b]), true), null, memoryLog().log);
  const started = Date.now();
  for (const e of ['a', 'b', 'c']) t.equal(q.enqueue(e), null);
  await until(() => batches.length === 1);
  t.same(batches, [['a', 'b', 'c']]);
  t.ok(Date.now() - started < 1000, 'not held for max_coalescing_delay');
});

t.test('a partial batch is sent after max_coalescing_delay', async (t) => {
  const batches: string[][] = [];
  const q = new Queue<string, null>(params({ maxBatchSize: 100, maxCoalescingDelay: 0.2 }), async (_c, b) => (batches.push([...b]), true), null, memoryLog().log);
  const started = Date.now();
  q.enqueue('a');
  q.enqueue('b');
  await until(() => batches.length === 1);
  t.same(batches, [['a', 'b']]);
  t.ok(Date.now() - started >= 150, 'waited for the coalescing delay');
  t.same(q.stats(), { queued: 0, dropped: 0, sent: 2, failedBatches: 0 });
});

t.test('a failed batch is retried with doubling delays until it succeeds', async (t) => {
  const calls: number[] = [];
  const q = new Queue<string, null>(
    params({ initialRetryDelay: 0.02 }),
    async () => (calls.push(Date.now()), calls.length < 4 ? 'HTTP 500' : true),
    null,
    memoryLog().log,
  );
  q.enqueue('a');
  await until(() => q.stats().sent === 1);
  t.equal(calls.length, 4);
  const gaps = calls.slice(1).map((c, i) => c - calls[i]!);
  // 20 ms, 40 ms, 80 ms (timers fire late, never early)
  t.ok(gaps[0]! >= 18 && gaps[1]! >= 38 && gaps[2]! >= 78, `gaps ${gaps.join(',')}`);
});

t.test('max_retry_delay caps the backoff', async (t) => {
  const calls: number[] = [];
  const q = new Queue<string, null>(
    params({ initialRetryDelay: 0.02, maxRetryDelay: 0.03 }),
    async () => (calls.push(Date.now()), calls.length < 5 ? 'down' : true),
    null,
    memoryLog().log,
  );
  q.enqueue('a');
  await until(() => q.stats().sent === 1);
  const gaps = calls.slice(1).map((c, i) => c - calls[i]!);
  t.ok(gaps.slice(2).every((g) => g < 200), `later gaps stay near 30 ms: ${gaps.join(',')}`);
});

t.test('after max_retry_time the batch is dropped, counted and logged', async (t) => {
  const { log, lines } = memoryLog();
  let calls = 0;
  const q = new Queue<string, null>(params({ maxRetryTime: 0.1, initialRetryDelay: 0.02 }), async () => (calls++, 'refused'), null, log);
  q.enqueue('a');
  await until(() => q.stats().failedBatches === 1);
  t.ok(calls >= 2, 'retried before giving up');
  t.same(q.stats(), { queued: 0, dropped: 1, sent: 0, failedBatches: 1 });
  t.ok(lines.some((l) => l.includes('max_retry_time exceeded. 1 queue entries were lost')));
  t.ok(lines.some((l) => l.includes('[test plugin 1] queue q: handler could not process entries: refused')));
});

t.test('a handler that throws counts as a failure', async (t) => {
  const { log, lines } = memoryLog();
  let calls = 0;
  const q = new Queue<string, null>(
    params({ initialRetryDelay: 0.01 }),
    async () => {
      if (++calls === 1) throw new Error('ECONNREFUSED');
      return true;
    },
    null,
    log,
  );
  q.enqueue('a');
  await until(() => q.stats().sent === 1);
  t.ok(lines.some((l) => l.includes('ECONNREFUSED')));
});

t.test('max_retry_time -1 retries nothing', async (t) => {
  let calls = 0;
  const q = new Queue<string, null>(params({ maxRetryTime: -1 }), async () => (calls++, 'no'), null, memoryLog().log);
  q.enqueue('a');
  await until(() => q.stats().failedBatches === 1);
  t.equal(calls, 1);
});

t.test('when max_entries is reached the oldest entries are dropped, logged once per episode', async (t) => {
  const { log, lines } = memoryLog();
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const sent: string[] = [];
  const q = new Queue<string, null>(
    params({ maxEntries: 3 }),
    async (_c, b) => {
      await gate;
      sent.push(...b);
      return true;
    },
    null,
    log,
  );
  q.enqueue('a');
  await until(() => q.count === 0); // 'a' is in flight
  for (const e of ['b', 'c', 'd', 'e', 'f']) t.equal(q.enqueue(e), null, 'enqueue never refuses for capacity');
  // b..f were queued with room for 3: b and c dropped.
  t.equal(q.stats().dropped, 2);
  t.equal(q.count, 3);
  t.equal(lines.filter((l) => l.includes('queue full, dropping old entries')).length, 1);
  t.ok(lines.some((l) => l.includes('queue at 80% capacity')));
  release();
  await until(() => q.idle);
  t.same(sent, ['a', 'd', 'e', 'f']);
  t.ok(lines.some((l) => l.includes('queue resumed processing')));
});

t.test('max_bytes: an entry larger than the bound is refused; older ones make room', async (t) => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const q = new Queue<string, null>(params({ maxBytes: 10 }), async () => (await gate, true), null, memoryLog().log);
  t.match(q.enqueue('x'.repeat(11)), /longer \(11 bytes\) than the queue's max_bytes \(10 bytes\)/);
  q.enqueue('first');
  await until(() => q.count === 0); // in flight
  q.enqueue('aaaa');
  q.enqueue('bbbb');
  q.enqueue('cccc'); // 12 bytes would be queued: 'aaaa' goes
  t.equal(q.stats().dropped, 1);
  t.equal(q.count, 2);
  release();
  await until(() => q.idle);
});

t.test('max_bytes set by a later configuration counts what is already queued', async (t) => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const handler = async (): Promise<true> => (await gate, true);
  const q = new Queue<string, null>(params(), handler, null, memoryLog().log);
  q.enqueue('first');
  await until(() => q.count === 0); // in flight, holding the queue
  q.enqueue('aaaa');
  q.enqueue('bbbb'); // 8 bytes queued while no byte bound was set
  q.update(params({ maxBytes: 10 }), handler, null);
  q.enqueue('cccc'); // 12 bytes would be queued: 'aaaa' goes
  t.equal(q.stats().dropped, 1, 'the entries queued before the bound count against it');
  t.equal(q.count, 2);
  release();
  await until(() => q.idle);
});

t.test('concurrency_limit -1 sends every entry alone, at once', async (t) => {
  const batches: string[][] = [];
  const q = new Queue<string, null>(params({ concurrencyLimit: -1, maxBatchSize: 10, maxCoalescingDelay: 10 }), async (_c, b) => (batches.push([...b]), true), null, memoryLog().log);
  q.enqueue('a');
  q.enqueue('b');
  await until(() => batches.length === 2);
  t.same(batches, [['a'], ['b']]);
});

t.test('the handler gets the latest configuration seen for the queue', async (t) => {
  const confs: string[] = [];
  const q = new Queue<string, string>(params({ maxBatchSize: 10, maxCoalescingDelay: 0.1 }), async (c) => (confs.push(c), true), 'old', memoryLog().log);
  q.enqueue('a');
  q.update(params({ maxBatchSize: 10, maxCoalescingDelay: 0.1 }), async (c) => (confs.push(c), true), 'new');
  await until(() => confs.length === 1);
  t.same(confs, ['new']);
});

t.test('flush sends what is queued without waiting for coalescing', async (t) => {
  const batches: string[][] = [];
  const q = new Queue<string, null>(params({ maxBatchSize: 100, maxCoalescingDelay: 3600 }), async (_c, b) => (batches.push([...b]), true), null, memoryLog().log);
  q.enqueue('a');
  q.enqueue('b');
  const started = Date.now();
  await q.flush(2000);
  t.same(batches, [['a', 'b']]);
  t.ok(Date.now() - started < 1000);
  t.match(q.enqueue('late'), /shutting down/);
});

t.test('flush gives up at its deadline and counts what was lost', async (t) => {
  const { log, lines } = memoryLog();
  const q = new Queue<string, null>(params({ maxBatchSize: 1, initialRetryDelay: 0.05 }), async () => 'down', null, log);
  q.enqueue('a');
  q.enqueue('b');
  const started = Date.now();
  await q.flush(200);
  t.ok(Date.now() - started < 1500, 'bounded by the deadline');
  await until(() => q.stats().dropped === 2);
  t.ok(lines.some((l) => l.includes('could not send entries before shutdown. 1 queue entries were lost')));
});

t.test('registry: instances naming the same queue share it; idle queues are swept but totals kept', async (t) => {
  const reg = new QueueRegistry(memoryLog().log);
  const batches: string[][] = [];
  const handler = async (_c: null, b: readonly string[]) => (batches.push([...b]), true as const);
  const shared = params({ name: 'endpoint-1', maxBatchSize: 2, maxCoalescingDelay: 10 });
  reg.enqueue(shared, handler, null, 'from instance 1');
  reg.enqueue(shared, handler, null, 'from instance 2');
  await until(() => batches.length === 1);
  t.same(batches, [['from instance 1', 'from instance 2']]);
  reg.enqueue(params({ name: 'endpoint-2' }), handler, null, 'other');
  await until(() => batches.length === 2);
  reg.enqueue(params({ name: 'endpoint-3' }), handler, null, 'third');
  await until(() => batches.length === 3);
  t.equal(reg.stats().sent, 4);
  await reg.close(1000);
  t.match(reg.enqueue(shared, handler, null, 'x'), /stopping/);
});
