/**
 * A compiled snapshot is inert: compiling it started no timer, opened no socket and resolved no name, so a
 * compile that fails halfway leaves nothing to clean up (Caddy's provision, then start). The runtime activates
 * a snapshot when it swaps it in, which is when it joins the gateway's shared resources (health checkers,
 * probes, the DNS cache), and disposes it when it retires (after its last request), which gives them back.
 */
import type { BalancerResources } from '../balancer/resources.js';
import type { CompiledSnapshot } from './compile.js';
import type { BalancerPlan } from '../balancer/plan.js';

/** What a gateway shares across its snapshots; created at start, closed at stop. */
export interface SnapshotResources {
  readonly balancers: BalancerResources;
}

/**
 * A reload reuses the balancers of upstreams it left unchanged (src/snapshot/reuse.ts), so one balancer can belong
 * to the serving snapshot and to those still draining: it is activated by the first snapshot that holds it and
 * disposed with the last.
 */
const holders = new WeakMap<BalancerPlan, number>();
const active = new WeakSet<CompiledSnapshot>();

function hold(b: BalancerPlan, resources: SnapshotResources): void {
  const n = holders.get(b) ?? 0;
  if (n === 0) b.activate(resources.balancers);
  holders.set(b, n + 1);
}

function letGo(b: BalancerPlan): void {
  const n = (holders.get(b) ?? 1) - 1;
  holders.set(b, n);
  if (n <= 0) b.dispose();
}

/** All or nothing: when a part fails to activate, the parts already active are disposed and the error thrown. */
export function activateSnapshot(snapshot: CompiledSnapshot, resources: SnapshotResources): void {
  if (active.has(snapshot)) return;
  const held: BalancerPlan[] = [];
  try {
    for (const b of snapshot.proxy.balancers.values()) {
      hold(b, resources);
      held.push(b);
    }
  } catch (err) {
    for (const b of held) letGo(b);
    throw err;
  }
  active.add(snapshot);
}

/** Idempotent; also right for a snapshot that was never activated. */
export function disposeSnapshot(snapshot: CompiledSnapshot): void {
  if (!active.delete(snapshot)) {
    // Never activated: its own balancers (held by no snapshot) are inert and are disposed for good measure.
    for (const b of snapshot.proxy.balancers.values()) if ((holders.get(b) ?? 0) === 0) b.dispose();
    return;
  }
  for (const b of snapshot.proxy.balancers.values()) letGo(b);
}
