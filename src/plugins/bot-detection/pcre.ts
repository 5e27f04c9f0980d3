/**
 * Kong's regexes are PCRE; most port to JavaScript as they are. The common exception is a leading inline
 * option group such as `(?i)`, which JavaScript spells as a flag: it is turned into one here.
 */
export function compilePcre(source: string, extraFlags = ''): RegExp {
  const m = /^\(\?([ims]+)\)/.exec(source);
  if (m === null) return new RegExp(source, extraFlags);
  const flags = new Set([...extraFlags, ...m[1]!]);
  return new RegExp(source.slice(m[0].length), [...flags].join(''));
}

/** Null when `source` compiles, else the reason. */
export function pcreError(source: string): string | null {
  try {
    compilePcre(source);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}
