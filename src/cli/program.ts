import { Command, CommanderError } from 'commander';
import { ExitCode } from '../errors.js';
import { VERSION } from '../version.js';
import { reportError } from './output.js';
import { registerCommands } from './commands/index.js';

/**
 * Runs the CLI and returns the exit code; only this module (and its commands) print. Commands
 * signal failure by throwing typed errors (a drift found is a DriftError: exit 1).
 */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('pgsquash')
    .description('Consolidate a PostgreSQL migration history into one verified baseline.')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  registerCommands(program);
  const wantsJson = argv.includes('--json');
  try {
    await program.parseAsync(argv, { from: 'user' });
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    return reportError(error, wantsJson);
  }
}

