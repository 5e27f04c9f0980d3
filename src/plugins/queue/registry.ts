/**
 * A gateway's plugin queues by name (Kong keys them by workspace and name, per worker). Plugin instances that
 * configure the same name share one queue, and a queue outlives the snapshot that made it: a reload that keeps
 * an http-log endpoint keeps its queue and whatever is waiting in it. Created at gateway start, flushed at stop.
 */
import type { Logger } from '../../log/logger.js';
import { Queue, type BatchHandler, type QueueParams, type QueueStats } from './queue.js';

export class QueueRegistry {
  readonly #queues = new Map<string, Queue<unknown, unknown>>();
  readonly #log: Logger;
  // Counts of queues swept away, so the totals never go down.
  #retired = { dropped: 0, sent: 0, failedBatches: 0 };
  #closed = false;

  constructor(log: Logger) {
    this.#log = log;
  }

  /** Queues `entry` on the queue named by `params` (made on first use); null, or why the entry was refused. */
  enqueue<T, C>(params: QueueParams, handler: BatchHandler<T, C>, conf: C, entry: T): string | null {
    if (this.#closed) return 'the gateway is stopping';
    let q = this.#queues.get(params.name) as Queue<T, C> | undefined;
    if (q === undefined) {
      this.#sweep();
      q = new Queue(params, handler, conf, this.#log);
      this.#queues.set(params.name, q as Queue<unknown, unknown>);
    } else {
      q.update(params, handler, conf);
    }
    return q.enqueue(entry);
  }

  /** Totals over every queue this gateway has had, for /status and metrics. */
  stats(): QueueStats {
    let queued = 0;
    let { dropped, sent, failedBatches } = this.#retired;
    for (const q of this.#queues.values()) {
      const s = q.stats();
      queued += s.queued;
      dropped += s.dropped;
      sent += s.sent;
      failedBatches += s.failedBatches;
    }
    return { queued, dropped, sent, failedBatches };
  }

  /** Gateway stop: every queue sends what it holds, all within one deadline. Idempotent. */
  async close(deadlineMs: number): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#queues.values()].map((q) => q.flush(deadlineMs)));
  }

  // Idle queues of names no config uses any more would pile up across reloads; an idle queue holds nothing,
  // so it is dropped (its counts kept in the totals) and made again if its name comes back.
  #sweep(): void {
    for (const [name, q] of this.#queues) {
      if (!q.idle) continue;
      const s = q.stats();
      this.#retired = {
        dropped: this.#retired.dropped + s.dropped,
        sent: this.#retired.sent + s.sent,
        failedBatches: this.#retired.failedBatches + s.failedBatches,
      };
      this.#queues.delete(name);
    }
  }
}
