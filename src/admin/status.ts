/** `GET /status` (Kong: api/routes/health.lua, pdk/node.lua get_memory_stats, tools bytes_to_str). */
import type { AdminSnapshot, NodeFacts, ServerStatsInput } from './context.js';
import { type AdminResponse, message } from './responses.js';

export interface MemoryFormat {
  /** 'b' = plain byte counts (numbers); otherwise strings like "12.34 MiB". */
  readonly unit: 'b' | 'k' | 'm' | 'g';
  readonly scale: number;
}

const UNIT_SUFFIX = { k: ['KiB', 2 ** 10], m: ['MiB', 2 ** 20], g: ['GiB', 2 ** 30] } as const;

/** Kong's defaults are MiB with two decimals; a non-numeric scale is ignored, a negative one refused. */
export function parseMemoryFormat(query: URLSearchParams): { ok: true; value: MemoryFormat } | { ok: false; error: AdminResponse } {
  const rawUnit = query.get('unit') ?? 'm';
  const unit = rawUnit.toLowerCase();
  if (unit !== '' && unit !== 'b' && unit !== 'k' && unit !== 'm' && unit !== 'g') {
    return { ok: false, error: message(400, `invalid unit '${rawUnit}' (expected 'k/K', 'm/M', or 'g/G')`) };
  }
  const rawScale = query.get('scale');
  let scale = 2;
  if (rawScale !== null && rawScale.trim() !== '' && Number.isFinite(Number(rawScale))) {
    scale = Number(rawScale);
    if (scale < 0) return { ok: false, error: message(400, 'scale must be equal or greater than 0') };
    scale = Math.min(Math.floor(scale), 100);
  }
  return { ok: true, value: { unit: unit === '' ? 'b' : unit, scale } };
}

export function formatBytes(bytes: number, f: MemoryFormat): number | string {
  if (f.unit === 'b') return Math.floor(bytes);
  const [suffix, div] = UNIT_SUFFIX[f.unit];
  return `${(bytes / div).toFixed(f.scale)} ${suffix}`;
}

/**
 * nginx stub_status counters. Every open connection is in exactly one state: reading (a request's headers are
 * arriving), writing (a request is being answered, a tunnel included) or waiting (idle keep-alive, or not yet
 * sent anything), so waiting is what the other two leave of the active connections (nginx's own identity:
 * active = reading + writing + waiting). Counted per request, writing can briefly exceed the connections
 * (pipelined requests), so waiting is never below 0.
 */
/** kong.nginx.get_statistics(), in its names. */
export type ServerStats = Readonly<Record<
  | 'total_requests'
  | 'connections_active'
  | 'connections_accepted'
  | 'connections_handled'
  | 'connections_reading'
  | 'connections_writing'
  | 'connections_waiting',
  number
>>;

export function serverStats(s: ServerStatsInput): ServerStats {
  const reading = s.connections_reading ?? 0;
  const writing = s.connections_writing ?? 0;
  return {
    total_requests: s.total_requests,
    connections_active: s.connections_active,
    connections_accepted: s.connections_accepted,
    connections_handled: s.connections_handled,
    connections_reading: reading,
    connections_writing: writing,
    connections_waiting: Math.max(0, s.connections_active - reading - writing),
  };
}

/** Kong's configuration_hash while no configuration is loaded (constants.lua DECLARATIVE_EMPTY_CONFIG_HASH). */
export const EMPTY_CONFIG_HASH = '0'.repeat(32);

/**
 * Kong's body plus a `sluice` block. Node has one heap where Kong has per-worker Lua VMs and shared dicts:
 * the heap in use stands in for the worker VM; shared dicts have no counterpart and stay empty. `snap` is null
 * before the first configuration is loaded (the status listener answers by then).
 */
export function statusBody(snap: AdminSnapshot | null, node: NodeFacts, f: MemoryFormat): Record<string, unknown> {
  const mem = node.memory();
  const lastError = node.lastReloadError();
  const runtime = node.runtime();
  return {
    memory: {
      workers_lua_vms: [{ http_allocated_gc: formatBytes(mem.heapUsed, f), pid: process.pid }],
      lua_shared_dicts: {},
    },
    server: serverStats(node.stats()),
    configuration_hash: snap?.hash ?? EMPTY_CONFIG_HASH,
    sluice: {
      generation: snap?.generation ?? 0,
      loaded_at: snap ? new Date(snap.loadedAt).toISOString() : null,
      config_file: snap?.file ?? null,
      format_version: snap?.formatVersion ?? null,
      memory: {
        rss: formatBytes(mem.rss, f),
        heap_total: formatBytes(mem.heapTotal, f),
        heap_used: formatBytes(mem.heapUsed, f),
        external: formatBytes(mem.external, f),
        array_buffers: formatBytes(mem.arrayBuffers, f),
      },
      last_reload_error: lastError ? { at: new Date(lastError.at).toISOString(), errors: lastError.errors } : null,
      // Replaced snapshots still held by in-flight requests or tunnels (Envoy's draining listeners), and the
      // health checkers alive across all snapshots: both fall back once old requests and tunnels end.
      draining: runtime.draining,
      health_checkers: runtime.healthCheckers,
    },
  };
}
