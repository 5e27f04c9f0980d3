/** One ajv instance for config validation, set up for the generated schemas (annotation keywords). Defaults are filled by normalize.ts, after Kong's shorthands.. */
import { Ajv, type ValidateFunction } from 'ajv';

export function createAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: false, logger: false });
  for (const keyword of ['x-error', 'x-set', 'x-foreign', 'x-priority']) ajv.addKeyword({ keyword });
  return ajv;
}

const cache = new Map<string, ValidateFunction>();

/** Compiles once per key: schemas are static for the life of the process. */
export function compiled(key: string, schema: () => object): ValidateFunction {
  let v = cache.get(key);
  if (!v) {
    v = createAjv().compile(schema());
    cache.set(key, v);
  }
  return v;
}
