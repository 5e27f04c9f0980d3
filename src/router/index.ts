// TEMPORARY STUB so the config pipeline can be tested. Router helper: overwrite this file freely.
export function checkRoutePath(path: string): string | null {
  if (path.startsWith('~')) {
    try {
      new RegExp(path.slice(1));
    } catch (err) {
      return `invalid regex: '${path.slice(1)}' (PCRE returned: ${(err as Error).message})`;
    }
    return null;
  }
  if (!path.startsWith('/')) return 'should start with: / (fixed path) or ~/ (regex path)';
  return null;
}
export function checkRouteHost(_host: string): string | null {
  return null;
}
