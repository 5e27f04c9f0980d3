/**
 * The frame relay between a real `ws` client and a real `ws` upstream on 127.0.0.1 (Kong EE's WebSocket proxy
 * behaviour: spec-ee/02-integration/18-websockets/03-proxy_spec.lua). Every session ends with both relay
 * sockets destroyed and onClose called exactly once.
 */
import t, { type Test } from 'tap';
import type { FrameAction, WsCloseInfo, WsFrame, WsSide } from '../../src/http/websocket-relay.js';
import { until } from '../helpers/gateway.js';
import { forwardAll, type Pair, rawFrame, readUntilClose, type Session, startHarness } from './relay-harness.js';

const h = await startHarness();
t.teardown(() => h.close());

/** The session ended: onClose once, both sockets destroyed. */
async function ended(t: Test, session: Session): Promise<WsCloseInfo> {
  let timer: NodeJS.Timeout | undefined;
  const info = await Promise.race([session.closed, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('relay did not end')), 5000)))]);
  clearTimeout(timer);
  t.ok(session.clientSocket.destroyed, 'client socket destroyed');
  t.ok(session.upstreamSocket.destroyed, 'upstream socket destroyed');
  await new Promise((r) => setTimeout(r, 20)); // a window for a second onClose, which must not come
  t.equal(session.onCloseCalls(), 1, 'onClose called once');
  t.ok(session.relay.finished);
  return info;
}

async function closeNormally(p: Pair): Promise<void> {
  p.client.close(1000, 'done');
  await p.clientEvents.close();
}

t.test('frames flow both ways unchanged when the hooks forward', async (t) => {
  const seen: string[] = [];
  const p = await h.pair((from, f) => {
    seen.push(`${from}:${f.type}`);
    return 'forward';
  });
  p.server.on('message', (data: Buffer, binary: boolean) => p.server.send(data, { binary }));
  const big = Buffer.alloc(512 * 1024, 7);
  p.client.send('héllo ✓');
  t.equal(await p.clientEvents.text(), 'héllo ✓', 'text echoed through both directions');
  p.client.send(big);
  const e = await p.clientEvents.next();
  t.ok(e.kind === 'message' && e.binary && e.data.equals(big), '512 KiB binary message intact both ways');
  p.client.send(Buffer.alloc(0), { binary: false });
  t.equal(await p.clientEvents.text(), '', 'empty message');
  p.server.send('pushed by the upstream');
  t.equal(await p.clientEvents.text(), 'pushed by the upstream');
  t.same(seen.slice(0, 4), ['client:text', 'upstream:text', 'client:binary', 'upstream:binary']);
  await closeNormally(p);
  const info = await ended(t, p.session);
  t.equal(info.initiator, 'client');
  t.equal(info.status, 1000);
  t.equal(info.reason, 'done');
  t.ok(info.bytesFromClient > big.length && info.bytesFromUpstream > big.length, 'bytes counted both ways');
  t.ok(info.bytesToClient > big.length && info.bytesToUpstream > big.length);
});

t.test('a modified frame arrives modified, in both directions', async (t) => {
  const p = await h.pair((from, f) => {
    if (from === 'client' && f.type === 'text') f.data = `${f.data.toString()} (seen by the gateway)`;
    if (from === 'upstream' && f.type === 'binary') f.data = Buffer.from([1, 2, 3]);
    return 'forward';
  });
  p.client.send('hi');
  t.equal((await p.serverEvents.text()), 'hi (seen by the gateway)');
  p.server.send(Buffer.from([9, 9, 9, 9]));
  const e = await p.clientEvents.next();
  t.ok(e.kind === 'message' && e.binary && e.data.equals(Buffer.from([1, 2, 3])), 'binary replaced');
  await closeNormally(p);
  await ended(t, p.session);
});

t.test('a dropped frame never arrives; the next one does', async (t) => {
  const p = await h.pair((_from, f) => (f.data.toString() === 'secret' ? 'drop' : 'forward'));
  p.client.send('one');
  p.client.send('secret');
  p.client.send('two');
  t.equal(await p.serverEvents.text(), 'one');
  t.equal(await p.serverEvents.text(), 'two', 'the dropped message is missing from the sequence');
  p.server.send('secret');
  p.server.send('three');
  t.equal(await p.clientEvents.text(), 'three');
  await closeNormally(p);
  await ended(t, p.session);
});

t.test("a hook's close closes each side with its own status and reason", async (t) => {
  const p = await h.pair((_from, f) =>
    f.data.toString() === 'bye'
      ? { client: { status: 4001, reason: 'bye, client' }, upstream: { status: 4002, reason: 'bye, upstream' } }
      : 'forward',
  );
  p.client.send('bye');
  t.same(await p.clientEvents.close(), { kind: 'close', code: 4001, reason: 'bye, client' });
  t.same(await p.serverEvents.close(), { kind: 'close', code: 4002, reason: 'bye, upstream' });
  t.same(p.serverEvents.pending(), [], 'the frame in flight was not forwarded');
  const info = await ended(t, p.session);
  t.equal(info.initiator, 'gateway');
  t.equal(info.status, 4001);
});

t.test('a close without a status reaches the other side as 1005', async (t) => {
  const p = await h.pair(() => ({ client: { status: 4000, reason: '' }, upstream: { status: null, reason: 'ignored without a status' } }));
  p.client.send('x');
  t.equal((await p.clientEvents.close()).code, 4000);
  t.same(await p.serverEvents.close(), { kind: 'close', code: 1005, reason: '' });
  await ended(t, p.session);
});

t.test('fragmented messages reach the hooks and the peer whole; control frames interleave', async (t) => {
  const seen: string[] = [];
  const p = await h.pair((from, f) => {
    seen.push(`${from}:${f.type}:${f.data.toString()}`);
    return 'forward';
  });
  p.client.send('a', { fin: false });
  p.client.send('b', { fin: false });
  p.client.ping('marco');
  p.client.send('c', { fin: true });
  t.same(await p.serverEvents.next(), { kind: 'ping', data: Buffer.from('marco') }, 'the ping overtakes the unfinished message');
  t.equal(await p.serverEvents.text(), 'abc', 'fragments joined');
  t.same(await p.clientEvents.next(), { kind: 'pong', data: Buffer.from('marco') }, "the upstream's pong comes back");
  p.server.send(Buffer.from('12'), { binary: true, fin: false });
  p.server.send(Buffer.from('3'), { binary: true, fin: true });
  const e = await p.clientEvents.next();
  t.ok(e.kind === 'message' && e.binary && e.data.toString() === '123', 'upstream fragments joined, type kept');
  t.same(seen, ['client:ping:marco', 'client:text:abc', 'upstream:pong:marco', 'upstream:binary:123']);
  await closeNormally(p);
  await ended(t, p.session);
});

t.test('ping and pong pass through the hooks both ways', async (t) => {
  const types: string[] = [];
  const p = await h.pair((from, f) => {
    types.push(`${from}:${f.type}`);
    if (f.type === 'ping' && from === 'upstream') f.data = 'polo?';
    return 'forward';
  });
  p.server.ping('are you there');
  t.same(await p.clientEvents.next(), { kind: 'ping', data: Buffer.from('polo?') }, 'ping changed by the hook');
  t.same(await p.serverEvents.next(), { kind: 'pong', data: Buffer.from('polo?') }, "the client's automatic pong reaches the upstream");
  t.same(types, ['upstream:ping', 'client:pong']);
  await closeNormally(p);
  await ended(t, p.session);
});

t.test('close handshake: either side starts it, the other may still send, then both end', async (t) => {
  await t.test('client first', async (t) => {
    const p = await h.pair(forwardAll);
    p.server.on('close', () => {});
    // The upstream answers the close after sending one more message (ws answers close frames itself, so the
    // message goes out before the client's close arrives there).
    p.client.close(4100, 'client leaving');
    t.same(await p.serverEvents.close(), { kind: 'close', code: 4100, reason: 'client leaving' }, 'close forwarded as it came');
    t.same(await p.clientEvents.close(), { kind: 'close', code: 4100, reason: 'client leaving' }, "the upstream's echoed close comes back");
    const info = await ended(t, p.session);
    t.same([info.initiator, info.status, info.reason], ['client', 4100, 'client leaving']);
  });
  await t.test('upstream first, the client goes on sending before it answers', async (t) => {
    const r = await h.raw(forwardAll);
    r.server.close(4200, 'upstream leaving');
    t.same(await readUntilClose(r.socket, r.first), { code: 4200, reason: 'upstream leaving' }, 'close forwarded to the client');
    r.socket.write(rawFrame(0x1, Buffer.from('one more')));
    r.socket.write(rawFrame(0x8, Buffer.from([0x0f, 0xa0])));
    t.equal(await r.serverEvents.text(), 'one more', 'the client may still send after the close it was sent');
    t.same(await r.serverEvents.close(), { kind: 'close', code: 4000, reason: '' }, "then the client's own close (4000) reaches the upstream");
    const info = await ended(t, r.session);
    t.same([info.initiator, info.status], ['upstream', 4200]);
    r.socket.destroy();
  });
  await t.test('messages in flight before the close are not lost', async (t) => {
    const p = await h.pair(forwardAll);
    p.server.send('1');
    p.server.send('2');
    p.client.close(1000, 'bye');
    t.equal(await p.clientEvents.text(), '1');
    t.equal(await p.clientEvents.text(), '2');
    t.equal((await p.clientEvents.close()).code, 1000);
    await ended(t, p.session);
  });
});

t.test('a side that drops without a close frame gets its peer a 1001', async (t) => {
  await t.test('client aborts', async (t) => {
    const p = await h.pair(forwardAll);
    p.client.terminate();
    t.same(await p.serverEvents.close(), { kind: 'close', code: 1001, reason: '' });
    const info = await ended(t, p.session);
    t.same([info.initiator, info.status], ['client', 1006]);
  });
  await t.test('upstream aborts', async (t) => {
    const p = await h.pair(forwardAll);
    p.server.terminate();
    t.same(await p.clientEvents.close(), { kind: 'close', code: 1001, reason: '' });
    const info = await ended(t, p.session);
    t.same([info.initiator, info.status], ['upstream', 1006]);
  });
});

t.test('a message over the limit: the sender gets 1009, its peer 1001', async (t) => {
  await t.test('client message', async (t) => {
    const p = await h.pair(forwardAll, { clientMaxPayload: 1024 });
    p.client.send('x'.repeat(1024));
    t.equal((await p.serverEvents.text()).length, 1024, 'a message at the limit passes');
    p.client.send('x'.repeat(1025));
    t.same(await p.clientEvents.close(), { kind: 'close', code: 1009, reason: 'Payload Too Large' });
    t.same(await p.serverEvents.close(), { kind: 'close', code: 1001, reason: '' });
    const info = await ended(t, p.session);
    t.same([info.initiator, info.status], ['gateway', 1009]);
  });
  await t.test('fragments add up', async (t) => {
    const p = await h.pair(forwardAll, { clientMaxPayload: 1024 });
    const part = 'y'.repeat(400);
    p.client.send(part, { fin: false });
    p.client.send(part, { fin: false });
    p.client.send(part, { fin: true });
    t.equal((await p.clientEvents.close()).code, 1009);
    t.equal((await p.serverEvents.close()).code, 1001);
    t.same(p.serverEvents.pending(), [], 'nothing of the message was forwarded');
    await ended(t, p.session);
  });
  await t.test('upstream message', async (t) => {
    const p = await h.pair(forwardAll, { upstreamMaxPayload: 2048 });
    p.server.send(Buffer.alloc(4096));
    t.equal((await p.serverEvents.close()).code, 1009);
    t.equal((await p.clientEvents.close()).code, 1001);
    await ended(t, p.session);
  });
});

t.test('protocol errors: 1002 for a bad frame, 1007 for bad UTF-8, the peer gets 1001', async (t) => {
  await t.test('unmasked client frame', async (t) => {
    const r = await h.raw(forwardAll);
    r.socket.write(rawFrame(0x1, Buffer.from('hi'), false));
    t.same(await readUntilClose(r.socket, r.first), { code: 1002, reason: 'Protocol Error' });
    t.equal((await r.serverEvents.close()).code, 1001);
    await ended(t, r.session);
    r.socket.destroy();
  });
  await t.test('unknown opcode', async (t) => {
    const r = await h.raw(forwardAll);
    r.socket.write(rawFrame(0x3, Buffer.from('?')));
    t.equal((await readUntilClose(r.socket, r.first))?.code, 1002);
    await ended(t, r.session);
    r.socket.destroy();
  });
  await t.test('invalid UTF-8 in a text message', async (t) => {
    const p = await h.pair(forwardAll);
    p.client.send(Buffer.from([0x68, 0xff, 0xfe]), { binary: false });
    t.equal((await p.clientEvents.close()).code, 1007);
    t.equal((await p.serverEvents.close()).code, 1001);
    await ended(t, p.session);
  });
});

t.test('a hook that throws or rejects closes both sides with 1011', async (t) => {
  for (const kind of ['throws', 'rejects'] as const) {
    await t.test(kind, async (t) => {
      const p = await h.pair((_from, f) => {
        if (f.data.toString() !== 'boom') return 'forward';
        if (kind === 'throws') throw new Error('plugin bug');
        return Promise.reject(new Error('plugin bug'));
      });
      p.client.send('boom');
      t.same(await p.clientEvents.close(), { kind: 'close', code: 1011, reason: 'Internal Server Error' });
      t.same(await p.serverEvents.close(), { kind: 'close', code: 1011, reason: 'Internal Server Error' });
      await ended(t, p.session);
    });
  }
});

t.test('an asynchronous hook holds its direction: order is kept', async (t) => {
  const p = await h.pair(async (from: WsSide, f: WsFrame): Promise<FrameAction> => {
    if (from === 'client' && f.data.toString() === '1') await new Promise((r) => setTimeout(r, 50));
    if (f.data.toString() === '2') f.data = 'two';
    return 'forward';
  });
  p.client.send('1');
  p.client.send('2');
  p.client.send('3');
  t.equal(await p.serverEvents.text(), '1');
  t.equal(await p.serverEvents.text(), 'two');
  t.equal(await p.serverEvents.text(), '3');
  await closeNormally(p);
  await ended(t, p.session);
});

t.test('a slow reader holds the sender back (backpressure), nothing is lost', async (t) => {
  const p = await h.pair(forwardAll);
  const clientSocket = (p.client as unknown as { _socket: import('node:net').Socket })._socket;
  clientSocket.pause(); // the client stops reading
  const chunk = Buffer.alloc(1024 * 1024, 1);
  for (let i = 0; i < 24; i++) p.server.send(chunk);
  // With the client's socket full, the relay stops reading the upstream: it piles up in the upstream instead.
  const held = await until(() => (p.session.upstreamSocket as import('node:net').Socket).isPaused(), 2000);
  t.ok(held, 'the upstream socket is paused while the client cannot take more');
  t.ok(p.server.bufferedAmount > 0 || held, 'the upstream has data waiting');
  clientSocket.resume();
  let total = 0;
  for (let i = 0; i < 24; i++) {
    const e = await p.clientEvents.next(5000);
    if (e.kind === 'message') total += e.data.length;
  }
  t.equal(total, 24 * chunk.length, 'all 24 MiB arrive once the client reads again');
  await closeNormally(p);
  await ended(t, p.session);
});

t.test('an idle session is closed with 1001 both ways', async (t) => {
  const p = await h.pair(forwardAll, { idleTimeoutMs: 150 });
  p.client.send('keep');
  t.equal(await p.serverEvents.text(), 'keep');
  const started = Date.now();
  t.same(await p.clientEvents.close(), { kind: 'close', code: 1001, reason: 'Going Away' });
  t.equal((await p.serverEvents.close()).code, 1001);
  t.ok(Date.now() - started >= 100, 'not before the idle time');
  const info = await ended(t, p.session);
  t.same([info.initiator, info.status], ['gateway', 1001]);
});

t.test('a side that never answers a close is cut off after the close timeout', async (t) => {
  const r = await h.raw(() => ({ client: { status: 4003, reason: 'go' }, upstream: { status: 4003, reason: 'go' } }), { closeTimeoutMs: 200 });
  r.server.send('anything');
  t.same(await readUntilClose(r.socket, r.first), { code: 4003, reason: 'go' }, 'the raw client is sent the close');
  // It never answers; the relay destroys its socket once the close timeout passes.
  const gone = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 2000);
    r.socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
    r.socket.resume();
  });
  t.ok(gone, 'connection closed by the gateway');
  await ended(t, r.session);
});

t.test('the relay can close a session from outside (shutdown)', async (t) => {
  const p = await h.pair(forwardAll);
  p.session.relay.close(1001, 'Going Away');
  t.same(await p.clientEvents.close(), { kind: 'close', code: 1001, reason: 'Going Away' });
  t.equal((await p.serverEvents.close()).code, 1001);
  await ended(t, p.session);
});

t.test('sessions leave no sockets or timers behind', async (t) => {
  const count = () => {
    const all = process.getActiveResourcesInfo();
    return { sockets: all.filter((x) => x === 'TCPSocketWrap').length, timers: all.filter((x) => x === 'Timeout').length };
  };
  const h2 = await startHarness();
  await new Promise((r) => setTimeout(r, 50));
  const before = count();
  for (let i = 0; i < 5; i++) {
    const p = await h2.pair(forwardAll, { idleTimeoutMs: 10_000 });
    p.client.send('x');
    await p.serverEvents.text();
    if (i % 2 === 0) await closeNormally(p);
    else p.client.terminate();
    await ended(t, p.session);
  }
  // Closed sockets and cleared timers leave the active list a tick later: wait for it (bounded).
  await until(() => count().sockets <= before.sockets && count().timers <= before.timers, 2000);
  const after = count();
  t.ok(after.sockets <= before.sockets, `TCP sockets back to ${before.sockets} (now ${after.sockets})`);
  t.ok(after.timers <= before.timers, `timers back to ${before.timers} (now ${after.timers})`);
  await h2.close();
});
