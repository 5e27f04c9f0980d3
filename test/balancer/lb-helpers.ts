import { request, type RequestOptions, type Response } from '../helpers/http.js';

export interface TargetSpec {
  readonly target: string;
  readonly weight?: number;
}

/** One upstream `pool` with targets, one service on it, one route `/` (plus extra YAML for upstream fields). */
export function poolConfig(targets: readonly TargetSpec[], upstreamExtra = '', serviceExtra = '', more = ''): string {
  const list = targets.map((x) => `      - target: ${x.target}\n        weight: ${x.weight ?? 100}`).join('\n');
  return `_format_version: "3.0"
upstreams:
  - name: pool
${upstreamExtra
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => `    ${l}`)
  .join('\n')}
    targets:
${targets.length > 0 ? list : '      []'}
services:
  - name: svc
    host: pool
${serviceExtra
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => `    ${l}`)
  .join('\n')}
    routes:
      - name: r
        paths: [/]
${more}`;
}

/** Sends `n` requests (at most `concurrency` at a time) and counts answers by their `x-upstream` header. */
export async function countHits(
  port: number,
  path: string,
  n: number,
  concurrency = 1,
  opts: RequestOptions = {},
): Promise<{ counts: Record<string, number>; statuses: Record<number, number>; responses: Response[] }> {
  const counts: Record<string, number> = {};
  const statuses: Record<number, number> = {};
  const responses: Response[] = [];
  let next = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      const res = await request(port, path, opts);
      responses.push(res);
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      const who = res.headers['x-upstream'];
      if (typeof who === 'string') counts[who] = (counts[who] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  return { counts, statuses, responses };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
