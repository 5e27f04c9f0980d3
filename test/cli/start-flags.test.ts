/**
 * Every `sluice start` flag and its environment variable, on real processes. One table row per flag: what it
 * is given and how its effect is observed from outside (a port, a header, a certificate, an Admin API answer, a
 * log line). Four processes run side by side:
 *   flags     every flag on the command line          → every row's effect is seen
 *   env       every variable, no flag                 → every row's effect is seen
 *   both      every flag, and every variable set to something else → the flags' effects are seen
 *   defaults  nothing but the listeners (no 0.0.0.0 in tests) → no row's effect is seen, so each row can fail
 * The defaults process also holds SLUICE_ADMIN_EXPOSE_SECRETS=false and SLUICE_WATCH=on: values, not "set".
 */
import { get as httpGet } from 'node:http';
import type { ServerResponse } from 'node:http';
import { mkdir, writeFile } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { Command } from 'commander';
import t, { type Test } from 'tap';
import { registerStart } from '../../src/cli/start.js';
import { selfSignedCertificate } from '../../src/tls/self-signed.js';
import { upstream, waitFor } from '../helpers/gateway.js';
import { request } from '../helpers/http.js';
import { closedPort } from '../helpers/upstream.js';
import { accepts, type SluiceProcess, startSluice, START_MS } from './sluice-process.js';

/** What one process is given (or, for `defaults`, what it is not given but would be). */
interface Values {
  readonly name: string;
  readonly proxy: number;
  readonly ssl: number;
  readonly admin: number;
  readonly status: number;
  readonly socket: string;
  readonly conf: string;
  readonly tag: string;
  readonly cn: string;
  readonly cert: string;
  readonly key: string;
  readonly token: string;
}

interface Row {
  readonly flag: string;
  /** The flag(s) as given on the command line. */
  args(v: Values): string[];
  /** The same setting through the environment. */
  env(v: Values): Record<string, string>;
  /** What the environment holds in the `both` process, where the flag must win. */
  losing(l: Values): Record<string, string>;
  /** False for the listeners the defaults process is given too. */
  readonly baseline: boolean;
  /** null when the effect of `v` is seen on `p`, else what was seen instead. */
  observe(v: Values, p: SluiceProcess): Promise<string | null>;
}

const SECRET = 'alice-secret-key';

function config(v: Pick<Values, 'tag'>, upstreamUrl: string, extra = ''): string {
  return `_format_version: "3.0"
services:
  - name: up
    url: ${upstreamUrl}
    routes: [{ name: up, paths: [/up] }]
routes:
  - name: whoami
    paths: [/whoami]
    plugins: [{ name: request-termination, config: { status_code: 200, message: ${v.tag} } }]
${extra}consumers:
  - username: alice
    keyauth_credentials: [{ key: ${SECRET} }]
`;
}

/** A route that exists only after a reload. */
const RELOADED = `  - name: reloaded
    paths: [/reloaded]
    plugins: [{ name: request-termination, config: { status_code: 200, message: reloaded } }]
`;

async function values(dir: string, name: string, upstreamUrl: string): Promise<Values> {
  const own = join(dir, name);
  await mkdir(own, { recursive: true });
  const ports = new Set<number>();
  while (ports.size < 4) ports.add(await closedPort());
  const [proxy, ssl, admin, status] = [...ports] as [number, number, number, number];
  const pair = selfSignedCertificate(`${name}.cli.test`);
  const v: Values = {
    name,
    proxy,
    ssl,
    admin,
    status,
    socket: join(own, 'admin.sock'),
    conf: join(own, 'kong.yaml'),
    tag: `served-by-${name}`,
    cn: `${name}.cli.test`,
    cert: join(own, 'cert.pem'),
    key: join(own, 'key.pem'),
    token: `token-of-${name}`,
  };
  await Promise.all([writeFile(v.conf, config(v, upstreamUrl)), writeFile(v.cert, pair.cert), writeFile(v.key, pair.key)]);
  return v;
}

/** GET over HTTP on a port or a unix socket, headers as given (no client of the shared helpers speaks unix sockets). */
function admin(v: Values, path: string, via: 'port' | 'socket' = 'port', token: string | null = v.token) {
  const headers = token === null ? {} : { authorization: `Bearer ${token}` };
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const target = via === 'port' ? { host: '127.0.0.1', port: v.admin } : { socketPath: v.socket };
    const req = httpGet({ ...target, path, headers, agent: false, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (s: string) => (body += s));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`admin ${path} timed out`)));
    req.on('error', reject);
  });
}

/** One HTTPS request on the TLS port without SNI: the default certificate's CN and the answer's status. */
function tlsGet(port: number, path: string): Promise<{ cn: string; status: number }> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      const cn = String(socket.getPeerCertificate().subject?.CN ?? '');
      socket.end(`GET ${path} HTTP/1.1\r\nHost: cli.test\r\nConnection: close\r\n\r\n`);
      let text = '';
      socket.setEncoding('utf8').on('data', (s: string) => (text += s));
      socket.on('end', () => resolve({ cn, status: Number(/^HTTP\/1\.1 (\d+)/.exec(text)?.[1] ?? 0) }));
    });
    socket.setTimeout(10_000, () => socket.destroy(new Error('TLS request timed out')));
    socket.on('error', reject);
  });
}

/** The reason an observation failed, or null: any error thrown while observing is a failure to see the effect. */
async function seen(what: () => Promise<string | null>): Promise<string | null> {
  return what().catch((err: Error) => `error: ${err.message}`);
}

const expect = (ok: boolean, instead: string) => (ok ? null : instead);

const ROWS: Row[] = [
  {
    flag: '-c / --conf',
    args: (v) => ['-c', v.conf],
    env: (v) => ({ SLUICE_CONF: v.conf }),
    losing: (l) => ({ SLUICE_CONF: l.conf }),
    baseline: true,
    observe: async (v) => {
      const r = await request(v.proxy, '/whoami');
      return expect(r.body.includes(v.tag), `served ${r.body}`);
    },
  },
  {
    flag: '--proxy-listen',
    args: (v) => ['--proxy-listen', `127.0.0.1:${v.proxy}`],
    env: (v) => ({ SLUICE_PROXY_LISTEN: `127.0.0.1:${v.proxy}` }),
    losing: (l) => ({ SLUICE_PROXY_LISTEN: `127.0.0.1:${l.proxy}` }),
    baseline: false,
    observe: async (v) => expect((await request(v.proxy, '/whoami')).status === 200, 'no answer on the port'),
  },
  {
    flag: '--proxy-ssl-listen',
    args: (v) => ['--proxy-ssl-listen', `127.0.0.1:${v.ssl}`],
    env: (v) => ({ SLUICE_PROXY_SSL_LISTEN: `127.0.0.1:${v.ssl}` }),
    losing: (l) => ({ SLUICE_PROXY_SSL_LISTEN: `127.0.0.1:${l.ssl}` }),
    baseline: false,
    observe: async (v) => {
      const r = await tlsGet(v.ssl, '/whoami');
      return expect(r.status === 200, `HTTPS answered ${r.status}`);
    },
  },
  {
    flag: '--ssl-cert + --ssl-cert-key',
    args: (v) => ['--ssl-cert', v.cert, '--ssl-cert-key', v.key],
    env: (v) => ({ SLUICE_SSL_CERT: v.cert, SLUICE_SSL_CERT_KEY: v.key }),
    losing: (l) => ({ SLUICE_SSL_CERT: l.cert, SLUICE_SSL_CERT_KEY: l.key }),
    baseline: true,
    observe: async (v) => {
      const r = await tlsGet(v.ssl, '/whoami');
      return expect(r.cn === v.cn, `default certificate CN=${r.cn}`);
    },
  },
  {
    flag: '--admin-listen',
    args: (v) => ['--admin-listen', `127.0.0.1:${v.admin}`],
    env: (v) => ({ SLUICE_ADMIN_LISTEN: `127.0.0.1:${v.admin}` }),
    losing: (l) => ({ SLUICE_ADMIN_LISTEN: `127.0.0.1:${l.admin}` }),
    baseline: false,
    observe: async (v) => expect((await admin(v, '/status')).status === 200, 'no Admin API on the port'),
  },
  {
    flag: '--status-listen',
    args: (v) => ['--status-listen', `127.0.0.1:${v.status}`],
    env: (v) => ({ SLUICE_STATUS_LISTEN: `127.0.0.1:${v.status}` }),
    losing: (l) => ({ SLUICE_STATUS_LISTEN: `127.0.0.1:${l.status}` }),
    baseline: true,
    observe: async (v) => expect((await request(v.status, '/status')).status === 200, 'no status listener on the port'),
  },
  {
    flag: '--admin-socket',
    args: (v) => ['--admin-socket', v.socket],
    env: (v) => ({ SLUICE_ADMIN_SOCKET: v.socket }),
    losing: (l) => ({ SLUICE_ADMIN_SOCKET: l.socket }),
    baseline: true,
    observe: async (v) => expect((await admin(v, '/status', 'socket')).status === 200, 'no Admin API on the socket'),
  },
  {
    flag: '--admin-token',
    args: (v) => ['--admin-token', v.token],
    env: (v) => ({ SLUICE_ADMIN_TOKEN: v.token }),
    losing: (l) => ({ SLUICE_ADMIN_TOKEN: l.token }),
    baseline: true,
    observe: async (v) => {
      const [without, withToken] = [(await admin(v, '/status', 'port', null)).status, (await admin(v, '/status')).status];
      return expect(without === 401 && withToken === 200, `without the token ${without}, with it ${withToken}`);
    },
  },
  {
    flag: '--admin-expose-secrets',
    args: () => ['--admin-expose-secrets'],
    env: () => ({ SLUICE_ADMIN_EXPOSE_SECRETS: 'on' }),
    losing: () => ({ SLUICE_ADMIN_EXPOSE_SECRETS: 'off' }),
    baseline: true,
    observe: async (v) => {
      const r = await admin(v, '/consumers/alice/key-auth');
      return expect(r.body.includes(`"key":"${SECRET}"`), `credentials shown as ${r.body}`);
    },
  },
  {
    flag: '--no-watch',
    args: () => ['--no-watch'],
    env: () => ({ SLUICE_WATCH: 'off' }),
    losing: () => ({ SLUICE_WATCH: 'on' }),
    baseline: true,
    // What the gateway reports here; what it does is the reload phase below.
    observe: async (v) => {
      const r = await admin(v, '/');
      return expect((JSON.parse(r.body) as { configuration: { watch: boolean } }).configuration.watch === false, 'watching');
    },
  },
  {
    flag: '--log-level',
    args: () => ['--log-level', 'debug'],
    env: () => ({ SLUICE_LOG_LEVEL: 'debug' }),
    losing: () => ({ SLUICE_LOG_LEVEL: 'error' }),
    baseline: true,
    // Every process has reloaded by now, and the replaced snapshot's retirement is logged at debug level.
    observe: async (_v, p) => expect(/DEBUG snapshot retired|"level":"debug"/.test(p.stderr()), 'no debug line'),
  },
  {
    flag: '--log-format',
    args: () => ['--log-format', 'pretty'],
    env: () => ({ SLUICE_LOG_FORMAT: 'pretty' }),
    losing: () => ({ SLUICE_LOG_FORMAT: 'json' }),
    baseline: true,
    observe: async (_v, p) => expect(/^\S+ INFO sluice started /m.test(p.stderr()), `logs as ${p.stderr().split('\n')[0]}`),
  },
  {
    flag: '--engine',
    args: () => ['--engine', 'http-proxy'],
    env: () => ({ SLUICE_ENGINE: 'http-proxy' }),
    losing: () => ({ SLUICE_ENGINE: 'undici' }),
    baseline: true,
    observe: async (_v, p) => expect(/sluice started.*engine(=|":")http-proxy/.test(p.stderr()), 'another engine'),
  },
  {
    flag: '--headers',
    args: () => ['--headers', 'off'],
    env: () => ({ SLUICE_HEADERS: 'off' }),
    losing: () => ({ SLUICE_HEADERS: 'server_tokens' }),
    baseline: true,
    // On a proxied response: the gateway's own answers (request-termination, 404) carry them whatever the setting.
    observe: async (v) => {
      const h = (await request(v.proxy, '/up')).headers;
      const present = ['via', 'x-kong-proxy-latency', 'x-kong-upstream-latency', 'x-kong-request-id'].filter((n) => h[n] !== undefined);
      return expect(present.length === 0, `headers ${present.join(', ')}`);
    },
  },
  {
    flag: '--trusted-ips',
    args: () => ['--trusted-ips', '127.0.0.1'],
    env: () => ({ SLUICE_TRUSTED_IPS: '127.0.0.1' }),
    losing: () => ({ SLUICE_TRUSTED_IPS: '10.0.0.0/8' }),
    baseline: true,
    // Kong keeps a trusted peer's X-Forwarded-Proto and replaces an untrusted one's (X-Forwarded-For is always appended to).
    observe: async (v) => {
      const r = await request(v.proxy, '/up', { headers: { 'x-forwarded-proto': 'https' } });
      const proto = r.json<{ headers: Record<string, string> }>().headers['x-forwarded-proto'];
      return expect(proto === 'https', `the upstream saw X-Forwarded-Proto: ${proto}`);
    },
  },
  {
    flag: '--drain-timeout',
    args: () => ['--drain-timeout', '200'],
    env: () => ({ SLUICE_DRAIN_TIMEOUT: '200' }),
    losing: () => ({ SLUICE_DRAIN_TIMEOUT: '120000' }),
    // Destructive: observed last, by stopping the process (the defaults' 10 s would only make the test wait).
    baseline: false,
    observe: async () => null,
  },
];

t.test('the table has a row for every flag of sluice start', async (t) => {
  const program = new Command();
  registerStart(program);
  const start = program.commands.find((c) => c.name() === 'start')!;
  const flags = start.options.map((o) => o.long!).sort();
  t.same(ROWS.flatMap((r) => r.flag.match(/--[a-z-]+/g) ?? []).sort(), flags);
});

const DRAIN = ROWS.find((r) => r.flag === '--drain-timeout')!;

/** A request the upstream never answers; the process must stop at the drain deadline anyway. */
async function stopsAtDeadline(v: Values, p: SluiceProcess, holds: Set<string>): Promise<string | null> {
  const held = request(v.proxy, `/up?hold=${v.name}`, { timeoutMs: START_MS }).then(
    (r) => `answered ${r.status}`,
    () => 'cut',
  );
  await waitFor(`${v.name}: the held request at the upstream`, () => holds.has(v.name), START_MS);
  p.signal('SIGTERM');
  // Far below the losing 120 s; the held request is never released.
  const exit = await p.waitExit(30_000).catch(() => null);
  if (exit === null) return 'still draining after 30 s';
  if (exit.code !== 0) return `exit ${JSON.stringify(exit)}`;
  const request_ = await held;
  return expect(request_ === 'cut', `the held request was ${request_}`);
}

t.test('every start flag, its variable, and the flag over the variable', async (t: Test) => {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-cli-flags-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const holds = new Set<string>();
  const held: ServerResponse[] = [];
  const up = await upstream(t, 'echo', (req, res, body) => {
    const hold = new URL(req.url ?? '/', 'http://x').searchParams.get('hold');
    if (hold !== null) {
      holds.add(hold);
      held.push(res);
      return;
    }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ headers: req.headers, body: body.toString() }));
  });
  t.teardown(() => held.forEach((res) => res.destroy()));

  const [flagsV, envV, bothV, loserV, defaultsV, wantedV] = await Promise.all(
    ['flags', 'env', 'both', 'loser', 'defaults', 'wanted'].map((name) => values(dir, name, up.url)),
  );
  const argsOf = (v: Values) => ROWS.flatMap((r) => r.args(v));
  const envOf = (make: (r: Row) => Record<string, string>) => Object.assign({}, ...ROWS.map(make)) as Record<string, string>;
  const defaultsListen = ['--proxy-listen', `127.0.0.1:${defaultsV!.proxy}`, '--admin-listen', `127.0.0.1:${defaultsV!.admin}`];
  const runs = [
    { v: flagsV!, args: argsOf(flagsV!), env: {}, ports: [flagsV!.proxy] },
    { v: envV!, args: [], env: envOf((r) => r.env(envV!)), ports: [envV!.proxy] },
    { v: bothV!, args: argsOf(bothV!), env: envOf((r) => r.losing(loserV!)), ports: [bothV!.proxy, loserV!.proxy] },
  ];
  const [flags, env, both, defaults] = await Promise.all([
    ...runs.map((r) => startSluice(t, ['start', ...r.args], r.ports, { env: r.env })),
    startSluice(t, ['start', ...defaultsListen, '--proxy-ssl-listen', `127.0.0.1:${defaultsV!.ssl}`], [defaultsV!.proxy], {
      cwd: join(dir, 'defaults'),
      env: { SLUICE_ADMIN_EXPOSE_SECRETS: 'false', SLUICE_WATCH: 'on' },
    }),
  ]);
  const running = [flags!, env!, both!];

  t.test('--no-watch: a saved file is not loaded, while a watching gateway loads it; SIGHUP still does', async (t) => {
    await Promise.all([...runs.map((r) => r.v), defaultsV!].map((v) => writeFile(v.conf, config(v, up.url, RELOADED))));
    const reloaded = async (v: Values) => (await request(v.proxy, '/reloaded')).status === 200;
    await waitFor('the watching gateway loads the saved file', () => reloaded(defaultsV!), START_MS).catch((err: Error) => {
      throw new Error(`${err.message}\n${defaults!.stderr()}`);
    });
    // The watcher's debounce is 100 ms; the watching gateway has seen the file by now, and one more window passes.
    await new Promise((r) => setTimeout(r, 500));
    for (const r of runs) t.notOk(await reloaded(r.v), `${r.v.name}: not loaded`);
    for (const p of running) p.signal('SIGHUP');
    for (const r of runs) await waitFor(`${r.v.name}: SIGHUP loads it`, () => reloaded(r.v), START_MS);
  });

  t.test('each row: the effect is seen with the flag, with the variable, and with the flag over another variable', async (t) => {
    for (const row of ROWS) {
      for (const [i, r] of runs.entries()) {
        t.equal(await seen(() => row.observe(r.v, running[i]!)), null, `${row.flag} (${r.v.name})`);
      }
    }
  });

  t.test('each row: not seen without it (the defaults)', async (t) => {
    for (const row of ROWS.filter((r) => r.baseline)) {
      const wanted = { ...wantedV!, proxy: defaultsV!.proxy, admin: defaultsV!.admin, ssl: defaultsV!.ssl };
      const instead = await seen(() => row.observe(wanted, defaults!));
      t.not(instead, null, `${row.flag}: default ${instead}`);
    }
    t.notOk(await accepts(loserV!.proxy), "the losing variable's proxy port is not listened on");
  });

  t.test(`${DRAIN.flag}: a request still in flight at the deadline is cut, and the process exits 0`, async (t) => {
    const outcomes = await Promise.all(runs.map((r, i) => stopsAtDeadline(r.v, running[i]!, holds)));
    runs.forEach((r, i) => t.equal(outcomes[i], null, `${r.v.name}`));
    defaults!.signal('SIGTERM');
    t.same(await defaults!.waitExit(), { code: 0, signal: null }, 'defaults: nothing in flight, exit 0');
  });
});
