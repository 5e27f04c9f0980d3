/**
 * A reader of the Prometheus text format for the prometheus tests: families with their HELP and TYPE, and
 * every sample with its labels, so a test states names, types, label sets and buckets exactly. It refuses what
 * the format does not allow (a sample before its TYPE, a malformed line), so a writer's slip fails the test.
 */

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Family {
  readonly name: string;
  readonly type: string;
  readonly help: string;
  readonly samples: Sample[];
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(,|$)/y;
const SUFFIXES = ['_bucket', '_count', '_sum'];

export function parseExposition(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const help = new Map<string, string>();
  if (text !== '' && !text.endsWith('\n')) throw new Error('the text does not end with a line feed');
  for (const line of text.split('\n')) {
    if (line === '') continue;
    let m: RegExpExecArray | null;
    if ((m = /^# HELP (\S+) (.*)$/.exec(line))) {
      help.set(m[1]!, m[2]!.replace(/\\n/g, '\n').replace(/\\\\/g, '\\'));
    } else if ((m = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line))) {
      if (families.has(m[1]!)) throw new Error(`TYPE ${m[1]} twice`);
      families.set(m[1]!, { name: m[1]!, type: m[2]!, help: help.get(m[1]!) ?? '', samples: [] });
    } else if ((m = SAMPLE.exec(line))) {
      const name = m[1]!;
      const family = families.get(name) ?? families.get(SUFFIXES.reduce((n, s) => (n.endsWith(s) && families.get(n.slice(0, -s.length))?.type === 'histogram' ? n.slice(0, -s.length) : n), name));
      if (!family) throw new Error(`sample before its TYPE: ${line}`);
      const value = m[3] === '+Inf' ? Infinity : m[3] === '-Inf' ? -Infinity : Number(m[3]);
      if (Number.isNaN(value) && m[3] !== 'NaN') throw new Error(`bad value: ${line}`);
      family.samples.push({ name, labels: parseLabels(m[2] ?? '', line), value });
    } else {
      throw new Error(`not a line of the format: ${line}`);
    }
  }
  return families;
}

function parseLabels(text: string, line: string): Record<string, string> {
  const out: Record<string, string> = {};
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < text.length) {
    const m = LABEL.exec(text);
    if (!m) throw new Error(`bad labels: ${line}`);
    out[m[1]!] = m[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    if (m[3] === '') break;
  }
  return out;
}

/** The label names of every sample of a family, each set once, in order (`le` included for buckets). */
export function labelNames(family: Family): string[][] {
  const seen = new Set<string>();
  const out: string[][] = [];
  for (const s of family.samples) {
    const names = Object.keys(s.labels);
    const key = `${s.name}:${names.join(',')}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push([s.name, ...names]);
  }
  return out;
}

/** The value of the one sample with exactly these labels (all of them named), or undefined. */
export function valueOf(families: Map<string, Family>, name: string, labels: Record<string, string>): number | undefined {
  const familyName = families.has(name) ? name : name.replace(/_(bucket|count|sum)$/, '');
  const want = Object.entries(labels);
  const s = families
    .get(familyName)
    ?.samples.find((x) => x.name === name && Object.keys(x.labels).length === want.length && want.every(([k, v]) => x.labels[k] === v));
  return s?.value;
}
