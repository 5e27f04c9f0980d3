import { Transform, type TransformCallback } from 'node:stream';

/** Raised through the upstream body stream when the client sends more than allowed. */
export class BodyLimitExceeded extends Error {
  readonly status = 413;
  constructor(readonly limit: number) {
    super(`request body exceeds ${limit} bytes`);
  }
}

/**
 * A pass-through that counts request body bytes on their way upstream and fails at the first chunk that
 * crosses `limit`, before forwarding it: a chunked body is cut off while streaming and never held whole.
 * `onExceeded` runs once, so the caller can answer the client (413) and drop the upstream request.
 */
export function createBodyLimiter(limit: number, onExceeded: (err: BodyLimitExceeded) => void): Transform {
  let seen = 0;
  let tripped = false;
  const limiter = new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
      seen += chunk.length;
      if (seen > limit) {
        const err = new BodyLimitExceeded(limit);
        if (!tripped) {
          tripped = true;
          onExceeded(err);
        }
        cb(err);
        return;
      }
      cb(null, chunk);
    },
  });
  // The error is reported through onExceeded; a consumer that only pipes (http-proxy) must not see it thrown.
  limiter.on('error', () => undefined);
  return limiter;
}
