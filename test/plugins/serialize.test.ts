/** kong.log.serialize() and set_serialize_value: what log plugins see, including correlation-id's value. */
import t from 'tap';
import { gatewayWithService, waitFor } from '../helpers/gateway.js';
import { request } from '../helpers/http.js';

t.test('set_serialize_value adds, nests and removes; correlation-id publishes its id', async (t) => {
  const { gw } = await gatewayWithService(t, '- { name: r, paths: [/] }', { more: `
plugins:
  - name: correlation-id
    config: { header_name: X-Corr, echo_downstream: true }
  - name: pre-function
    config:
      access:
        - |
          kong.log.set_serialize_value('custom.team', 'payments');
          kong.log.set_serialize_value('request.size', null);
  - name: post-function
    config:
      log:
        - |
          const s = kong.log.serialize();
          kong.log.info('serialized', JSON.stringify({ corr: s.correlation_id, team: s.custom.team, size: 'size' in s.request, route: s.route.name }));
` });
  const res = await request(gw.port, '/');
  t.equal(res.status, 200);
  // kong.log.serialize is a log-phase function (Kong): the log handler reports what it saw in the gateway's log.
  const line = await waitFor('the serialized line', () => gw.logs.find((l) => String(l.msg).startsWith('serialized ')));
  const seen = JSON.parse(String(line.msg).slice('serialized '.length)) as { corr: string; team: string; size: boolean; route: string };
  t.equal(seen.corr, res.headers['x-corr'], 'correlation_id is the id sent downstream');
  t.equal(seen.team, 'payments', 'dotted key creates nested values');
  t.equal(seen.size, false, 'null removes a value');
  t.equal(seen.route, 'r');
});
