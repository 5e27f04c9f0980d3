import type { Entities } from '../schema/index.js';
import type { ContentKeys } from './content-key.js';

/** One problem in a config file: what, where (entity path and file:line:col) and how to fix it. */
export interface ConfigError {
  /** Entity path as written, e.g. `services[0].routes[1].paths[0]` (empty for the whole file). */
  readonly path: string;
  readonly line?: number;
  readonly column?: number;
  readonly message: string;
  readonly hint?: string;
  /**
   * Message and hint as logs and the Admin API show them, when they quote a secret (src/log/secret-fields.ts):
   * the secret's text replaced by `[redacted]`. `sluice validate` shows `message` and `hint` as they are (Kong).
   */
  readonly redacted?: { readonly message: string; readonly hint?: string };
}

export interface LoadedConfig {
  /** Flat, every field present (absent = null), Kong's defaults filled, foreign keys as `{ id }`; deep-frozen, except as the load worker sends it (the compile freezes it, src/snapshot/intern.ts). */
  readonly entities: Entities;
  /** md5 hex of the raw file bytes (Kong's configuration_hash). */
  readonly hash: string;
  readonly formatVersion: string;
  readonly transform: boolean;
  /** Each entity's content key, by collection (src/config/content-key.ts); compile computes them when absent. */
  readonly keys?: ContentKeys;
}

export type LoadResult = { readonly ok: true; readonly config: LoadedConfig } | { readonly ok: false; readonly errors: readonly ConfigError[] };
