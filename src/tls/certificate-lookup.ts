/**
 * Kong (runloop/certificate find_certificate): the SNI names tried for a handshake's server name, in order —
 * the exact name, `*.` + everything after the first label (one level only), the name with its last label
 * replaced by `*`, then the catch-all `*`. Names are compared lowercased.
 */
export function sniCandidates(servername: string): string[] {
  const name = servername.toLowerCase();
  const out = [name];
  const firstDot = name.indexOf('.');
  if (firstDot > 0 && firstDot < name.length - 1) out.push(`*${name.slice(firstDot)}`);
  const lastDot = name.lastIndexOf('.');
  if (lastDot > 0) out.push(`${name.slice(0, lastDot)}.*`);
  out.push('*');
  return out;
}

/** The value bound to the first candidate name that has one; null (→ the default certificate) otherwise. */
export function findBySni<T>(byName: ReadonlyMap<string, T>, servername: string | null | undefined): T | null {
  if (!servername) return null; // Kong: no SNI sent → the default certificate
  for (const name of sniCandidates(servername)) {
    const hit = byName.get(name);
    if (hit !== undefined) return hit;
  }
  return null;
}
