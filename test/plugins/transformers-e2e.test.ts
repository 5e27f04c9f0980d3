/** The transformer plugins through a real gateway and a real upstream: headers and JSON bodies both ways. */
import t from 'tap';
import { gatewayWithService } from '../helpers/gateway.js';
import { request } from '../helpers/http.js';
import type { UpstreamHandler } from '../helpers/upstream.js';

t.test('request-transformer and response-transformer(-advanced) on proxied traffic', async (t) => {
  const handler: UpstreamHandler = (req, res) => {
    const body = JSON.stringify({ keep: 1, secret: 'x', nested: { drop: true }, seen: { method: req.method, url: req.url, h: req.headers['x-added'] ?? null } });
    res.writeHead(200, { 'content-type': 'application/json', 'x-internal': 'yes', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
  const { gw } = await gatewayWithService(t, `
      - name: basic
        paths: [/basic]
        plugins:
          - name: request-transformer
            config:
              add: { headers: ["x-added:from-gateway"], querystring: ["q:1"] }
          - name: response-transformer
            config:
              remove: { headers: [x-internal], json: [secret] }
              add: { headers: ["x-gw:1"], json: ["added:true"] }
      - name: advanced
        paths: [/advanced]
        plugins:
          - name: response-transformer-advanced
            config:
              remove: { json: [nested.drop] }
              replace: { body: '{"replaced":true}' }
`, { handler });
  const res = await request(gw.port, '/basic');
  t.equal(res.status, 200);
  t.equal(res.headers['x-internal'], undefined, 'upstream header removed');
  t.equal(res.headers['x-gw'], '1', 'header added');
  const body = res.json<{ keep: number; secret?: string; added?: string; seen: { url: string; h: string } }>();
  t.equal(body.secret, undefined, 'json field removed from the upstream body');
  t.equal(body.added, 'true', 'json field added (a string: json_types defaults to string, as Kong)');
  t.equal(body.seen.h, 'from-gateway', 'request header added upstream');
  t.match(body.seen.url, /q=1/, 'query added upstream');
  t.equal(Number(res.headers['content-length']), Buffer.byteLength(res.body), 'content-length matches the new body');
  const adv = await request(gw.port, '/advanced');
  t.same(adv.json(), { replaced: true }, 'replace.body');
});
