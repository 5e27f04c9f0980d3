/**
 * Kong's plugin queue (kong/tools/queue.lua): entries a log plugin produces on the request path are handed to a
 * background consumer in batches, so sending them never delays a response. Semantics kept from Kong:
 * - a batch is sent when it holds `max_batch_size` entries or `max_coalescing_delay` seconds after its first
 *   entry was queued, whichever comes first; one batch is in flight at a time (concurrency_limit 1), or every
 *   entry is sent alone at once (concurrency_limit -1);
 * - a failed batch is retried after `initial_retry_delay`, doubling up to `max_retry_delay`, until
 *   `max_retry_time` seconds have passed since its first attempt; then it is dropped and the loss logged;
 * - when `max_entries` (or `max_bytes`) would be exceeded the oldest entries are dropped, counted and logged
 *   once per episode ("queue full") and at 80 % a warning is logged;
 * - the handler's configuration is the latest one seen for the queue's name (queues outlive reloads).
 * At gateway stop (`flush`) coalescing stops waiting and what is queued is sent (failures still retried)
 * until a deadline; what is left then is dropped and counted.
 */
import type { Logger } from '../../log/logger.js';
import { Fifo } from './fifo.js';

export interface QueueParams {
  readonly name: string;
  /** Identifies the plugin instance in log lines (Kong: "<plugin> plugin <id>"). */
  readonly logTag: string;
  readonly maxBatchSize: number;
  /** Seconds. */
  readonly maxCoalescingDelay: number;
  readonly maxEntries: number;
  /** Bytes of string (or Buffer) entries; null: no byte bound. */
  readonly maxBytes: number | null;
  /** Seconds; -1 retries nothing. */
  readonly maxRetryTime: number;
  readonly initialRetryDelay: number;
  readonly maxRetryDelay: number;
  readonly concurrencyLimit: 1 | -1;
}

/** Sends one batch; resolves true when it was processed, or an error message (a throw counts as one). */
export type BatchHandler<T, C> = (conf: C, batch: readonly T[]) => Promise<true | string>;

export interface QueueStats {
  readonly queued: number;
  readonly dropped: number;
  readonly sent: number;
  readonly failedBatches: number;
}

// Kong's thresholds: warn at 80 % of max_entries; a coalescing wait shorter than 50 ms is not worth waiting.
const CAPACITY_WARNING = 0.8;
const COALESCE_MIN_S = 0.05;

// Kong's max_bytes bounds string entries; an entry already encoded counts its bytes.
const byteLength = (v: unknown): number => (typeof v === 'string' ? Buffer.byteLength(v) : Buffer.isBuffer(v) ? v.length : 0);

export class Queue<T, C> {
  readonly #log: Logger;
  #params: QueueParams;
  #handler: BatchHandler<T, C>;
  #conf: C;
  #entries = new Fifo<T>();
  #bytes = 0;
  #dropped = 0;
  #sent = 0;
  #failed = 0;
  #warned = false;
  #droppingEpisode = false;
  #running: Promise<void> | null = null;
  #wake: (() => void) | null = null;
  #flushing = false;
  #closed = false;
  #sleeps = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  #inflightAlone = new Set<Promise<void>>();

  constructor(params: QueueParams, handler: BatchHandler<T, C>, conf: C, log: Logger) {
    this.#params = params;
    this.#handler = handler;
    this.#conf = conf;
    this.#log = log;
  }

  /** Kong: the latest configuration seen for a queue's name is the one its handler gets. */
  update(params: QueueParams, handler: BatchHandler<T, C>, conf: C): void {
    // Bytes are counted only under a byte bound: a bound that appears counts what is already queued.
    if (params.maxBytes !== null && this.#params.maxBytes === null) this.#bytes = this.#entries.sum(byteLength);
    this.#params = params;
    this.#handler = handler;
    this.#conf = conf;
  }

  get count(): number {
    return this.#entries.length;
  }

  get idle(): boolean {
    return this.#running === null && this.#entries.length === 0 && this.#inflightAlone.size === 0;
  }

  stats(): QueueStats {
    return { queued: this.#entries.length, dropped: this.#dropped, sent: this.#sent, failedBatches: this.#failed };
  }

  /** Never blocks and never throws: returns null when queued, or why the entry was refused. */
  enqueue(entry: T): string | null {
    const p = this.#params;
    if (this.#flushing) return 'queue is shutting down';
    if (p.concurrencyLimit === -1) {
      const alone = this.#handle([entry]).finally(() => this.#inflightAlone.delete(alone));
      this.#inflightAlone.add(alone);
      return null;
    }
    // Only a byte-bounded queue counts bytes: measuring a 2 KB JSON entry is a scan of it.
    const size = p.maxBytes !== null ? byteLength(entry) : 0;
    if (p.maxBytes !== null && size > p.maxBytes) {
      const msg = `string to be queued is longer (${size} bytes) than the queue's max_bytes (${p.maxBytes} bytes)`;
      this.#error(msg);
      return msg;
    }
    if (this.#entries.length >= p.maxEntries * CAPACITY_WARNING) {
      if (!this.#warned) this.#warn(`queue at ${CAPACITY_WARNING * 100}% capacity`);
      this.#warned = true;
    } else {
      this.#warned = false;
    }
    if (this.#entries.length >= p.maxEntries) {
      if (!this.#droppingEpisode) this.#error('queue full, dropping old entries until processing is successful again');
      this.#dropOldest(1);
    }
    if (p.maxBytes !== null && this.#bytes + size > p.maxBytes) {
      let n = 0;
      while (this.#bytes + size > p.maxBytes && this.#entries.length > 0) {
        this.#dropOldest(1);
        n++;
      }
      this.#error(`byte capacity exceeded, ${n} queue entries were dropped`);
    }
    this.#entries.push(entry);
    this.#bytes += size;
    // A coalescing wait ends early only for a full batch; waking it for every entry would re-arm its timer each time.
    if (this.#wake !== null && this.#entries.length >= p.maxBatchSize) this.#wake();
    if (this.#running === null) this.#running = this.#drain().finally(() => (this.#running = null));
    return null;
  }

  /**
   * Sends what is queued without coalescing and resolves when the queue is empty or `deadlineMs` has passed
   * (then the rest is dropped and counted). Retries still back off, but never past the deadline.
   */
  async flush(deadlineMs: number): Promise<void> {
    this.#flushing = true;
    if (this.#wake !== null) this.#wake();
    const done = Promise.all([this.#running, ...this.#inflightAlone]).then(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), deadlineMs)));
    const outcome = await Promise.race([done, late]);
    clearTimeout(timer);
    if (outcome === 'late') {
      // Past the deadline: what is queued is lost, a batch waiting to retry gives up now.
      this.#closed = true;
      for (const s of this.#sleeps) s.resolve();
      if (this.#entries.length > 0) {
        this.#error(`could not send entries before shutdown. ${this.#entries.length} queue entries were lost`);
        this.#dropped += this.#entries.length;
        this.#entries.clear();
        this.#bytes = 0;
      }
    }
  }

  async #drain(): Promise<void> {
    while (this.#entries.length > 0 && !this.#closed) {
      await this.#coalesce();
      const batch = this.#entries.take(this.#params.maxBatchSize);
      if (this.#params.maxBytes !== null) for (const e of batch) this.#bytes -= byteLength(e);
      if (this.#droppingEpisode) {
        this.#info('queue resumed processing');
        this.#droppingEpisode = false;
      }
      await this.#handle(batch);
    }
  }

  /** Waits until a full batch is queued or the coalescing delay since the first entry has passed. */
  async #coalesce(): Promise<void> {
    const started = performance.now();
    for (;;) {
      const p = this.#params;
      const left = p.maxCoalescingDelay - (performance.now() - started) / 1000;
      if (this.#flushing || this.#entries.length >= p.maxBatchSize || left < COALESCE_MIN_S) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left * 1000);
        const wake = () => done();
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.#wake = wake;
      });
      this.#wake = null;
    }
  }

  async #handle(batch: T[]): Promise<void> {
    const started = performance.now();
    for (let retry = 0; ; retry++) {
      let err: string;
      try {
        const r = await this.#handler(this.#conf, batch);
        if (r === true) {
          this.#sent += batch.length;
          return;
        }
        err = r;
      } catch (e) {
        err = e instanceof Error ? e.message : String(e);
      }
      this.#warn(`handler could not process entries: ${err}`);
      const p = this.#params;
      const elapsed = (performance.now() - started) / 1000;
      if (p.maxRetryTime < 0 || elapsed > p.maxRetryTime || this.#closed) {
        this.#failed++;
        this.#dropped += batch.length;
        this.#error(`could not send entries due to max_retry_time exceeded. ${batch.length} queue entries were lost`);
        return;
      }
      await this.#sleep(Math.min(p.maxRetryDelay, 2 ** retry * p.initialRetryDelay) * 1000);
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const s = {
        timer: setTimeout(() => {
          this.#sleeps.delete(s);
          resolve();
        }, ms),
        resolve: () => {
          clearTimeout(s.timer);
          this.#sleeps.delete(s);
          resolve();
        },
      };
      this.#sleeps.add(s);
    });
  }

  #dropOldest(n: number): void {
    const gone = this.#entries.take(n);
    if (this.#params.maxBytes !== null) for (const e of gone) this.#bytes -= byteLength(e);
    this.#dropped += gone.length;
    this.#droppingEpisode = true;
  }

  #msg(text: string): string {
    return `[${this.#params.logTag}] queue ${this.#params.name}: ${text}`;
  }
  #info(text: string): void {
    this.#log.info(this.#msg(text));
  }
  #warn(text: string): void {
    this.#log.warn(this.#msg(text));
  }
  #error(text: string): void {
    this.#log.error(this.#msg(text));
  }
}
