/**
 * Text → plain value, keeping a way back from any value path to its line:column. Kong reads YAML 1.1
 * (`yes`/`on` are booleans), so YAML files are parsed as 1.1; `.json` files are parsed as JSON. Parse stage:
 * may refuse text that is not a document (syntax, size, alias bombs, a root that is not a mapping); may not
 * know anything about entities. `~` and `null` stay null here: what a null means is normalize.ts's.
 */
import { type Document, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { ConfigError } from './types.js';
import { parseYamlSubset } from './yaml-subset.js';

/** Larger files are refused before parsing (a runaway generator, not a config). */
export const MAX_CONFIG_BYTES = 64 * 1024 * 1024;
/** YAML aliases allowed before parsing stops (alias bombs: "billion laughs"). */
const MAX_ALIAS_COUNT = 1000;

export type Segment = string | number;

export interface Position {
  line: number;
  column: number;
}

export interface Parsed {
  readonly value: Record<string, unknown>;
  /** Position of the value (or, with `key`, of the mapping key) at a path; the nearest ancestor if absent. */
  locate(path: readonly Segment[], key?: boolean): Position | undefined;
}

export type ParseResult = { ok: true; parsed: Parsed } | { ok: false; errors: ConfigError[] };

export function parseConfigText(text: string, filename: string): ParseResult {
  if (Buffer.byteLength(text) > MAX_CONFIG_BYTES) {
    return fail(`file is larger than ${MAX_CONFIG_BYTES / 1024 / 1024} MiB`, 'split the configuration or remove generated bulk');
  }
  if (text.trim() === '') {
    return fail('empty configuration', 'a kong.yaml needs at least `_format_version: "3.0"`');
  }
  const isJson = filename.toLowerCase().endsWith('.json');
  // Most files are in the subset yaml-subset.ts reads (10x to 20x faster, no syntax tree kept); positions are
  // only asked for when there is an error to report, and then come from the library's parse of the same text.
  const value = isJson ? null : parseYamlSubset(text);
  if (value !== null) {
    let positions: Parsed | null | undefined;
    const locate = (path: readonly Segment[], key = false): Position | undefined => {
      if (positions === undefined) {
        const full = parseWithLibrary(text, isJson);
        positions = full.ok ? full.parsed : null;
      }
      return positions?.locate(path, key);
    };
    return { ok: true, parsed: { value, locate } };
  }
  return parseWithLibrary(text, isJson);
}

function parseWithLibrary(text: string, isJson: boolean): ParseResult {
  const lineCounter = new LineCounter();
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, {
      version: isJson ? '1.2' : '1.1',
      lineCounter,
      uniqueKeys: true,
      prettyErrors: true,
      merge: !isJson,
    });
  } catch (err) {
    return fail(`failed parsing declarative configuration: ${(err as Error).message}`);
  }
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        return {
          path: '',
          ...(pos ? { line: pos.line, column: pos.col } : {}),
          message: `failed parsing declarative configuration: ${firstLine(e.message)}`,
          hint: isJson ? 'check the JSON syntax near this position' : 'check indentation and quoting near this position',
        };
      }),
    };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    return fail(`failed parsing declarative configuration: ${(err as Error).message}`, 'reduce the use of YAML aliases');
  }
  if (value === null || value === undefined) {
    return fail('empty configuration', 'a kong.yaml needs at least `_format_version: "3.0"`');
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    return fail('failed parsing declarative configuration: expected an object', 'the top level must be a mapping of keys');
  }
  const locate = (path: readonly Segment[], key = false): Position | undefined => {
    const node = findNode(doc.contents, path, key);
    const offset = node?.range?.[0];
    if (offset === undefined) return undefined;
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  return { ok: true, parsed: { value: value as Record<string, unknown>, locate } };
}

function fail(message: string, hint?: string): ParseResult {
  return { ok: false, errors: [{ path: '', line: 1, column: 1, message, ...(hint ? { hint } : {}) }] };
}

function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return i < 0 ? s : s.slice(0, i);
}

/** Walks the YAML AST along a value path; returns the deepest node reached (so errors still get a position). */
function findNode(root: unknown, path: readonly Segment[], key: boolean): Node | undefined {
  let node = root as Node | undefined;
  let last: Node | undefined = node;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) return last;
      if (key && i === path.length - 1) return (pair.key as Node) ?? last;
      node = (pair.value as Node | null) ?? (pair.key as Node);
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg] as Node | undefined;
      if (!node) return last;
    } else {
      return last;
    }
    last = node;
  }
  return node;
}
