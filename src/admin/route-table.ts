/**
 * The Admin API's routing: path patterns (`/services/{services}/routes`) compiled once into a segment tree;
 * a request walks it by decoded path segments. Static segments win over parameters (`/plugins/enabled` before
 * `/plugins/{plugins}`), as in Kong's router.
 */
import { type AdminResponse, methodNotAllowed, noContent, notFound } from './responses.js';

export type WriteMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type Handler<C> = (ctx: C, params: readonly string[]) => AdminResponse;

export interface RouteSpec<C> {
  /** `/a/{param}/b`; parameter names are documentation (listed by `/endpoints`). */
  readonly pattern: string;
  readonly get?: Handler<C>;
  readonly write?: Partial<Record<WriteMethod, Handler<C>>>;
}

interface Node<C> {
  readonly statics: Map<string, Node<C>>;
  param: Node<C> | null;
  route: RouteSpec<C> | null;
}

export interface RouteTable<C> {
  /** Patterns in byte order, as `GET /endpoints` lists them. */
  readonly patterns: readonly string[];
  match(segments: readonly string[]): { route: RouteSpec<C>; params: string[] } | null;
}

const newNode = <C>(): Node<C> => ({ statics: new Map(), param: null, route: null });

export function compileRoutes<C>(specs: readonly RouteSpec<C>[]): RouteTable<C> {
  const root = newNode<C>();
  for (const spec of specs) {
    let node = root;
    for (const seg of splitPattern(spec.pattern)) {
      if (seg.startsWith('{') && seg.endsWith('}')) {
        node.param ??= newNode<C>();
        node = node.param;
      } else {
        let next = node.statics.get(seg);
        if (!next) node.statics.set(seg, (next = newNode<C>()));
        node = next;
      }
    }
    if (node.route) throw new Error(`duplicate admin route ${spec.pattern}`);
    node.route = spec;
  }
  const patterns = specs.map((s) => s.pattern).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    patterns,
    match(segments) {
      const params: string[] = [];
      const route = walk(root, segments, 0, params);
      return route ? { route, params } : null;
    },
  };
}

function walk<C>(node: Node<C>, segs: readonly string[], i: number, params: string[]): RouteSpec<C> | null {
  if (i === segs.length) return node.route;
  const seg = segs[i]!;
  const stat = node.statics.get(seg);
  if (stat) {
    const found = walk(stat, segs, i + 1, params);
    if (found) return found;
  }
  if (node.param && seg !== '') {
    params.push(seg);
    const found = walk(node.param, segs, i + 1, params);
    if (found) return found;
    params.pop();
  }
  return null;
}

function splitPattern(pattern: string): string[] {
  return pattern === '/' ? [] : pattern.slice(1).split('/');
}

/**
 * Splits a raw URL path into decoded segments; a trailing slash is ignored. Null when a segment's
 * percent-encoding is malformed.
 */
export function pathSegments(rawPath: string): string[] | null {
  let p = rawPath.startsWith('/') ? rawPath.slice(1) : rawPath;
  if (p.endsWith('/')) p = p.slice(0, -1);
  if (p === '') return [];
  const out: string[] = [];
  for (const raw of p.split('/')) {
    try {
      out.push(decodeURIComponent(raw));
    } catch {
      return null;
    }
  }
  return out;
}

/** Methods a route answers, for OPTIONS' `Allow`. */
export function allowedMethods<C>(route: RouteSpec<C>): string[] {
  const methods = ['OPTIONS'];
  if (route.get) methods.push('GET', 'HEAD');
  for (const m of Object.keys(route.write ?? {})) methods.push(m);
  return methods.sort();
}

/** Runs the route for one request: HEAD is GET without a body; OPTIONS lists the methods. */
export function dispatch<C>(table: RouteTable<C>, method: string, segments: readonly string[], ctx: C): AdminResponse {
  const hit = table.match(segments);
  if (!hit) return notFound;
  const { route, params } = hit;
  if (method === 'OPTIONS') return { ...noContent, headers: { allow: allowedMethods(route).join(', ') } };
  if (method === 'GET' || method === 'HEAD') return route.get ? route.get(ctx, params) : methodNotAllowed;
  const write = route.write?.[method as WriteMethod];
  return write ? write(ctx, params) : methodNotAllowed;
}
