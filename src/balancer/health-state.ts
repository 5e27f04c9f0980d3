/**
 * One target's health as Kong's healthchecker keeps it: four counters and a state with two intermediate
 * steps. Pure state transitions; the checker decides which threshold applies (active or passive).
 */

/** Internal states: the `mostly_*` ones take (or refuse) traffic like their namesakes. */
export type HealthState = 'healthy' | 'mostly_healthy' | 'mostly_unhealthy' | 'unhealthy';

/** What one probe or one proxied try says about a target. */
export type HealthReport = 'success' | 'http_failure' | 'tcp_failure' | 'timeout';

export interface HealthCounters {
  state: HealthState;
  successes: number;
  httpFailures: number;
  tcpFailures: number;
  timeouts: number;
}

export function newHealth(): HealthCounters {
  return { state: 'healthy', successes: 0, httpFailures: 0, tcpFailures: 0, timeouts: 0 };
}

export function isAvailable(h: HealthCounters): boolean {
  return h.state === 'healthy' || h.state === 'mostly_healthy';
}

// Kong keeps each counter in 8 bits.
const MAX = 255;

/**
 * Applies one report against its threshold (`limit`); returns true when the target flipped between taking
 * and refusing traffic. Kong (lua-resty-healthcheck incr_counter): a limit of 0 disables the counter; a report
 * that agrees with a settled state is ignored; a success clears the failure counters and any failure clears
 * the successes; reaching the limit sets the state and clears every counter.
 */
export function applyReport(h: HealthCounters, report: HealthReport, limit: number): boolean {
  if (limit <= 0) return false;
  const good = report === 'success';
  if (good ? h.state === 'healthy' : h.state === 'unhealthy') return false;
  let count: number;
  if (good) {
    h.httpFailures = h.tcpFailures = h.timeouts = 0;
    count = h.successes = Math.min(MAX, h.successes + 1);
  } else {
    h.successes = 0;
    if (report === 'http_failure') count = h.httpFailures = Math.min(MAX, h.httpFailures + 1);
    else if (report === 'tcp_failure') count = h.tcpFailures = Math.min(MAX, h.tcpFailures + 1);
    else count = h.timeouts = Math.min(MAX, h.timeouts + 1);
  }
  const before = isAvailable(h);
  if (count >= limit) {
    h.state = good ? 'healthy' : 'unhealthy';
    h.successes = h.httpFailures = h.tcpFailures = h.timeouts = 0;
  } else if (h.state === 'healthy') h.state = 'mostly_healthy';
  else if (h.state === 'unhealthy') h.state = 'mostly_unhealthy';
  return before !== isAvailable(h);
}
