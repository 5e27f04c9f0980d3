/**
 * The path sent upstream from service.path, the matched route path and strip_path (Kong's kong/router/utils.lua get_upstream_uri_v0): Kong's
 * path_handling v0 by default, v1 (plain concatenation, Kong's `traditional` router) when the route asks for it.
 */
export function upstreamPath(
  servicePath: string | null,
  matchedPath: string | null,
  requestPath: string,
  stripPath: boolean,
  v1 = false,
): string {
  const base = servicePath ?? '/';
  if (v1) return upstreamPathV1(base, matchedPath, requestPath, stripPath);
  const prefix = stripPath && matchedPath !== null ? matchedPath : '/';
  // A stripped prefix may leave a dot segment behind ("/route./x" with prefix "/route"): Kong drops it.
  const postfix = sanitizePostfix(requestPath.slice(prefix.length));

  if (!stripPath || matchedPath === null) {
    if (base.endsWith('/')) return base + requestPath.slice(1);
    return requestPath === '/' ? base : base + requestPath;
  }
  if (base.endsWith('/')) {
    if (postfix === '') {
      if (base === '/') return '/';
      return requestPath.endsWith('/') ? base : base.slice(0, -1);
    }
    return postfix.startsWith('/') ? base.slice(0, -1) + postfix : base + postfix;
  }
  if (postfix === '') return requestPath.length > 1 && requestPath.endsWith('/') ? `${base}/` : base;
  return postfix.startsWith('/') ? base + postfix : `${base}/${postfix}`;
}

function upstreamPathV1(base: string, matchedPath: string | null, requestPath: string, stripPath: boolean): string {
  if (!stripPath || matchedPath === null) return base + requestPath.slice(1);
  const postfix = sanitizePostfix(requestPath.slice(matchedPath.length));
  return base.endsWith('/') && postfix.startsWith('/') ? base + postfix.slice(1) : base + postfix;
}

/** Kong's `sanitize_uri_postfix`: a leading `./` or `../` (or a bare `.`/`..`) goes, slash included. */
function sanitizePostfix(postfix: string): string {
  if (postfix.charCodeAt(0) !== 46 /* . */) return postfix;
  if (postfix === '.' || postfix === '..') return '';
  if (postfix.startsWith('./')) return postfix.slice(2);
  if (postfix.startsWith('../')) return postfix.slice(3);
  return postfix;
}
