/**
 * `/status`'s connection counters as nginx's stub_status means them, over a real gateway and real keep-alive
 * sockets: idle keep-alive connections are `waiting`, a request still being answered is `writing`, and every
 * active connection is in exactly one state (active = reading + writing + waiting).
 */
import { connect, type Socket } from 'node:net';
import t from 'tap';
import { serverStats } from '../../src/admin/status.js';
import { gatewayWithService, pluginRoute, waitFor } from '../helpers/gateway.js';
import { request } from '../helpers/http.js';

interface Server {
  connections_active: number;
  connections_reading: number;
  connections_writing: number;
  connections_waiting: number;
}

t.test('waiting is what reading and writing leave of the active connections', async (t) => {
  const base = { total_requests: 0, connections_accepted: 9, connections_handled: 9 };
  const cases: [string, { active: number; reading?: number; writing?: number }, [number, number, number]][] = [
    ['all idle', { active: 4 }, [0, 0, 4]],
    ['one answering', { active: 4, writing: 1 }, [0, 1, 3]],
    ['reading and writing', { active: 5, reading: 1, writing: 2 }, [1, 2, 2]],
    ['pipelined requests outnumber connections', { active: 1, writing: 3 }, [0, 3, 0]],
    ['nothing open', { active: 0 }, [0, 0, 0]],
  ];
  for (const [name, c, [reading, writing, waiting]] of cases) {
    const s = serverStats({
      ...base,
      connections_active: c.active,
      ...(c.reading === undefined ? {} : { connections_reading: c.reading }),
      ...(c.writing === undefined ? {} : { connections_writing: c.writing }),
      // A server's own waiting figure is not trusted: it is derived.
      connections_waiting: 0,
    });
    t.same([s.connections_reading, s.connections_writing, s.connections_waiting], [reading, writing, waiting], name);
  }
});

/** One keep-alive request on a raw socket, which is then left open and idle. */
function keepAliveSocket(port: number, path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let got = '';
    socket.once('error', reject);
    socket.once('connect', () => socket.write(`GET ${path} HTTP/1.1\r\nHost: test\r\n\r\n`));
    socket.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      const head = got.indexOf('\r\n\r\n');
      const length = /content-length: *(\d+)/i.exec(got);
      if (head >= 0 && length && got.length >= head + 4 + Number(length[1])) resolve(socket);
    });
  });
}

t.test('real keep-alive connections: idle ones wait, a slow request writes', async (t) => {
  let release: () => void = () => {};
  const released = new Promise<void>((r) => (release = r));
  const { gw, up } = await gatewayWithService(
    t,
    `- name: slow
  paths: [/slow]
${pluginRoute('fast', 'request-termination', '{ status_code: 200, message: ok }')}`,
    { handler: (_req, res) => void released.then(() => res.end('late')) },
  );
  t.teardown(release);
  const status = async () => (await request(gw.adminPort, '/status')).json<{ server: Server }>().server;
  const sockets: Socket[] = [];
  t.teardown(() => sockets.forEach((s) => s.destroy()));

  const IDLE = 5;
  for (let i = 0; i < IDLE; i++) sockets.push(await keepAliveSocket(gw.port, '/fast'));
  const idle = await waitFor('idle connections counted', async () => {
    const s = await status();
    return s.connections_active >= IDLE && s.connections_writing === 0 ? s : false;
  });
  t.ok(idle.connections_waiting >= IDLE, `${IDLE} idle keep-alive sockets are waiting (got ${idle.connections_waiting})`);
  t.equal(idle.connections_active, idle.connections_reading + idle.connections_writing + idle.connections_waiting, 'states add up');

  // A request the upstream holds: its connection is writing until the answer is out.
  const slow = request(gw.port, '/slow');
  await waitFor('the upstream holds the slow request', () => up.seen.length > 0);
  const busy = await status();
  t.ok(busy.connections_writing >= 1, `the slow request is writing (got ${busy.connections_writing})`);
  t.ok(busy.connections_waiting >= IDLE, 'the idle sockets still wait');
  t.equal(busy.connections_active, busy.connections_reading + busy.connections_writing + busy.connections_waiting, 'states add up');

  release();
  t.equal((await slow).body, 'late');
  const done = await waitFor('the slow request is done', async () => {
    const s = await status();
    return s.connections_writing === 0 ? s : false;
  });
  t.ok(done.connections_waiting >= IDLE);

  for (const s of sockets.splice(0)) s.destroy();
  const closed = await waitFor('idle sockets closed', async () => {
    const s = await status();
    return s.connections_active === 0 ? s : false;
  });
  t.equal(closed.connections_waiting, 0, 'closed connections no longer wait');
});

t.test('a request head still arriving is reading', async (t) => {
  const { gw } = await gatewayWithService(t, pluginRoute('fast', 'request-termination', '{ status_code: 200, message: ok }'));
  const status = async () => (await request(gw.adminPort, '/status')).json<{ server: Server }>().server;
  const socket = connect(gw.port, '127.0.0.1');
  t.teardown(() => socket.destroy());
  await new Promise<void>((r) => socket.once('connect', () => r()));
  const connected = await waitFor('the connection is counted', async () => {
    const s = await status();
    return s.connections_active >= 1 ? s : false;
  });
  t.equal(connected.connections_reading, 0, 'a connection that sent nothing is not reading');

  socket.write('GET /fast HTTP/1.1\r\nHost: te');
  const s = await waitFor('the half-sent head is counted as reading', async () => {
    const server = await status();
    return server.connections_reading >= 1 ? server : false;
  });
  t.equal(s.connections_waiting, 0, 'so it is not waiting');
  t.equal(s.connections_active, s.connections_reading + s.connections_writing + s.connections_waiting, 'states add up');

  // The rest of the head: the request is answered and the connection waits for the next one.
  const answered = new Promise<void>((r) => socket.once('data', () => r()));
  socket.write('st\r\n\r\n');
  await answered;
  const idle = await waitFor('the answered connection waits', async () => {
    const server = await status();
    return server.connections_writing === 0 && server.connections_waiting >= 1 ? server : false;
  });
  t.equal(idle.connections_reading, 0, 'an answered keep-alive connection is no longer reading');
});
