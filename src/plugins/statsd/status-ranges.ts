/**
 * log.lua is_in_range: `allow_status_codes` as ranges "200-299". No list: every status is logged; a list
 * (even an empty one, as in Kong) logs only statuses inside one of its ranges. Kong reads a range with the
 * unanchored PCRE `(\d\d\d)-(\d\d\d)`, so only three-digit bounds count; a range it cannot read matches nothing.
 */
export function statusFilter(ranges: readonly string[] | null | undefined): (status: number) => boolean {
  if (ranges === null || ranges === undefined) return () => true;
  const bounds: [number, number][] = [];
  for (const r of ranges) {
    const m = /(\d\d\d)-(\d\d\d)/.exec(r);
    if (m) bounds.push([Number(m[1]), Number(m[2])]);
  }
  return (status) => bounds.some(([lo, hi]) => status >= lo && status <= hi);
}
