/**
 * No half-written config is ever served. A real gateway (the default 100 ms debounce) serves a load loop
 * while a writer saves the file, in each pattern of save-patterns.ts, alternating between two complete configs
 * that answer differently: config A routes /p0…/p6 to upstream `a`, B to `b`, and each ends with a marker (a
 * global response-transformer adding `x-config: <upstream>-<save>`). A prefix of a file lacks routes (404) or
 * the marker; a new start over an old end (in-place writes) carries the other upstream's marker. So every
 * response must be a 200 whose upstream and marker agree, and every snapshot the gateway ever loaded (its
 * reload log) and every hash `/status` reported must be one of the complete files written.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { md5 } from '../../src/config/load.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { request } from '../helpers/http.js';
import { startUpstream, type Upstream } from '../helpers/upstream.js';
import { layOut, SAVE_PATTERNS, startWriter } from './save-patterns.js';

const ROUTES = 7;
const SAVES_PER_PATTERN = 8;
const DEBOUNCE_MS = 100; // the production default; pieces are at most 60 ms apart
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Same line lengths for both upstreams (5-digit ports), so an in-place mix of the two is still valid YAML. */
function config(up: Upstream, name: string, save: number): string {
  const routes = Array.from({ length: ROUTES }, (_, i) => `      - name: r-${name}-${i}\n        paths: [/p${i}]\n`).join('');
  return `_format_version: "3.0"
services:
  - name: svc-${name}
    url: ${up.url}
    routes:
${routes}plugins:
  - name: response-transformer
    config:
      add:
        headers: ["x-config:${name}-${String(save).padStart(4, '0')}"]
`;
}

interface Tally {
  sent: number;
  failed: string[];
  wrongGeneration: string[];
  statusHashes: Set<string>;
}

/** Clients request every route in turn; a status poller records each hash the Admin API reports. */
function loadLoop(gw: TestGateway, deadline: number) {
  const tally: Tally = { sent: 0, failed: [], wrongGeneration: [], statusHashes: new Set() };
  let stop = false;
  const client = async (offset: number) => {
    for (let i = offset; !stop && tally.sent < 60_000 && Date.now() < deadline; i++) {
      tally.sent++;
      const path = `/p${i % ROUTES}`;
      try {
        const res = await request(gw.port, path, { timeoutMs: 5000 });
        if (res.status !== 200) {
          tally.failed.push(`${path}: ${res.status}`);
          continue;
        }
        const upstream = res.json<{ upstream: string }>().upstream;
        const marker = String(res.headers['x-config'] ?? '');
        if (!marker.startsWith(`${upstream}-`)) tally.wrongGeneration.push(`${path}: upstream ${upstream}, marker '${marker}'`);
      } catch (err) {
        tally.failed.push(`${path}: ${(err as Error).message}`);
      }
    }
  };
  const poller = async () => {
    while (!stop && Date.now() < deadline) {
      const res = await request(gw.adminPort, '/status');
      tally.statusHashes.add(res.json<{ configuration_hash: string }>().configuration_hash);
      await sleep(20);
    }
  };
  const running = Promise.all([client(0), client(3), client(5), poller()]);
  return {
    tally,
    async stop() {
      stop = true;
      await running;
      return tally;
    },
  };
}

t.test('every save pattern, written in pieces under load: only complete files are served', async (t) => {
  const a = await startUpstream('a');
  const b = await startUpstream('b');
  const writer = startWriter();
  t.teardown(async () => {
    await writer.close();
    await a.close();
    await b.close();
  });
  await writer.ready;
  const summary: string[] = [];
  const textOf = (save: number) => (save % 2 ? config(b, 'b', save) : config(a, 'a', save));

  for (const pattern of SAVE_PATTERNS) {
    await t.test(pattern.name, async (t) => {
      const dir = await mkdtemp(join(tmpdir(), 'sluice-pieces-'));
      const first = textOf(0);
      const target = await layOut(pattern.layout, dir, first);
      const gw = await startTestGateway(first, { watch: true, conf: target.file, watchDebounceMs: DEBOUNCE_MS });
      t.teardown(async () => {
        await gw.close();
        await rm(dir, { recursive: true, force: true });
      });
      await gw.watching;
      const complete = new Set([md5(first)]);
      const deadline = Date.now() + 12_000;
      const load = loadLoop(gw, deadline);
      let longestGap = 0;
      let saves = 0;
      for (let i = 1; i <= SAVES_PER_PATTERN && Date.now() < deadline - 2000; i++) {
        const text = textOf(i);
        complete.add(md5(text));
        longestGap = Math.max(longestGap, await writer.save(pattern, target, text));
        saves++;
        // Wait for this save to serve, then start the next one up to 3 windows later: the old watcher re-read the
        // file on a fixed timer 3 windows after a load, which then caught the next save halfway.
        const served = Date.now() + 2000;
        while (gw.cell.current.hash !== md5(text) && Date.now() < served) await sleep(10);
        await sleep(Math.random() * 3 * DEBOUNCE_MS);
      }
      await sleep(3 * DEBOUNCE_MS);
      const tally = await load.stop();

      const loaded = gw.logs.filter((l) => l.msg === 'config reloaded').map((l) => String(l.hash));
      const failedReloads = gw.logs.filter((l) => String(l.msg).includes('reload failed')).length;
      const strangers = loaded.filter((h) => !complete.has(h));
      summary.push(
        `${pattern.name}: ${tally.sent} requests, ${tally.failed.length} failed, ${tally.wrongGeneration.length} wrong-generation; ` +
          `${loaded.length} loads of which ${strangers.length} not a complete file, ${failedReloads} failed reloads (${saves} saves)`,
      );
      const clean = tally.failed.length + tally.wrongGeneration.length + strangers.length + failedReloads === 0;
      // A writer starved of CPU for a whole window has made a quiet file, which may be loaded: the run then only
      // counts when it stayed clean anyway.
      t.ok(clean || longestGap < DEBOUNCE_MS, `pieces were ${Math.round(longestGap)} ms apart at most (window ${DEBOUNCE_MS} ms)`);
      t.ok(saves >= SAVES_PER_PATTERN / 2, `${saves} saves`);
      t.ok(tally.sent > 200, `${tally.sent} requests during the saves`);
      t.same(tally.failed.slice(0, 5), [], `${tally.failed.length} failed requests`);
      t.same(tally.wrongGeneration.slice(0, 5), [], `${tally.wrongGeneration.length} responses from a generation neither old nor new`);
      t.same(strangers, [], 'every loaded snapshot is a complete file');
      t.same([...tally.statusHashes].filter((h) => !complete.has(h)), [], '/status only ever reported complete files');
      t.equal(failedReloads, 0, 'no partial file was even tried');
      t.equal(gw.cell.current.hash, md5(textOf(saves)), 'the last save serves');
    });
  }
  t.comment(summary.join('\n'));
});
