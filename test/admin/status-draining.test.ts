/**
 * `/status` shows what old snapshots still hold: a WebSocket tunnel opened before a reload keeps its snapshot
 * (`sluice.draining: 1`) and that snapshot's health checker (`sluice.health_checkers`) alive; once the client
 * side ends (FIN or reset) while the upstream never closes, the tunnel is torn down, the snapshot retires and the
 * checker of the upstream the reload removed stops, well under a second later. On a real gateway with a raw
 * upstream that answers the upgrade and then never writes, ends or closes.
 */
import { randomBytes } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import t from 'tap';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { request } from '../helpers/http.js';
import { startUpstream, type Upstream } from '../helpers/upstream.js';
import { acceptKey } from '../helpers/websocket.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Answers the upgrade, then holds the connection open whatever the gateway does (half-open allowed). */
async function startSilentWebSocketUpstream(): Promise<{ port: number; open: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  /** Connections the gateway has not ended yet (this side never ends them, so they never close by themselves). */
  const open = new Set<Socket>();
  const server: Server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    open.add(socket);
    socket.once('end', () => open.delete(socket));
    socket.once('close', () => (sockets.delete(socket), open.delete(socket)));
    socket.on('error', () => {});
    let head = '';
    const onData = (d: Buffer) => {
      head += d.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      const key = /sec-websocket-key: *([^\r]+)/i.exec(head)?.[1] ?? '';
      socket.write(
        `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptKey(key)}\r\n\r\n`,
      );
      socket.resume(); // reads whatever comes, answers nothing, never ends its side
    };
    socket.on('data', onData);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as { port: number }).port,
    get open() {
      return open.size;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** A client WebSocket through the gateway, held open until the test ends its side. */
function openTunnel(port: number, path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const key = randomBytes(16).toString('base64');
    const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    let head = '';
    const timer = setTimeout(() => reject(new Error('no 101 within 3 s')), 3000);
    socket.on('error', reject);
    socket.once('connect', () =>
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: example.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
          `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      ),
    );
    const onData = (d: Buffer) => {
      head += d.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('error', reject);
      socket.on('error', () => {});
      socket.resume();
      if (!head.startsWith('HTTP/1.1 101')) reject(new Error(`no upgrade: ${head.split('\r\n')[0]}`));
      else resolve(socket);
    };
    socket.on('data', onData);
  });
}

interface SluiceStatus {
  generation: number;
  draining: number;
  health_checkers: number;
}

async function status(gw: TestGateway): Promise<SluiceStatus> {
  return (await request(gw.adminPort, '/status')).json<{ sluice: SluiceStatus }>().sluice;
}

/** Polls `/status` until `cond` holds; resolves with the time it took, or null after `ms`. */
async function until(gw: TestGateway, cond: (s: SluiceStatus) => boolean, ms: number): Promise<number | null> {
  const started = performance.now();
  while (performance.now() - started < ms) {
    if (cond(await status(gw))) return performance.now() - started;
    await sleep(10);
  }
  return null;
}

function config(ws: number, pool: Upstream | null): string {
  const upstream = pool
    ? `upstreams:
  - name: pool
    healthchecks:
      active:
        healthy: { interval: 0.1, successes: 1 }
        unhealthy: { interval: 0.1, http_failures: 1 }
    targets: [{ target: "127.0.0.1:${pool.port}" }]
`
    : '';
  const service = pool ? `  - name: pooled\n    host: pool\n    routes: [{ name: r-pool, paths: [/pool] }]\n` : '';
  return `_format_version: "3.0"
${upstream}services:
  - name: ws
    url: http://127.0.0.1:${ws}
    routes: [{ name: r-ws, paths: [/ws] }]
${service}`;
}

const ENDINGS = [
  { name: 'client ends its side (FIN)', end: (s: Socket) => void s.end() },
  { name: 'client resets the connection', end: (s: Socket) => void s.destroy() },
];

t.test('/status: draining snapshots and live health checkers follow a half-open tunnel', async (t) => {
  const ws = await startSilentWebSocketUpstream();
  const pool = await startUpstream('pool');
  t.teardown(async () => {
    await ws.close();
    await pool.close();
  });

  for (const ending of ENDINGS) {
    await t.test(ending.name, async (t) => {
      const gw = await startTestGateway(config(ws.port, pool));
      t.teardown(() => gw.close());
      const before = await status(gw);
      t.equal(before.draining, 0, 'nothing draining at start');
      t.equal(before.health_checkers, 1, 'the upstream with active checks has a live checker');

      const client = await openTunnel(gw.port, '/ws');
      t.teardown(() => client.destroy());
      await gw.writeConfig(config(ws.port, null));
      t.equal((await gw.reload()).status, 'swapped', 'reloaded without the upstream');
      const during = await status(gw);
      t.equal(during.generation, 2);
      t.equal(during.draining, 1, 'the tunnel holds the old snapshot');
      t.equal(during.health_checkers, 1, "and the old snapshot its upstream's checker");
      await sleep(200);
      t.equal((await status(gw)).draining, 1, 'still draining while the tunnel is open');
      t.equal(ws.open, 1, 'the upstream connection is open');

      ending.end(client);
      const drained = await until(gw, (s) => s.draining === 0, 3000);
      t.ok(drained !== null && drained < 500, `drained ${drained === null ? 'never (3 s)' : `${Math.round(drained)} ms`} after the client side ended`);
      const stopped = await until(gw, (s) => s.health_checkers === 0, 1000);
      t.ok(stopped !== null, 'the removed upstream has no live checker once its last snapshot retired');
      t.ok((await until(gw, () => ws.open === 0, 1000)) !== null, 'the gateway ended its upstream connection');
    });
  }
});
