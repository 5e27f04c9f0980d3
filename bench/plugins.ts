/**
 * What a plugin chain costs per request: the same route proxied with no plugins, with one no-op plugin, with
 * several, with key-auth + rate-limiting and with prometheus recording every per-request metric. Reported as
 * ratios to the no-plugin run of the same invocation.
 *   npm run bench:plugins [-- --seconds 8 --connections 50]
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { load, type LoadResult, ratio, ROOT, startUpstream, stop, track, waitForHttp } from './lib.js';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '8' }, connections: { type: 'string', default: '50' } } });

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
  const results: Record<string, LoadResult> = {};
  try {
    for (const [name, plugins] of Object.entries(variants)) {
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
        results[name] = await load('http://127.0.0.1:18002/?apikey=bench-key', Number(values.seconds), Number(values.connections));
      } catch (err) {
        console.log(`${name}: skipped (${(err as Error).message.split('\n')[0]}${stderr ? `; ${stderr.trim().split('\n')[0]}` : ''})`);
      } finally {
        await stop(gw);
      }
    }
  } finally {
    up.server.close();
    up.server.closeAllConnections();
    await rm(dir, { recursive: true, force: true });
  }
  const base = results['no plugins'];
  console.log('\nvariant                              req/s    p99 ms  errors  rps/no-plugins');
  for (const [name, r] of Object.entries(results)) {
    console.log(`${name.padEnd(34)} ${r.rps.toFixed(0).padStart(8)} ${r.p99ms.toFixed(2).padStart(9)} ${String(r.errors).padStart(7)}  ${base ? ratio(r.rps, base.rps).padStart(8) : 'n/a'}`);
  }
}

await main();
