// The layer order of src/ (README "Layers"), checked by `npm run layers` in `npm test`.
// A folder imports only folders in layers below its own, never one beside it or above it; nothing imports
// cli; there are no cycles. Type-only imports count: a type two layers need lives in the lower one.
const layers = [
  ['cli'], // commands: argv, signals, exit codes
  ['runtime'], // the one mutable cell: watcher, reload, listeners' lifetime
  ['admin', 'proxy'], // read a Snapshot: Admin API, request lifecycle and engines
  ['snapshot'], // compile entities → frozen Snapshot
  ['config'], // read, parse, validate, normalize → entities
  ['plugins'], // bundled plugins, runner, chain; see only pdk and the layers below
  ['pdk'], // the context plugins receive; the plan types it exposes
  ['tls', 'balancer'], // certificates and SNI; balancing, health checks, DNS
  ['router', 'http'], // route matching; wire-level HTTP: Kong's generated responses, the engine contract, WebSocket frames
  ['redis', 'shared-dict'], // per-gateway stores plugins are lent: the Redis pool (ioredis and the logger type only); Kong's shared dictionaries
  ['log'], // logger, redaction, what is secret (by entity name)
  ['schema'], // entity definitions
  ['util'], // small pure parsers and helpers: vault references, targets, deep-freeze
];

const folder = (names) => `^src/(${names.join('|')})/`;

// No import upward: from each layer, every folder of the layers above is forbidden.
const forbidden = layers.slice(1).map((layer, i) => ({
  name: `layer-${layer.join('-')}`,
  comment: `${layer.join(', ')} may import only layers below: ${layers.slice(i + 2).flat().join(', ') || 'none'}`,
  severity: 'error',
  from: { path: folder(layer) },
  to: { path: folder(layers.slice(0, i + 1).flat()) },
}));

// No import sideways: folders that share a layer are independent of each other.
for (const layer of layers) {
  for (const name of layer.length > 1 ? layer : []) {
    forbidden.push({
      name: `beside-${name}`,
      comment: `${name} may not import ${layer.filter((n) => n !== name).join(', ')}: they share a layer`,
      severity: 'error',
      from: { path: folder([name]) },
      to: { path: folder(layer.filter((n) => n !== name)) },
    });
  }
}

forbidden.push(
  {
    name: 'plugins-see-only-pdk',
    comment:
      'A plugin touches a request only through the PDK (Kong: kong.* is the one door); it may also use schema ' +
      '(its config schema), redis and shared-dict (the gateway stores it is handed), log and util.',
    severity: 'error',
    from: { path: folder(['plugins']) },
    to: { path: '^src/', pathNot: folder(['plugins', 'pdk', 'schema', 'redis', 'shared-dict', 'log', 'util']) },
  },
  {
    name: 'redis-sees-only-log',
    comment: 'src/redis is a leaf any layer may hand around: it needs ioredis and the logger type, nothing of sluice.',
    severity: 'error',
    from: { path: folder(['redis']) },
    to: { path: '^src/', pathNot: folder(['redis', 'log']) },
  },
  {
    name: 'no-circular',
    comment: 'No import cycle, type-only imports included (a type cycle is a layering knot the next move turns into a value one).',
    severity: 'error',
    from: { path: '^src/' },
    to: { circular: true },
  },
  {
    name: 'src-folders-are-layered',
    comment: 'Every folder of src/ has a place in the layer list above (checked from both ends of an import).',
    severity: 'error',
    from: { path: '^src/', pathNot: folder(layers.flat()) },
    to: {},
  },
  {
    name: 'src-folders-are-layered-imported',
    comment: 'Every folder of src/ has a place in the layer list above (checked from both ends of an import).',
    severity: 'error',
    from: { path: '^src/' },
    to: { path: '^src/', pathNot: folder(layers.flat()) },
  },
);

module.exports = {
  forbidden,
  options: {
    // Type-only imports are dependencies too (`import type`), so type cycles are caught.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
  },
};
