/** The fields of an `hmac username="…", algorithm="…", headers="…", signature="…"` authorization value. */
export interface HmacParams {
  readonly username: string;
  readonly algorithm: string;
  /** Names of the signed headers, in signing order (may include `@request-target` and `request-line`). */
  readonly headers: readonly string[];
  /** Base64 as sent. */
  readonly signature: string;
}

// Kong's pattern: searched, not anchored, with greedy fields (so a quote inside a field backtracks as in PCRE).
const PARAMS = /\s*[Hh]mac\s*username="(.+)",\s*algorithm="(.+)",\s*headers="(.+)",\s*signature="(.+)"/;

export function parseHmacParams(value: string | null): HmacParams | null {
  if (value === null) return null;
  const m = PARAMS.exec(value);
  if (m === null) return null;
  return { username: m[1]!, algorithm: m[2]!, headers: m[3]!.split(' '), signature: m[4]! };
}
