/**
 * Regex route paths. Kong compiles them with PCRE and validates them with Rust's `regex` crate, which has no
 * lookaround and no backreferences; refusing those here also keeps JS's backtracking engine out of
 * catastrophic cases those features enable.
 */
const FORBIDDEN: [RegExp, string][] = [
  [/\(\?<?[=!]/, 'look-around assertions are not supported'],
  [/\\[1-9]|\\k</, 'backreferences are not supported'],
  [/\(\?[imsxU-]+[):]/, 'inline flags are not supported'],
];

/** Compiled, anchored at the start only (Kong: `http.path ~ "^<re>"`), or Kong's error message. */
export function compileRegexPath(re: string): RegExp | string {
  for (const [pattern, why] of FORBIDDEN) {
    if (pattern.test(re)) return `invalid regex: '${re}' (${why})`;
  }
  const source = re.replace(/\(\?P</g, '(?<');
  try {
    return new RegExp(`^(?:${source})`);
  } catch (err) {
    return `invalid regex: '${re}' (${(err as Error).message.replace(/^Invalid regular expression: /, '')})`;
  }
}
