// autocannon ships no types; only the fields the bench reads.
declare module 'autocannon' {
  interface Result {
    requests: { average: number; total: number };
    latency: { p99: number };
    errors: number;
    non2xx: number;
  }
  interface Options {
    url: string;
    duration: number;
    connections: number;
    method?: string;
    headers?: Record<string, string>;
    body?: Buffer;
    /** Requests per second over all connections (a paced, fixed offered load). */
    overallRate?: number;
  }
  export default function autocannon(opts: Options): Promise<Result>;
}
