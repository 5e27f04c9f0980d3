import { readFile } from 'node:fs/promises';
import { formatError } from '../config/errors.js';
import { loadConfigText } from '../config/load.js';
import { entityCounts } from '../schema/entity-counts.js';

/** `sluice validate`: exit codes 0 valid, 1 invalid, 2 unreadable file or bad usage. */
export async function validateCommand(file: string, json: boolean): Promise<number> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const message = `cannot read ${file}: ${e.code === 'ENOENT' ? 'no such file' : (e.code ?? e.message)}`;
    if (json) process.stdout.write(`${JSON.stringify({ file, valid: false, readable: false, error: message })}\n`);
    else process.stderr.write(`${message}\n`);
    return 2;
  }
  const result = loadConfigText(text, file);
  if (!result.ok) {
    if (json) {
      process.stdout.write(`${JSON.stringify({ file, valid: false, errors: result.errors }, null, 2)}\n`);
    } else {
      for (const e of result.errors) process.stderr.write(`${formatError(file, e)}\n`);
      const n = result.errors.length;
      process.stderr.write(`${file}: invalid, ${n} error${n === 1 ? '' : 's'}\n`);
    }
    return 1;
  }
  const counts = entityCounts(result.config.entities);
  if (json) {
    process.stdout.write(
      `${JSON.stringify({ file, valid: true, format_version: result.config.formatVersion, hash: result.config.hash, counts }, null, 2)}\n`,
    );
  } else {
    const parts = Object.entries(counts).map(([k, n]) => `${n} ${k}`);
    process.stdout.write(`${file}: valid (_format_version ${result.config.formatVersion}): ${parts.join(', ') || 'no entities'}\n`);
  }
  return 0;
}
