import type { Command } from 'commander';
import { discover, formatPlan } from '../../discover/index.js';
import { addDiscoverOptions, addOutputOptions, parseConfig, type RawOptions } from '../options.js';
import { createOutput } from '../output.js';
import type { SetExitCode } from './index.js';

export function registerPlan(program: Command, _setExit: SetExitCode): void {
  const command = program
    .command('plan')
    .description('list the migrations in the order they will run, with warnings')
    .argument('[dir]', 'migrations directory', '.');
  addDiscoverOptions(command);
  addOutputOptions(command);
  command.action(async (dir: string, raw: RawOptions) => {
    const out = createOutput(raw);
    const config = parseConfig(raw);
    const set = await discover(dir, config.discover);
    if (out.json) out.data(set);
    else out.result(formatPlan(set));
  });
}
