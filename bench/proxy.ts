/**
 * Proxy throughput and p99 latency of sluice, as ratios to direct-to-upstream and to nginx measured in the
 * same run (these machines are noisy: only same-run ratios mean anything).
 *   npm run bench:proxy [-- --seconds 10 --connections 50 --engine undici|http-proxy]
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { load, type LoadResult, ratio, ROOT, startUpstream, stop, track, waitForHttp, which } from './lib.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    engine: { type: 'string', default: 'all' },
  },
});
const seconds = Number(values.seconds);
const connections = Number(values.connections);

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-bench-'));
  const up = await startUpstream();
  const results: Record<string, LoadResult> = {};
  try {
    results.direct = await load(`http://127.0.0.1:${up.port}/`, seconds, connections);

    if (await which('nginx')) {
      const conf = join(dir, 'nginx.conf');
      await writeFile(
        conf,
        `worker_processes 1; daemon off; pid ${dir}/nginx.pid; error_log ${dir}/nginx.err warn;
events { worker_connections 4096; }
http { access_log off;
  upstream u { server 127.0.0.1:${up.port}; keepalive 64; }
  server { listen 127.0.0.1:18080; location / { proxy_pass http://u; proxy_http_version 1.1; proxy_set_header Connection ""; } } }
`,
      );
      const nginx = track(spawn('nginx', ['-c', conf, '-p', dir], { stdio: 'ignore' }));
      try {
        await waitForHttp('http://127.0.0.1:18080/');
        results.nginx = await load('http://127.0.0.1:18080/', seconds, connections);
      } finally {
        await stop(nginx, 'SIGQUIT');
      }
    }

    const engines = values.engine === 'all' ? ['undici', 'http-proxy'] : [values.engine!];
    const kong = join(dir, 'kong.yaml');
    await writeFile(
      kong,
      `_format_version: "3.0"\nservices:\n  - name: up\n    url: http://127.0.0.1:${up.port}\n    routes:\n      - name: all\n        paths: [/]\n`,
    );
    for (const engine of engines) {
      const gw = track(
        spawn(
          process.execPath,
          [join(ROOT, 'bin', 'sluice'), 'start', '-c', kong, '--proxy-listen', '127.0.0.1:18000', '--admin-listen', 'off', '--engine', engine, '--log-level', 'warn', '--no-watch'],
          { stdio: ['ignore', 'ignore', 'inherit'] },
        ),
      );
      try {
        await waitForHttp('http://127.0.0.1:18000/');
        results[`sluice (${engine})`] = await load('http://127.0.0.1:18000/', seconds, connections);
      } finally {
        await stop(gw);
      }
    }
  } finally {
    up.server.close();
    up.server.closeAllConnections();
    await rm(dir, { recursive: true, force: true });
  }

  const direct = results.direct!;
  const nginx = results.nginx;
  console.log(`\nproxy benchmark: ${seconds}s, ${connections} connections, small GET, one core each\n`);
  console.log('target               req/s      p99 ms   errors   rps/direct  rps/nginx  p99/nginx');
  for (const [name, r] of Object.entries(results)) {
    console.log(
      `${name.padEnd(20)} ${r.rps.toFixed(0).padStart(8)} ${r.p99ms.toFixed(2).padStart(10)} ${String(r.errors).padStart(8)}   ${ratio(r.rps, direct.rps).padStart(9)}  ${nginx ? ratio(r.rps, nginx.rps).padStart(9) : '      n/a'}  ${nginx ? ratio(r.p99ms, nginx.p99ms).padStart(9) : '      n/a'}`,
    );
  }
}

await main();
