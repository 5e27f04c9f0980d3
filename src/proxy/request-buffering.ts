/**
 * Kong's `request_buffering` (nginx proxy_request_buffering, on by default): the request body is read whole
 * before the upstream is contacted, and sent with its Content-Length. nginx spills large bodies to disk;
 * sluice keeps at most MAX_BUFFERED_BODY in memory and streams anything larger.
 */
import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import type { UpstreamRequest } from '../http/engine.js';

export const MAX_BUFFERED_BODY = 1024 * 1024;

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

/**
 * Reads the body into `up.body` (or, past the limit, arranges `up.bodyStream` with what was read plus the rest),
 * then calls `ready`. `ready(false)` when the client went away before its body arrived.
 */
export function bufferRequestBody(req: IncomingMessage, up: UpstreamRequest, ready: (ok: boolean) => void): void {
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (!hasBody(req) || declared > MAX_BUFFERED_BODY || req.readableEnded) {
    ready(true);
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  const cleanup = () => {
    req.off('data', onData);
    req.off('end', onEnd);
    req.off('close', onClose);
  };
  const onData = (chunk: Buffer) => {
    chunks.push(chunk);
    size += chunk.length;
    if (size <= MAX_BUFFERED_BODY) return;
    // Too large to hold: hand the engine what arrived so far followed by the rest of the stream.
    cleanup();
    req.pause();
    const rest = new PassThrough();
    for (const c of chunks) rest.write(c);
    req.pipe(rest);
    up.bodyStream = rest;
    ready(true);
  };
  const onEnd = () => {
    cleanup();
    up.body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
    up.headers['content-length'] = String(size);
    delete up.headers['transfer-encoding'];
    ready(true);
  };
  const onClose = () => {
    if (req.readableEnded) return;
    cleanup();
    ready(false);
  };
  req.on('data', onData);
  req.once('end', onEnd);
  req.once('close', onClose);
}
