/** `sluice` from the benches' build (dist-bench/src): bin/sluice runs dist/, which may be older than src/. */
import { main } from '../src/cli/main.js';

await main(process.argv);
