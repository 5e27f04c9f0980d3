/** Username and password bytes from a `Basic` authorization value, or null when there are none. */
export interface BasicPair {
  /** Decoded as UTF-8 to match usernames from kong.yaml. */
  readonly username: string;
  /** Raw bytes: the stored digest is over exactly what the client sent. */
  readonly password: Buffer;
}

// Kong searches (does not anchor) for the scheme, and the pair splits at the first colon after a non-empty
// username; the password ends at a line feed.
const SCHEME = /\s*[Bb]asic\s*(.+)/;
const PAIR = /([^:]+):([^\n]*)/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function parseBasic(header: string | null): BasicPair | null {
  if (header === null) return null;
  const encoded = SCHEME.exec(header)?.[1];
  if (encoded === undefined || !BASE64.test(encoded) || encoded.length % 4 === 1) return null;
  // latin1 keeps one character per byte, so the byte-oriented pattern above applies unchanged.
  const decoded = Buffer.from(encoded, 'base64').toString('latin1');
  const m = PAIR.exec(decoded);
  if (m === null) return null;
  return { username: Buffer.from(m[1]!, 'latin1').toString('utf8'), password: Buffer.from(m[2]!, 'latin1') };
}
