/**
 * `_format_version` 1.1 / 2.1 → 3.0 (Kong's route_path migration): plain paths stay prefixes, everything else
 * was a regex in the old format and gets the 3.0 `~` marker. Only top-level and service-nested routes. Runs
 * between parse and validate, as Kong's on_the_fly_migration runs before flatten: may rewrite old-format route
 * paths in place, nothing else; may not report (a path that is not a string is left to validation).
 */
const PLAIN = /^[a-zA-Z0-9.\-_~/%]*$/;

export function migrateRoutePaths(doc: Record<string, unknown>): void {
  const fix = (route: unknown) => {
    const paths = (route as { paths?: unknown })?.paths;
    if (!Array.isArray(paths)) return;
    for (let i = 0; i < paths.length; i++) {
      const p = paths[i];
      if (typeof p === 'string' && !PLAIN.test(p) && !p.startsWith('~')) paths[i] = `~${p}`;
    }
  };
  if (Array.isArray(doc.routes)) doc.routes.forEach(fix);
  if (Array.isArray(doc.services)) {
    for (const s of doc.services) {
      const routes = (s as { routes?: unknown })?.routes;
      if (Array.isArray(routes)) routes.forEach(fix);
    }
  }
}
