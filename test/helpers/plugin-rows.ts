import t from 'tap';
import { loadConfigText } from '../../src/config/load.js';

/** One row of a plugin schema table: a plugin entity through the real loader, and what it must give. */
export interface PluginRow {
  /** The Kong rule matched: file:line and the rule's name ("sluice: …" for sluice's own refusals). */
  readonly kong: string;
  readonly plugin: string;
  readonly config: Record<string, unknown>;
  /** Expected errors as `path: message` (a RegExp where the text quotes a JavaScript engine), or `ok`. */
  readonly want: 'ok' | readonly (string | RegExp)[];
  /** With `ok`: fields the loaded config must hold (Kong's defaults). */
  readonly has?: Record<string, unknown>;
  /** Scope the plugin to consumer `c` (declared in the file). */
  readonly consumer?: true;
}

function load(row: PluginRow) {
  const plugin = { name: row.plugin, ...(row.consumer ? { consumer: 'c' } : {}), config: row.config };
  // JSON is YAML: the config goes in exactly as written, nulls included.
  const text = `_format_version: "3.0"\nconsumers:\n  - username: c\nplugins:\n  - ${JSON.stringify(plugin)}\n`;
  return loadConfigText(text, 'kong.yaml', { env: {} });
}

/** A tap test per row: `ok` rows load (with `has` in the config), the others fail with exactly `want`. */
export function testPluginRows(rows: readonly PluginRow[]): void {
  for (const row of rows) {
    t.test(`${row.plugin}: ${row.kong}`, async (t) => {
      const r = load(row);
      if (row.want === 'ok') {
        t.ok(r.ok, r.ok ? 'loads' : r.errors.map((e) => `${e.path}: ${e.message}`).join('\n'));
        if (r.ok && row.has) t.has(r.config.entities.plugins[0]!.config, row.has, "Kong's defaults");
        return;
      }
      t.notOk(r.ok, 'refused');
      const got = r.ok ? [] : r.errors.map((e) => `${e.path}: ${e.message}`);
      t.equal(got.length, row.want.length, `${row.want.length} error(s): ${got.join(' | ')}`);
      for (const want of row.want) {
        t.ok(
          got.some((g) => (typeof want === 'string' ? g === want : want.test(g))),
          `${String(want)}\n  got: ${got.join(' | ')}`,
        );
      }
    });
  }
}
