import { EXPIRATION, type Period, type WindowStarts } from './windows.js';

/** One configured limit: which period, and how many requests it allows. */
export interface Limit {
  readonly period: Period;
  readonly limit: number;
}

/** What the client is told and whether the request is over a limit. */
export interface Verdict {
  /** Over at least one limit: answer with the error instead of proxying. */
  readonly exceeded: boolean;
  /** Response headers in order (empty when the client headers are hidden). */
  readonly headers: readonly (readonly [string, string])[];
}

const LIMIT_HEADER: Readonly<Record<Period, string>> = {
  second: 'X-RateLimit-Limit-Second',
  minute: 'X-RateLimit-Limit-Minute',
  hour: 'X-RateLimit-Limit-Hour',
  day: 'X-RateLimit-Limit-Day',
  month: 'X-RateLimit-Limit-Month',
  year: 'X-RateLimit-Limit-Year',
};
const REMAINING_HEADER: Readonly<Record<Period, string>> = {
  second: 'X-RateLimit-Remaining-Second',
  minute: 'X-RateLimit-Remaining-Minute',
  hour: 'X-RateLimit-Remaining-Hour',
  day: 'X-RateLimit-Remaining-Day',
  month: 'X-RateLimit-Remaining-Month',
  year: 'X-RateLimit-Remaining-Year',
};

/**
 * Kong's decision from the usage seen before this request (`used[i]` for `limits[i]`): the request is over when
 * any period has nothing left. The RateLimit-* headers describe the tightest period (least remaining, the
 * longer window on a tie); Reset is the seconds left in that window, at least 1; Retry-After repeats it on a
 * refusal. Remaining counts this request unless another period is the one refusing it.
 */
export function decide(
  limits: readonly Limit[],
  used: readonly number[],
  nowMs: number,
  starts: WindowStarts,
  hideHeaders: boolean,
): Verdict {
  let stop: Period | null = null;
  for (let i = 0; i < limits.length; i++) {
    if (limits[i]!.limit - used[i]! <= 0) stop = limits[i]!.period;
  }
  if (hideHeaders) return { exceeded: stop !== null, headers: [] };
  const headers: [string, string][] = [];
  let bestLimit = 0;
  let bestRemaining = Infinity;
  let bestWindow = -1;
  let reset = 1;
  for (let i = 0; i < limits.length; i++) {
    const { period, limit } = limits[i]!;
    let remaining = limit - used[i]!;
    if (stop === null || stop === period) remaining -= 1;
    remaining = Math.max(0, remaining);
    const window = EXPIRATION[period];
    if (bestWindow < 0 || remaining < bestRemaining || (remaining === bestRemaining && window > bestWindow)) {
      bestLimit = limit;
      bestRemaining = remaining;
      bestWindow = window;
      reset = Math.max(1, window - Math.floor((nowMs - starts[period]) / 1000));
    }
    headers.push([LIMIT_HEADER[period], String(limit)], [REMAINING_HEADER[period], String(remaining)]);
  }
  headers.push(['RateLimit-Limit', String(bestLimit)], ['RateLimit-Remaining', String(bestRemaining)], ['RateLimit-Reset', String(reset)]);
  if (stop !== null) headers.push(['Retry-After', String(reset)]);
  return { exceeded: stop !== null, headers };
}
