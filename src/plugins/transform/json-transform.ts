import { compileBodyFunctions, type BodyFunction } from './body-functions.js';
import { splitColonPair } from './colon-pair.js';
import { isJsonContentType } from './content-type.js';
import { applyAllow, compileAllowTree, type AllowTree } from './json-allow.js';
import { locate, parseJsonPath, readSlot, removeSlots, setOwn, type PathSegment, writeSlot } from './json-path.js';
import { configJsonValue, type JsonType, type JsonValue } from './json-value.js';
import { compileStatusFilter, type StatusFilter } from './status-filter.js';

/** The body side of response-transformer(-advanced) config; absent parts mean "nothing to do". */
export interface BodyTransformConfig {
  readonly remove?: { readonly json?: readonly string[]; readonly if_status?: readonly string[] | null };
  readonly rename?: { readonly json?: readonly string[]; readonly if_status?: readonly string[] | null };
  readonly replace?: ValueActionConfig & { readonly body?: string | null };
  readonly add?: ValueActionConfig;
  readonly append?: ValueActionConfig;
  readonly allow?: { readonly json?: readonly string[] | null } | null;
  /** The name `allow` had before Kong 2.x; merged with it. */
  readonly whitelist?: { readonly json?: readonly string[] | null } | null;
  readonly transform?: { readonly functions?: readonly string[]; readonly if_status?: readonly string[] | null };
  readonly dots_in_keys?: boolean;
}

interface ValueActionConfig {
  readonly json?: readonly string[];
  readonly json_types?: readonly JsonType[] | null;
  readonly if_status?: readonly string[] | null;
}

/** One JSON action compiled: runs over the decoded body, says whether it changed anything. */
interface JsonStep {
  readonly applies: StatusFilter;
  run(doc: JsonValue): boolean;
}

export interface ResponseBodyPlan {
  /** Whether any body work is configured at all (the proxy must then buffer the response). */
  readonly active: boolean;
  /** Whether the body may change for this response; header_filter drops Content-Length when it may. */
  mayChange(status: number, contentType: string | null): boolean;
  /** The new body, or null when it stays as it is (not JSON, not parseable, or nothing applied). */
  apply(status: number, contentType: string | null, body: string): string | null;
}

/** Everything that depends only on config is done here, once: paths parsed, values cast, functions compiled. */
export function compileBodyPlan(config: BodyTransformConfig, label = 'transform.functions'): ResponseBodyPlan {
  const dots = config.dots_in_keys ?? true;
  const path = (text: string): PathSegment[] => {
    const p = parseJsonPath(text, dots);
    if (typeof p === 'string') throw new Error(`invalid JSON path ${p}`);
    return p;
  };

  const steps: JsonStep[] = [];
  const remove = (config.remove?.json ?? []).map(path);
  if (remove.length > 0) steps.push({ applies: compileStatusFilter(config.remove?.if_status), run: (doc) => runRemove(doc, remove) });

  const rename = (config.rename?.json ?? []).flatMap((entry) => {
    const { name, value } = splitColonPair(entry);
    return value === null ? [] : [{ from: path(name), to: value }];
  });
  if (rename.length > 0) steps.push({ applies: compileStatusFilter(config.rename?.if_status), run: (doc) => runRename(doc, rename) });

  for (const [action, create] of [
    ['replace', false],
    ['add', true],
    ['append', true],
  ] as const) {
    const part = config[action];
    const entries = valueEntries(part, path);
    if (entries.length === 0) continue;
    const write = WRITERS[action];
    steps.push({
      applies: compileStatusFilter(part?.if_status),
      run: (doc) => {
        let changed = false;
        for (const e of entries) for (const slot of locate(doc, e.path, create)) changed = write(slot, e.value) || changed;
        return changed;
      },
    });
  }

  const allowList = [...(config.allow?.json ?? []), ...(config.whitelist?.json ?? [])];
  const allow: AllowTree | null = allowList.length > 0 ? compileAllowTree(allowList.map(path)) : null;

  const functions: BodyFunction[] = compileBodyFunctions(config.transform?.functions ?? [], label);
  const functionsApply = compileStatusFilter(config.transform?.if_status);

  const replaceBody = config.replace?.body ?? null;
  const replaceApplies = compileStatusFilter(config.replace?.if_status);

  const jsonActive = steps.length > 0 || allow !== null || functions.length > 0;
  const jsonApplies = (status: number) =>
    allow !== null || steps.some((s) => s.applies(status)) || (functions.length > 0 && functionsApply(status));

  return {
    active: jsonActive || replaceBody !== null,
    mayChange(status, contentType) {
      if (replaceBody !== null && replaceApplies(status)) return true;
      return jsonActive && isJsonContentType(contentType) && jsonApplies(status);
    },
    apply(status, contentType, body) {
      // Kong EE: the replacement body is sent whatever the content type says.
      if (replaceBody !== null && replaceApplies(status)) return replaceBody;
      if (!jsonActive || !isJsonContentType(contentType) || !jsonApplies(status)) return null;
      let doc: JsonValue;
      try {
        doc = JSON.parse(body) as JsonValue;
      } catch {
        return null; // Kong: "failed parsing json body", the body passes unchanged
      }
      let changed = false;
      for (const step of steps) if (step.applies(status)) changed = step.run(doc) || changed;
      if (allow !== null) {
        doc = applyAllow(doc, allow);
        changed = true;
      }
      if (functions.length > 0 && functionsApply(status)) {
        for (const fn of functions) doc = fn(doc);
        changed = true;
      }
      return changed ? JSON.stringify(doc) ?? 'null' : null;
    },
  };
}

interface ValueEntry {
  readonly path: PathSegment[];
  readonly value: JsonValue;
}

/** `name:value` entries with their json_types cast; entries without a value or with a non-number are dropped (Kong). */
function valueEntries(part: ValueActionConfig | undefined, path: (text: string) => PathSegment[]): ValueEntry[] {
  const out: ValueEntry[] = [];
  (part?.json ?? []).forEach((entry, i) => {
    const { name, value } = splitColonPair(entry);
    if (value === null) return;
    const v = configJsonValue(value, part?.json_types?.[i] ?? undefined);
    if (v === undefined) return;
    out.push({ path: path(name), value: v });
  });
  return out;
}

// Kong tests presence with Lua truthiness: a property holding `false` counts as absent for replace and add.
const isSet = (v: JsonValue | undefined) => v !== undefined && v !== false;

const WRITERS: Record<'replace' | 'add' | 'append', (slot: Parameters<typeof readSlot>[0], value: JsonValue) => boolean> = {
  replace(slot, value) {
    if (!isSet(readSlot(slot))) return false;
    writeSlot(slot, value);
    return true;
  },
  add(slot, value) {
    if (isSet(readSlot(slot))) return false;
    writeSlot(slot, value);
    return true;
  },
  append(slot, value) {
    writeSlot(slot, appendValue(readSlot(slot), value));
    return true;
  },
};

/**
 * Kong: a missing property becomes a one-element array and an array grows. Any other existing value is
 * kept as the first element (the documented "old and new aggregated in an array"; Kong's OSS code keeps
 * only strings and would drop a number or object).
 */
function appendValue(current: JsonValue | undefined, value: JsonValue): JsonValue {
  if (current === undefined) return [value];
  if (Array.isArray(current)) {
    current.push(value);
    return current;
  }
  return [current, value];
}

function runRemove(doc: JsonValue, paths: readonly PathSegment[][]): boolean {
  let changed = false;
  for (const p of paths) changed = removeSlots(locate(doc, p, false)) || changed;
  return changed;
}

function runRename(doc: JsonValue, pairs: readonly { from: PathSegment[]; to: string }[]): boolean {
  let changed = false;
  for (const { from, to } of pairs) {
    for (const slot of locate(doc, from, false)) {
      if (Array.isArray(slot.container) || slot.key === to) continue;
      const value = readSlot(slot);
      if (value === undefined) continue;
      delete slot.container[slot.key];
      setOwn(slot.container, to, value);
      changed = true;
    }
  }
  return changed;
}

/** Whether a config can change a response body at all (so the proxy must buffer it); no compiling. */
export function configTouchesBody(config: BodyTransformConfig): boolean {
  const some = (list: readonly unknown[] | null | undefined) => (list ?? []).length > 0;
  return (
    some(config.remove?.json) ||
    some(config.rename?.json) ||
    some(config.replace?.json) ||
    some(config.add?.json) ||
    some(config.append?.json) ||
    some(config.allow?.json) ||
    some(config.whitelist?.json) ||
    some(config.transform?.functions) ||
    (config.replace?.body ?? null) !== null
  );
}
