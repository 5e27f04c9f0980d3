import t from 'tap';
import { buildChain, globalInstances, type PluginInstance, precedenceRank, runOrder } from '../../src/plugins/chain.js';
import type { Plugin } from '../../src/schema/index.js';

type Scope = { route?: string; service?: string; consumer?: string; group?: string };

function instance(id: string, name: string, scope: Scope, priority = 910, ordering: object | null = null): PluginInstance {
  const entity = {
    id,
    name,
    route: scope.route ? { id: scope.route } : null,
    service: scope.service ? { id: scope.service } : null,
    consumer: scope.consumer ? { id: scope.consumer } : null,
    consumer_group: scope.group ? { id: scope.group } : null,
    ordering,
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

// Kong Enterprise ladder with consumer groups (Kong's kong/runloop/plugins_iterator.lua lookup_cfg): consumer group rungs interleaved with the OSS ones.
const EE_LADDER: [string, Scope][] = [
  ['consumer+route+service', { route: 'R', service: 'S', consumer: 'C' }],
  ['group+route+service', { route: 'R', service: 'S', group: 'G1' }],
  ['consumer+route', { route: 'R', consumer: 'C' }],
  ['consumer+service', { service: 'S', consumer: 'C' }],
  ['group+route', { route: 'R', group: 'G1' }],
  ['group+service', { service: 'S', group: 'G1' }],
  ['route+service', { route: 'R', service: 'S' }],
  ['consumer', { consumer: 'C' }],
  ['group', { group: 'G1' }],
  ['route', { route: 'R' }],
  ['service', { service: 'S' }],
  ['global', {}],
];
const MEMBERSHIP = new Map([
  ['C', [{ id: 'G1', name: 'gold' }]],
  ['D', [{ id: 'G2', name: 'silver' }]],
]);

t.test('consumer groups: each Enterprise rung beats the ones below; members only', async (t) => {
  for (let top = 0; top < EE_LADDER.length; top++) {
    const present = EE_LADDER.slice(top).map(([label, scope]) => instance(label, 'rate-limiting', scope));
    const slot = buildChain(present, 'R', 'S', MEMBERSHIP).slots[0]!;
    t.equal((slot.byConsumer?.get('C') ?? slot.base)?.id, EE_LADDER[top]![0], `member C: ${EE_LADDER[top]![0]} wins`);
    const nonMember = slot.byConsumer?.get('D') ?? slot.base;
    t.notOk(nonMember?.entity.consumer_group, 'a group-scoped instance never applies to a non-member');
  }
  const onlyGroup = buildChain([instance('g', 'acl', { group: 'G1' })], 'R', 'S', MEMBERSHIP).slots[0]!;
  t.equal(onlyGroup.base, null, 'no base instance: anonymous requests do not get it');
  t.equal(onlyGroup.byConsumer?.get('C')?.id, 'g');
  t.equal(globalInstances([instance('g', 'acl', { group: 'G1' })]).length, 0, 'group-scoped is not global');
});

t.test('consumer groups: the alphabetically first group wins a tie', async (t) => {
  const membership = new Map([['C', [{ id: 'Z', name: 'zeta' }, { id: 'A', name: 'alpha' }]]]);
  const slot = buildChain([instance('z', 'cors', { group: 'Z' }), instance('a', 'cors', { group: 'A' })], 'R', 'S', membership).slots[0]!;
  t.equal(slot.byConsumer?.get('C')?.id, 'a');
});

t.test('dynamic ordering changes the access order only', async (t) => {
  const chain = buildChain(
    [
      instance('k', 'key-auth', {}, 1250),
      instance('r', 'rate-limiting', {}, 910, { before: { access: ['key-auth'] } }),
      instance('c', 'cors', {}, 2000),
      instance('t', 'request-termination', {}, 2, { before: { access: ['cors'] } }),
    ],
    'R',
    'S',
  );
  t.same(chain.slots.map((s) => s.name), ['cors', 'key-auth', 'rate-limiting', 'request-termination'], 'priority order');
  t.same(chain.accessSlots.map((s) => s.name), ['request-termination', 'cors', 'rate-limiting', 'key-auth'], 'access order');
  const plain = buildChain([instance('k', 'key-auth', {}, 1250)], 'R', 'S');
  t.equal(plain.accessSlots, plain.slots, 'no ordering: same array');
  const cycle = buildChain(
    [instance('a', 'a', {}, 2, { before: { access: ['b'] } }), instance('b', 'b', {}, 1, { before: { access: ['a'] } })],
    'R',
    'S',
  );
  t.equal(cycle.accessSlots.length, 2, 'a cycle does not lose plugins');
});
