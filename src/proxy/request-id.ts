import { randomFillSync } from 'node:crypto';

// Kong's request id is nginx's $request_id: 32 random hex characters. Random bytes are drawn in blocks so the
// request path does not pay a syscall per request.
const BLOCK = 4096;
const pool = Buffer.allocUnsafe(BLOCK);
let offset = BLOCK;

export function newRequestId(): string {
  if (offset + 16 > BLOCK) {
    randomFillSync(pool);
    offset = 0;
  }
  const id = pool.toString('hex', offset, offset + 16);
  offset += 16;
  return id;
}
