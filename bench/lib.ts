/** Shared bench plumbing: processes we start and always stop, load generation, and result formatting. */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const ROOT = new URL('../..', import.meta.url).pathname.replace(/\/dist-bench\/?$/, '/');

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

export function track(c: ChildProcess): ChildProcess {
  children.add(c);
  c.once('exit', () => children.delete(c));
  return c;
}

export async function stop(c: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return;
  const exited = new Promise<void>((r) => c.once('exit', () => r()));
  c.kill(signal);
  const timer = setTimeout(() => c.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** A minimal upstream: fixed small body, keep-alive, as cheap as Node can answer. */
export async function startUpstream(body = 'hello from upstream\n'): Promise<{ server: Server; port: number }> {
  const buf = Buffer.from(body);
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': buf.length });
    res.end(buf);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port };
}

export async function waitForHttp(url: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      const r = await fetch(url);
      await r.arrayBuffer();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${url} did not answer within ${ms} ms`);
}

export interface LoadResult {
  rps: number;
  p99ms: number;
  errors: number;
}

export function which(cmd: string): Promise<boolean> {
  return new Promise((r) => execFile('sh', ['-c', `command -v ${cmd}`], (err) => r(!err)));
}

/** wrk when installed (a separate C process, lighter than a Node client), else autocannon. */
export async function load(url: string, seconds: number, connections: number): Promise<LoadResult> {
  if (await which('wrk')) return wrk(url, seconds, connections);
  return autocannon(url, seconds, connections);
}

function wrk(url: string, seconds: number, connections: number): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const p = track(spawn('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', url]));
    let out = '';
    p.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    p.on('error', reject);
    p.on('exit', () => {
      const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0);
      const p99 = /99%\s+([\d.]+)(us|ms|s)/.exec(out);
      const p99ms = p99 ? Number(p99[1]) * (p99[2] === 'us' ? 0.001 : p99[2] === 's' ? 1000 : 1) : Number.NaN;
      const errs = /Non-2xx or 3xx responses: (\d+)/.exec(out);
      const sockErr = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
      const errors = Number(errs?.[1] ?? 0) + (sockErr ? sockErr.slice(1).reduce((a, b) => a + Number(b), 0) : 0);
      resolve({ rps, p99ms, errors });
    });
  });
}

async function autocannon(url: string, seconds: number, connections: number): Promise<LoadResult> {
  const { default: run } = await import('autocannon');
  const r = await run({ url, duration: seconds, connections });
  return { rps: r.requests.average, p99ms: r.latency.p99, errors: r.errors + r.non2xx };
}

export function ratio(a: number, b: number): string {
  return b > 0 ? (a / b).toFixed(2) : 'n/a';
}
