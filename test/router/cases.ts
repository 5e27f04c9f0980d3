/** Route and request builders shared by the router tests. */
import type { MatchRequest, RouteLike } from '../../src/router/index.js';

export type RouteFields = { -readonly [K in keyof RouteLike]?: RouteLike[K] };

let seq = 0;
export function route(name: string, fields: RouteFields): RouteLike {
  seq++;
  return {
    id: fields.id ?? `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    name,
    protocols: ['http', 'https'],
    methods: null,
    hosts: null,
    paths: null,
    headers: null,
    snis: null,
    regex_priority: 0,
    ...fields,
  };
}

export function request(fields: Partial<MatchRequest>): MatchRequest {
  return { method: 'GET', host: 'example.com', path: '/', headers: {}, sni: null, scheme: 'http', port: 8000, ...fields };
}
