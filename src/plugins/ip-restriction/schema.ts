import { Type } from '@sinclair/typebox';
import type { PluginSchemaInfo } from '../types.js';
import { checkIpList } from './ip-list.js';
import { KONG_VERSION } from '../../util/versions.js';

const ipList = () => Type.Optional(Type.Union([Type.Array(Type.String()), Type.Null()]));

/** kong/plugins/ip-restriction/schema.lua. */
export const schema: PluginSchemaInfo = {
  name: 'ip-restriction',
  version: KONG_VERSION,
  priority: 990,
  protocols: ['http', 'https', 'tcp', 'tls', 'grpc', 'grpcs'],
  config: Type.Object(
    {
      allow: ipList(),
      deny: ipList(),
      status: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
      message: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    },
    { additionalProperties: false, default: {} },
  ),
  check(config) {
    if (config.allow == null && config.deny == null) {
      return "at least one of these fields must be non-empty: 'config.allow', 'config.deny'";
    }
    return checkIpList(config.allow) ?? checkIpList(config.deny);
  },
};
