import { Type } from '@sinclair/typebox';
import { foreign, ignored, nonEmpty, protocol, stringSet, tags, timestamp, utf8Name, uuid } from '../typedefs.js';

const phaseList = () => Type.Object({ access: Type.Optional(Type.Array(nonEmpty())) }, { additionalProperties: false });

/**
 * kong/db/schema/entities/plugins.lua. `config` is checked against the named plugin's own schema
 * (src/plugins/<name>/schema.ts) in a second step, so its errors name the plugin's fields.
 */
export const pluginFields = Type.Object(
  {
    id: Type.Optional(uuid()),
    name: nonEmpty(),
    instance_name: Type.Optional(utf8Name()),
    route: Type.Optional(foreign('routes')),
    service: Type.Optional(foreign('services')),
    consumer: Type.Optional(foreign('consumers')),
    consumer_group: Type.Optional(foreign('consumer_groups')),
    config: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    protocols: Type.Optional(stringSet(protocol(), { default: ['grpc', 'grpcs', 'http', 'https'] })),
    enabled: Type.Optional(Type.Boolean({ default: true })),
    ordering: Type.Optional(
      Type.Object(
        { before: Type.Optional(phaseList()), after: Type.Optional(phaseList()) },
        { additionalProperties: false, description: 'Dynamic plugin ordering (Kong Enterprise; access phase only).' },
      ),
    ),
    tags: Type.Optional(tags()),
    created_at: Type.Optional(timestamp()),
    updated_at: Type.Optional(timestamp()),
    ...ignored,
  },
  { additionalProperties: false },
);
