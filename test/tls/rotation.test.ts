import { Agent } from 'node:https';
import type { TLSSocket } from 'node:tls';
import t from 'tap';
import { gateway, until, upstream } from '../helpers/gateway.js';
import { httpsGet } from './client.js';
import { makePki, yamlPem, type Pair } from './pki.js';

const pki = makePki();
t.teardown(() => pki.cleanup());
const v1 = pki.issue('a.test v1', { san: 'DNS:a.test' });
const v2 = pki.issue('a.test v2', { san: 'DNS:a.test' });

const config = (pair: Pair, upstreamUrl: string) => `_format_version: "3.0"
certificates:
  - cert: ${yamlPem(pair.cert, 6)}
    key: ${yamlPem(pair.key, 6)}
    snis:
      - name: a.test
services:
  - url: ${upstreamUrl}
    routes:
      - paths: [/]
`;

t.test('a reload rotates the certificate under a live TLS client loop without a failed request', async (t) => {
  const up = await upstream(t, 'echo');
  const gw = await gateway(t, config(v1, up.url), { proxySslListen: '127.0.0.1:0' });
  const port = gw.proxySslAddress!.port;
  const ca = [pki.ca.cert];

  // One kept-alive connection, opened before the swap: it must keep working with the certificate it got.
  const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });
  t.teardown(() => keepAlive.destroy());
  const first = await httpsGet(port, '/', { servername: 'a.test', ca, agent: keepAlive });
  t.equal(first.peer.subject.CN, 'a.test v1');

  const seen: string[] = [];
  const failures: string[] = [];
  let keptAliveOk = 0;
  let swapped = false;
  let servedNewAfterSwap = false;
  let stop = false;
  const deadline = Date.now() + 15_000;
  const loop = async (worker: number) => {
    for (let i = 0; !stop && Date.now() < deadline; i++) {
      const keep = worker === 0 && i % 2 === 0;
      const wasSwapped = swapped;
      try {
        const res = await httpsGet(port, '/', { servername: 'a.test', ca, ...(keep ? { agent: keepAlive } : {}) });
        if (res.status !== 200) failures.push(`status ${res.status}`);
        if (keep) {
          keptAliveOk++;
          continue;
        }
        seen.push(String(res.peer.subject.CN));
        if (wasSwapped) {
          if (res.peer.subject.CN !== 'a.test v2') failures.push(`old certificate after the swap: ${res.peer.subject.CN}`);
          else servedNewAfterSwap = true;
        }
      } catch (err) {
        failures.push((err as Error).message);
      }
    }
  };
  const workers = [0, 1, 2, 3].map(loop);
  // Swap mid-loop: once new handshakes and the kept-alive connection have both been served with v1 ...
  await until(() => seen.includes('a.test v1') && keptAliveOk > 5, 5000);
  await gw.writeConfig(config(v2, up.url));
  const outcome = await gw.reload();
  t.equal(outcome.status, 'swapped');
  swapped = true;
  // ... and stop once new handshakes got v2 and the kept-alive connection went on serving across the swap.
  const keptAliveBeforeSwap = keptAliveOk;
  await until(() => servedNewAfterSwap && keptAliveOk > keptAliveBeforeSwap + 5, 5000);
  stop = true;
  await Promise.all(workers);

  t.same(failures, [], 'no failed request');
  t.ok(seen.includes('a.test v1') && seen.includes('a.test v2'), 'both certificates were served during the loop');
  t.ok(servedNewAfterSwap, 'new handshakes after the swap get the new certificate');
  t.ok(keptAliveOk > 10, `the kept-alive connection served ${keptAliveOk} requests across the swap`);
  // The kept-alive socket is the one opened before the swap: still presenting v1.
  const sockets = Object.values((keepAlive as unknown as { freeSockets: Record<string, TLSSocket[]> }).freeSockets).flat();
  t.equal(sockets.length, 1);
  t.equal(sockets[0]?.getPeerCertificate().subject.CN, 'a.test v1', 'the established connection was not cut');
});
