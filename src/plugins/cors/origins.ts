import { compilePcre, pcreError } from '../bot-detection/pcre.js';

/** How the configured origins answer a request's Origin (Kong's cors configure_origin). */
export interface OriginAnswer {
  /** Access-Control-Allow-Origin to send; null removes it. */
  readonly allowOrigin: string | null;
  /** `*` was answered: credentials then echo the request's origin instead. */
  readonly allowAll: boolean;
  /** Add `Vary: Origin` (whenever the answer depends on the request). */
  readonly vary: boolean;
}

export type OriginResolver = (requestOrigin: string | null) => OriginAnswer;

interface Entry {
  readonly regex: RegExp | null;
  readonly domain: string;
  /** An entry without ':' is matched against the request's host only. */
  readonly byHost: boolean;
}

const ALL: OriginAnswer = Object.freeze({ allowOrigin: '*', allowAll: true, vary: false });
const ALL_VARY: OriginAnswer = Object.freeze({ allowOrigin: '*', allowAll: true, vary: true });
const NONE: OriginAnswer = Object.freeze({ allowOrigin: null, allowAll: false, vary: true });
const PLAIN = /^[A-Za-z0-9.:/-]+$/;

/** Origins as Kong compares them: `scheme://host[:port]` without the scheme's default port. */
export function normalizeOrigin(origin: string): { domain: string; host: string } {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)(?::(\d*))?/.exec(origin);
  if (m === null || !m[2]) return { domain: origin, host: origin };
  const scheme = m[1]!;
  const host = m[2];
  let port = m[3] || null;
  if ((scheme === 'http' && port === '80') || (scheme === 'https' && port === '443')) port = null;
  return { domain: `${scheme}://${host}${port !== null ? `:${port}` : ''}`, host };
}

/**
 * Kong treats an entry with any character outside [A-Za-z0-9.:/-] as a regex, matched from the start of the
 * subject, with `$` appended when missing (a leading `^` is dropped; the sticky flag anchors instead).
 */
function compileEntry(entry: string): Entry {
  const byHost = !entry.includes(':');
  if (PLAIN.test(entry)) return { regex: null, domain: normalizeOrigin(entry).domain, byHost };
  let src = entry.endsWith('$') ? entry : `${entry}$`;
  if (src.startsWith('^')) src = src.slice(1);
  return { regex: compilePcre(src, 'y'), domain: '', byHost };
}

/** Built once per config; returns the per-request decision. */
export function originResolver(origins: readonly string[] | null | undefined): OriginResolver {
  const list = origins ?? [];
  if (list.length === 0 || (list.length === 1 && list[0] === '*')) return () => ALL;
  if (list.length === 1 && PLAIN.test(list[0]!)) {
    // One literal origin is sent as configured, whatever the request says.
    const fixed: OriginAnswer = Object.freeze({ allowOrigin: list[0]!, allowAll: false, vary: true });
    return () => fixed;
  }
  const hasStar = list.includes('*');
  const entries = hasStar ? [] : list.map(compileEntry);
  return (requestOrigin) => {
    if (requestOrigin === null || requestOrigin === '') return NONE;
    if (hasStar) return ALL_VARY;
    const req = normalizeOrigin(requestOrigin);
    for (const e of entries) {
      let found: boolean;
      if (e.regex !== null) {
        e.regex.lastIndex = 0;
        found = e.regex.test(e.byHost ? req.host : req.domain);
      } else found = req.domain === e.domain;
      if (found) return { allowOrigin: req.domain, allowAll: false, vary: true };
    }
    return NONE;
  };
}

/** Kong's schema check: every origin is `*` or a valid regex. */
export function checkOrigins(origins: unknown): string | null {
  if (!Array.isArray(origins)) return null;
  for (const o of origins) {
    if (o === '*') continue;
    if (pcreError(String(o)) !== null) return `'${String(o)}' is not a valid regex`;
  }
  return null;
}
