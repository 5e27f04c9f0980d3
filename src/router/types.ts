/** What the router needs from a route (structural: callers pass richer objects and get them back). */
export interface RouteLike {
  readonly id: string;
  readonly name: string | null;
  readonly protocols: readonly string[];
  readonly methods: readonly string[] | null;
  readonly hosts: readonly string[] | null;
  /** Prefix paths, or regex paths marked with a leading `~` (3.0 format). */
  readonly paths: readonly string[] | null;
  /** Header name → accepted values; a value starting `~*` is a case-insensitive regex. */
  readonly headers: Readonly<Record<string, readonly string[]>> | null;
  readonly snis: readonly string[] | null;
  readonly regex_priority: number;
}

export interface MatchRequest {
  method: string;
  /** Raw Host header (may carry a port; may be empty). */
  host: string;
  /** Already normalized (normalizePath). */
  path: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  sni: string | null;
  scheme: 'http' | 'https';
  /** The listening port, used when the Host header has none. */
  port: number;
}

export interface RouteMatch<R extends RouteLike = RouteLike> {
  readonly route: R;
  /** The prefix, or the regex match from position 0, that matched; null when the route has no paths. */
  readonly matchedPath: string | null;
  /** Regex groups: '0' whole match, '1'…, and named groups; null for prefix and path-less routes. */
  readonly captures: Readonly<Record<string, string>> | null;
}

export interface Router<R extends RouteLike = RouteLike> {
  match(req: MatchRequest): RouteMatch<R> | null;
  readonly size: number;
}
