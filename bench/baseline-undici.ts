/**
 * The floor for the undici engine: node:http in front of undici's dispatch API, one keep-alive Agent, bodies
 * streamed both ways with backpressure, hop-by-hop headers dropped (RFC 9110 §7.6.1) and nothing else.
 *   node dist-bench/bench/baseline-undici.js <upstream port>    (prints `PORT <n>`)
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, type Dispatcher } from 'undici';

const HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host']);
const origin = `http://127.0.0.1:${process.argv[2]}`;
const agent = new Agent({ keepAliveTimeout: 60_000, keepAliveMaxTimeout: 60_000 });

const server = createServer((req, res) => {
  const headers: string[] = [];
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) if (!HOP.has(raw[i]!.toLowerCase())) headers.push(raw[i]!, raw[i + 1]!);
  const hasBody = req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
  const handler: Dispatcher.DispatchHandler = {
    onRequestStart() {},
    onResponseStart(_c, status: number, h: IncomingHttpHeaders) {
      for (const name of HOP) delete h[name];
      res.writeHead(status, h);
    },
    onResponseData(c, chunk: Buffer) {
      if (!res.write(chunk)) {
        c.pause();
        res.once('drain', () => c.resume());
      }
    },
    onResponseEnd() {
      res.end();
    },
    onResponseError() {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    },
  };
  agent.dispatch({ origin, path: req.url!, method: req.method as Dispatcher.HttpMethod, headers, body: hasBody ? req : null }, handler);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`PORT ${(server.address() as AddressInfo).port}\n`));
process.once('SIGTERM', () => process.exit(0));
