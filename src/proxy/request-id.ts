import { randomFillSync } from 'node:crypto';

// Kong's request id is nginx's $request_id: 32 random hex characters. Random bytes are drawn in blocks and
// hex-encoded a block at a time, so a request pays neither a syscall nor an encoding: its id is a slice of the
// block's text (V8 keeps such slices as views of it).
const BLOCK = 4096;
const pool = Buffer.allocUnsafe(BLOCK);
let hex = '';
let offset = BLOCK * 2;

export function newRequestId(): string {
  if (offset + 32 > BLOCK * 2) {
    randomFillSync(pool);
    hex = pool.toString('hex');
    offset = 0;
  }
  const id = hex.slice(offset, offset + 32);
  offset += 32;
  return id;
}
