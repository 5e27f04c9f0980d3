import type { Period, WindowStarts } from './windows.js';

/**
 * Kong's counter key (policies/init.lua: the same layout for the local and the Redis policy), so sluice and
 * Kong nodes pointed at one Redis count together. The window's start is in the key: a new window is a new key.
 */
export function counterKey(routeId: string, serviceId: string, identifier: string, period: Period, starts: WindowStarts): string {
  return `ratelimit:${routeId}:${serviceId}:${identifier}:${starts[period]}:${period}`;
}

/** One key per configured period, in `periods` order. */
export function counterKeys(routeId: string, serviceId: string, identifier: string, periods: readonly Period[], starts: WindowStarts): string[] {
  const keys: string[] = [];
  for (let i = 0; i < periods.length; i++) keys.push(counterKey(routeId, serviceId, identifier, periods[i]!, starts));
  return keys;
}
