/**
 * What rate-limiting's Redis policy costs a request when Redis is up, refusing connections (fault_tolerant on
 * and off) or absent from the config (policy local, the baseline). One sluice process per variant, one load run
 * each; latency figures are autocannon's, added latency is against the local-policy run of the same invocation.
 *   npm run build && npm run bench:redis [-- --seconds 8 --connections 10]
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { ROOT, startUpstream, stop, track, waitForHttp, which } from './lib.js';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '8' }, connections: { type: 'string', default: '10' } } });
const GATEWAY = 18003;

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** A throwaway redis-server, or null when none is installed or it does not answer PING within 5 s. */
async function startRedisServer(port: number): Promise<(() => Promise<void>) | null> {
  if (!(await which('redis-server'))) return null;
  const proc = track(spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' }));
  const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => 100, maxRetriesPerRequest: 0 });
  probe.on('error', () => {}); // refused until the server listens
  const deadline = Date.now() + 5000;
  let up = false;
  while (!up && Date.now() < deadline) up = await probe.ping().then(() => true, () => new Promise<boolean>((r) => setTimeout(() => r(false), 100)));
  probe.disconnect();
  if (!up) {
    await stop(proc);
    return null;
  }
  return () => stop(proc);
}

function config(upstream: number, plugin: string): string {
  return `_format_version: "3.0"\nservices:\n  - name: up\n    url: http://127.0.0.1:${upstream}\n    routes:\n      - name: all\n        paths: [/]\n        plugins:\n          - name: rate-limiting\n            config: ${plugin}\n`;
}

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-bench-redis-'));
  const up = await startUpstream();
  const livePort = await freePort();
  const deadPort = await freePort();
  const stopRedis = await startRedisServer(livePort);
  const limits = 'hour: 1000000000, limit_by: ip';
  const variants: Record<string, string | null> = {
    'policy local (baseline)': `{ ${limits}, policy: local }`,
    'redis up': stopRedis ? `{ ${limits}, policy: redis, redis: { host: 127.0.0.1, port: ${livePort} } }` : null,
    'redis refusing, fault_tolerant': `{ ${limits}, policy: redis, redis: { host: 127.0.0.1, port: ${deadPort} } }`,
    'redis refusing, not tolerant (500)': `{ ${limits}, policy: redis, fault_tolerant: false, redis: { host: 127.0.0.1, port: ${deadPort} } }`,
  };
  const results: Record<string, Figures> = {};
  const { default: autocannon } = await import('autocannon');
  try {
    for (const [name, plugin] of Object.entries(variants)) {
      if (plugin === null) {
        console.log(`${name}: skipped (no redis-server)`);
        continue;
      }
      const file = join(dir, `${name.replace(/\W+/g, '-')}.yaml`);
      await writeFile(file, config(up.port, plugin));
      const gw = track(
        spawn(process.execPath, [join(ROOT, 'bin', 'sluice'), 'start', '-c', file, '--proxy-listen', `127.0.0.1:${GATEWAY}`, '--admin-listen', 'off', '--log-level', 'error', '--no-watch'], {
          stdio: ['ignore', 'ignore', 'ignore'],
        }),
      );
      try {
        await waitForHttp(`http://127.0.0.1:${GATEWAY}/`, 10_000);
        const r = await autocannon({ url: `http://127.0.0.1:${GATEWAY}/`, duration: Number(values.seconds), connections: Number(values.connections) });
        const latency = r.latency as { p99: number; p50?: number };
        results[name] = { rps: r.requests.average, p50: latency.p50 ?? Number.NaN, p99: latency.p99, non2xx: r.non2xx };
      } finally {
        await stop(gw);
      }
    }
  } finally {
    await stopRedis?.();
    up.server.close();
    up.server.closeAllConnections();
    await rm(dir, { recursive: true, force: true });
  }
  const base = results['policy local (baseline)'];
  console.log(`\n${values.connections} connections, ${values.seconds} s each`);
  console.log('variant                                  req/s   p50 ms   p99 ms  +p50 ms  non-2xx');
  for (const [name, r] of Object.entries(results)) {
    const added = base ? (r.p50 - base.p50).toFixed(2) : 'n/a';
    console.log(
      `${name.padEnd(36)} ${r.rps.toFixed(0).padStart(8)} ${r.p50.toFixed(2).padStart(8)} ${r.p99.toFixed(2).padStart(8)} ${added.padStart(8)} ${String(r.non2xx).padStart(8)}`,
    );
  }
}

await main();
