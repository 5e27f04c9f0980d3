import { Type } from '@sinclair/typebox';
import { atConfig, type PluginSchemaInfo } from '../types.js';
import { checkIpList } from './ip-list.js';
import { KONG_VERSION } from '../../util/versions.js';

const ipList = () => Type.Optional(Type.Array(Type.String({ minLength: 1 })));
// Kong's is_nonempty for a list: given, not null, at least one entry.
const filled = (field: string) => ({ required: [field], properties: { [field]: { type: 'array', minItems: 1 } } });

/** kong/plugins/ip-restriction/schema.lua; its entity check (at_least_one_of) is JSON Schema here. */
export const schema: PluginSchemaInfo = {
  name: 'ip-restriction',
  version: KONG_VERSION,
  priority: 990,
  // Kong: typedefs.protocols with this default, so any protocol is accepted.
  defaultProtocols: ['http', 'https', 'tcp', 'tls', 'grpc', 'grpcs'],
  config: Type.Object(
    {
      allow: ipList(),
      deny: ipList(),
      status: Type.Optional(Type.Number()),
      message: Type.Optional(Type.String({ minLength: 1 })),
    },
    {
      additionalProperties: false,
      default: {},
      anyOf: [filled('allow'), filled('deny')],
      'x-error': { anyOf: "at least one of these fields must be non-empty: 'config.allow', 'config.deny'" },
    },
  ),
  configProblems(config) {
    // Kong's typedefs.ip_or_cidr, reported at the entry.
    for (const field of ['allow', 'deny'] as const) {
      const list = Array.isArray(config[field]) ? (config[field] as unknown[]) : [];
      for (let i = 0; i < list.length; i++) {
        const err = checkIpList([list[i]]);
        if (err !== null) return atConfig([field, i], err);
      }
    }
    return [];
  },
};
