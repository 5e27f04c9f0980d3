/**
 * Health checkers shared across snapshots. A snapshot acquires one checker per upstream at compile time and
 * releases it when the snapshot is retired; a checker is keyed by upstream id + a hash of everything that
 * shapes it, so a reload that keeps an upstream unchanged keeps its health state and its probe timers, and
 * the last release of a removed (or changed) upstream stops its timers at once.
 */
import { createHash } from 'node:crypto';
import type { Target, Upstream } from '../schema/index.js';
import { type CheckedTarget, checkerSettings, HealthChecker } from './health-checker.js';
import { hostHeaderFor, parseTarget } from './target-address.js';

const live = new Map<string, HealthChecker>();

/** Everything a checker depends on; timestamps and tags are left out (they change on every load). */
export function checkerKey(u: Upstream, targets: readonly Target[]): string {
  const { created_at: _c, updated_at: _u, tags: _t, ...upstream } = u;
  const list = targets.map((t) => [t.target, t.weight] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const digest = createHash('sha1').update(JSON.stringify({ upstream, list })).digest('hex');
  return `${u.id}:${digest}`;
}

/** The checker for this upstream config, shared with any snapshot that already uses the same one. */
export function acquireChecker(u: Upstream, targets: readonly Target[]): HealthChecker {
  const key = checkerKey(u, targets);
  let checker = live.get(key);
  if (checker === undefined) {
    let previous: HealthChecker | null = null;
    for (const c of live.values()) if (c.upstreamId === u.id) previous = c;
    const settings = checkerSettings(u);
    const scheme = settings.probe.type === 'https' ? 'https' : 'http';
    const checked: Omit<CheckedTarget, 'health'>[] = [];
    for (const t of targets) {
      if (t.weight <= 0) continue;
      const { host, port } = parseTarget(t.target);
      checked.push({ target: t.target, host, port, weight: t.weight, hostHeader: u.host_header ?? hostHeaderFor(host, port, scheme) });
    }
    checker = new HealthChecker(u.id, key, settings, checked, previous);
    live.set(key, checker);
    checker.start();
  }
  checker.refs++;
  return checker;
}

/** Drops one snapshot's hold; the last one stops the checker's timers and probes. */
export function releaseChecker(checker: HealthChecker): void {
  if (checker.stopped) return;
  checker.refs--;
  if (checker.refs > 0) return;
  checker.stop();
  if (live.get(checker.key) === checker) live.delete(checker.key);
}

/** Probe intervals currently scheduled across all checkers (tests check that a removed upstream left none). */
export function activeProbeTimers(): number {
  let n = 0;
  for (const c of live.values()) n += c.timerCount;
  return n;
}

/** Checkers alive, by upstream id (introspection for tests). */
export function liveCheckers(upstreamId?: string): number {
  let n = 0;
  for (const c of live.values()) if (upstreamId === undefined || c.upstreamId === upstreamId) n++;
  return n;
}
