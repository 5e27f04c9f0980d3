/**
 * The Prometheus text exposition format (version 0.0.4), as Kong's exporter writes it: a family's `# HELP` and
 * `# TYPE` lines come only with its first sample, so a metric with no series is left out entirely.
 */

export type MetricType = 'counter' | 'gauge' | 'histogram';

/** Kong's exporter answers /metrics with this type (exporter.lua `collect`). */
export const METRICS_CONTENT_TYPE = 'text/plain; charset=UTF-8';

/** `name="value"`, the value escaped as the format asks (backslash, double quote, line feed). */
export function labelPair(name: string, value: string): string {
  return `${name}="${escapeLabelValue(value)}"`;
}

export function escapeLabelValue(value: string): string {
  return /[\\"\n]/.test(value) ? value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') : value;
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

/** A sample's labels (the inside of the braces, rendered with labelPair; '' for none) and value. */
export type Row = [labels: string, value: number];

interface FamilyLines {
  readonly header: string;
  readonly lines: string[];
}

/**
 * Collects families and writes them in name order, each with its `# HELP` and `# TYPE` lines, as Kong's sorted
 * output reads; a family that got no sample is left out.
 */
export class ExpositionWriter {
  readonly #families = new Map<string, FamilyLines>();
  #current: FamilyLines | null = null;

  family(name: string, type: MetricType, help: string): this {
    let f = this.#families.get(name);
    if (f === undefined) this.#families.set(name, (f = { header: `# HELP ${name} ${escapeHelp(help)}\n# TYPE ${name} ${type}`, lines: [] }));
    this.#current = f;
    return this;
  }

  /** A sample of the family begun last; `name` is the family's, or a histogram's `_bucket`, `_count`, `_sum`. */
  sample(name: string, labels: string, value: number): this {
    if (this.#current === null) throw new Error(`sample ${name} before any family`);
    this.#current.lines.push(labels === '' ? `${name} ${formatValue(value)}` : `${name}{${labels}} ${formatValue(value)}`);
    return this;
  }

  /** Kong sorts every line it writes: within a family, series come in the order of their label text. */
  sorted(name: string, rows: Row[]): this {
    rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    for (const [labels, value] of rows) this.sample(name, labels, value);
    return this;
  }

  text(): string {
    let out = '';
    for (const name of [...this.#families.keys()].sort()) {
      const f = this.#families.get(name)!;
      if (f.lines.length > 0) out += `${f.header}\n${f.lines.join('\n')}\n`;
    }
    return out;
  }
}
