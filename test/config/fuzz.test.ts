/**
 * Property test: random and mutated documents never make the pipeline throw; it returns a config or errors.
 * Bounded in count and time; seeded so a failure can be replayed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { stringify } from 'yaml';
import { loadConfigText } from '../../src/config/load.js';

const SEED = Number(process.env.SLUICE_FUZZ_SEED ?? 20261123);
const MAX_CASES = 1500;
const MAX_MS = 8000;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = s;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const examplesDir = join(import.meta.dirname, '..', '..', 'examples');
const seeds = readdirSync(examplesDir)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => readFileSync(join(examplesDir, f), 'utf8'));

const ATOMS: unknown[] = [null, true, false, 0, -1, 1.5, 65536, '', 'x', '~/(', '/a//b', '{vault://env/x}', [], {}, [1, 'a'], { id: 'nope' }, 'ümlaut', '*.a.*'];
const KEYS = ['name', 'host', 'port', 'paths', 'hosts', 'service', 'routes', 'plugins', 'config', 'protocols', 'targets', 'target', 'id', 'url', 'headers', 'methods', 'consumer', 'username', 'weight', 'healthchecks'];

function mutate(value: unknown, r: () => number, depth = 0): unknown {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  if (depth > 6 || r() < 0.1) return pick(ATOMS);
  if (Array.isArray(value)) {
    const out = value.map((v) => (r() < 0.3 ? mutate(v, r, depth + 1) : v));
    if (r() < 0.2) out.push(mutate(pick(ATOMS), r, depth + 1));
    if (r() < 0.1) out.splice(Math.floor(r() * out.length), 1);
    return out;
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    for (const k of Object.keys(out)) {
      if (r() < 0.25) out[k] = mutate(out[k], r, depth + 1);
      else if (r() < 0.05) delete out[k];
    }
    if (r() < 0.2) out[pick(KEYS)] = mutate(pick(ATOMS), r, depth + 1);
    return out;
  }
  return r() < 0.5 ? pick(ATOMS) : value;
}

t.test('the pipeline never throws on mutated documents', async (t) => {
  const r = rng(SEED);
  const start = Date.now();
  let n = 0;
  let loaded = 0;
  const { parse } = await import('yaml');
  while (n < MAX_CASES && Date.now() - start < MAX_MS) {
    const base = parse(seeds[n % seeds.length]!) as unknown;
    const doc = mutate(base, r);
    let text = stringify(doc);
    if (r() < 0.15) {
      // Byte-level damage too: truncation and stray characters.
      const at = Math.floor(r() * text.length);
      text = r() < 0.5 ? text.slice(0, at) : `${text.slice(0, at)}${'{[:&*!|>'[Math.floor(r() * 8)]}${text.slice(at)}`;
    }
    let result;
    try {
      result = loadConfigText(text, 'fuzz.yaml', { env: {} });
    } catch (err) {
      t.fail(`threw on case ${n} (seed ${SEED}): ${(err as Error).stack}`);
      return;
    }
    if (result.ok) loaded++;
    else if (result.errors.some((e) => e.message.startsWith('internal error'))) {
      t.fail(`internal error on case ${n} (seed ${SEED}): ${JSON.stringify(result.errors)}\n${text}`);
      return;
    }
    n++;
  }
  t.ok(n >= 100, `ran ${n} cases (${loaded} loaded) in ${Date.now() - start} ms`);
});
