/**
 * What a plugin chain costs per request: the same route proxied with no plugins, with one no-op plugin, with
 * several, with key-auth + rate-limiting and with prometheus recording every per-request metric. Reported as
 * ratios to the no-plugin run of the same invocation. On a busy machine, `--rounds N` runs the whole sequence N
 * times (so every variant sees the same spread of load) and reports each variant's median; `--only a,b` keeps the
 * named variants (and the no-plugin baseline).
 *   npm run bench:plugins [-- --seconds 8 --connections 50 --rounds 1 --only prometheus]
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { load, type LoadResult, ratio, ROOT, startUpstream, stop, track, waitForHttp } from './lib.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '8' },
    connections: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '1' },
    only: { type: 'string', default: '' },
  },
});

const NOOP = `          - name: post-function\n            config: { access: ["(kong) => {}"] }\n`;

function variant(port: number, plugins: string): string {
  return `_format_version: "3.0"\nconsumers:\n  - username: bench\n    keyauth_credentials: [{ key: bench-key }]\nservices:\n  - name: up\n    url: http://127.0.0.1:${port}\n    routes:\n      - name: all\n        paths: [/]\n${plugins ? `        plugins:\n${plugins}` : ''}`;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-bench-plugins-'));
  const up = await startUpstream();
  const variants: Record<string, string> = {
    'no plugins': '',
    '1 no-op plugin': NOOP,
    '3 no-op plugins': NOOP + NOOP.replace('post-function', 'pre-function') + `          - name: request-transformer\n            config: {}\n`,
    'key-auth + rate-limiting (local)': `          - name: key-auth\n          - name: rate-limiting\n            config: { second: 100000000, policy: local }\n`,
    // Every per-request series Kong's exporter keeps (statuses, latencies, bandwidth), per consumer.
    prometheus: `          - name: prometheus\n            config: { per_consumer: true, status_code_metrics: true, latency_metrics: true, bandwidth_metrics: true }\n`,
  };
  const only = values.only ? new Set(['no plugins', ...values.only.split(',')]) : null;
  const runs: Record<string, LoadResult[]> = {};
  try {
    for (let round = 0; round < Number(values.rounds); round++) {
      for (const [name, plugins] of Object.entries(variants)) {
        if (only !== null && !only.has(name)) continue;
        const file = join(dir, `${name.replace(/\W+/g, '-')}.yaml`);
        await writeFile(file, variant(up.port, plugins));
        const gw = track(
          spawn(process.execPath, [join(ROOT, 'bin', 'sluice'), 'start', '-c', file, '--proxy-listen', '127.0.0.1:18002', '--admin-listen', 'off', '--log-level', 'error', '--no-watch'], {
            stdio: ['ignore', 'ignore', 'pipe'],
          }),
        );
        let stderr = '';
        gw.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
        try {
          // A start can take seconds on a loaded machine; the load itself is what is measured.
          await waitForHttp('http://127.0.0.1:18002/', 60_000);
          (runs[name] ??= []).push(await load('http://127.0.0.1:18002/?apikey=bench-key', Number(values.seconds), Number(values.connections)));
        } catch (err) {
          console.log(`${name}: skipped (${(err as Error).message.split('\n')[0]}${stderr ? `; ${stderr.trim().split('\n')[0]}` : ''})`);
        } finally {
          await stop(gw);
        }
      }
    }
  } finally {
    up.server.close();
    up.server.closeAllConnections();
    await rm(dir, { recursive: true, force: true });
  }
  const results = Object.fromEntries(Object.entries(runs).map(([name, r]) => [name, median(r)]));
  const base = results['no plugins'];
  console.log('\nvariant                              req/s    p99 ms  errors  rps/no-plugins');
  for (const [name, r] of Object.entries(results)) {
    console.log(`${name.padEnd(34)} ${r.rps.toFixed(0).padStart(8)} ${r.p99ms.toFixed(2).padStart(9)} ${String(r.errors).padStart(7)}  ${base ? ratio(r.rps, base.rps).padStart(8) : 'n/a'}`);
  }
}

/** The run with the median req/s (p99 and errors are that run's). */
function median(runs: readonly LoadResult[]): LoadResult {
  return [...runs].sort((a, b) => a.rps - b.rps)[Math.floor(runs.length / 2)]!;
}

await main();
