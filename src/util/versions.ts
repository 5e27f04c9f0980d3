import { createRequire } from 'node:module';

/** sluice's own version: package.json's (src/util and dist/util both sit two levels below it). */
export const SLUICE_VERSION: string = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

/**
 * The Kong Gateway release sluice matches: the Admin API's `version`, the `Server`/`Via` token and every
 * bundled plugin's `VERSION`, as Kong reports its own.
 */
export const KONG_VERSION = '3.10.0';
