/**
 * The processes a bench measures or leans on: the upstream (nginx returning fixed bodies when installed, the
 * cheapest there is, else bench/http-server.ts), nginx as a reverse proxy, Node bench processes that print their
 * port, and sluice itself. Each is a Running: its pid (for /proc CPU times), its port and how to stop it.
 */
import type { ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DIST_BENCH, freePort, sluiceArgs, spawnTracked, stop, waitForHttp, which } from './lib.js';

export interface Running {
  pid: number;
  port: number;
  stop(): Promise<void>;
}

function running(c: ChildProcess, port: number, signal: NodeJS.Signals = 'SIGTERM'): Running {
  return { pid: c.pid!, port, stop: () => stop(c, signal) };
}

/** A Node script from dist-bench/bench that prints `PORT <n>` once listening. */
export async function startNodeServer(script: string, args: readonly string[] = [], ms = 15_000): Promise<Running> {
  const c = spawnTracked(process.execPath, [join(DIST_BENCH, script), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`${script} printed no port within ${ms} ms`)), ms);
      c.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /PORT (\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      c.once('exit', (code) => reject(new Error(`${script} exited (${code})`)));
    });
    c.stdout!.resume();
    return running(c, port);
  } catch (err) {
    await stop(c);
    throw err;
  }
}

async function startNginx(dir: string, name: string, server: string, http = ''): Promise<Running> {
  const port = await freePort();
  const conf = join(dir, `${name}.conf`);
  // As root, nginx's workers drop to nobody, who cannot read the bench's private temp dir (a 403 for /big).
  await writeFile(
    conf,
    `${process.getuid?.() === 0 ? 'user root;' : ''} worker_processes 1; daemon off; master_process on; pid ${dir}/${name}.pid; error_log ${dir}/${name}.err warn;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000; keepalive_timeout 60s; client_body_temp_path ${dir}/${name}-body;
  proxy_temp_path ${dir}/${name}-proxy; fastcgi_temp_path ${dir}/${name}-fcgi; uwsgi_temp_path ${dir}/${name}-uwsgi; scgi_temp_path ${dir}/${name}-scgi;
  ${http}
  server { listen 127.0.0.1:${port}; ${server} } }
`,
  );
  const c = spawnTracked('nginx', ['-c', conf, '-p', dir, '-e', `${dir}/${name}.err`]);
  try {
    await waitForHttp(`http://127.0.0.1:${port}/`);
  } catch (err) {
    await stop(c, 'SIGQUIT');
    throw err;
  }
  return running(c, port, 'SIGQUIT');
}

export interface Upstream extends Running {
  kind: 'nginx' | 'node';
}

/** Same answers as http-server.ts's upstream mode: /big 1 MiB, /hit… "hit", anything else (POSTs too) small. */
export async function startUpstreamServer(dir: string): Promise<Upstream> {
  if (!(await which('nginx'))) return { ...(await startNodeServer('http-server.js', ['upstream'])), kind: 'node' };
  await writeFile(join(dir, 'big'), Buffer.alloc(1 << 20, 'x'));
  const up = await startNginx(
    dir,
    'upstream',
    `default_type text/plain; client_body_buffer_size 128k; client_max_body_size 2m;
    location = /big { alias ${dir}/big; }
    location /hit { return 200 "hit from upstream\\n"; }
    location / { return 200 "hello from upstream\\n"; }`,
  );
  return { ...up, kind: 'nginx' };
}

/** nginx as a reverse proxy with a keep-alive pool to the upstream, as a gateway would be set up. */
export function startNginxProxy(dir: string, upstreamPort: number): Promise<Running> {
  return startNginx(
    dir,
    'proxy',
    `client_max_body_size 2m; client_body_buffer_size 128k; proxy_buffering on;
    location / { proxy_pass http://u; proxy_http_version 1.1; proxy_set_header Connection ""; }`,
    `upstream u { server 127.0.0.1:${upstreamPort}; keepalive 64; }`,
  );
}

/** sluice on `config`, once it answers `probe` (a big config can take seconds to start on a loaded machine). */
export async function startSluice(config: string, engine: string, probe = '/', headers: Record<string, string> = {}): Promise<Running & { probeBody: string }> {
  const port = await freePort();
  const c = spawnTracked(process.execPath, sluiceArgs(config, port, engine), { stdio: ['ignore', 'ignore', 'pipe'] });
  // Its log lines are counted and the first one shown at stop, instead of thousands of them among the results.
  let lines = 0;
  let first = '';
  c.stderr!.on('data', (d: Buffer) => {
    const text = d.toString();
    if (first === '') first = text.split('\n')[0]!;
    lines += text.split('\n').length - 1;
  });
  const quiet = async () => {
    await stop(c);
    if (lines > 0) console.log(`    (sluice wrote ${lines} log line(s), the first: ${first.slice(0, 200)})`);
  };
  try {
    const probeBody = await waitForHttp(`http://127.0.0.1:${port}${probe}`, 90_000, headers);
    return { pid: c.pid!, port, stop: quiet, probeBody };
  } catch (err) {
    await quiet();
    throw err;
  }
}
