/** The off-thread loader gives the same answers as the inline pipeline, and keeps the event loop free. */
import t from 'tap';
import { loadConfigText } from '../../src/config/load.js';
import { createLogger } from '../../src/log/logger.js';
import { compileConfig } from '../../src/runtime/compile-config.js';
import { createConfigLoader } from '../../src/runtime/load-worker.js';

function bigConfig(routes: number): string {
  let s = '_format_version: "3.0"\nservices:\n  - name: s\n    host: 127.0.0.1\n    routes:\n';
  for (let i = 0; i < routes; i++) s += `      - name: r${i}\n        paths: [/p${i}]\n`;
  return s;
}

t.test('worker and inline loads agree', async (t) => {
  const loader = createConfigLoader({ inlineBelowBytes: 0 });
  t.teardown(() => loader.close());
  const text = bigConfig(2000);
  const viaWorker = await loader.load(text, 'kong.yaml');
  const inline = loadConfigText(text, 'kong.yaml');
  t.ok(viaWorker.ok && inline.ok);
  if (viaWorker.ok && inline.ok) {
    t.equal(viaWorker.config.entities.routes.length, 2000);
    t.same(viaWorker.config.entities.routes.map((r) => r.id), inline.config.entities.routes.map((r) => r.id));
    // The worker's copies are frozen when the snapshot takes them (src/snapshot/intern.ts), not on arrival.
    const compiled = compileConfig(viaWorker.config, 'kong.yaml', 1, createLogger({ level: 'error', format: 'json', stream: process.stderr }));
    t.ok(compiled.ok && Object.isFrozen(compiled.snapshot.entities.routes[0]), 'the snapshot compiled from it holds frozen entities');
  }
  const bad = await loader.load('_format_version: "3.0"\nservices: [{port: 1}]\n', 'kong.yaml');
  t.notOk(bad.ok);
});

t.test('the event loop keeps turning while a large file loads', async (t) => {
  const loader = createConfigLoader({ inlineBelowBytes: 0 });
  t.teardown(() => loader.close());
  const text = bigConfig(10000);
  let ticks = 0;
  let maxGap = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
    ticks++;
  }, 5);
  const r = await loader.load(text, 'kong.yaml');
  clearInterval(timer);
  t.ok(r.ok);
  t.ok(ticks > 3, `${ticks} timer ticks during the load, longest gap ${maxGap.toFixed(0)} ms`);
});

/**
 * The worker sends only entities the main thread does not hold (by content key). Invariant: a result holds, at
 * every position, an entity with exactly the content the file says; only an unchanged one may be the object the
 * previous result held. Attacked with edits, reverts, reorders, loads that cross and a failed load between.
 */
t.test('a reload receives only what changed, and every entity it holds is the one the file says', async (t) => {
  const loader = createConfigLoader({ inlineBelowBytes: 0 });
  t.teardown(() => loader.close());
  const strip = (e: object) => {
    const { created_at: _c, updated_at: _u, ...rest } = e as Record<string, unknown>;
    return rest;
  };
  const expectSame = (got: Awaited<ReturnType<typeof loader.load>>, text: string, label: string) => {
    const want = loadConfigText(text, 'kong.yaml');
    t.ok(got.ok && want.ok, `${label}: loads`);
    if (!got.ok || !want.ok) return;
    for (const [name, list] of Object.entries(want.config.entities) as [string, object[]][]) {
      const mine = (got.config.entities as unknown as Record<string, object[]>)[name]!;
      t.same(mine.map(strip), list.map(strip), `${label}: ${name} as the file says`);
    }
  };
  const base = bigConfig(300);
  const first = await loader.load(base, 'kong.yaml');
  expectSame(first, base, 'first');
  const edited = base.replace('paths: [/p7]\n', 'paths: [/p7-new]\n').replace('name: r9\n', 'name: r9b\n');
  const second = await loader.load(edited, 'kong.yaml');
  expectSame(second, edited, 'edited');
  if (first.ok && second.ok) {
    const a = first.config.entities.routes;
    const b = second.config.entities.routes;
    t.equal(b[0], a[0], 'an unchanged route is the object the main thread held');
    t.not(b[7], a[7], 'a changed route is a new object');
    t.equal(b[7]!.paths![0], '/p7-new');
  }
  // Back to the first text: its routes 7 and 9 are no longer held (the last result had the edited ones).
  expectSame(await loader.load(base, 'kong.yaml'), base, 'reverted');
  // Reordered: the held entities fill other positions.
  const lines = base.split('\n');
  const head = lines.slice(0, 5);
  const routes: string[] = [];
  for (let i = 5; i + 1 < lines.length; i += 2) routes.push(`${lines[i]}\n${lines[i + 1]}`);
  const reordered = `${head.join('\n')}\n${routes.reverse().join('\n')}\n`;
  expectSame(await loader.load(reordered, 'kong.yaml'), reordered, 'reordered');
  // Loads that cross: each answers for its own text.
  const texts = [edited, base, bigConfig(310), edited];
  const results = await Promise.all(texts.map((x) => loader.load(x, 'kong.yaml')));
  results.forEach((r, i) => expectSame(r, texts[i]!, `crossed ${i}`));
  // A broken file between two good ones changes nothing the next load relies on.
  t.notOk((await loader.load(`${edited}  - broken: [\n`, 'kong.yaml')).ok);
  expectSame(await loader.load(base, 'kong.yaml'), base, 'after a failed load');
});

t.test('an idle worker is let go, and the next load starts a new one that sends everything', async (t) => {
  const loader = createConfigLoader({ inlineBelowBytes: 0, idleExitMs: 50 });
  t.teardown(() => loader.close());
  const text = bigConfig(50);
  const first = await loader.load(text, 'kong.yaml');
  t.ok(first.ok && loader.running, 'loaded by a worker');
  const until = Date.now() + 5000;
  while (loader.running && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  t.notOk(loader.running, 'the idle worker is gone');
  const edited = text.replace('paths: [/p3]\n', 'paths: [/p3-new]\n');
  const second = await loader.load(edited, 'kong.yaml');
  t.ok(second.ok, 'a new worker loads the next file');
  if (first.ok && second.ok) {
    t.equal(second.config.entities.routes[3]!.paths![0], '/p3-new');
    t.not(second.config.entities.routes[0], first.config.entities.routes[0], 'the new worker sent every entity');
    t.same(second.config.entities.routes.map((r) => r.name), first.config.entities.routes.map((r) => r.name));
  }
});
