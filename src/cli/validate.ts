import type { Command } from 'commander';

/** Registers `sluice validate`; the pipeline is imported only when the command runs (fast --help). */
export function registerValidate(program: Command): void {
  program
    .command('validate')
    .argument('[file]', 'declarative config file', 'kong.yaml')
    .option('--json', 'print a machine-readable report')
    .description('check a kong.yaml without starting anything (exit 0 valid, 1 invalid, 2 unreadable)')
    .action(async (file: string, opts: { json?: boolean }) => {
      const { validateCommand } = await import('./validate-run.js');
      process.exitCode = await validateCommand(file, opts.json === true);
    });
}
