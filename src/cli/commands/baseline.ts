import type { Command } from 'commander';
import { writeOutputFile } from '../../util/output-file.js';
import { resolveOutputPath } from '../../util/paths.js';
import { driftError } from '../../verify/index.js';
import { buildBaseline, type BaselineResult } from '../../workflow/baseline.js';
import { formatDiagnostics } from '../format.js';
import { addDiscoverOptions, addEngineOptions, addOutputOptions, addReplayOptions, parsePipelineOptions, type RawOptions, OWNERS_HELP } from '../options.js';
import { createOutput, type Output } from '../output.js';
import { progressRenderer } from '../progress.js';

interface BaselineFlags extends RawOptions {
  output: string;
  schemaOnly?: boolean;
  owners?: boolean;
  annotate?: boolean;
  verify?: boolean;
}

export function registerBaseline(program: Command): void {
  const command = program
    .command('baseline')
    .description('replay the migrations and write one verified baseline that rebuilds the same database')
    .argument('[dir]', 'migrations directory', '.')
    .option('-o, --output <file>', 'where to write the baseline', 'output/baseline.sql')
    .option('--schema-only', 'leave out the reference data (rows the migrations inserted)')
    .option('--owners', OWNERS_HELP)
    .option('--annotate', 'put a "-- from: <files>" line above each object: the migrations that made it')
    .option('--no-verify', 'write without applying the baseline to a fresh database and comparing (not recommended)');
  addDiscoverOptions(command);
  addEngineOptions(command);
  addReplayOptions(command);
  addOutputOptions(command);
  command.action(async (dir: string, raw: BaselineFlags) => {
    // Checked before the replay: a path that may not be written fails in a second, not a minute.
    resolveOutputPath(raw.output, { cwd: process.cwd(), flag: '-o' });
    const out = createOutput(raw);
    const progress = progressRenderer(out);
    const result = await buildBaseline(dir, {
      ...parsePipelineOptions(raw),
      log: (m) => out.info(m),
      ...(progress ? { onProgress: progress } : {}),
      ...(raw.schemaOnly ? { schemaOnly: true } : {}),
      ...(raw.owners ? { owners: true } : {}),
      ...(raw.annotate ? { annotate: true } : {}),
      verify: raw.verify !== false,
      outputPath: raw.output,
    });
    for (const line of formatDiagnostics(result.set.diagnostics)) out.warn(line);
    if (result.differences === null) out.warn('warning: --no-verify: the baseline was NOT checked against the replayed database');
    else if (result.differences.length > 0) throw driftError(result.differences);
    await writeOutput(raw.output, result.sql);
    if (out.json) out.data(summary(result, raw.output));
    else printSummary(out, result, raw.output);
  });
}

/** Writes a file the user named with -o; a relative path must stay in the project (resolveOutputPath). */
export async function writeOutput(file: string, text: string): Promise<void> {
  await writeOutputFile(resolveOutputPath(file, { cwd: process.cwd() }), text, file);
}

function summary(result: BaselineResult, output: string) {
  return {
    output,
    verified: result.differences !== null,
    engine: result.engine,
    files: result.set.migrations.length,
    format: result.set.format,
    stats: result.stats,
    timings: result.timings,
    diagnostics: result.set.diagnostics,
  };
}

function printSummary(out: Output, result: BaselineResult, output: string): void {
  const { stats, timings } = result;
  const kinds = Object.entries(stats.objectsByKind)
    .map(([kind, n]) => `${n} ${kind}`)
    .join(', ');
  out.result(
    [
      `wrote ${output}: ${stats.lines} lines, ${stats.objects} objects (${kinds || 'none'})`,
      `reference data: ${stats.dataRows} row${stats.dataRows === 1 ? '' : 's'} in ${stats.dataTables} table${stats.dataTables === 1 ? '' : 's'}`,
      `${result.differences === null ? 'NOT verified' : 'verified: a fresh database built from it matches the replay'}; ${result.set.migrations.length} files, ${(timings.totalMs / 1000).toFixed(2)} s`,
    ].join('\n'),
  );
}
