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

/** Collects families in the order they are begun; a family's header is written with its first sample. */
export class ExpositionWriter {
  readonly #lines: string[] = [];
  #pending: string | null = null;

  family(name: string, type: MetricType, help: string): this {
    this.#pending = `# HELP ${name} ${escapeHelp(help)}\n# TYPE ${name} ${type}`;
    return this;
  }

  /** `labels` is the inside of the braces, already rendered with labelPair ('' for none). */
  sample(name: string, labels: string, value: number): this {
    if (this.#pending !== null) {
      this.#lines.push(this.#pending);
      this.#pending = null;
    }
    this.#lines.push(labels === '' ? `${name} ${formatValue(value)}` : `${name}{${labels}} ${formatValue(value)}`);
    return this;
  }

  text(): string {
    return this.#lines.length === 0 ? '' : `${this.#lines.join('\n')}\n`;
  }
}
