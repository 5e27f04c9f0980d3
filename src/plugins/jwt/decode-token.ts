/** A JWT split and decoded, not yet verified. */
export interface DecodedToken {
  readonly header: Readonly<Record<string, unknown>> & { readonly alg: string };
  readonly claims: Readonly<Record<string, unknown>>;
  /** `header.claims` as sent: the bytes the signature covers. */
  readonly signingInput: string;
  readonly signature: Buffer;
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

function fromBase64url(s: string): Buffer | null {
  if (!BASE64URL.test(s) || s.length % 4 === 1) return null;
  return Buffer.from(s, 'base64url');
}

function parseJson(s: string | undefined): unknown {
  const bytes = s === undefined ? null : fromBase64url(s);
  if (bytes === null) throw new Error('invalid JSON');
  return JSON.parse(bytes.toString('utf8'));
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Kong's parser: at most three dot-separated parts (the last keeps any further dots), base64url with or without
 * padding, JSON header and claims, and an `alg` the plugin can verify. Returns the reason Kong gives on failure.
 */
export function decodeToken(token: string, algorithms: ReadonlySet<string>): DecodedToken | string {
  const first = token.indexOf('.');
  const second = first < 0 ? -1 : token.indexOf('.', first + 1);
  if (second < 0) return 'invalid JSON';
  const header64 = token.slice(0, first);
  const claims64 = token.slice(first + 1, second);
  let header: unknown;
  let claims: unknown;
  try {
    header = parseJson(header64);
    claims = parseJson(claims64);
  } catch {
    return 'invalid JSON';
  }
  if (!isObject(header) || typeof header.alg !== 'string' || !algorithms.has(header.alg)) return 'invalid alg';
  if (!isObject(claims)) return 'invalid claims';
  const signature = fromBase64url(token.slice(second + 1));
  if (signature === null) return 'invalid signature';
  return { header: header as DecodedToken['header'], claims, signingInput: token.slice(0, second), signature };
}
