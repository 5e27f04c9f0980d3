/**
 * One Upstream entity's balancer, as a snapshot holds it: the algorithm and its per-target numbers belong to
 * this object (one snapshot); target health belongs to the shared checker (checker-registry.ts). Mutable
 * state lives in private fields, so freezing the snapshot does not touch it.
 *
 * Compiling builds it inert: a private checker that does not probe, no DNS. `activate` (when its snapshot is
 * swapped in) trades that checker for the gateway's shared one and keeps its target names resolved; `dispose`
 * (when the snapshot is retired) gives both back.
 */
import type { Target, Upstream } from '../schema/index.js';
import type { BalancerPlan, PeerAddress, PeerOutcome } from './plan.js';
import type { Algorithm, SlotStats } from './algorithm.js';
import type { BalanceRequest } from './balance-request.js';
import { newChecker } from './checker-registry.js';
import { createConsistentHashing } from './consistent-hashing.js';
import { isNamedHost } from './dns-cache.js';
import { type HashSpec, hashSpec, valueToHash } from './hash-input.js';
import type { CheckedTarget, HealthChecker } from './health-checker.js';
import { createLatency, recordLatency } from './latency.js';
import { createLeastConnections } from './least-connections.js';
import { createRoundRobin } from './round-robin.js';
import { hostHeaderFor } from './target-address.js';
import type { BalancerResources } from './resources.js';
import type { UpstreamHealthReport } from './health-report.js';
import { buildHealthReport } from './upstream-health.js';

interface BalancedPeer extends PeerAddress {
  readonly slot: number;
}

interface Slot {
  /** Rebound to the shared checker's target on activation. */
  target: CheckedTarget;
  readonly stats: SlotStats;
  /** Whether `target.host` is a name that DNS resolves (IPs and 'localhost' need no lookup). */
  readonly named: boolean;
  /** The peer that connects by name (before DNS answered), and one peer per resolved address. */
  readonly byName: BalancedPeer;
  readonly byAddress: Map<string, BalancedPeer>;
  /** Rotates over a name's addresses. */
  next: number;
}

function peer(slot: number, address: string, t: CheckedTarget): BalancedPeer {
  return Object.freeze({
    host: address,
    port: t.port,
    slot,
    hostHeaderHttp: hostHeaderFor(t.host, t.port, 'http'),
    hostHeaderHttps: hostHeaderFor(t.host, t.port, 'https'),
  });
}

export class UpstreamBalancer implements BalancerPlan {
  readonly upstreamId: string;
  readonly name: string;
  readonly hostHeader: string | null;
  #checker: HealthChecker;
  readonly #slots: Slot[] = [];
  readonly #algorithm: Algorithm;
  readonly #hash: HashSpec | null;
  readonly #peers = new WeakSet<PeerAddress>();
  /** The gateway's, from activation until disposal; null while inert. */
  #resources: BalancerResources | null = null;
  #disposed = false;

  constructor(u: Upstream, targets: readonly Target[]) {
    this.upstreamId = u.id;
    this.name = u.name;
    this.hostHeader = u.host_header ?? null;
    this.#checker = newChecker(u, targets);
    for (const t of this.#checker.targets.values()) {
      const index = this.#slots.length;
      const named = isNamedHost(t.host);
      const byName = peer(index, t.host === 'localhost' ? '127.0.0.1' : t.host, t);
      this.#peers.add(byName);
      this.#slots.push({
        target: t,
        stats: { weight: t.weight, inflight: 0, ewma: 0, ewmaAt: 0 },
        named,
        byName,
        byAddress: new Map(),
        next: 0,
      });
    }
    const stats = this.#slots.map((s) => s.stats);
    const weights = stats.map((s) => s.weight);
    switch (u.algorithm) {
      case 'consistent-hashing':
        this.#algorithm = createConsistentHashing(
          this.#slots.map((s) => `${s.target.host}::${s.target.port}`),
          weights,
          u.slots,
        );
        break;
      case 'least-connections':
        this.#algorithm = createLeastConnections(stats);
        break;
      case 'latency':
        this.#algorithm = createLatency(stats);
        break;
      default:
        this.#algorithm = createRoundRobin(weights);
    }
    this.#hash = u.algorithm === 'consistent-hashing' ? hashSpec(u) : null;
  }

  pick(previous: PeerAddress | null, request?: BalanceRequest | null): PeerAddress | null {
    const checker = this.#checker;
    // Kong: an upstream below its healthy-weight threshold (or with no weight at all) takes no traffic.
    if (!checker.isTakingTraffic()) return null;
    let hash: string | null = null;
    if (this.#hash !== null && request) {
      if (request.hash === undefined) request.hash = valueToHash(this.#hash, request);
      hash = request.hash;
    }
    const tried: readonly number[] =
      request?.tried ?? (previous !== null && this.#peers.has(previous) ? [(previous as BalancedPeer).slot] : []);
    const slots = this.#slots;
    const available = (i: number) => checker.isTargetAvailable(slots[i]!.target);
    // Retries move to a target not tried yet; when every available one was tried, any available one will do.
    let i = tried.length === 0 ? -1 : this.#algorithm.pick((k) => available(k) && !tried.includes(k), hash);
    if (i < 0) i = this.#algorithm.pick(available, hash);
    if (i < 0) return null;
    const slot = slots[i]!;
    slot.stats.inflight++;
    request?.tried.push(i);
    return this.#peerFor(i, slot);
  }

  report(p: PeerAddress, outcome: PeerOutcome | null): void {
    if (!this.#peers.has(p)) return;
    const slot = this.#slots[(p as BalancedPeer).slot]!;
    if (slot.stats.inflight > 0) slot.stats.inflight--;
    if (outcome === null) return;
    const checker = this.#checker;
    if (outcome.ok) {
      recordLatency(slot.stats, outcome.upstreamLatencyMs, performance.now());
      const report = checker.passiveReportFor(outcome.status);
      if (report !== null) checker.reportPassive(slot.target, report);
    } else {
      // Kong: a failed try counts as a timeout when it timed out, else as a TCP failure.
      checker.reportPassive(slot.target, outcome.kind === 'timeout' ? 'timeout' : 'tcp_failure');
    }
  }

  health(): UpstreamHealthReport {
    return buildHealthReport(this.upstreamId, this.#checker, this.#resources?.dns ?? null);
  }

  /**
   * Takes the gateway's checker for this upstream (shared with serving snapshots that have the same one, health
   * carried over otherwise) and starts keeping the target names resolved, so the first requests find an answer.
   */
  activate(resources: BalancerResources): void {
    if (this.#disposed) throw new Error(`balancer '${this.name}' was disposed; compile the config again`);
    if (this.#resources !== null) return;
    const shared = resources.checkers.acquire(this.#checker);
    if (shared !== this.#checker) {
      // Same key, same targets: bind the slots to the counters the serving snapshots already update.
      for (const slot of this.#slots) slot.target = shared.targets.get(slot.target.target)!;
      this.#checker = shared;
    }
    for (const slot of this.#slots) if (slot.named) resources.dns.retain(slot.target.host);
    this.#resources = resources;
  }

  /** Gives the checker and the names back (probes stop when no snapshot uses them any more). Idempotent. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    const resources = this.#resources;
    if (resources === null) return;
    this.#resources = null;
    resources.checkers.release(this.#checker);
    for (const slot of this.#slots) if (slot.named) resources.dns.release(slot.target.host);
  }

  #peerFor(i: number, slot: Slot): PeerAddress {
    if (!slot.named) return slot.byName;
    const answer = this.#resources?.dns.cachedAnswer(slot.target.host);
    const addresses = answer?.addresses;
    // No answer yet: connect by name (the system resolver answers this once) rather than wait here.
    if (addresses === undefined || addresses.length === 0) return slot.byName;
    const address = addresses[slot.next++ % addresses.length]!;
    let p = slot.byAddress.get(address);
    if (p === undefined) {
      // Bounded by the addresses DNS returns for this name; stale ones are dropped when the set is rebuilt.
      if (slot.byAddress.size > 64) slot.byAddress.clear();
      p = peer(i, address, slot.target);
      this.#peers.add(p);
      slot.byAddress.set(address, p);
    }
    return p;
  }
}
