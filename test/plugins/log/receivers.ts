/**
 * Log receivers on 127.0.0.1 for the log plugin tests: a TCP (or TLS) server collecting `\n`-terminated lines
 * and its connections, a UDP server collecting datagrams, and a unix datagram socket (through python3, since
 * Node cannot bind one) collecting syslog datagrams. Each closes when its test ends. Plus file-log's file read as
 * JSON lines.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { selfSignedCertificate } from '../../../src/tls/self-signed.js';
import { type Teardown, waitFor } from '../../helpers/gateway.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON record, read field by field
export type Rec = Record<string, any>;

/** The JSON lines of a log file (none while it does not exist). */
export async function fileLines(path: string): Promise<Rec[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Rec);
}

/** Waits until the file holds exactly `n` lines, and returns them. */
export async function waitForLines(path: string, n: number, ms = 5000): Promise<Rec[]> {
  return waitFor(`${n} line(s) in ${path}`, async () => {
    const l = await fileLines(path);
    return l.length === n ? l : undefined;
  }, ms);
}

export interface TcpReceiver {
  readonly port: number;
  readonly lines: string[];
  /** Every connection accepted, with the SNI it asked for (TLS) and whether it has ended. */
  readonly connections: { servername: string | false | null | undefined; ended: boolean }[];
}

export async function tcpReceiver(t: Teardown, opts: { tls?: boolean; closeAfterLine?: boolean } = {}): Promise<TcpReceiver> {
  const lines: string[] = [];
  const connections: TcpReceiver['connections'] = [];
  const sockets = new Set<Socket>();
  const onSocket = (s: Socket) => {
    sockets.add(s);
    const conn = { servername: (s as TLSSocket).servername, ended: false };
    connections.push(conn);
    let buffered = '';
    s.on('data', (b: Buffer) => {
      buffered += b.toString();
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        lines.push(buffered.slice(0, nl));
        buffered = buffered.slice(nl + 1);
        if (opts.closeAfterLine) s.end();
      }
    });
    s.on('end', () => {
      conn.ended = true;
      s.end();
    });
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  };
  let server: Server;
  if (opts.tls) {
    const { cert, key } = selfSignedCertificate('receiver.test');
    server = createTlsServer({ cert, key }, onSocket);
  } else {
    server = createNetServer(onSocket);
  }
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(
    () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  );
  return { port: (server.address() as { port: number }).port, lines, connections };
}

export interface UdpReceiver {
  readonly port: number;
  readonly datagrams: string[];
}

export async function udpReceiver(t: Teardown): Promise<UdpReceiver> {
  const datagrams: string[] = [];
  const s = createSocket('udp4');
  s.on('message', (m) => datagrams.push(m.toString()));
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => s.close(() => r())));
  return { port: s.address().port, datagrams };
}

export interface UnixDatagramReceiver {
  readonly path: string;
  readonly datagrams: string[];
}

const PY_RECEIVER = `
import os, socket, sys
p = sys.argv[1]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(p)
sys.stdout.write("ready\\n"); sys.stdout.flush()
while True:
    d = s.recv(1 << 20)
    sys.stdout.write(d.hex() + "\\n"); sys.stdout.flush()
`;

/**
 * A syslog daemon's socket stand-in: a unix datagram socket in a new directory under the system's temporary
 * one (a unix socket path has at most 107 bytes), each datagram recorded whole.
 */
export async function unixDatagramReceiver(t: Teardown): Promise<UnixDatagramReceiver> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-syslog-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'log');
  const datagrams: string[] = [];
  const child: ChildProcess = spawn('python3', ['-c', PY_RECEIVER, path], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => {
    child.kill();
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('the unix datagram receiver did not start')), 10_000);
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      let nl: number;
      while ((nl = out.indexOf('\n')) >= 0) {
        const line = out.slice(0, nl);
        out = out.slice(nl + 1);
        if (line === 'ready') {
          clearTimeout(timer);
          resolve();
        } else datagrams.push(Buffer.from(line, 'hex').toString());
      }
    });
    child.once('exit', (code) => reject(new Error(`the unix datagram receiver exited with ${code}`)));
  });
  return { path, datagrams };
}
