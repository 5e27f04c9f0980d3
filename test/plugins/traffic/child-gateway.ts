/**
 * A sluice gateway in its own process for the shared-counter test: reads kong.yaml from stdin, prints
 * `PORT <n>` when listening, shuts down when stdin closes.
 */
import { startTestGateway } from '../../helpers/gateway.js';

const chunks: Buffer[] = [];
let started = false;
process.stdin.on('data', (c: Buffer) => {
  chunks.push(c);
  const text = Buffer.concat(chunks).toString();
  const end = text.indexOf('\n---END---\n');
  if (started || end < 0) return;
  started = true;
  void startTestGateway(text.slice(0, end)).then((gw) => {
    process.stdout.write(`PORT ${gw.port}\n`);
    process.stdin.once('end', () => {
      void gw
        .close()
        .then(() => process.exit(0));
    });
  });
});
