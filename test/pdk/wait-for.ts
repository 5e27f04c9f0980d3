import { waitFor as waitForValue } from '../helpers/gateway.js';

/**
 * Kept for test/plugins/serverless-lua-phases.test.ts only; new tests call waitFor from test/helpers/gateway.ts,
 * and this file goes once that one does.
 */
export function waitFor<T>(find: () => T | undefined): Promise<Exclude<T, false | undefined>> {
  return waitForValue('the awaited value', find, 2000);
}
