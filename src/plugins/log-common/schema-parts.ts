import { Type } from '@sinclair/typebox';
import { host } from '../../schema/typedefs.js';

/** typedefs.host: a host name or IP address; Kong says "must not have a port" first when one was written. */
export const hostWithoutPort = (opts: Record<string, unknown> = {}) =>
  Type.Unsafe<string>({
    type: 'string',
    minLength: 1,
    if: { type: 'string', pattern: '^(\\[[^\\]]*\\]|[^:\\[\\]]*):\\d*$' },
    then: { not: {}, 'x-error': { not: 'must not have a port' } },
    else: host(),
    ...opts,
  });
