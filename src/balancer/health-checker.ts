/**
 * An upstream's health checker: per-target counters fed by proxied traffic (passive, the circuit breaker) and
 * by probes (active). Built inert at compile time (counters only); it probes from `start()` to `stop()`, and
 * outlives a snapshot when a reload keeps the upstream unchanged (see checker-registry.ts). Timers are unref'd.
 */
import type { Upstream } from '../schema/index.js';
import { type Probe, type ProbeSpec, startProbe } from './active-probe.js';
import type { DnsCache } from './dns-cache.js';
import { applyReport, type HealthCounters, type HealthReport, isAvailable, newHealth } from './health-state.js';

export interface Thresholds {
  readonly successes: number;
  readonly httpFailures: number;
  readonly tcpFailures: number;
  readonly timeouts: number;
}

export interface CheckerSettings {
  readonly probe: ProbeSpec;
  /** Seconds between probes of healthy / unhealthy targets; 0 = off. */
  readonly healthyInterval: number;
  readonly unhealthyInterval: number;
  readonly concurrency: number;
  readonly active: Thresholds;
  readonly passive: Thresholds;
  readonly passiveHealthy: ReadonlySet<number>;
  readonly passiveUnhealthy: ReadonlySet<number>;
  /** Percentage of weight that must be available for the upstream to take traffic (strictly more than). */
  readonly threshold: number;
}

/** A target the checker watches (weight > 0; Kong does not check weight-0 targets). */
export interface CheckedTarget {
  /** The target string as written in the config. */
  readonly target: string;
  readonly host: string;
  readonly port: number;
  readonly weight: number;
  /** Host header for probes (upstream host_header, else the target's host[:port]). */
  readonly hostHeader: string;
  readonly health: HealthCounters;
}

const PASSIVE_HEALTHY_DEFAULT = [200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 306, 307, 308];

/** Reads an upstream's `healthchecks` record, defaults filled as Kong's schema would. */
export function checkerSettings(u: Upstream): CheckerSettings {
  const hc = u.healthchecks;
  const a = hc.active ?? {};
  const p = hc.passive ?? {};
  const type = a.type === 'tcp' ? 'tcp' : a.type === 'https' || a.type === 'grpcs' ? 'https' : 'http';
  return {
    probe: {
      type,
      timeoutMs: Math.max(1, (a.timeout ?? 1) * 1000),
      path: a.http_path ?? '/',
      headers: (a.headers ?? {}) as Readonly<Record<string, readonly string[]>>,
      sni: a.https_sni ?? null,
      verifyCertificate: a.https_verify_certificate ?? true,
      healthyStatuses: new Set(a.healthy?.http_statuses ?? [200, 302]),
      unhealthyStatuses: new Set(a.unhealthy?.http_statuses ?? [429, 404, 500, 501, 502, 503, 504, 505]),
    },
    healthyInterval: a.healthy?.interval ?? 0,
    unhealthyInterval: a.unhealthy?.interval ?? 0,
    concurrency: Math.max(1, Math.min(a.concurrency ?? 10, 1024)),
    active: {
      successes: a.healthy?.successes ?? 0,
      httpFailures: a.unhealthy?.http_failures ?? 0,
      tcpFailures: a.unhealthy?.tcp_failures ?? 0,
      timeouts: a.unhealthy?.timeouts ?? 0,
    },
    passive: {
      successes: p.healthy?.successes ?? 0,
      httpFailures: p.unhealthy?.http_failures ?? 0,
      tcpFailures: p.unhealthy?.tcp_failures ?? 0,
      timeouts: p.unhealthy?.timeouts ?? 0,
    },
    passiveHealthy: new Set(p.healthy?.http_statuses ?? PASSIVE_HEALTHY_DEFAULT),
    passiveUnhealthy: new Set(p.unhealthy?.http_statuses ?? [429, 500, 503]),
    threshold: hc.threshold ?? 0,
  };
}

function limitFor(t: Thresholds, report: HealthReport): number {
  if (report === 'success') return t.successes;
  if (report === 'http_failure') return t.httpFailures;
  if (report === 'tcp_failure') return t.tcpFailures;
  return t.timeouts;
}

export class HealthChecker {
  /** Kong: checks are on iff a probe interval or a passive failure threshold is set; else HEALTHCHECKS_OFF. */
  readonly enabled: boolean;
  readonly targets: ReadonlyMap<string, CheckedTarget>;
  /** Snapshots using this checker (checker-registry.ts). */
  refs = 0;
  #timers: NodeJS.Timeout[] = [];
  #probes = new Set<Probe>();
  #busy = { healthy: false, unhealthy: false };
  #stopped = false;
  #dns: DnsCache | null = null;

  constructor(
    readonly upstreamId: string,
    readonly key: string,
    readonly settings: CheckerSettings,
    targets: readonly Omit<CheckedTarget, 'health'>[],
  ) {
    const s = settings;
    this.enabled =
      s.healthyInterval > 0 ||
      s.unhealthyInterval > 0 ||
      s.passive.httpFailures > 0 ||
      s.passive.tcpFailures > 0 ||
      s.passive.timeouts > 0;
    const map = new Map<string, CheckedTarget>();
    for (const t of targets) map.set(t.target, { ...t, health: newHealth() });
    this.targets = map;
  }

  /** A changed upstream keeps what its previous checker knew of the targets it still has (Kong keeps health across reloads). */
  carryHealthFrom(previous: HealthChecker): void {
    for (const [target, t] of this.targets) {
      const before = previous.targets.get(target)?.health;
      if (before) Object.assign(t.health, before);
    }
  }

  /** Starts the probe timers (active checks; no timers when both intervals are 0); probes read `dns`. */
  start(dns: DnsCache): void {
    if (this.#stopped || this.#timers.length > 0) return;
    this.#dns = dns;
    const every = (seconds: number, healthy: boolean) => {
      if (seconds <= 0) return;
      const timer = setInterval(() => void this.#probeRound(healthy), seconds * 1000);
      timer.unref();
      this.#timers.push(timer);
    };
    every(this.settings.healthyInterval, true);
    every(this.settings.unhealthyInterval, false);
  }

  /** Stops the timers and cancels probes in flight. */
  stop(): void {
    this.#stopped = true;
    for (const t of this.#timers) clearInterval(t);
    this.#timers = [];
    for (const p of this.#probes) p.cancel();
    this.#probes.clear();
  }

  get timerCount(): number {
    return this.#timers.length;
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  /** A proxied try's outcome (Kong: passive checks, reported from the balancer and log phases). */
  reportPassive(t: CheckedTarget, report: HealthReport): void {
    if (!this.enabled) return;
    applyReport(t.health, report, limitFor(this.settings.passive, report));
  }

  /** Classifies a proxied response status: Kong reports 504 as a timeout, other listed codes by list. */
  passiveReportFor(status: number): HealthReport | null {
    if (status === 504) return 'timeout';
    if (this.settings.passiveHealthy.has(status)) return 'success';
    if (this.settings.passiveUnhealthy.has(status)) return 'http_failure';
    return null;
  }

  /** Available and total weight; the upstream takes traffic iff available/total × 100 > threshold. */
  weights(): { total: number; available: number } {
    let total = 0;
    let available = 0;
    for (const t of this.targets.values()) {
      total += t.weight;
      if (!this.enabled || isAvailable(t.health)) available += t.weight;
    }
    return { total, available };
  }

  isTakingTraffic(): boolean {
    const { total, available } = this.weights();
    return total > 0 && (available / total) * 100 > this.settings.threshold;
  }

  isTargetAvailable(t: CheckedTarget): boolean {
    return !this.enabled || isAvailable(t.health);
  }

  /** One round of probes over the targets in one state, at most `concurrency` at a time. */
  async #probeRound(healthy: boolean): Promise<void> {
    const key = healthy ? 'healthy' : 'unhealthy';
    if (this.#busy[key]) return;
    this.#busy[key] = true;
    try {
      const queue = [...this.targets.values()].filter((t) => isAvailable(t.health) === healthy);
      const worker = async () => {
        for (let t = queue.shift(); t !== undefined && !this.#stopped; t = queue.shift()) await this.#probeOne(t);
      };
      const workers: Promise<void>[] = [];
      for (let i = 0; i < Math.min(this.settings.concurrency, queue.length); i++) workers.push(worker());
      await Promise.all(workers);
    } finally {
      this.#busy[key] = false;
    }
  }

  async #probeOne(t: CheckedTarget): Promise<void> {
    const answer = this.#dns?.cachedAnswer(t.host);
    const address = answer?.addresses[0] ?? t.host;
    const probe = startProbe(this.settings.probe, { address, port: t.port, hostname: t.host, hostHeader: t.hostHeader });
    this.#probes.add(probe);
    const report = await probe.result;
    this.#probes.delete(probe);
    if (report !== null && !this.#stopped) applyReport(t.health, report, limitFor(this.settings.active, report));
  }
}
