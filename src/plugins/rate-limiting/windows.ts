/** The fixed windows Kong's rate-limiting counts in: calendar periods in UTC, keyed by their start. */
export const PERIODS = ['second', 'minute', 'hour', 'day', 'month', 'year'] as const;
export type Period = (typeof PERIODS)[number];

/** Seconds a window's counter lives (Kong's expiration table: a month is 30 days, a year 365). */
export const EXPIRATION: Readonly<Record<Period, number>> = {
  second: 1,
  minute: 60,
  hour: 3600,
  day: 86400,
  month: 2592000,
  year: 31536000,
};

export type WindowStarts = Readonly<Record<Period, number>>;

let cachedSecond = -1;
let cachedStarts: WindowStarts | null = null;

/** Start (epoch ms) of the window each period is in at `nowMs`, at second precision as Kong. */
export function windowStarts(nowMs: number): WindowStarts {
  const sec = Math.floor(nowMs / 1000);
  // Every request in the same second shares one answer.
  if (sec === cachedSecond && cachedStarts !== null) return cachedStarts;
  const d = new Date(sec * 1000);
  const y = d.getUTCFullYear();
  const mo = d.getUTCMonth();
  const day = d.getUTCDate();
  const h = d.getUTCHours();
  const starts: WindowStarts = {
    second: sec * 1000,
    minute: Date.UTC(y, mo, day, h, d.getUTCMinutes()),
    hour: Date.UTC(y, mo, day, h),
    day: Date.UTC(y, mo, day),
    month: Date.UTC(y, mo, 1),
    year: Date.UTC(y, 0, 1),
  };
  cachedSecond = sec;
  cachedStarts = starts;
  return starts;
}
