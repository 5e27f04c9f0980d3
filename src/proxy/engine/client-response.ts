import type { IncomingHttpHeaders, OutgoingHttpHeaders, ServerResponse } from 'node:http';

/** Writes the response head; hooks may leave undefined values behind, which node:http would reject. */
export function writeHead(res: ServerResponse, status: number, headers: IncomingHttpHeaders): void {
  const h = headers as Record<string, unknown>;
  for (const name in h) if (h[name] === undefined) delete h[name];
  res.writeHead(status, headers as OutgoingHttpHeaders);
}

/** A fully read upstream response, written at once (bufferResponse without an onBody hook). */
export function writeBuffered(res: ServerResponse, status: number, headers: IncomingHttpHeaders, body: Buffer): void {
  // The body is complete, so its length is known; HEAD keeps the upstream's length for the entity it describes.
  if (res.req.method !== 'HEAD') headers['content-length'] = String(body.length);
  writeHead(res, status, headers);
  res.end(body.length > 0 ? body : undefined);
}

/**
 * Joins buffered body chunks, copying only when there are several.
 */
export function joinChunks(chunks: Buffer[], size: number): Buffer {
  if (chunks.length === 1) return chunks[0]!;
  return Buffer.concat(chunks, size);
}
