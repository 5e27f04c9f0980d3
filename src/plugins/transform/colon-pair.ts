/** One `name:value` config entry, split the way Kong's transformer plugins split it. */
export interface ColonPair {
  readonly name: string;
  /** null when nothing follows the colon(s): Kong then skips the entry for actions that need a value. */
  readonly value: string | null;
}

/**
 * Kong reads entries as "everything before the first colon is the name, any run of colons after it is the
 * separator, the rest is the value": `p3:value:3` is p3 → "value:3", `h2://x/` is h2 → "/x/".
 */
export function splitColonPair(entry: string): ColonPair {
  const colon = entry.indexOf(':');
  if (colon < 0) return { name: entry, value: null };
  let start = colon + 1;
  while (entry[start] === ':') start++;
  const value = entry.slice(start);
  return { name: entry.slice(0, colon), value: value === '' ? null : value };
}

// Kong's validate_header_name: the characters a header name may hold in its configs.
const HEADER_NAME = /^[A-Za-z0-9_-]+$/;

export function isValidHeaderName(name: string): boolean {
  return HEADER_NAME.test(name);
}

/** Kong's message for a bad header name in a transformer config, or null. */
export function checkHeaderNames(entries: readonly string[] | undefined, withValue: boolean): string | null {
  for (const entry of entries ?? []) {
    const { name, value } = splitColonPair(entry);
    if (!isValidHeaderName(name)) return `'${name}' is not a valid header`;
    if (withValue && !isValidHeaderName(value ?? '')) return `'${value ?? ''}' is not a valid header`;
  }
  return null;
}
