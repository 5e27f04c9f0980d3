/**
 * Shared bench plumbing: processes we start and always stop, the CPU a process spends (from /proc), load
 * generation (wrk when installed, else autocannon), medians over rounds and table formatting.
 */
import { type ChildProcess, execFileSync, execFile, spawn, type SpawnOptions } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createServer as netServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = new URL('../..', import.meta.url).pathname.replace(/\/dist-bench\/?$/, '/');
/** The benches' own build of src/ and bench/ (npm run bench:build): the gateway under test is today's source. */
export const DIST_BENCH = join(ROOT, 'dist-bench', 'bench');

const children = new Set<ChildProcess>();
/** Every child leads its own process group (detached), so a group kill also reaches what it forked (nginx workers). */
function killGroup(c: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-c.pid!, signal);
  } catch {
    // already gone
  }
}
process.on('exit', () => {
  for (const c of children) killGroup(c, 'SIGKILL');
});
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(sig, () => {
    for (const c of children) killGroup(c, 'SIGKILL');
    process.exit(130);
  });
}

export function track(c: ChildProcess): ChildProcess {
  children.add(c);
  c.once('exit', () => children.delete(c));
  return c;
}

/** spawn() in its own process group, tracked: stopped on exit, Ctrl-C and errors. */
export function spawnTracked(cmd: string, args: readonly string[], opts: SpawnOptions = {}): ChildProcess {
  const c = track(spawn(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'], ...opts, detached: true }));
  c.on('error', () => undefined);
  return c;
}

export async function stop(c: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (c.exitCode === null && c.signalCode === null) {
    const exited = new Promise<void>((r) => c.once('exit', () => r()));
    if (c.pid !== undefined) c.kill(signal);
    const timer = setTimeout(() => killGroup(c, 'SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
  // What the leader forked and left behind (a worker whose master exited) goes with its group.
  killGroup(c, 'SIGKILL');
}

/** A minimal in-process upstream: fixed small body, keep-alive, as cheap as Node can answer. */
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

/** A port free on 127.0.0.1 right now (for programs that cannot report the port they bound, such as nginx). */
export async function freePort(): Promise<number> {
  const s = netServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export async function waitForHttp(url: string, ms = 15_000, headers: Record<string, string> = {}): Promise<string> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      const r = await fetch(url, { headers });
      return await r.text();
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${url} did not answer within ${ms} ms`);
}

export function which(cmd: string): Promise<boolean> {
  return new Promise((r) => execFile('sh', ['-c', `command -v ${cmd}`], (err) => r(!err)));
}

/** A scratch directory removed afterwards, whatever happens. */
export async function withTempDir<T>(prefix: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// ---- CPU time from /proc --------------------------------------------------------------------------------

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** utime + stime (fields 14 and 15; the comm field may hold spaces, so count from its closing paren) in ticks. */
function statOf(pid: number): { ppid: number; ticks: number } | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) };
  } catch {
    return null;
  }
}

/** The process and its descendants (one scan of /proc): threads are already inside their process's times. */
function processTree(root: number): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const st = statOf(pid);
    if (st !== null) parent.set(pid, st.ppid);
  }
  const out = [root];
  for (let i = 0; i < out.length; i++) for (const [pid, pp] of parent) if (pp === out[i]) out.push(pid);
  return out;
}

/** CPU seconds the tree under `pid` spends between start() and the returned function's call. */
export function cpuMeter(pid: number): () => number {
  const pids = processTree(pid);
  const sum = () => pids.reduce((a, p) => a + (statOf(p)?.ticks ?? 0), 0);
  const t0 = sum();
  return () => (sum() - t0) / CLK_TCK;
}

// ---- load ---------------------------------------------------------------------------------------------

export interface LoadSpec {
  url: string;
  seconds: number;
  connections: number;
  headers?: Record<string, string>;
  method?: string;
  /** A request body of this many bytes. */
  bodyBytes?: number;
  /** Offered load in requests per second (paced); absent: as fast as the target answers (closed loop). */
  rate?: number;
  /** The process whose CPU time per request is reported. */
  cpuPid?: number;
  /**
   * Awaited after the load and before CPU is read: work the window's requests left queued (log batches, spans)
   * is theirs, so the window stays open until it is done.
   */
  settle?: () => Promise<void>;
}

export interface LoadResult {
  rps: number;
  requests: number;
  p99ms: number;
  errors: number;
  /** CPU µs of cpuPid's process tree per request over the load's window (NaN without cpuPid). */
  usPerReq: number;
}

/** wrk when installed (a separate C process, lighter than a Node client), else autocannon. */
export async function load(spec: LoadSpec): Promise<LoadResult> {
  const meter = spec.cpuPid !== undefined ? cpuMeter(spec.cpuPid) : null;
  const r = (await which('wrk')) ? await wrk(spec) : await autocannon(spec);
  await spec.settle?.();
  const cpu = meter ? meter() : Number.NaN;
  return { ...r, usPerReq: r.requests > 0 ? (cpu * 1e6) / r.requests : Number.NaN };
}

/**
 * wrk's Lua script for a spec. Pacing: wrk calls delay() before each request of any connection; every call
 * claims the next free slot of one schedule (1/rate apart, monotonic clock through LuaJIT's ffi; a slot already
 * past is moved to now, so a late start is not made up by a burst) and waits for it,
 * so the offered load is `rate` whenever a connection is free. Below capacity that holds; latency is timed
 * from each request's actual send (wrk's own), so a stall longer than connections/rate would be under-counted.
 */
function wrkScript(spec: LoadSpec): string {
  let s = '';
  if (spec.method) s += `wrk.method = ${JSON.stringify(spec.method)}\n`;
  if (spec.bodyBytes) s += `wrk.body = string.rep("x", ${spec.bodyBytes})\nwrk.headers["Content-Type"] = "application/octet-stream"\n`;
  for (const [k, v] of Object.entries(spec.headers ?? {})) s += `wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}\n`;
  if (spec.rate) {
    s += `local ffi = require("ffi")
ffi.cdef[[ typedef struct { long tv_sec; long tv_nsec; } bench_ts; int clock_gettime(int, bench_ts *); ]]
local ts = ffi.new("bench_ts")
local function now() ffi.C.clock_gettime(1, ts); return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6 end
local interval = ${1000 / spec.rate}
local slot = 0
function delay()
  local t = now()
  local s = slot
  if s < t then s = t end
  slot = s + interval
  return math.floor(s - t + 0.5)
end
`;
  }
  return s;
}

async function wrk(spec: LoadSpec): Promise<Omit<LoadResult, 'usPerReq'>> {
  return withTempDir('sluice-wrk-', async (dir) => {
    const script = join(dir, 'load.lua');
    await writeFile(script, wrkScript(spec));
    const args = ['-t1', `-c${spec.connections}`, `-d${spec.seconds}s`, `--timeout`, '10s', '--latency', '-s', script, spec.url];
    const out = await new Promise<string>((resolve, reject) => {
      const p = spawnTracked('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      p.stdout!.on('data', (d: Buffer) => (text += d.toString()));
      p.stderr!.on('data', (d: Buffer) => (text += d.toString()));
      p.once('error', reject);
      p.once('exit', () => resolve(text));
    });
    const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0);
    const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
    const p99 = /99%\s+([\d.]+)(us|ms|s)/.exec(out);
    const p99ms = p99 ? Number(p99[1]) * (p99[2] === 'us' ? 0.001 : p99[2] === 's' ? 1000 : 1) : Number.NaN;
    const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
    const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
    const errors = non2xx + (sock ? sock.slice(1).reduce((a, b) => a + Number(b), 0) : 0);
    if (requests === 0) throw new Error(`wrk made no request: ${out.trim().split('\n').slice(-2).join(' ')}`);
    return { rps, requests, p99ms, errors };
  });
}

async function autocannon(spec: LoadSpec): Promise<Omit<LoadResult, 'usPerReq'>> {
  const { default: run } = await import('autocannon');
  const r = await run({
    url: spec.url,
    duration: spec.seconds,
    connections: spec.connections,
    method: spec.method ?? 'GET',
    headers: spec.headers ?? {},
    ...(spec.bodyBytes ? { body: Buffer.alloc(spec.bodyBytes, 'x') } : {}),
    ...(spec.rate ? { overallRate: spec.rate } : {}),
  });
  return { rps: r.requests.average, requests: r.requests.total, p99ms: r.latency.p99, errors: r.errors + r.non2xx };
}

// ---- results ------------------------------------------------------------------------------------------

export function median(xs: readonly number[]): number {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Each field's median over the rounds, and the spread of µs/req (min–max), which says how noisy the rounds were. */
export function summarize(runs: readonly LoadResult[]): LoadResult & { usMin: number; usMax: number } {
  const f = (k: keyof LoadResult) => median(runs.map((r) => r[k]));
  const us = runs.map((r) => r.usPerReq).filter((x) => !Number.isNaN(x));
  return { rps: f('rps'), requests: f('requests'), p99ms: f('p99ms'), errors: f('errors'), usPerReq: f('usPerReq'), usMin: Math.min(...us), usMax: Math.max(...us) };
}

export function ratio(a: number, b: number): string {
  return b > 0 && Number.isFinite(a) && Number.isFinite(b) ? (a / b).toFixed(2) : 'n/a';
}

/** Columns padded to their widest cell; the first column left-aligned, the rest right-aligned. */
export function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) => r.map((c, i) => (i === 0 ? c.padEnd(width[i]!) : c.padStart(width[i]!))).join('  ').trimEnd();
  return [line(head), line(width.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The load average, as `uptime` prints it: the machine is shared, so every report says how busy it was. */
export function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

/** Arguments that start today's sluice (dist-bench's build of src/) with one proxy listener and nothing else. */
export function sluiceArgs(config: string, port: number, engine = 'undici'): string[] {
  return [join(DIST_BENCH, 'run-sluice.js'), 'start', '-c', config, '--proxy-listen', `127.0.0.1:${port}`, '--admin-listen', 'off', '--engine', engine, '--log-level', 'error', '--no-watch'];
}
