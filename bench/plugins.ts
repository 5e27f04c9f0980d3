/**
 * What a plugin chain costs per request: the same route proxied with no plugins, with no-op plugins, with
 * key-auth + rate-limiting, with prometheus recording every per-request metric, with http-log shipping to a local
 * log server and with opentelemetry exporting every request's spans to a local OTLP/HTTP receiver. Reported as
 * CPU µs per request of the gateway process (utime + stime from /proc, bench/lib.ts) and as the ratio to the
 * no-plugin run of the same invocation (issue 16's target: prometheus and http-log each ≤ 1.10×). req/s is
 * printed too, but on this shared machine it moves with everyone's load; µs/req moves much less.
 * Every variant's gateway is started once and stays up; `--rounds N` runs the whole sequence N times (each round
 * rotated by one variant, so every variant sees the same spread of load) and reports medians;
 * `--only a,b` keeps the named variants (and the no-plugin baseline).
 * The upstream is nginx when installed (bench/servers.ts), the log server and the OTLP receiver are one
 * bench/http-server.ts process in sink mode, answering 200; its request counts show the plugins really sent.
 * A window's CPU runs until the sink has gone quiet, so log batches and spans still queued when the load ends
 * are charged to the requests that made them (and the warm-up's are flushed before the window opens).
 *   npm run bench:plugins [-- --seconds 5 --connections 50 --rounds 3 --only prometheus,http-log]
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { load, loadAverage, type LoadResult, ratio, summarize, table, withTempDir } from './lib.js';
import { startNodeServer, startSluice, startUpstreamServer, type Running } from './servers.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '1' },
    only: { type: 'string', default: '' },
  },
});
const seconds = Number(values.seconds);

const NOOP = `          - name: post-function\n            config: { access: ["(kong) => {}"] }\n`;

function variant(port: number, plugins: string): string {
  return `_format_version: "3.0"\nconsumers:\n  - username: bench\n    keyauth_credentials: [{ key: bench-key }]\nservices:\n  - name: up\n    url: http://127.0.0.1:${port}\n    routes:\n      - name: all\n        paths: [/]\n${plugins ? `        plugins:\n${plugins}` : ''}`;
}

function variants(sink: number): Record<string, string> {
  return {
    'no plugins': '',
    '1 no-op plugin': NOOP,
    '3 no-op plugins': NOOP + NOOP.replace('post-function', 'pre-function') + `          - name: request-transformer\n            config: {}\n`,
    'key-auth + rate-limiting (local)': `          - name: key-auth\n          - name: rate-limiting\n            config: { second: 100000000, policy: local }\n`,
    // Every per-request series Kong's exporter keeps (statuses, latencies, bandwidth), per consumer.
    prometheus: `          - name: prometheus\n            config: { per_consumer: true, status_code_metrics: true, latency_metrics: true, bandwidth_metrics: true, upstream_health_metrics: true }\n`,
    // Batches of up to 100 entries, at least once a second: how a busy gateway's http-log is configured. The target row.
    'http-log': `          - name: http-log\n            config: { http_endpoint: "http://127.0.0.1:${sink}/log", queue: { max_batch_size: 100, max_coalescing_delay: 1 } }\n`,
    // Kong's default queue (batches of 1, one in flight): every request is a POST of its own to the sink, which
    // costs about what proxying the request did; past ~2 000 req/s the queue fills and drops, as Kong's does.
    'http-log batch 1': `          - name: http-log\n            config: { http_endpoint: "http://127.0.0.1:${sink}/log" }\n`,
    opentelemetry: `          - name: opentelemetry\n            config: { traces_endpoint: "http://127.0.0.1:${sink}/v1/traces", sampling_rate: 1 }\n`,
  };
}

interface SinkCounts {
  readonly requests: number;
  readonly entries: number;
}

async function sinkCounts(sink: Running): Promise<SinkCounts> {
  const r = await fetch(`http://127.0.0.1:${sink.port}/count`);
  return (await r.json()) as SinkCounts;
}

async function sinkCount(sink: Running): Promise<number> {
  return (await sinkCounts(sink)).requests;
}

/** Until the sink has taken nothing new for 300 ms (at most 15 s): every queued entry and span has been sent. */
async function quiesce(sink: Running): Promise<void> {
  const end = Date.now() + 15_000;
  let last = await sinkCount(sink);
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, 300));
    const now = await sinkCount(sink);
    if (now === last) return;
    last = now;
  }
}

async function main(): Promise<void> {
  console.log(`load average before: ${loadAverage()}`);
  const runs: Record<string, LoadResult[]> = {};
  const sent: Record<string, number[]> = {};
  // Log entries the sink received per request the gateway served (http-log): 1.000 means none was dropped.
  const delivered: Record<string, number[]> = {};
  let upstreamKind = '';
  await withTempDir('sluice-bench-plugins-', async (dir) => {
    const up = await startUpstreamServer(dir);
    const gateways = new Map<string, Running>();
    let sink: Running | null = null;
    try {
      sink = await startNodeServer('http-server.js', ['sink']);
      upstreamKind = up.kind;
      const all = variants(sink.port);
      const only = values.only ? new Set(['no plugins', ...values.only.split(',')]) : null;
      const unknown = [...(only ?? [])].filter((n) => !(n in all));
      if (unknown.length > 0) throw new Error(`--only: unknown variant ${unknown.join(', ')} (known: ${Object.keys(all).join(', ')})`);
      // Every variant's gateway is started once and stays up, so rounds are cheap and many.
      for (const [name, plugins] of Object.entries(all)) {
        if (only !== null && !only.has(name)) continue;
        const file = join(dir, `${name.replace(/\W+/g, '-')}.yaml`);
        await writeFile(file, variant(up.port, plugins));
        try {
          gateways.set(name, await startSluice(file, 'undici'));
        } catch (err) {
          console.log(`  ${name}: skipped (${(err as Error).message.split('\n')[0]})`);
        }
      }
      const order = [...gateways.keys()];
      for (let round = 0; round < Number(values.rounds); round++) {
        console.log(`round ${round + 1}`);
        // Each round starts one variant later, so none always follows the same neighbour's load.
        for (let i = 0; i < order.length; i++) {
          const name = order[(i + round) % order.length]!;
          const gw = gateways.get(name)!;
          const spec = { url: `http://127.0.0.1:${gw.port}/?apikey=bench-key`, connections: Number(values.connections) };
          if (round === 0) await load({ ...spec, seconds: 2 }); // warm-up: JIT, pools
          await quiesce(sink); // earlier log batches are not this window's
          const before = await sinkCounts(sink);
          const r = await load({ ...spec, seconds, cpuPid: gw.pid, settle: () => quiesce(sink!) });
          (runs[name] ??= []).push(r);
          const after = await sinkCounts(sink);
          const got = after.requests - before.requests;
          const logged = after.entries - before.entries;
          (sent[name] ??= []).push(got / r.requests);
          (delivered[name] ??= []).push(logged / r.requests);
          console.log(`  ${name}: ${r.rps.toFixed(0)} req/s, ${r.usPerReq.toFixed(1)} µs/req, ${r.errors} errors, sink got ${got} posts holding ${logged} log entries`);
        }
      }
    } finally {
      for (const gw of gateways.values()) await gw.stop();
      await sink?.stop();
      await up.stop();
    }
  });
  const base = runs['no plugins'] ? summarize(runs['no plugins']) : null;
  const rows = Object.entries(runs).map(([name, r]) => {
    const m = summarize(r);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const posts = mean(sent[name]!);
    const entries = mean(delivered[name]!);
    const target = name === 'prometheus' || name === 'http-log' ? (base && m.usPerReq / base.usPerReq <= 1.1 ? '≤ 1.10 yes' : '≤ 1.10 NO') : '';
    return [name, m.rps.toFixed(0), `${m.usPerReq.toFixed(1)} (${m.usMin.toFixed(0)}–${m.usMax.toFixed(0)})`, base ? ratio(m.usPerReq, base.usPerReq) : 'n/a', base ? ratio(m.rps, base.rps) : 'n/a', posts > 0 ? posts.toFixed(3) : '', entries > 0 ? entries.toFixed(3) : '', String(m.errors), target];
  });
  console.log(`\nplugins bench: sluice (undici), ${values.rounds} round(s) of ${seconds}s, ${values.connections} connections (wrk -t1), upstream ${upstreamKind}; medians over rounds`);
  console.log(table(['variant', 'req/s', 'µs/req (min–max)', '×no-plugins µs', '×no-plugins req/s', 'sink posts/req', 'log entries/req', 'errors', 'issue 16'], rows));
  console.log(`\nload average after: ${loadAverage()}`);
}

await main();
