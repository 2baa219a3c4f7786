import type { Command } from 'commander';
import { renderReport } from '../../report/render.js';
import { reportDirectory } from '../../report/run.js';
import { addDiscoverOptions, addEngineOptions, addOutputOptions, addReplayOptions, parsePipelineOptions, type RawOptions } from '../options.js';
import { createOutput } from '../output.js';
import { progressRenderer } from '../progress.js';
import { writeOutput } from './baseline.js';

interface ReportFlags extends RawOptions {
  output: string;
  timings?: boolean;
  schemaOnly?: boolean;
}

export function registerReport(program: Command): void {
  const command = program
    .command('report')
    .description('replay the migrations and write what every file did to every object, with the smells it hides')
    .argument('[dir]', 'migrations directory', '.')
    .option('-o, --output <file>', 'where to write the Markdown report', 'output/REPORT.md')
    .option('--timings', 'add wall-clock times to the Markdown (they differ on every run)')
    .option('--schema-only', 'leave reference data out of the summary');
  addDiscoverOptions(command);
  addEngineOptions(command);
  addReplayOptions(command);
  addOutputOptions(command);
  command.action(async (dir: string, raw: ReportFlags) => {
    const out = createOutput(raw);
    const progress = progressRenderer(out);
    const { report, engine } = await reportDirectory(dir, {
      ...parsePipelineOptions(raw),
      log: (m) => out.info(m),
      ...(progress ? { onProgress: progress } : {}),
      ...(raw.schemaOnly ? { schemaOnly: true } : {}),
    });
    await writeOutput(raw.output, renderReport(report, { ...(raw.timings ? { timings: true } : {}) }));
    if (out.json) out.data({ output: raw.output, engine, report });
    else out.result(`wrote ${raw.output}: ${report.summary.files} files, ${report.objects.length} objects traced, ${report.smells.length} smell${report.smells.length === 1 ? '' : 's'}`);
  });
}
