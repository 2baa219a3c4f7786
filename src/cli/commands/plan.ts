import type { Command } from 'commander';
import { discover, formatPlan } from '../../discover/index.js';
import { addDiscoverOptions, addOutputOptions, parsePipelineOptions, type RawOptions } from '../options.js';
import { createOutput } from '../output.js';

export function registerPlan(program: Command): void {
  const command = program
    .command('plan')
    .description('list the migrations in the order they will run, with warnings; touches no database')
    .argument('[dir]', 'migrations directory', '.');
  addDiscoverOptions(command);
  addOutputOptions(command);
  command.action(async (dir: string, raw: RawOptions) => {
    const out = createOutput(raw);
    const options = parsePipelineOptions(raw);
    const set = await discover(dir, {
      ...(options.format ? { format: options.format } : {}),
      ...(options.orderFile ? { orderFile: options.orderFile } : {}),
    });
    // The SQL itself is not part of the plan: it would drown the listing.
    if (out.json) out.data({ ...set, migrations: set.migrations.map(({ sql: _sql, ...m }) => m) });
    else out.result(formatPlan(set));
  });
}
