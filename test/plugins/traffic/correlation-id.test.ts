import t from 'tap';
import { gatewayWithService } from '../../helpers/gateway.js';
import { request } from '../../helpers/http.js';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

t.test('correlation-id through a gateway', async (t) => {
  const { gw, up } = await gatewayWithService(t, `
      - name: defaults
        paths: [/defaults]
        plugins:
          - name: correlation-id
      - name: uuid
        paths: [/uuid]
        plugins:
          - name: correlation-id
            config: { generator: uuid, header_name: X-Trace, echo_downstream: true }
      - name: tracker
        paths: [/tracker]
        plugins:
          - name: correlation-id
            config: { generator: tracker, echo_downstream: true }
      - name: exit
        paths: [/exit]
        plugins:
          - name: correlation-id
            config: { echo_downstream: true }
          - name: request-termination
            config: { status_code: 418 }
`);

  await t.test('uuid#counter by default, sent upstream only', async (t) => {
    const a = await request(gw.port, '/defaults');
    const idA = up.seen.at(-1)!.headers['kong-request-id'] as string;
    await request(gw.port, '/defaults');
    const idB = up.seen.at(-1)!.headers['kong-request-id'] as string;
    t.match(idA, new RegExp(`^${UUID}#\\d+$`));
    const [base, n] = idA.split('#');
    t.equal(idB, `${base}#${Number(n) + 1}`, 'same process id, next counter');
    t.notOk(a.headers['kong-request-id'], 'not echoed by default');
  });

  await t.test('a client-supplied id is kept', async (t) => {
    const res = await request(gw.port, '/uuid', { headers: { 'x-trace': 'from-client' } });
    t.equal(up.seen.at(-1)!.headers['x-trace'], 'from-client');
    t.equal(res.headers['x-trace'], 'from-client');
  });

  await t.test('uuid generator with echo_downstream', async (t) => {
    const res = await request(gw.port, '/uuid');
    const sent = up.seen.at(-1)!.headers['x-trace'] as string;
    t.match(sent, new RegExp(`^${UUID}$`));
    t.equal(res.headers['x-trace'], sent, 'the client sees the id the upstream got');
  });

  await t.test('tracker generator', async (t) => {
    const res = await request(gw.port, '/tracker');
    const sent = up.seen.at(-1)!.headers['kong-request-id'] as string;
    t.match(sent, new RegExp(`-${gw.port}-${process.pid}-\\d+-\\d+-\\d+\\.\\d{3}$`));
    t.equal(res.headers['kong-request-id'], sent);
  });

  await t.test('echoed on responses the gateway makes itself', async (t) => {
    const res = await request(gw.port, '/exit');
    t.equal(res.status, 418);
    t.match(res.headers['kong-request-id'], new RegExp(`^${UUID}#\\d+$`));
  });
});
