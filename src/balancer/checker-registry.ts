/**
 * Health checkers shared across snapshots, one registry per gateway. Compiling an upstream builds an inert
 * checker (`newChecker`: counters, no timers); activating the snapshot hands it to `acquire`, which returns the
 * live checker with the same key when a serving snapshot already has one, or makes this one live. A checker is
 * keyed by upstream id + a hash of everything that shapes it, so a reload that keeps an upstream unchanged keeps
 * its health state and its probe timers, and the last release of a removed (or changed) upstream stops its
 * timers at once.
 */
import { createHash } from 'node:crypto';
import type { Target, Upstream } from '../schema/index.js';
import type { DnsCache } from './dns-cache.js';
import { type CheckedTarget, checkerSettings, HealthChecker } from './health-checker.js';
import { hostHeaderFor, parseTarget } from './target-address.js';

/** Everything a checker depends on; timestamps and tags are left out (they change on every load). */
export function checkerKey(u: Upstream, targets: readonly Target[]): string {
  const { created_at: _c, updated_at: _u, tags: _t, ...upstream } = u;
  const list = targets.map((t) => [t.target, t.weight] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const digest = createHash('sha1').update(JSON.stringify({ upstream, list })).digest('hex');
  return `${u.id}:${digest}`;
}

/** A checker for this upstream config that nothing shares yet and that does not probe (compile time). */
export function newChecker(u: Upstream, targets: readonly Target[]): HealthChecker {
  const settings = checkerSettings(u);
  const scheme = settings.probe.type === 'https' ? 'https' : 'http';
  const checked: Omit<CheckedTarget, 'health'>[] = [];
  for (const t of targets) {
    if (t.weight <= 0) continue;
    const { host, port } = parseTarget(t.target);
    checked.push({ target: t.target, host, port, weight: t.weight, hostHeader: u.host_header ?? hostHeaderFor(host, port, scheme) });
  }
  return new HealthChecker(u.id, checkerKey(u, targets), settings, checked);
}

export class CheckerRegistry {
  readonly #live = new Map<string, HealthChecker>();

  constructor(private readonly dns: DnsCache) {}

  /**
   * The live checker for `candidate`'s key, shared; or `candidate` itself, made live: it takes over what the
   * upstream's current checker knows of its targets and starts probing.
   */
  acquire(candidate: HealthChecker): HealthChecker {
    let checker = this.#live.get(candidate.key);
    if (checker === undefined) {
      checker = candidate;
      let previous: HealthChecker | null = null;
      for (const c of this.#live.values()) if (c.upstreamId === checker.upstreamId) previous = c;
      if (previous !== null) checker.carryHealthFrom(previous);
      this.#live.set(checker.key, checker);
      checker.start(this.dns);
    }
    checker.refs++;
    return checker;
  }

  /** Drops one snapshot's hold; the last one stops the checker's timers and probes. */
  release(checker: HealthChecker): void {
    if (checker.stopped) return;
    checker.refs--;
    if (checker.refs > 0) return;
    checker.stop();
    if (this.#live.get(checker.key) === checker) this.#live.delete(checker.key);
  }

  /** Probe intervals currently scheduled across all checkers (tests check that a removed upstream left none). */
  activeProbeTimers(): number {
    let n = 0;
    for (const c of this.#live.values()) n += c.timerCount;
    return n;
  }

  /** Checkers alive, by upstream id (introspection for tests). */
  liveCheckers(upstreamId?: string): number {
    let n = 0;
    for (const c of this.#live.values()) if (upstreamId === undefined || c.upstreamId === upstreamId) n++;
    return n;
  }

  /** Gateway stop: every checker stops, whoever still holds it. */
  close(): void {
    for (const c of this.#live.values()) c.stop();
    this.#live.clear();
  }
}
