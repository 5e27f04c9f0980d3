import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/log/logger.js';
import { type Gateway, type GatewayOptions, startGateway } from '../../src/runtime/gateway.js';
import { startUpstream, type Upstream, type UpstreamHandler } from './upstream.js';

// The test harness: a real gateway on 127.0.0.1, the upstream + kong.yaml + gateway preamble most suites
// share, and the bounded poll that awaits a condition instead of sleeping. The engine comes from
// SLUICE_TEST_ENGINE, so `npm run test:http-proxy` reruns a suite on http-proxy without touching it.

export interface TestGateway extends Gateway {
  readonly dir: string;
  readonly file: string;
  readonly port: number;
  readonly adminPort: number;
  /** Log lines written so far, parsed. */
  readonly logs: Record<string, unknown>[];
  writeConfig(yaml: string): Promise<void>;
}

/** Starts a real gateway in this process on 127.0.0.1 with an ephemeral port and a temp kong.yaml. */
export async function startTestGateway(
  yaml: string,
  opts: Partial<Omit<GatewayOptions, 'logger'>> = {},
): Promise<TestGateway> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-test-'));
  const file = join(dir, 'kong.yaml');
  await writeFile(file, yaml);
  const logs: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString().split('\n')) {
        if (line.trim()) {
          try {
            logs.push(JSON.parse(line) as Record<string, unknown>);
          } catch {
            logs.push({ msg: line });
          }
        }
      }
      cb();
    },
  });
  const logger = createLogger({ level: 'debug', format: 'json', stream });
  const gw = await startGateway({
    conf: file,
    proxyListen: '127.0.0.1:0',
    adminListen: '127.0.0.1:0',
    watch: false,
    engine: (process.env.SLUICE_TEST_ENGINE as 'undici' | 'http-proxy' | undefined) ?? 'undici',
    drainTimeoutMs: 2000,
    watchDebounceMs: 50,
    ...opts,
    logger,
  });
  return Object.assign(Object.create(null) as object, gw, {
    dir,
    file,
    port: gw.proxyAddress.port,
    adminPort: gw.adminAddress?.port ?? 0,
    logs,
    writeConfig: (text: string) => writeFile(file, text),
    close: async () => {
      await gw.close();
      await rm(dir, { recursive: true, force: true });
    },
  }) as TestGateway;
}

/** What the harness needs of a tap test: somewhere to register cleanup. */
export interface Teardown {
  teardown(fn: () => unknown): void;
}

/** Starts a test gateway that closes when `t` ends. */
export async function gateway(t: Teardown, yaml: string, opts: Partial<Omit<GatewayOptions, 'logger'>> = {}): Promise<TestGateway> {
  const gw = await startTestGateway(yaml, opts);
  t.teardown(() => gw.close());
  return gw;
}

/** Starts an upstream (an echo by default) that closes when `t` ends. */
export async function upstream(t: Teardown, name = 'svc', handler?: UpstreamHandler): Promise<Upstream> {
  const up = await startUpstream(name, handler);
  t.teardown(() => up.close());
  return up;
}

export interface ServiceOptions {
  /** Top-level YAML after the service: consumers, global plugins, upstreams. */
  readonly more?: string;
  /** The upstream's handler; an echo of the request by default. */
  readonly handler?: UpstreamHandler;
  readonly gateway?: Partial<Omit<GatewayOptions, 'logger'>>;
}

/**
 * The common preamble: an upstream `svc`, and a gateway whose one service `svc` points at it and holds
 * `routes` (YAML list items, written at any indentation); both close when `t` ends.
 */
export async function gatewayWithService(
  t: Teardown,
  routes: string,
  opts: ServiceOptions = {},
): Promise<{ gw: TestGateway; up: Upstream }> {
  const up = await upstream(t, 'svc', opts.handler);
  const gw = await gateway(t, serviceYaml(up.url, routes, opts.more), opts.gateway);
  return { gw, up };
}

/** A kong.yaml with one service `svc` on `url` holding `routes`, then `more` at the top level. */
export function serviceYaml(url: string, routes: string, more = ''): string {
  return `_format_version: "3.0"\nservices:\n  - name: svc\n    url: ${url}\n    routes:\n${indent(routes, 6)}\n${indent(more, 0)}\n`;
}

/** The message a config fails to start with, or null when it starts (the gateway is closed again). */
export async function startError(yaml: string): Promise<string | null> {
  return startTestGateway(yaml).then(
    async (gw) => {
      await gw.close();
      return null;
    },
    (err: Error) => err.message,
  );
}

/** Re-indents a YAML block written inside a template literal: common leading white space becomes `by` spaces. */
function indent(block: string, by: number): string {
  const lines = block.split('\n').filter((l, i, all) => l.trim() !== '' || (i > 0 && i < all.length - 1));
  const common = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length));
  return lines.map((l) => (l.trim() === '' ? '' : ' '.repeat(by) + l.slice(common))).join('\n');
}

/**
 * Polls `check` every `everyMs` until it returns something other than `false` or `undefined`, for at most
 * `ms`; resolves with that value, or with `undefined` when time runs out. For conditions that follow a
 * response asynchronously (log-phase lines, connection closes, health probes, reloads).
 */
export async function until<T>(
  check: () => T | Promise<T>,
  ms = 5000,
  everyMs = 20,
): Promise<Exclude<T, false | undefined> | undefined> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== false && value !== undefined) return value as Exclude<T, false | undefined>;
    if (Date.now() >= deadline) return undefined;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** `until`, but throws when time runs out: for values a test goes on to read. */
export async function waitFor<T>(what: string, check: () => T | Promise<T>, ms = 5000): Promise<Exclude<T, false | undefined>> {
  const value = await until(check, ms);
  if (value === undefined) throw new Error(`${what}: not seen within ${ms} ms`);
  return value;
}

/** A route `name` on path `/name` with `plugin` configured by `config` (flow YAML): one route per table case. */
export function pluginRoute(name: string, plugin: string, config = '{}'): string {
  return `- name: ${name}\n  paths: [/${name}]\n  plugins:\n    - name: ${plugin}\n      config: ${config}\n`;
}
