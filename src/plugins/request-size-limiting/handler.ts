import type { Pdk } from '../../pdk/kong.js';
import { definePlugin } from '../define.js';
import { schema } from './schema.js';

interface Config {
  allowed_payload_size: number;
  size_unit: 'megabytes' | 'kilobytes' | 'bytes';
  require_content_length: boolean;
}

const UNIT: Readonly<Record<Config['size_unit'], number>> = { bytes: 1, kilobytes: 1024, megabytes: 1048576 };
const MESSAGE = 'Request size limit exceeded';

export default definePlugin<Config>({
  schema,
  create(config) {
    const allowed = config.allowed_payload_size * UNIT[config.size_unit];

    function refuse(kong: Pdk): void {
      // A client waiting for 100-continue has sent nothing yet: 417 tells it not to (Kong).
      const expect = kong.request.get_header('expect');
      kong.response.error(expect !== null && expect.trim().toLowerCase() === '100-continue' ? 417 : 413, MESSAGE);
    }

    return {
      access(kong) {
        const cl = kong.request.get_header('content-length');
        const length = cl === null || cl.trim() === '' ? NaN : Number(cl);
        if (!Number.isNaN(length)) {
          if (length > allowed) refuse(kong);
          return;
        }
        const te = kong.request.get_header('transfer-encoding');
        if (config.require_content_length && te !== 'chunked') {
          kong.response.error(411, 'A valid Content-Length header is required');
          return;
        }
        // Without Content-Length or Transfer-Encoding an HTTP/1.1 request has no body.
        if (te === null) return;
        // A chunked body is counted as it streams upstream and cut off past the limit (Kong reads it whole first).
        kong.request.limit_body(allowed, 413, MESSAGE);
      },
    };
  },
});
