/**
 * The PDK against its phase table, function by function: every function of the `kong` object has a phase
 * rule, every rule names a function that exists, and outside its phases each one fails with Kong's message
 * (never a TypeError) before it looks at the request. Also the shape: functions live on prototypes, none is
 * allocated per request.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import t from 'tap';
import type { UpstreamRequest } from '../../src/http/engine.js';
import { createPdk, type Pdk } from '../../src/pdk/kong.js';
import { Namespace, type PdkEnvironment } from '../../src/pdk/namespace.js';
import { PDK_PHASES, type PdkFunctionName } from '../../src/pdk/phase-rules.js';
import { PHASES, type PhaseName } from '../../src/pdk/phases.js';
import { RequestState } from '../../src/pdk/state.js';

const RUNNING = PHASES.filter((p) => p.runs).map((p) => p.name);

function pdkIn(phase: PhaseName): { kong: Pdk; state: RequestState } {
  const req = { socket: { remoteAddress: '127.0.0.1', localPort: 8000 }, headers: { host: 'a.test' }, method: 'GET', httpVersion: '1.1' };
  const state = new RequestState(req as unknown as IncomingMessage, { statusCode: 200 } as ServerResponse, 'id', 'http', '/p', '?q=1', 0);
  state.phase = phase;
  const env = { plan: { balancers: new Map(), consumersById: new Map(), consumersByUsername: new Map() }, logger: silentLogger() };
  return { kong: createPdk(state, env as unknown as PdkEnvironment), state };
}

/** `kong.service.request.set_path` → the function of that name on `kong`, called on its namespace. */
function invoke(kong: Pdk, name: PdkFunctionName): unknown {
  const parts = name.split('.').slice(1);
  let ns: Record<string, unknown> = kong as unknown as Record<string, unknown>;
  for (const p of parts.slice(0, -1)) ns = ns[p] as Record<string, unknown>;
  const member = parts.at(-1)!;
  // kong.ctx.shared / kong.ctx.plugin are tables: reading them is the call.
  if (name.startsWith('kong.ctx.')) return ns[member];
  const fn = ns[member] as (...args: unknown[]) => unknown;
  return fn.call(ns, 'x', 'y');
}

t.test('outside its phases every function fails with Kong\'s message, before touching anything', async (t) => {
  for (const name of Object.keys(PDK_PHASES) as PdkFunctionName[]) {
    const allowed = PDK_PHASES[name] as readonly PhaseName[];
    const only = RUNNING.filter((p) => allowed.includes(p)).join(', ');
    for (const phase of RUNNING) {
      const { kong } = pdkIn(phase);
      let error: unknown = null;
      try {
        const r = invoke(kong, name);
        if (r instanceof Promise) await r.catch((e: unknown) => (error = e));
      } catch (err) {
        error = err;
      }
      const message = error instanceof Error ? error.message : '';
      const phaseMessage = `function ${name} cannot be called in ${phase} phase (only in: ${only})`;
      if (allowed.includes(phase)) t.not(message, phaseMessage, `${name} in ${phase}: allowed`);
      else {
        t.equal(message, phaseMessage, `${name} in ${phase}: refused`);
        t.notOk(error instanceof TypeError, `${name} in ${phase}: not a TypeError`);
      }
    }
  }
});

/** A getter's value, or undefined when it refuses the phase (kong.ctx.* outside a request). */
function readGetter(obj: object, key: string): unknown {
  try {
    return (obj as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

t.test('the rules and the kong object name the same functions', async (t) => {
  const { kong } = pdkIn('access');
  const found: string[] = [];
  const walk = (obj: object, path: string) => {
    for (let proto = Object.getPrototypeOf(obj); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
      for (const key of Object.getOwnPropertyNames(proto)) {
        if (key === 'constructor' || key === 'phase') continue;
        // A namespace made on first use (kong.request, kong.service.request) is walked, not named.
        const value = Object.getOwnPropertyDescriptor(proto, key)!.get ? readGetter(obj, key) : undefined;
        if (value instanceof Namespace) walk(value, `${path}.${key}`);
        else found.push(`${path}.${key}`);
      }
    }
    for (const key of Object.keys(obj)) {
      const v = (obj as Record<string, unknown>)[key];
      t.not(typeof v, 'function', `${path}.${key} is not a per-request function`);
      if (v !== null && typeof v === 'object') walk(v, `${path}.${key}`);
    }
  };
  walk(kong, 'kong');
  t.same([...new Set(found)].sort(), Object.keys(PDK_PHASES).sort(), 'every function has a phase rule, every rule a function');
});

t.test('one kong object is a handful of objects, its functions shared by every request', async (t) => {
  const a = pdkIn('access').kong;
  const b = pdkIn('access').kong;
  t.equal(a.request.get_header, b.request.get_header, 'the same function object for two requests');
  t.equal(a.service.request.set_path, b.service.request.set_path);
  t.not(a.request, b.request, 'each request has its own namespace objects');
  t.equal(a.request.get_header('host'), 'a.test');
});

t.test('a function taken off its namespace says how to call it', async (t) => {
  const { kong } = pdkIn('access');
  const { get_header } = kong.request;
  t.throws(() => get_header('host'), {
    message: 'kong.request.get_header was called detached from kong.request: call it as kong.request.get_header(…), or bind it (kong.request.get_header.bind(kong.request))',
  });
  t.equal(kong.request.get_header.bind(kong.request)('host'), 'a.test', 'bound, it works');
});

t.test('rewrite-phase upstream changes wait for the upstream request, then apply in order', async (t) => {
  const { kong, state } = pdkIn('rewrite');
  kong.service.request.set_path('/new');
  kong.service.request.set_header('x-a', '1');
  kong.service.request.clear_header('x-a');
  kong.service.set_tls_verify(true);
  kong.service.set_target('127.0.0.1', 1);
  t.equal(state.upstream, null, 'no upstream request yet, nothing thrown');
  state.phase = 'access';
  kong.service.set_retries(0);
  kong.service.set_timeouts(1, 2, 3);
  const up: UpstreamRequest = { protocol: 'https', host: 'h', port: 443, method: 'GET', path: '/old?q=1', headers: { 'x-a': 'client' }, connectTimeout: 60000, writeTimeout: 60000, readTimeout: 60000, retries: 5 };
  state.attachUpstream(up);
  t.equal(up.path, '/new?q=1');
  t.same(up.headers, {}, 'set then cleared, in call order');
  t.same(up.tls, { rejectUnauthorized: true });
  t.same([up.retries, up.connectTimeout, up.writeTimeout, up.readTimeout], [0, 1, 2, 3], 'access-phase calls recorded before the upstream request existed apply too');
  kong.service.request.set_method('PATCH');
  t.equal(up.method, 'PATCH', 'once it exists, changes apply at once');
});

t.test("argument checks: Kong's messages", async (t) => {
  const { kong } = pdkIn('access');
  const cases: [() => unknown, string][] = [
    [() => kong.service.set_retries(1.5), 'retries must be an integer'],
    [() => kong.service.set_retries(40000), 'retries must be an integer between 0 and 32767: given 40000'],
    [() => kong.service.set_timeouts(0, 1, 1), 'connect_timeout must be an integer between 1 and 2147483646: given 0'],
    [() => kong.service.set_timeouts(1, 'x' as unknown as number, 1), 'write_timeout must be an integer'],
    [() => kong.service.set_target('h', 70000), 'port must be an integer between 0 and 65535: given 70000'],
    [() => kong.service.set_tls_verify('yes' as unknown as boolean), 'argument must be a boolean'],
    [() => kong.service.request.set_method('get'), 'invalid method: get'],
    [() => kong.service.request.set_scheme('ftp' as 'http'), 'invalid scheme: ftp'],
    [() => kong.service.request.set_path('relative'), 'path must start with /'],
    [() => kong.service.request.set_header('x', {}), 'invalid header value for "x": got table, expected array of string, string, number or boolean'],
    [() => kong.service.request.set_header('x', [1]), 'invalid header value in array "x": got number, expected string'],
    [() => kong.service.request.set_body({ a: 1 }, 'text/plain'), 'unsupported content type text/plain'],
    [() => kong.response.exit(700), 'code must be a number between 100 and 599'],
  ];
  for (const [call, message] of cases) t.throws(call, { message }, message);
  t.same(kong.service.request.set_body({ a: 1 }), [null, 'content type was neither explicitly given as an argument or received as a header']);
  t.same(kong.service.set_upstream('nope'), [null, "could not find an Upstream named 'nope'"]);
});

t.test('kong.service.response.get_body parses by content type as Kong', async (t) => {
  const { kong, state } = pdkIn('body_filter');
  state.bufferResponse = true;
  state.responseSource = 'service';
  const body = (type: string, raw: string) => {
    state.responseHeaders = { 'content-type': type };
    state.responseBody = Buffer.from(raw);
    return kong.service.response.get_body();
  };
  t.same(body('application/json; charset=utf-8', '{"a":[1]}'), [{ a: [1] }, null, 'application/json']);
  t.same(body('application/json', '"a string"'), [null, 'invalid json body', 'application/json']);
  t.same(body('application/x-www-form-urlencoded', 'a=1&a=2&b'), [{ a: ['1', '2'], b: true }, null, 'application/x-www-form-urlencoded']);
  t.same(
    body('multipart/form-data; boundary=XX', '--XX\r\nContent-Disposition: form-data; name="f"\r\n\r\nv1\r\n--XX\r\nContent-Disposition: form-data; name="f"\r\n\r\nv2\r\n--XX--\r\n'),
    [{ f: ['v1', 'v2'] }, null, 'multipart/form-data'],
  );
  t.same(body('text/plain', 'x'), [null, "unsupported content type 'text/plain'", 'text/plain']);
  kong.response.set_raw_body('replaced');
  t.equal(kong.service.response.get_raw_body().toString(), 'x', 'the service body stays what the upstream sent');
  t.equal(kong.response.get_raw_body().toString(), 'replaced');
  state.bufferResponse = false;
  t.throws(() => kong.service.response.get_raw_body(), { message: /only available with buffered proxying/ }, 'Kong: needs buffering');
});

function silentLogger() {
  const noop = () => undefined;
  const logger = { debug: noop, info: noop, warn: noop, error: noop, level: 'error', setLevel: noop, isEnabled: () => false, child: () => logger };
  return logger;
}
