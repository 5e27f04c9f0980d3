// autocannon ships no types; only the fields the bench reads.
declare module 'autocannon' {
  interface Result {
    requests: { average: number };
    latency: { p99: number };
    errors: number;
    non2xx: number;
  }
  export default function autocannon(opts: { url: string; duration: number; connections: number }): Promise<Result>;
}
