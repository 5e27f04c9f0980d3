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
  ['redis'], // Redis pool (ioredis and the logger type only)
  ['log'], // logger, redaction, what is secret (by entity name)
  ['schema'], // entity definitions
  ['util'],
];

const folder = (names) => `^src/(${names.join('|')})/`;

const forbidden = layers.map((layer, rank) => {
  const above = layers.slice(0, rank).flat();
  // A folder beside this one in its layer (its own folder is fine).
  const rules = [];
  if (above.length > 0) {
    rules.push({
      name: `layer-${layer.join('-')}`,
      comment: `${layer.join(', ')} may import only layers below: ${layers.slice(rank + 1).flat().join(', ')}`,
      severity: 'error',
      from: { path: folder(layer) },
      to: { path: folder(above) },
    });
  }
  return rules;
}).flat();

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
    name: 'no-circular',
    comment: 'No import cycle, type-only imports included (a type cycle is a layering knot the next move turns into a value one).',
    severity: 'error',
    from: { path: '^src/' },
    to: { circular: true },
  },
  {
    name: 'src-folders-are-layered',
    comment: 'Every folder of src/ has a place in the layer list of .dependency-cruiser.cjs.',
    severity: 'error',
    from: { path: '^src/', pathNot: folder(layers.flat()) },
    to: {},
  },
  {
    name: 'src-folders-are-layered-imported',
    comment: 'Every folder of src/ has a place in the layer list of .dependency-cruiser.cjs.',
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
