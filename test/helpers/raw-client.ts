import { connect as netConnect } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';

export interface RawResult {
  /** Status codes of every response head received, in order. */
  readonly statuses: number[];
  readonly text: string;
}

/**
 * Writes `text` as is to 127.0.0.1:port (plain or TLS) and collects what comes back until the server closes,
 * a 101 head arrives (then the client closes), or `timeoutMs` passes. For requests no HTTP client library
 * would send: duplicate Host headers, smuggled upgrades, pipelines.
 */
export function rawExchange(
  port: number,
  text: string | Buffer,
  opts: { tls?: boolean; timeoutMs?: number; /** Half-close after writing, so the server ends the exchange. */ end?: boolean } = {},
): Promise<RawResult> {
  return new Promise((resolve, reject) => {
    const socket: Duplex = opts.tls
      ? tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false, servername: 'localhost' })
      : netConnect(port, '127.0.0.1');
    let out = '';
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ statuses: [...out.matchAll(/HTTP\/1\.[01] (\d{3})/g)].map((m) => Number(m[1])), text: out });
    };
    const timer = setTimeout(finish, opts.timeoutMs ?? 3000);
    socket.once(opts.tls ? 'secureConnect' : 'connect', () => (opts.end ? socket.end(text) : socket.write(text)));
    socket.on('data', (d: Buffer) => {
      out += d.toString('latin1');
      if (/HTTP\/1\.1 101 [^\r]*\r\n(?:[^\r]*\r\n)*\r\n/.test(out)) setTimeout(finish, 50);
    });
    socket.on('close', finish);
    socket.on('error', (err) => (out === '' && !settled ? ((settled = true), clearTimeout(timer), reject(err)) : finish()));
  });
}
