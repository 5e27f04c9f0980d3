/**
 * The floor for the http-proxy engine: node:http in front of http-proxy 1.18's web() with a keep-alive Agent
 * (without one, http-proxy sends `Connection: close` and every request pays a connect).
 *   node dist-bench/bench/baseline-http-proxy.js <upstream port>    (prints `PORT <n>`)
 */
import { Agent, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import httpProxy from 'http-proxy';

const agent = new Agent({ keepAlive: true, keepAliveMsecs: 60_000 });
const proxy = httpProxy.createProxyServer({ target: `http://127.0.0.1:${process.argv[2]}`, agent });
proxy.on('error', (_err, _req, res) => {
  if ('writeHead' in res && !res.headersSent) res.writeHead(502);
  res.end();
});

const server = createServer((req, res) => proxy.web(req, res));
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`PORT ${(server.address() as AddressInfo).port}\n`));
process.once('SIGTERM', () => process.exit(0));
