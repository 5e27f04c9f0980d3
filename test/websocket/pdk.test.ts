/**
 * kong.websocket (Kong EE PDK): phase checks and argument checks with Kong's messages, then the functions at
 * work on a real relay, driven the way the lifecycle drives plugin frame handlers (spec-ee
 * 18-websockets/02-pdk_spec.lua cases).
 */
import t from 'tap';
import type { FrameAction, WsFrame, WsSide } from '../../src/http/websocket-relay.js';
import { WebSocketPdk, WebSocketSession } from '../../src/pdk/websocket.js';
import { startHarness } from './relay-harness.js';

/** What the PDK reads the phase from (the request's state in the lifecycle). */
class Phase {
  phase = 'ws_handshake';
}

function setup(phase: string, frame?: Partial<WsFrame> & { from?: WsSide }) {
  const session = new WebSocketSession();
  const req = new Phase();
  req.phase = phase;
  const kong = { websocket: new WebSocketPdk(session, req) };
  const f: WsFrame = { type: frame?.type ?? 'text', data: frame?.data ?? Buffer.from('hello'), status: frame?.status ?? null };
  session.state(frame?.from ?? 'client').begin(f);
  return { session, req, kong, frame: f };
}

t.test('phases: frame functions on their own side only, set_max_payload_size at the handshake', async (t) => {
  const rows: [call: string, phase: string, error: string | null][] = [
    ['client.get_frame', 'ws_client_frame', null],
    ['client.get_frame', 'ws_upstream_frame', 'function kong.websocket.client.get_frame cannot be called in ws_upstream_frame phase (only in: ws_client_frame)'],
    ['upstream.get_frame', 'ws_client_frame', 'function kong.websocket.upstream.get_frame cannot be called in ws_client_frame phase (only in: ws_upstream_frame)'],
    ['client.drop_frame', 'access', 'function kong.websocket.client.drop_frame cannot be called in access phase (only in: ws_client_frame)'],
    ['upstream.close', 'ws_close', 'function kong.websocket.upstream.close cannot be called in ws_close phase (only in: ws_upstream_frame)'],
    ['client.set_max_payload_size', 'ws_handshake', null],
    ['upstream.set_max_payload_size', 'ws_handshake', null],
    ['client.set_max_payload_size', 'ws_client_frame', 'function kong.websocket.client.set_max_payload_size cannot be called in ws_client_frame phase (only in: ws_handshake)'],
  ];
  for (const [call, phase, error] of rows) {
    const { kong } = setup(phase, { from: call.startsWith('client') ? 'client' : 'upstream' });
    const [side, fn] = call.split('.') as ['client' | 'upstream', 'get_frame' | 'drop_frame' | 'close' | 'set_max_payload_size'];
    const run = () => (fn === 'set_max_payload_size' ? kong.websocket[side][fn](1024) : kong.websocket[side][fn]());
    if (error === null) t.doesNotThrow(run, `${call} in ${phase}`);
    else t.throws(run, { message: error }, `${call} in ${phase}`);
  }
  const { kong } = setup('ws_client_frame');
  const detached = kong.websocket.client.get_frame as unknown as () => unknown; // JS code can do this; TS refuses it
  t.throws(() => detached(), /called detached/, 'a function taken off its namespace says how to call it');
});

t.test('get_frame: payload, type and (close frames only) status', async (t) => {
  const text = setup('ws_client_frame', { type: 'text', data: Buffer.from('héllo') });
  t.same(text.kong.websocket.client.get_frame(), ['héllo', 'text', null], 'text as a string');
  const bin = setup('ws_upstream_frame', { from: 'upstream', type: 'binary', data: Buffer.from([1, 2]) });
  const [data, type] = bin.kong.websocket.upstream.get_frame();
  t.ok(Buffer.isBuffer(data) && data.equals(Buffer.from([1, 2])) && type === 'binary', 'binary as a Buffer');
  const close = setup('ws_client_frame', { type: 'close', data: Buffer.from('bye'), status: 1001 });
  t.same(close.kong.websocket.client.get_frame(), ['bye', 'close', 1001]);
});

t.test('argument and frame-type checks (Kong EE messages)', async (t) => {
  const rows: [name: string, phase: string, frame: Partial<WsFrame>, run: (ws: WebSocketPdk) => void, error: string][] = [
    ['set_frame_data needs a payload', 'ws_client_frame', {}, (ws) => ws.client.set_frame_data(5 as unknown as string), 'frame payload must be a string or a Buffer'],
    ['set_status needs an integer', 'ws_client_frame', { type: 'close', status: 1000 }, (ws) => ws.client.set_status('NOPE' as unknown as number), 'status code must be an integer'],
    ['set_status on a text frame', 'ws_client_frame', {}, (ws) => ws.client.set_status(1002), 'cannot override status code of non-close frame'],
    ['set_status outside the sendable codes', 'ws_client_frame', { type: 'close', status: 1000 }, (ws) => ws.client.set_status(1005), 'invalid close status code 1005 (RFC 6455: 1000-1014 except 1004-1006, or 3000-4999)'],
    ['drop_frame on a close frame', 'ws_client_frame', { type: 'close', status: 1000 }, (ws) => ws.client.drop_frame(), 'cannot drop a close frame'],
    ['close: status type', 'ws_client_frame', {}, (ws) => ws.client.close('x' as unknown as number), 'client status must be null or a number'],
    ['close: message type', 'ws_client_frame', {}, (ws) => ws.client.close(1000, 5 as unknown as string), 'client message must be null or a string'],
    ['close: peer status type', 'ws_client_frame', {}, (ws) => ws.client.close(1000, 'a', 'b' as unknown as number), 'upstream status must be null or a number'],
    ['close: peer message type', 'ws_client_frame', {}, (ws) => ws.client.close(1000, 'a', 1000, 1 as unknown as string), 'upstream message must be null or a string'],
    ['set_max_payload_size: a number', 'ws_handshake', {}, (ws) => ws.client.set_max_payload_size('1' as unknown as number), '`size` must be a number'],
    ['set_max_payload_size: at most 32 MiB', 'ws_handshake', {}, (ws) => ws.upstream.set_max_payload_size(32 * 1024 * 1024 + 1), '`size` must be <= 33554432'],
    ['set_max_payload_size: not negative', 'ws_handshake', {}, (ws) => ws.client.set_max_payload_size(-1), '`size` must be >= 0'],
  ];
  for (const [name, phase, frame, run, error] of rows) {
    const { kong } = setup(phase, frame);
    t.throws(() => run(kong.websocket), { message: error }, name);
  }
});

t.test('set_max_payload_size sets the limit per side; 0 restores the default', async (t) => {
  const { kong, session } = setup('ws_handshake');
  t.equal(session.maxPayload('client'), 1024 * 1024, "Kong's client default");
  t.equal(session.maxPayload('upstream'), 16 * 1024 * 1024, "Kong's upstream default");
  kong.websocket.client.set_max_payload_size(1024);
  kong.websocket.upstream.set_max_payload_size(2048);
  t.same([session.maxPayload('client'), session.maxPayload('upstream')], [1024, 2048]);
  kong.websocket.client.set_max_payload_size(0);
  t.equal(session.maxPayload('client'), 1024 * 1024);
});

t.test('finish: what the relay is told', async (t) => {
  const fwd = setup('ws_client_frame');
  fwd.kong.websocket.client.set_frame_data('changed');
  t.equal(fwd.session.client.finish(fwd.frame), 'forward');
  t.equal(fwd.frame.data, 'changed', 'the change is written into the frame');
  const drop = setup('ws_client_frame');
  drop.kong.websocket.client.drop_frame();
  t.ok(drop.session.client.stopped, 'later handlers are skipped');
  t.equal(drop.session.client.finish(drop.frame), 'drop');
  const close = setup('ws_upstream_frame', { from: 'upstream' });
  close.kong.websocket.upstream.close(4000, 'to the upstream', 4001, 'to the client');
  t.same(close.session.upstream.finish(close.frame), {
    client: { status: 4001, reason: 'to the client' },
    upstream: { status: 4000, reason: 'to the upstream' },
  });
  const bare = setup('ws_client_frame');
  bare.kong.websocket.client.close();
  t.same(bare.session.client.finish(bare.frame), { client: { status: null, reason: '' }, upstream: { status: null, reason: '' } }, "close() alone: status-less closes, the frame's payload is not a reason");
  const failed = setup('ws_client_frame');
  failed.session.client.fail();
  t.same(failed.session.client.finish(failed.frame), {
    client: { status: 1011, reason: 'Internal Server Error' },
    upstream: { status: 1011, reason: 'Internal Server Error' },
  });
});

type Handler = (kong: { websocket: WebSocketPdk }) => void;

/** The lifecycle's loop over ws_client_frame / ws_upstream_frame handlers, as documented in src/pdk/websocket.ts. */
function frameHooks(handlers: { client?: Handler[]; upstream?: Handler[]; handshake?: Handler[] }) {
  const session = new WebSocketSession();
  const req = new Phase();
  const kong = { websocket: new WebSocketPdk(session, req) };
  for (const h of handlers.handshake ?? []) h(kong);
  const onFrame = (from: WsSide, frame: WsFrame): FrameAction => {
    const st = session.state(from);
    st.begin(frame);
    req.phase = from === 'client' ? 'ws_client_frame' : 'ws_upstream_frame';
    for (const h of handlers[from] ?? []) {
      try {
        h(kong);
      } catch {
        st.fail();
      }
      if (st.stopped) break;
    }
    req.phase = 'ws_close';
    return st.finish(frame);
  };
  return { onFrame, opts: { clientMaxPayload: session.maxPayload('client'), upstreamMaxPayload: session.maxPayload('upstream') } };
}

t.test('kong.websocket on a real relay', async (t) => {
  const h = await startHarness();
  t.teardown(() => h.close());

  await t.test('set_frame_data: later handlers see the change, the peer gets it', async (t) => {
    const seenByLater: unknown[] = [];
    const { onFrame } = frameHooks({
      client: [(k) => k.websocket.client.set_frame_data('replaced!'), (k) => seenByLater.push(k.websocket.client.get_frame()[0])],
      upstream: [(k) => k.websocket.upstream.set_frame_data(Buffer.from('from the gateway'))],
    });
    const p = await h.pair(onFrame);
    p.client.send("don't replace me");
    t.equal(await p.serverEvents.text(), 'replaced!');
    t.same(seenByLater, ['replaced!']);
    p.server.send('I shall not be replaced');
    t.equal(await p.clientEvents.text(), 'from the gateway');
    p.client.close(1000);
    await p.clientEvents.close();
  });

  await t.test('drop_frame: the frame never arrives and later handlers do not run', async (t) => {
    let later = 0;
    const { onFrame } = frameHooks({
      upstream: [
        (k) => {
          if (k.websocket.upstream.get_frame()[0] === 'dropped') k.websocket.upstream.drop_frame();
        },
        () => later++,
      ],
    });
    const p = await h.pair(onFrame);
    p.server.send('dropped');
    p.server.send('3');
    t.equal(await p.clientEvents.text(), '3');
    t.equal(later, 1, 'the second handler ran for "3" only');
    p.client.close(1000);
    await p.clientEvents.close();
  });

  await t.test('close(status, message, peer_status, peer_message)', async (t) => {
    const { onFrame } = frameHooks({ client: [(k) => k.websocket.client.close(1002, 'goodbye, client!', 1001, 'goodbye, upstream!')] });
    const p = await h.pair(onFrame);
    p.client.send('hi!');
    t.same(await p.clientEvents.close(), { kind: 'close', code: 1002, reason: 'goodbye, client!' });
    t.same(await p.serverEvents.close(), { kind: 'close', code: 1001, reason: 'goodbye, upstream!' });
    t.same(p.serverEvents.pending(), [], 'the frame in flight was dropped');
  });

  await t.test('close(status) alone: the peer gets a close without status (Kong)', async (t) => {
    const { onFrame } = frameHooks({ upstream: [(k) => k.websocket.upstream.close(4009)] });
    const p = await h.pair(onFrame);
    p.server.send('x');
    t.same(await p.serverEvents.close(), { kind: 'close', code: 4009, reason: '' });
    t.same(await p.clientEvents.close(), { kind: 'close', code: 1005, reason: '' });
  });

  await t.test('set_status on a close frame changes what the peer gets', async (t) => {
    const { onFrame } = frameHooks({
      upstream: [
        (k) => {
          if (k.websocket.upstream.get_frame()[1] !== 'close') return;
          k.websocket.upstream.set_frame_data('later, gator');
          k.websocket.upstream.set_status(1009);
        },
      ],
    });
    const p = await h.pair(onFrame);
    p.server.close(1001, 'goodbye');
    t.same(await p.clientEvents.close(), { kind: 'close', code: 1009, reason: 'later, gator' });
  });

  const serverError = { kind: 'close', code: 1011, reason: 'Internal Server Error' };
  const failing: [string, Handler[], 'client' | 'upstream', (p: Awaited<ReturnType<typeof h.pair>>) => void][] = [
    ['a handler that throws', [() => { throw new Error('oops'); }], 'client', (p) => p.client.send('x')],
    ['dropping a close frame', [(k) => k.websocket.client.drop_frame()], 'client', (p) => p.client.close(1000, 'goodbye')],
    ['set_status on a text frame', [(k) => k.websocket.upstream.set_status(1002)], 'upstream', (p) => p.server.send('yello')],
    ['an upstream function in ws_client_frame', [(k) => k.websocket.upstream.get_frame()], 'client', (p) => p.client.send('x')],
    ['set_max_payload_size in a frame phase', [(k) => k.websocket.client.set_max_payload_size(1024)], 'client', (p) => p.client.send('x')],
  ];
  for (const [name, handlers, side, trigger] of failing) {
    await t.test(`${name}: both sides get 1011`, async (t) => {
      const { onFrame } = frameHooks({ [side]: handlers });
      const p = await h.pair(onFrame);
      trigger(p);
      t.same(await p.clientEvents.close(), serverError);
      t.same(await p.serverEvents.close(), serverError);
    });
  }

  await t.test('set_max_payload_size at the handshake limits that side', async (t) => {
    const { onFrame, opts } = frameHooks({ handshake: [(k) => k.websocket.client.set_max_payload_size(1024)] });
    const p = await h.pair(onFrame, opts);
    p.client.send('1'.repeat(1025));
    t.equal((await p.clientEvents.close()).code, 1009);
    t.equal((await p.serverEvents.close()).code, 1001);
  });
});
