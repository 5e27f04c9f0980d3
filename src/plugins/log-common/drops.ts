import type { Logger } from '../../log/logger.js';

/**
 * Entries a log sink could not take or deliver. Each is counted; the failure is logged once when an episode of
 * failures starts (with Kong's words for it) and once when delivery works again, with the count — not once per
 * request, which would turn a log server that is down into a flood of gateway log lines.
 */
export class Drops {
  readonly #log: Logger;
  readonly #what: string;
  #count = 0;
  #episode = 0;
  #failing = false;

  constructor(log: Logger, what: string) {
    this.#log = log;
    this.#what = what;
  }

  get count(): number {
    return this.#count;
  }

  /** `n` entries are lost because of `reason` (Kong's message, e.g. "failed to connect to h:p: refused"). */
  drop(n: number, reason: string): void {
    this.#count += n;
    this.#episode += n;
    if (this.#failing) return;
    this.#failing = true;
    this.#log.error(`${this.#what}: ${reason}; entries are dropped (and counted) until it works again`);
  }

  /** An entry went out: ends an episode of failures. */
  delivered(): void {
    if (!this.#failing) return;
    this.#failing = false;
    this.#log.info(`${this.#what}: delivering again after ${this.#episode} dropped entries`);
    this.#episode = 0;
  }
}
