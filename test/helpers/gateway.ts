import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/log/logger.js';
import { type Gateway, type GatewayOptions, startGateway } from '../../src/runtime/gateway.js';

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
