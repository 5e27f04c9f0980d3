/**
 * A reload reuses the pieces of entities it left unchanged (src/snapshot/reuse.ts) and never keeps an old piece
 * for an entity that changed: for one field of one route, one plugin and one upstream's target among many, the
 * new behaviour is served and the pieces of everything else are the very objects the previous snapshot held.
 */
import t from 'tap';
import type { CompiledSnapshot } from '../../src/snapshot/compile.js';
import type { RoutePlan } from '../../src/pdk/proxy-plan.js';
import { startTestGateway } from '../helpers/gateway.js';
import { request } from '../helpers/http.js';
import { startUpstream, type Upstream } from '../helpers/upstream.js';

const ROUTES = 30;

interface Variant {
  /** Route r3's path. */
  path3: string;
  /** Route r7's request-termination message. */
  message7: string;
  /** The upstream pool's target. */
  target: Upstream;
}

function config(a: Upstream, v: Variant): string {
  let s = `_format_version: "3.0"\nupstreams:\n  - name: pool\n    targets:\n      - target: 127.0.0.1:${v.target.port}\n`;
  s += `services:\n  - name: pooled\n    url: http://pool/\n    routes:\n      - name: via-pool\n        paths: [/pool]\n`;
  s += `  - name: direct\n    url: ${a.url}\n    plugins:\n      - name: response-transformer\n        config: { add: { headers: ["x-svc:direct"] } }\n    routes:\n`;
  for (let i = 0; i < ROUTES; i++) {
    s += `      - name: r${i}\n        paths: [${i === 3 ? v.path3 : `/r${i}`}]\n`;
    if (i % 2 === 1) {
      s += `        plugins:\n          - name: request-termination\n            config: { status_code: 200, message: "${i === 7 ? v.message7 : `r${i}`}" }\n`;
    }
  }
  return s;
}

function routePlan(s: CompiledSnapshot, path: string): RoutePlan {
  const m = s.proxy.router.match({ method: 'GET', host: 'localhost', path, headers: {}, sni: null, scheme: 'http', port: 8000 });
  if (m === null) throw new Error(`no route for ${path}`);
  return m.route as RoutePlan;
}

t.test('a reload serves what changed and reuses the rest', async (t) => {
  const a = await startUpstream('a');
  const b = await startUpstream('b');
  const base: Variant = { path3: '/r3', message7: 'r7', target: a };
  const gw = await startTestGateway(config(a, base));
  t.teardown(async () => {
    await gw.close();
    await a.close();
    await b.close();
  });

  const cases: { name: string; change: Partial<Variant>; served: [string, number, string][]; changed: string[] }[] = [
    { name: 'one plugin field', change: { message7: 'r7-v2' }, served: [['/r7', 200, 'r7-v2']], changed: ['/r7'] },
    { name: 'one route field', change: { path3: '/r3-moved' }, served: [['/r3-moved', 200, 'r3'], ['/r3', 404, 'no Route']], changed: ['/r3-moved'] },
    { name: "one upstream's target", change: { target: b }, served: [['/pool', 200, '"upstream":"b"']], changed: ['/pool'] },
  ];
  let variant = base;
  for (const c of cases) {
    await t.test(c.name, async (t) => {
      const before = gw.cell.current;
      variant = { ...variant, ...c.change };
      await gw.writeConfig(config(a, variant));
      const outcome = await gw.reload();
      t.equal(outcome.status, 'swapped');
      const after = gw.cell.current;
      for (const [path, status, body] of c.served) {
        const res = await request(gw.port, path);
        t.equal(res.status, status, `${path} answers ${status}`);
        t.match(res.body.toString(), body, `${path} serves the new config`);
      }
      // Unchanged routes: the same route plan, chain and plugin instances, the same entity object.
      for (const path of ['/r0', '/r1', '/r9', `/r${ROUTES - 1}`]) {
        t.equal(routePlan(after, path), routePlan(before, path), `${path}: the same route plan`);
        t.equal(routePlan(after, path).entity, routePlan(before, path).entity, `${path}: the same entity`);
      }
      t.equal(routePlan(after, '/r9').plugins.slots[0]!.base, routePlan(before, '/r9').plugins.slots[0]!.base, 'an unchanged plugin: the same instance');
      t.equal(after.proxy.services.get(routePlan(after, '/r0').service!.id), before.proxy.services.get(routePlan(before, '/r0').service!.id), 'the direct service: the same plan');
      // What changed was built anew.
      for (const path of c.changed) {
        const plan = routePlan(after, path);
        t.ok(before.proxy.router.match({ method: 'GET', host: 'localhost', path, headers: {}, sni: null, scheme: 'http', port: 8000 })?.route !== plan, `${path}: a new route plan`);
      }
      if (c.change.target) t.not(after.proxy.balancers.get('pool'), before.proxy.balancers.get('pool'), 'the changed upstream: a new balancer');
      else t.equal(after.proxy.balancers.get('pool'), before.proxy.balancers.get('pool'), 'the unchanged upstream: the same balancer');
      t.ok(Object.isFrozen(routePlan(after, path0(c))) && Object.isFrozen(after.entities.routes), 'the snapshot is frozen');
      const line = gw.logs.filter((l) => l.msg === 'config reloaded').at(-1)!;
      t.ok(Number(line.pieces_reused) > Number(line.pieces_built), `reload line: ${String(line.pieces_built)} built, ${String(line.pieces_reused)} reused`);
    });
  }
  // The reused balancer still balances: its snapshot retired, it stayed active for the one serving.
  const res = await request(gw.port, '/pool');
  t.equal(res.status, 200, 'the pooled service still answers after the balancer was shared across reloads');
});

const path0 = (c: { changed: string[] }) => c.changed[0]!;
