/**
 * The floor for the http-proxy engine: node:http in front of http-proxy 1.18's web() with a keep-alive Agent
 * (without one, http-proxy sends `Connection: close` and every request pays a connect).
 *   node dist-bench/bench/baseline-http-proxy.js <upstream port> [kong-headers]    (prints `PORT <n>`)
 * With `kong-headers` it also adds the headers Kong adds by default (fixed values): upstream X-Forwarded-*,
 * X-Real-IP, Via and X-Kong-Request-Id, downstream Via, X-Kong-Upstream-Latency, X-Kong-Proxy-Latency and
 * X-Kong-Request-Id. What any Kong-compatible gateway on http-proxy pays node:http for, and nothing else.
 */
import { Agent, createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import httpProxy from 'http-proxy';

const agent = new Agent({ keepAlive: true, keepAliveMsecs: 60_000 });
const proxy = httpProxy.createProxyServer({ target: `http://127.0.0.1:${process.argv[2]}`, agent });
proxy.on('error', (_err, _req, res) => {
  if ('writeHead' in res && !res.headersSent) res.writeHead(502);
  res.end();
});

const KONG_HEADERS = process.argv[3] === 'kong-headers';
const LISTEN_PORT = { value: '' };

/** http-proxy copies the client's headers object, so headers put there are sent as the client's would be. */
function addKongHeaders(req: IncomingMessage): void {
  const h = req.headers;
  const peer = req.socket.remoteAddress ?? '';
  h['x-forwarded-for'] = peer;
  h['x-forwarded-proto'] = 'http';
  h['x-forwarded-host'] = '127.0.0.1';
  h['x-forwarded-port'] = LISTEN_PORT.value;
  h['x-forwarded-path'] = '/';
  h['x-real-ip'] = peer;
  h.via = '1.1 kong/3.10.0';
  h['x-kong-request-id'] = '4c6f2a1e9b8d7c605f4e3d2c1b0a9f8e';
}

// Kong's downstream headers, added to the upstream's head before http-proxy copies it to the response.
if (KONG_HEADERS) {
  proxy.on('proxyRes', (proxyRes) => {
    const h = proxyRes.headers;
    h.via = h.via ? `${h.via}, 1.1 kong/3.10.0` : '1.1 kong/3.10.0';
    h['x-kong-upstream-latency'] = '1';
    h['x-kong-proxy-latency'] = '0';
    h['x-kong-request-id'] = '4c6f2a1e9b8d7c605f4e3d2c1b0a9f8e';
  });
}

const server = createServer((req, res) => {
  if (KONG_HEADERS) addKongHeaders(req);
  proxy.web(req, res);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  LISTEN_PORT.value = String(port);
  process.stdout.write(`PORT ${port}\n`);
});
process.once('SIGTERM', () => process.exit(0));
