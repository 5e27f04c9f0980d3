import { splitColonPair } from './colon-pair.js';
import { compileStatusFilter, type StatusFilter } from './status-filter.js';

/** Response headers as the PDK hands them out: lower-case names, repeated headers as arrays. */
export type HeaderBag = Readonly<Record<string, string | readonly string[]>>;

export interface HeaderTransformConfig {
  readonly remove?: HeaderActionConfig;
  readonly rename?: HeaderActionConfig;
  readonly replace?: HeaderActionConfig;
  readonly add?: HeaderActionConfig;
  readonly append?: HeaderActionConfig;
}

interface HeaderActionConfig {
  readonly headers?: readonly string[];
  readonly if_status?: readonly string[] | null;
}

/**
 * `basic` is response-transformer: `remove` drops the whole header whatever follows the name.
 * `advanced` is response-transformer-advanced: `name:value` removes only that value, `name:/re/` the values
 * the expression finds, `name:v1,v2` each listed value.
 */
export type HeaderMode = 'basic' | 'advanced';

/** Returns the new headers, or null when nothing changed. */
export type HeaderTransform = (status: number, headers: HeaderBag) => Record<string, string | string[]> | null;

type Step = { readonly applies: StatusFilter; run(h: Record<string, string | string[]>): boolean };

/** Compiled once per plugin instance; the order is Kong's: remove, rename, replace, add, append. */
export function compileHeaderTransform(config: HeaderTransformConfig, mode: HeaderMode): HeaderTransform {
  const steps: Step[] = [];
  const step = (part: HeaderActionConfig | undefined, run: (h: Record<string, string | string[]>) => boolean) => {
    if ((part?.headers ?? []).length > 0) steps.push({ applies: compileStatusFilter(part?.if_status), run });
  };

  const removals = (config.remove?.headers ?? []).map((e) => compileRemoval(e, mode));
  step(config.remove, (h) => {
    let changed = false;
    for (const r of removals) changed = r(h) || changed;
    return changed;
  });

  const renames = pairs(config.rename, mode);
  step(config.rename, (h) => {
    let changed = false;
    for (const { name, value } of renames) {
      const to = value.toLowerCase();
      // Kong sets the new name then clears the old one; for a case-only rename that would lose the header.
      if (h[name] === undefined || to === name) continue;
      h[to] = h[name]!;
      delete h[name];
      changed = true;
    }
    return changed;
  });

  const replaces = pairs(config.replace, mode);
  step(config.replace, (h) => {
    let changed = false;
    for (const { name, value } of replaces) {
      if (h[name] === undefined) continue;
      h[name] = value;
      changed = true;
    }
    return changed;
  });

  const adds = pairs(config.add, mode);
  step(config.add, (h) => {
    let changed = false;
    for (const { name, value } of adds) {
      if (h[name] !== undefined) continue;
      h[name] = value;
      changed = true;
    }
    return changed;
  });

  const appends = pairs(config.append, mode);
  step(config.append, (h) => {
    for (const { name, value } of appends) {
      const prev = h[name];
      h[name] = prev === undefined ? value : [...(Array.isArray(prev) ? prev : [prev as string]), value];
    }
    return appends.length > 0;
  });

  if (steps.length === 0) return () => null;
  return (status, headers) => {
    const active = steps.filter((s) => s.applies(status));
    if (active.length === 0) return null;
    const out = Object.create(null) as Record<string, string | string[]>; // a header may be named `constructor`
    for (const k of Object.keys(headers)) {
      const v = headers[k]!;
      out[k.toLowerCase()] = typeof v === 'string' ? v : [...v];
    }
    let changed = false;
    for (const s of active) changed = s.run(out) || changed;
    return changed ? out : null;
  };
}

/** Entries with a value, names lower-cased; the advanced plugin also forgives spaces left by `a, b` lists. */
function pairs(part: HeaderActionConfig | undefined, mode: HeaderMode): { name: string; value: string }[] {
  return (part?.headers ?? []).flatMap((entry) => {
    const { name, value } = splitColonPair(mode === 'advanced' ? entry.trim() : entry);
    if (value === null) return [];
    return [{ name: (mode === 'advanced' ? name.trim() : name).toLowerCase(), value }];
  });
}

function compileRemoval(entry: string, mode: HeaderMode): (h: Record<string, string | string[]>) => boolean {
  const { name: rawName, value } = splitColonPair(mode === 'advanced' ? entry.trim() : entry);
  const name = (mode === 'advanced' ? rawName.trim() : rawName).toLowerCase();
  if (mode === 'basic' || value === null) {
    return (h) => {
      if (h[name] === undefined) return false;
      delete h[name];
      return true;
    };
  }
  const matches = compileValueMatcher(value.trim());
  // RFC 7230 §3.2.2: only a comma-separated field (or Set-Cookie, one cookie per line) holds several values.
  const oneValuePerLine = name === 'set-cookie';
  return (h) => {
    const current = h[name];
    if (current === undefined) return false;
    const lines = typeof current === 'string' ? [current] : current;
    const kept: string[] = [];
    let changed = false;
    for (const line of lines) {
      if (oneValuePerLine) {
        if (matches(line)) changed = true;
        else kept.push(line);
        continue;
      }
      const values = line.split(',').map((v) => v.trim());
      const left = values.filter((v) => !matches(v));
      if (left.length !== values.length) changed = true;
      if (left.length > 0) kept.push(left.length === values.length ? line : left.join(','));
    }
    if (!changed) return false;
    if (kept.length === 0) delete h[name];
    else h[name] = kept.length === 1 ? kept[0]! : kept;
    return true;
  };
}

/** `/re/` is a regular expression searched anywhere in a value; anything else lists exact values. */
export function compileValueMatcher(spec: string): (value: string) => boolean {
  if (isRegexSpec(spec)) {
    const re = new RegExp(spec.slice(1, -1));
    return (v) => re.test(v);
  }
  const exact = new Set(spec.split(',').map((v) => v.trim()));
  return (v) => exact.has(v);
}

export function isRegexSpec(spec: string): boolean {
  return spec.length >= 2 && spec.startsWith('/') && spec.endsWith('/');
}
