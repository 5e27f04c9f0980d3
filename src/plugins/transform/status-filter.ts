/** Decides whether an action applies to a response status (`if_status` of response-transformer-advanced). */
export type StatusFilter = (status: number) => boolean;

const ALL: StatusFilter = () => true;
const ENTRY = /^\s*(\d{3})\s*(?:-\s*(\d{3})\s*)?$/;

/** An empty or absent list means every status; entries are `500` or ranges `200-299` (inclusive). */
export function compileStatusFilter(list: readonly string[] | null | undefined): StatusFilter {
  if (!list || list.length === 0) return ALL;
  const ranges: [number, number][] = [];
  for (const entry of list) {
    const m = ENTRY.exec(entry);
    if (!m) continue; // refused by checkStatusList at load; never reached with a validated config
    const low = Number(m[1]);
    ranges.push([low, m[2] === undefined ? low : Number(m[2])]);
  }
  return (status) => ranges.some(([low, high]) => status >= low && status <= high);
}

/** The config error for a bad `if_status` list, or null. */
export function checkStatusList(field: string, list: readonly string[] | null | undefined): string | null {
  for (const entry of list ?? []) {
    const m = ENTRY.exec(entry);
    if (!m) return `${field}: '${entry}' is not a status code or a range of status codes (e.g. 500 or 200-299)`;
    const low = Number(m[1]);
    const high = m[2] === undefined ? low : Number(m[2]);
    if (low < 100 || high > 999 || low > high) return `${field}: '${entry}' is not a valid status code range`;
  }
  return null;
}
