import type { TObject } from '@sinclair/typebox';

/** A plugin's declarative side: its config schema and the scopes and protocols Kong allows for it. */
export interface PluginSchemaInfo {
  readonly name: string;
  readonly version: string;
  /** Kong PRIORITY: higher runs first in every phase. */
  readonly priority: number;
  /** Config schema with Kong's defaults; the loader fills them. */
  readonly config: TObject;
  /** Checks across config fields that JSON Schema cannot say well; returns Kong's message or null. */
  readonly check?: (config: Readonly<Record<string, unknown>>) => string | null;
  readonly noConsumer?: boolean;
  readonly noRoute?: boolean;
  readonly noService?: boolean;
  /**
   * Protocols the plugin's `protocols` field accepts (Kong: the plugin schema's protocols typedef); absent:
   * every protocol (Kong's typedefs.protocols).
   */
  readonly protocols?: readonly string[];
  /** The `protocols` default when it is not Kong's grpc, grpcs, http, https (e.g. ip-restriction adds tcp, tls). */
  readonly defaultProtocols?: readonly string[];
}
