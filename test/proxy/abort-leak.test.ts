/**
 * Clients that hang up mid-response must not leave upstream connections (and their buffers) behind — the
 * http-proxy 1.18 leak on Node 20 (upstream issues #1559, #1580). On the engine under test (SLUICE_TEST_ENGINE: `npm test` runs both), real sockets, bounded loops.
 */
import { request as httpRequest } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import t from 'tap';
import { gatewayWithService, until } from '../helpers/gateway.js';
import type { UpstreamHandler } from '../helpers/upstream.js';

const ROUNDS = 60;
const MIB = 1024 * 1024;

// What is still reachable after a full collection: the JS heap and the buffers it holds. RSS is not used: it
// rarely shrinks and moves by tens of MB with the collector's timing on a busy machine, so it measured noise.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
function retainedBytes(): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

async function abortedDownload(port: number): Promise<void> {
  await new Promise<void>((resolve) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/big', agent: false }, (res) => {
      res.once('data', () => {
        // Read one chunk of the 1 MiB answer, then hang up.
        req.destroy();
        resolve();
      });
    });
    req.on('error', () => resolve());
    req.end();
  });
}

t.test('aborted 1 MiB responses leave no upstream connections or memory behind', async (t) => {
  const chunk = Buffer.alloc(64 * 1024, 120);
  const handler: UpstreamHandler = (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': MIB });
    let sent = 0;
    const push = () => {
      while (sent < MIB) {
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', push);
      }
      res.end();
    };
    push();
  };
  const { gw, up } = await gatewayWithService(t, '- { name: big, paths: [/big] }', { handler });
  await abortedDownload(gw.port);
  await until(() => up.connections <= 2, 3000);
  const before = retainedBytes();
  for (let i = 0; i < ROUNDS; i++) await abortedDownload(gw.port);
  // The engine sees the closes a little later: wait (bounded) for the upstream connections to go.
  await until(() => up.connections <= 2, 3000);
  t.ok(up.connections <= 2, `${up.connections} upstream connection(s) open after ${ROUNDS} aborted downloads`);
  // A leak keeps each aborted response's buffers (up to 1 MiB apiece: 60 MiB over the rounds).
  const growthMb = (retainedBytes() - before) / MIB;
  t.ok(growthMb < 16, `${growthMb.toFixed(1)} MB more retained after ${ROUNDS} aborted 1 MiB responses`);
});
