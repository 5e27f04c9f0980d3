import { Transform, type TransformCallback } from 'node:stream';

/** What a BodyProgress reports to: the attempt whose write/read timer it drives. */
export interface ProgressSink {
  arm(phase: 'write' | 'read'): void;
}

/**
 * A streamed request body on its way to the engine: each chunk the engine pulls is write progress, and the
 * body's end starts the read phase. Only bodies that stream pay for it (buffered ones are written at once).
 */
export class BodyProgress extends Transform {
  constructor(private readonly sink: ProgressSink) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.sink.arm('write');
    cb(null, chunk);
  }

  override _flush(cb: TransformCallback): void {
    this.sink.arm('read');
    cb();
  }
}
