/** Kong's checks of the registered claims it knows (RFC 7519 §4.1), by claim name. */
const CHECKS: Readonly<Record<'exp' | 'nbf', (value: number, now: number) => string | null>> = {
  nbf: (nbf, now) => (nbf > now ? 'token not valid yet' : null),
  exp: (exp, now) => (exp <= now ? 'token expired' : null),
};

/** The errors body Kong answers with (claim → message), or null when every claim passes. */
export function verifyClaims(
  claims: Readonly<Record<string, unknown>>,
  toVerify: readonly ('exp' | 'nbf')[],
  now: number,
): Record<string, string> | null {
  let errors: Record<string, string> | null = null;
  for (const name of toVerify) {
    const value = claims[name];
    const err = typeof value !== 'number' ? 'must be a number' : CHECKS[name](value, now);
    if (err !== null) (errors ??= {})[name] = err;
  }
  return errors;
}

/** maximum_expiration: the token may not live longer than this many seconds from now. */
export function exceedsMaximum(claims: Readonly<Record<string, unknown>>, maximum: number, now: number): Record<string, string> | null {
  if (maximum <= 0) return null;
  const exp = claims.exp;
  if (typeof exp !== 'number' || exp - now > maximum) return { exp: 'exceeds maximum allowed expiration' };
  return null;
}
