import { Command, CommanderError } from 'commander';
import { registerStart } from './start.js';
import { registerValidate } from './validate.js';
import { SLUICE_VERSION } from '../util/versions.js';


/** Bad usage exits 2 (as `validate` documents); help and version exit 0. */
export async function main(argv: string[]): Promise<void> {
  const program = new Command('sluice')
    .description('A DB-less API gateway driven by a Kong-format kong.yaml')
    .version(SLUICE_VERSION)
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');
  registerValidate(program);
  registerStart(program);
  for (const c of program.commands) c.exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? 0 : 2;
      return;
    }
    throw err;
  }
}
