import t from 'tap';
import { buildChain, type PluginInstance, precedenceRank, runOrder } from '../../src/plugins/chain.js';
import type { Plugin } from '../../src/schema/index.js';

type Scope = { route?: string; service?: string; consumer?: string };

function instance(id: string, name: string, scope: Scope, priority = 910): PluginInstance {
  const entity = {
    id,
    name,
    route: scope.route ? { id: scope.route } : null,
    service: scope.service ? { id: scope.service } : null,
    consumer: scope.consumer ? { id: scope.consumer } : null,
    enabled: true,
    config: {},
  } as unknown as Plugin;
  return { id, name, priority, entity, handlers: {}, buffersResponse: false };
}

// Kong's ladder (plugins_iterator lookup_cfg), most specific first.
const LADDER: [string, Scope][] = [
  ['route+service+consumer', { route: 'R', service: 'S', consumer: 'C' }],
  ['route+consumer', { route: 'R', consumer: 'C' }],
  ['service+consumer', { service: 'S', consumer: 'C' }],
  ['route+service', { route: 'R', service: 'S' }],
  ['consumer', { consumer: 'C' }],
  ['route', { route: 'R' }],
  ['service', { service: 'S' }],
  ['global', {}],
];

t.test('precedence: each rung beats every rung below it', async (t) => {
  for (let top = 0; top < LADDER.length; top++) {
    const present = LADDER.slice(top).map(([label, scope]) => instance(label, 'rate-limiting', scope));
    const chain = buildChain(present, 'R', 'S');
    t.equal(chain.slots.length, 1, 'one slot per plugin name');
    const slot = chain.slots[0]!;
    const withConsumer = slot.byConsumer?.get('C') ?? slot.base;
    t.equal(withConsumer?.id, LADDER[top]![0], `with consumer C, ${LADDER[top]![0]} wins over the rungs below`);
    const firstNonConsumer = LADDER.slice(top).find(([, s]) => !s.consumer);
    t.equal(slot.base?.id ?? null, firstNonConsumer?.[0] ?? null, 'without a consumer, the best non-consumer rung wins');
  }
});

t.test('instances scoped elsewhere never apply', async (t) => {
  const cases: [Scope, string | null, string | null, string | null, number][] = [
    [{ route: 'R' }, 'R', 'S', null, 5],
    [{ route: 'X' }, 'R', 'S', null, -1],
    [{ service: 'X' }, 'R', 'S', null, -1],
    [{ consumer: 'C' }, 'R', 'S', null, -1],
    [{ consumer: 'C' }, 'R', 'S', 'C', 4],
    [{ route: 'R', consumer: 'D' }, 'R', 'S', 'C', -1],
    [{}, null, null, null, 7],
  ];
  for (const [scope, r, s, c, want] of cases) {
    const got = precedenceRank(
      { route: scope.route ?? null, service: scope.service ?? null, consumer: scope.consumer ?? null },
      r,
      s,
      c,
    );
    t.equal(got, want, `${JSON.stringify(scope)} for route ${r}, service ${s}, consumer ${c}`);
  }
  const chain = buildChain([instance('a', 'cors', { route: 'OTHER' })], 'R', 'S');
  t.equal(chain.slots.length, 0, 'a plugin on another route is not in this chain');
});

t.test('run order: priority descending, then name descending (Kong)', async (t) => {
  const list = [
    { name: 'post-function', priority: -1000 },
    { name: 'key-auth', priority: 1250 },
    { name: 'b-plugin', priority: 10 },
    { name: 'a-plugin', priority: 10 },
    { name: 'pre-function', priority: 1000000 },
  ].sort(runOrder);
  t.same(
    list.map((p) => p.name),
    ['pre-function', 'key-auth', 'b-plugin', 'a-plugin', 'post-function'],
  );
});
