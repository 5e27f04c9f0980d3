/**
 * Reload cost for a large file: time from saving a 10 000-route kong.yaml to the new config answering, while a
 * client keeps sending requests (none may fail).
 *   npm run bench:reload [-- --routes 10000]
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT, startUpstream, stop, track, waitForHttp } from './lib.js';

const { values } = parseArgs({ options: { routes: { type: 'string', default: '10000' }, rounds: { type: 'string', default: '5' } } });
const ROUTES = Number(values.routes);

function config(port: number, generation: number): string {
  let s = `_format_version: "3.0"\nservices:\n  - name: up\n    url: http://127.0.0.1:${port}\n    routes:\n`;
  s += `      - name: probe\n        paths: [/probe]\n        plugins:\n          - name: request-termination\n            config: { status_code: 200, message: "gen-${generation}" }\n`;
  for (let i = 0; i < ROUTES; i++) s += `      - name: r${i}\n        paths: [/svc/${i}]\n`;
  return s;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-reload-'));
  const up = await startUpstream();
  const file = join(dir, 'kong.yaml');
  await writeFile(file, config(up.port, 0));
  const gw = track(
    spawn(process.execPath, [join(ROOT, 'bin', 'sluice'), 'start', '-c', file, '--proxy-listen', '127.0.0.1:18001', '--admin-listen', 'off', '--log-level', 'warn'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    }),
  );
  let failures = 0;
  let requests = 0;
  let stopLoad = false;
  try {
    await waitForHttp('http://127.0.0.1:18001/probe');
    const loadLoop = (async () => {
      while (!stopLoad) {
        try {
          const r = await fetch(`http://127.0.0.1:18001/svc/${requests % ROUTES}`);
          await r.arrayBuffer();
          if (r.status !== 200) failures++;
        } catch {
          failures++;
        }
        requests++;
      }
    })();
    const times: number[] = [];
    for (let g = 1; g <= Number(values.rounds); g++) {
      const text = config(up.port, g);
      const t0 = performance.now();
      await writeFile(file, text);
      for (;;) {
        const r = await fetch('http://127.0.0.1:18001/probe');
        const body = await r.text();
        if (body.includes(`gen-${g}`)) break;
        if (performance.now() - t0 > 30_000) throw new Error('reload did not land within 30 s');
        await new Promise((r) => setTimeout(r, 5));
      }
      times.push(performance.now() - t0);
    }
    stopLoad = true;
    await loadLoop;
    times.sort((a, b) => a - b);
    console.log(`reload of ${ROUTES} routes (save → new config serving, includes the watcher's debounce):`);
    console.log(`  median ${times[Math.floor(times.length / 2)]!.toFixed(0)} ms, max ${times[times.length - 1]!.toFixed(0)} ms over ${times.length} reloads`);
    console.log(`  requests during reloads: ${requests}, failed: ${failures}`);
  } finally {
    stopLoad = true;
    await stop(gw);
    up.server.close();
    up.server.closeAllConnections();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
