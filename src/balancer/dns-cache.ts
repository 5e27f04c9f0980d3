/**
 * Target host names resolved through node:dns, cached for their TTL, one cache per gateway. The request path
 * only ever reads the cache: an expired answer keeps serving while a refresh runs in the background (never
 * block on DNS when an answer is known). Names only in /etc/hosts fall back to the system resolver.
 *
 * A name is cached while some active balancer uses it (`retain` when a snapshot is activated, `release` when
 * it is retired), so the cache holds the names of the configs being served and nothing more; compiling a
 * config resolves nothing.
 */
import { promises as dns } from 'node:dns';
import { isIP } from 'node:net';

export interface DnsAnswer {
  /** Addresses from the last good answer (empty when the name never resolved). */
  readonly addresses: readonly string[];
  readonly type: 'A' | 'AAAA';
  /** The last resolution error, when it failed and nothing was known before. */
  readonly error: string | null;
}

interface Entry {
  answer: DnsAnswer;
  expiresAt: number;
  pending: Promise<DnsAnswer> | null;
  /** Active balancers using the name. */
  users: number;
}

// Kong's resolver keeps a failed lookup this long before trying again; a TTL of 0 still caches briefly.
const NEGATIVE_TTL_MS = 5_000;
const MIN_TTL_MS = 1_000;
const SYSTEM_TTL_MS = 30_000;

const LOCALHOST: DnsAnswer = Object.freeze({ addresses: Object.freeze(['127.0.0.1']), type: 'A', error: null }) as DnsAnswer;

/** Whether a target host needs a lookup (Kong resolves 'localhost' itself; IPs need none). */
export function isNamedHost(host: string): boolean {
  return isIP(host) === 0 && host !== 'localhost';
}

export class DnsCache {
  readonly #entries = new Map<string, Entry>();

  /** Starts keeping `host` resolved (the first user triggers the lookup, so the first requests find an answer). */
  retain(host: string): void {
    if (!isNamedHost(host)) return;
    let entry = this.#entries.get(host);
    if (entry === undefined) {
      entry = { answer: { addresses: [], type: 'A', error: null }, expiresAt: 0, pending: null, users: 0 };
      this.#entries.set(host, entry);
      void this.#refresh(host, entry);
    }
    entry.users++;
  }

  /** Drops one user; the last one forgets the name (a lookup in flight finishes into nothing). */
  release(host: string): void {
    const entry = this.#entries.get(host);
    if (entry === undefined || --entry.users > 0) return;
    this.#entries.delete(host);
  }

  /** The cached answer for a retained name (stale or not), starting a refresh when it has expired. */
  cachedAnswer(host: string): DnsAnswer | null {
    if (host === 'localhost') return LOCALHOST;
    if (isIP(host) !== 0) return { addresses: [host], type: isIP(host) === 6 ? 'AAAA' : 'A', error: null };
    const entry = this.#entries.get(host);
    if (entry === undefined) return null;
    if (entry.pending === null && Date.now() >= entry.expiresAt) void this.#refresh(host, entry);
    return entry.answer.addresses.length > 0 || entry.answer.error !== null ? entry.answer : null;
  }

  /** Resolves a retained name now (or returns its fresh cached answer); for tests. */
  async resolve(host: string): Promise<DnsAnswer | null> {
    const cached = this.cachedAnswer(host);
    const entry = this.#entries.get(host);
    if (entry === undefined || (cached !== null && Date.now() < entry.expiresAt)) return cached;
    return entry.pending ?? this.#refresh(host, entry);
  }

  /** Names cached (tests check that retired configs leave none). */
  get size(): number {
    return this.#entries.size;
  }

  close(): void {
    this.#entries.clear();
  }

  #refresh(host: string, entry: Entry): Promise<DnsAnswer> {
    entry.pending ??= resolveNow(host).then(({ answer, ttlMs }) => {
      // A failed refresh keeps the last good addresses: a flaky resolver must not empty a balancer.
      if (answer.addresses.length > 0 || entry.answer.addresses.length === 0) entry.answer = answer;
      entry.expiresAt = Date.now() + ttlMs;
      entry.pending = null;
      return entry.answer;
    });
    return entry.pending;
  }
}

async function resolveNow(host: string): Promise<{ answer: DnsAnswer; ttlMs: number }> {
  try {
    const a = await dns.resolve4(host, { ttl: true });
    if (a.length > 0) return { answer: { addresses: a.map((r) => r.address), type: 'A', error: null }, ttlMs: minTtl(a) };
  } catch {
    // fall through to AAAA and then the system resolver
  }
  try {
    const aaaa = await dns.resolve6(host, { ttl: true });
    if (aaaa.length > 0) {
      return { answer: { addresses: aaaa.map((r) => r.address), type: 'AAAA', error: null }, ttlMs: minTtl(aaaa) };
    }
  } catch {
    // fall through
  }
  try {
    const all = await dns.lookup(host, { all: true });
    if (all.length > 0) {
      const type = all[0]!.family === 6 ? 'AAAA' : 'A';
      return { answer: { addresses: all.map((r) => r.address), type, error: null }, ttlMs: SYSTEM_TTL_MS };
    }
  } catch (err) {
    return { answer: { addresses: [], type: 'A', error: (err as Error).message }, ttlMs: NEGATIVE_TTL_MS };
  }
  return { answer: { addresses: [], type: 'A', error: 'no addresses' }, ttlMs: NEGATIVE_TTL_MS };
}

function minTtl(records: readonly { ttl: number }[]): number {
  let ttl = Infinity;
  for (const r of records) ttl = Math.min(ttl, r.ttl);
  return Math.max(MIN_TTL_MS, ttl * 1000);
}
