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
