/**
 * What the balancers of one gateway share across its snapshots: the DNS cache and the health-checker registry.
 * Created when the gateway starts, closed when it stops; two gateways in one process share nothing. Snapshots
 * reach it only when they are activated (src/snapshot/lifecycle.ts), never while they are compiled.
 */
import { CheckerRegistry } from './checker-registry.js';
import { DnsCache } from './dns-cache.js';

export class BalancerResources {
  readonly dns = new DnsCache();
  readonly checkers = new CheckerRegistry(this.dns);

  close(): void {
    this.checkers.close();
    this.dns.close();
  }
}
