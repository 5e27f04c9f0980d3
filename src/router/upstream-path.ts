/**
 * The path sent upstream from service.path, the matched route path and strip_path: Kong's path_handling v0
 * (the only one traditional_compatible uses), spec §5.6.
 */
export function upstreamPath(servicePath: string | null, matchedPath: string | null, requestPath: string, stripPath: boolean): string {
  const base = servicePath ?? '/';
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
