import type { IncomingMessage } from 'node:http';

/** Reads a request body into memory, refusing more than `max` bytes (the caller answers 413). */
export function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        req.destroy();
        reject(Object.assign(new Error(`request body larger than ${max} bytes`), { status: 413 }));
        return;
      }
      chunks.push(c);
    });
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

/** Kong's get_query: repeated keys become arrays, a key without `=` is `true`. */
export function parseQuery(raw: string, max: number): Record<string, string | string[] | true> {
  // No prototype: `?constructor=1` or `?__proto__=x` are arguments like any other, not Object's members.
  const out = Object.create(null) as Record<string, string | string[] | true>;
  if (!raw) return out;
  let n = 0;
  for (const part of raw.split('&')) {
    if (!part) continue;
    if (n++ >= max) break;
    const eq = part.indexOf('=');
    const k = decode(eq < 0 ? part : part.slice(0, eq));
    const v: string | true = eq < 0 ? true : decode(part.slice(eq + 1));
    const prev = out[k];
    if (prev === undefined) out[k] = v;
    else out[k] = [...(Array.isArray(prev) ? prev : [String(prev)]), String(v)];
  }
  return out;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}
