import { MemoryDict } from './memory-dict.js';
import { type GatewayDicts, SHARED_DICTS, type SharedDictName } from './shared-dict.js';

export interface MemoryDictsOptions {
  /** Capacity per dictionary in keys, where the declared default does not fit (tests, a small node). */
  readonly capacities?: Partial<Record<SharedDictName, number>>;
  readonly clock?: () => number;
}

/**
 * A gateway's dictionaries, held in this process: each made on first use with its declared capacity. The
 * runtime makes one at start and closes it at stop; a snapshot compiled without a gateway (tests, `validate`)
 * gets one of its own.
 */
export class MemoryDicts implements GatewayDicts {
  readonly #dicts = new Map<SharedDictName, MemoryDict>();
  readonly #opts: MemoryDictsOptions;

  constructor(opts: MemoryDictsOptions = {}) {
    this.#opts = opts;
  }

  get(name: SharedDictName): MemoryDict {
    let d = this.#dicts.get(name);
    if (d === undefined) {
      const declared = SHARED_DICTS[name];
      if (declared === undefined) throw new Error(`no shared dictionary named '${String(name)}'`);
      const capacity = this.#opts.capacities?.[name] ?? declared.capacity;
      d = new MemoryDict(this.#opts.clock !== undefined ? { capacity, clock: this.#opts.clock } : { capacity });
      this.#dicts.set(name, d);
    }
    return d;
  }

  /** Gateway stop: every key is dropped (Kong's shm goes with the nginx master). Holds no timer, so that is all. */
  close(): void {
    for (const d of this.#dicts.values()) d.clear();
    this.#dicts.clear();
  }
}
