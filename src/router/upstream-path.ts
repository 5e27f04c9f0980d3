/**
 * The path sent upstream from service.path, the matched route path and strip_path (spec §5.6): Kong's
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
  let postfix = requestPath.slice(prefix.length);
  // A stripped prefix may leave a dot segment behind ("/route./x" with prefix "/route"): drop it.
  if (postfix.startsWith('./')) postfix = postfix.slice(1);
  else if (postfix.startsWith('../')) postfix = postfix.slice(2);
  else if (postfix === '.' || postfix === '..') postfix = '';

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
  let postfix = requestPath.slice(matchedPath.length);
  if (postfix.startsWith('./')) postfix = postfix.slice(2);
  else if (postfix.startsWith('../')) postfix = postfix.slice(3);
  else if (postfix === '.' || postfix === '..') postfix = '';
  return base.endsWith('/') && postfix.startsWith('/') ? base + postfix.slice(1) : base + postfix;
}
