/**
 * Kong's shared dictionaries (nginx `lua_shared_dict`, read as `ngx.shared.DICT`): node-wide stores of small
 * values, each key with an optional time to live, `incr` with an initial value, and a fixed capacity that
 * makes room by dropping expired keys first and then the least recently used ones. A gateway owns one set of
 * them for its whole life: every snapshot's plugins write to the same dictionaries, so a reload keeps what is
 * in them (Kong: reloading does not reset rate-limiting counters), and stopping the gateway drops them.
 *
 * Every operation answers with `Maybe<T>`: the in-process dictionaries (memory-dict.ts) answer synchronously,
 * so the request path pays no promise for them. A gateway whose dictionaries live in another process — with
 * `--workers`, the primary holds them and each worker's dictionaries forward every operation to it over IPC —
 * returns promises instead; callers take both (`isPending`), and nothing else changes for them.
 */

export type SharedValue = number | string | boolean;

/** A value now, or a promise of it from a dictionary held in another process. */
export type Maybe<T> = T | Promise<T>;

export function isPending<T>(value: Maybe<T>): value is Promise<T> {
  return value instanceof Promise;
}

/** One dictionary: Kong's ngx.shared.DICT operations that sluice uses. TTLs are in seconds, 0 = no expiry. */
export interface SharedDict {
  /** The value, or undefined when the key is absent or expired. */
  get(key: string): Maybe<SharedValue | undefined>;
  /** Stores the value with its own TTL, evicting to make room when full (Kong's `set`, forcible). */
  set(key: string, value: SharedValue, ttlSeconds?: number): Maybe<void>;
  /**
   * Adds `by` to a number and returns the sum. An absent or expired key starts at `init` with `initTtlSeconds`
   * (Kong's `incr(key, value, init, init_ttl)`); an existing key keeps its TTL. Throws on a non-number value.
   */
  incr(key: string, by: number, init?: number, initTtlSeconds?: number): Maybe<number>;
  delete(key: string): Maybe<void>;
}

/**
 * The dictionaries a gateway declares, with their capacity in keys (Kong declares them in its nginx template:
 * `lua_shared_dict kong_rate_limiting_counters 12m`). A rate-limiting counter takes about 220 bytes here
 * (measured with IPv4 identifiers), so the default holds about as many counters as Kong's 12 MiB, in about as
 * much memory.
 */
export const SHARED_DICTS = {
  kong_rate_limiting_counters: { capacity: 50_000 },
} as const satisfies Record<string, { readonly capacity: number }>;

export type SharedDictName = keyof typeof SHARED_DICTS;

/** What plugins are handed (PluginCreateContext.dictionaries): the gateway's dictionaries by name. */
export interface SharedDicts {
  get(name: SharedDictName): SharedDict;
}

/**
 * What a gateway holds for its whole life: its dictionaries and their end. In one process that is a
 * MemoryDicts; a worker of a multi-process node would hold one that forwards to the primary, whose close()
 * detaches from it (the primary's own dictionaries live until the node stops).
 */
export interface GatewayDicts extends SharedDicts {
  close(): void | Promise<void>;
}
