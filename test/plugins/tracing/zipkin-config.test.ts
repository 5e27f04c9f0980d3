/**
 * The zipkin config fields the other zipkin tests do not reach, each through a real gateway to a Zipkin
 * collector on 127.0.0.1 (Kong: kong/plugins/zipkin/schema.lua, handler.lua, reporter.lua). "Accepted means
 * working": local_service_name names the local endpoint; default_service_name the remote one of spans that
 * have no service; tags_header reads the caller's tags from the named header; http_span_name method_path names
 * the request span with its path; include_credential decides the kong.credential tag.
 */
import t from 'tap';
import { gatewayWithService, waitFor } from '../../helpers/gateway.js';
import { request } from '../../helpers/http.js';
import { zipkinReceiver } from './receivers.js';

type ZSpan = Record<string, unknown> & { tags?: Record<string, string> };

t.test('local/default service names, tags_header, http_span_name, include_credential', async (t) => {
  const zipkin = await zipkinReceiver(t);
  const zip = (more: string) => `{ name: zipkin, config: { http_endpoint: "${zipkin.url}", sample_ratio: 1, ${more} } }`;
  const { gw } = await gatewayWithService(
    t,
    `
    - name: named
      paths: [/named]
      plugins:
        - { name: key-auth }
        - ${zip('local_service_name: edge-gw, default_service_name: nowhere, tags_header: X-My-Tags, http_span_name: method_path')}
    - name: nocred
      paths: [/nocred]
      plugins:
        - { name: key-auth }
        - ${zip('include_credential: false')}
  `,
    { more: 'consumers: [{ username: alice, keyauth_credentials: [{ key: k1 }] }]' },
  );
  t.equal((await request(gw.port, '/named/a', { headers: { apikey: 'k1', 'x-my-tags': 'team=edge;tier=1', 'zipkin-tags': 'no=pe' } })).status, 200);
  const named = await waitFor('the request span of /named', () =>
    (zipkin.spans as ZSpan[]).find((s) => s.kind === 'SERVER' && s.tags?.['http.path'] === '/named/a'),
  );
  t.equal(named.name, 'GET /named/a', 'http_span_name method_path');
  t.same(named.localEndpoint, { serviceName: 'edge-gw' }, 'local_service_name');
  t.match(named.remoteEndpoint, { serviceName: 'nowhere' }, 'default_service_name for a span without a service');
  const proxy = (zipkin.spans as ZSpan[]).find((s) => s.name === 'GET /named/a (proxy)' && s.traceId === named.traceId);
  t.match(proxy?.remoteEndpoint, { serviceName: 'svc' }, 'a span with a service keeps its own name');
  t.match(named.tags, { team: 'edge', tier: '1' }, 'tags_header: the named header is read');
  t.notOk('no' in named.tags!, 'Zipkin-Tags is not read when tags_header names another header');
  t.match(named.tags!['kong.credential'], /^[0-9a-f-]{36}$/, 'include_credential (default true)');
  t.match(named.tags!['kong.consumer'], /^[0-9a-f-]{36}$/);

  t.equal((await request(gw.port, '/nocred', { headers: { apikey: 'k1' } })).status, 200);
  const nocred = await waitFor('the request span of /nocred', () =>
    (zipkin.spans as ZSpan[]).find((s) => s.kind === 'SERVER' && s.tags?.['http.path'] === '/nocred'),
  );
  t.equal(nocred.name, 'GET', 'http_span_name method (default)');
  t.same(nocred.localEndpoint, { serviceName: 'kong' }, "local_service_name's default");
  t.notOk('kong.credential' in nocred.tags!, 'include_credential false: no credential tag');
  t.match(nocred.tags!['kong.consumer'], /^[0-9a-f-]{36}$/, 'the consumer is still tagged');
});
