import { createRequire } from 'node:module';

/**
 * sluice's own version: package.json's. src/util and dist/util sit two levels below it, the benches' build
 * (dist-bench/src/util) three.
 */
export const SLUICE_VERSION: string = readVersion();

function readVersion(): string {
  const require = createRequire(import.meta.url);
  for (const up of ['../../package.json', '../../../package.json']) {
    try {
      return (require(up) as { version: string }).version;
    } catch {
      // not at this depth
    }
  }
  throw new Error('sluice: package.json not found beside src/ or dist/');
}

/**
 * The Kong Gateway release sluice matches: the Admin API's `version`, the `Server`/`Via` token and every
 * bundled plugin's `VERSION`, as Kong reports its own.
 */
export const KONG_VERSION = '3.10.0';
