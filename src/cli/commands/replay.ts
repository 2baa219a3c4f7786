import type { Command } from 'commander';
import { replayDirectory } from '../../workflow/replay-directory.js';
import { addDiscoverOptions, addEngineOptions, addOutputOptions, addReplayOptions, parsePipelineOptions, type RawOptions } from '../options.js';
import { createOutput } from '../output.js';
import { progressRenderer } from '../progress.js';
import { formatDiagnostics, formatNotices } from '../format.js';

export function registerReplay(program: Command): void {
  const command = program
    .command('replay')
    .description('run every migration, in order, into a throwaway database, and report the first failure')
    .argument('[dir]', 'migrations directory', '.');
  addDiscoverOptions(command);
  addEngineOptions(command);
  addReplayOptions(command);
  addOutputOptions(command);
  command.action(async (dir: string, raw: RawOptions) => {
    const out = createOutput(raw);
    const progress = progressRenderer(out);
    const { set, engine, result } = await replayDirectory(dir, {
      ...parsePipelineOptions(raw),
      log: (m) => out.info(m),
      ...(progress ? { onProgress: progress } : {}),
    });
    if (out.json) {
      out.data({ engine, format: set.format, diagnostics: set.diagnostics, result });
      return;
    }
    for (const line of formatDiagnostics(set.diagnostics)) out.warn(line);
    for (const line of formatNotices(result.files)) out.info(line);
    out.result(`replayed ${result.files.length} migration${result.files.length === 1 ? '' : 's'} (${set.format}) in ${(result.durationMs / 1000).toFixed(2)} s on ${engine}`);
  });
}
