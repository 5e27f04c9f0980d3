/**
 * Target host names resolved through node:dns, cached for their TTL. The request path only ever reads the
 * cache: an expired answer keeps serving while a refresh runs in the background (never block on DNS when an
 * answer is known). Names only in /etc/hosts fall back to the system resolver.
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
}

// Kong's resolver keeps a failed lookup this long before trying again; a TTL of 0 still caches briefly.
const NEGATIVE_TTL_MS = 5_000;
const MIN_TTL_MS = 1_000;
const SYSTEM_TTL_MS = 30_000;

const cache = new Map<string, Entry>();

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

function refresh(host: string, entry: Entry): Promise<DnsAnswer> {
  entry.pending ??= resolveNow(host).then(({ answer, ttlMs }) => {
    // A failed refresh keeps the last good addresses: a flaky resolver must not empty a balancer.
    if (answer.addresses.length > 0 || entry.answer.addresses.length === 0) entry.answer = answer;
    entry.expiresAt = Date.now() + ttlMs;
    entry.pending = null;
    return entry.answer;
  });
  return entry.pending;
}

/** The cached answer for a name (stale or not), starting a refresh when it is missing or expired. */
export function cachedAnswer(host: string): DnsAnswer | null {
  if (host === 'localhost') return LOCALHOST;
  if (isIP(host) !== 0) return { addresses: [host], type: isIP(host) === 6 ? 'AAAA' : 'A', error: null };
  let entry = cache.get(host);
  if (entry === undefined) {
    entry = { answer: { addresses: [], type: 'A', error: null }, expiresAt: 0, pending: null };
    cache.set(host, entry);
    void refresh(host, entry);
    return null;
  }
  if (entry.pending === null && Date.now() >= entry.expiresAt) void refresh(host, entry);
  return entry.answer.addresses.length > 0 || entry.answer.error !== null ? entry.answer : null;
}

/** Resolves a name now (or returns the fresh cached answer); for warming the cache and for tests. */
export async function resolveTarget(host: string): Promise<DnsAnswer> {
  const cached = cachedAnswer(host);
  const entry = cache.get(host);
  if (entry === undefined || (cached !== null && Date.now() < entry.expiresAt)) return cached ?? LOCALHOST;
  return entry.pending ?? refresh(host, entry);
}

const LOCALHOST: DnsAnswer = Object.freeze({ addresses: Object.freeze(['127.0.0.1']), type: 'A', error: null }) as DnsAnswer;
