import type { Command } from 'commander';
import { regenerate } from '../../workflow/regenerate.js';
import { formatDiagnostics } from '../format.js';
import { addDiscoverOptions, addEngineOptions, addOutputOptions, addReplayOptions, parsePipelineOptions, type RawOptions, OWNERS_HELP } from '../options.js';
import { createOutput } from '../output.js';
import { progressRenderer } from '../progress.js';

interface RegenerateFlags extends RawOptions {
  legacyDir: string;
  output: string;
  schemaOnly?: boolean;
  owners?: boolean;
}

export function registerRegenerate(program: Command): void {
  const command = program
    .command('regenerate')
    .description('rebuild the baseline from legacy/ after a file there was edited or added; writes only when it changed')
    .argument('[dir]', 'migrations still outside legacy/, replayed after it')
    .option('--legacy-dir <dir>', 'the squashed originals', 'legacy')
    .option('-o, --output <file>', 'the baseline to rebuild', 'output/baseline.sql')
    .option('--schema-only', 'leave out the reference data')
    .option('--owners', OWNERS_HELP);
  addDiscoverOptions(command);
  addEngineOptions(command);
  addReplayOptions(command);
  addOutputOptions(command);
  command.action(async (dir: string | undefined, raw: RegenerateFlags) => {
    const out = createOutput(raw);
    const progress = progressRenderer(out);
    const r = await regenerate({
      ...parsePipelineOptions(raw),
      log: (m) => out.info(m),
      ...(progress ? { onProgress: progress } : {}),
      legacyDir: raw.legacyDir,
      output: raw.output,
      ...(dir ? { migrationsDir: dir } : {}),
      ...(raw.schemaOnly ? { schemaOnly: true } : {}),
      ...(raw.owners ? { owners: true } : {}),
    });
    const changes = r.changes.map((c) => ({ id: c.id, change: c.change === 'missing' ? 'removed' : c.change === 'extra' ? 'added' : 'changed', fields: c.fields }));
    if (out.json) {
      out.data({ output: r.output, written: r.written, created: r.created, changes, oldFailed: r.oldFailed, stats: r.baseline.stats });
      return;
    }
    for (const line of formatDiagnostics(r.baseline.set.diagnostics)) out.warn(line);
    if (!r.written) {
      out.result(`${r.output} is up to date (${r.baseline.set.migrations.length} files); nothing written`);
      return;
    }
    const lines = [`${r.created ? 'wrote' : 'rewrote'} ${r.output} (verified, ${r.baseline.set.migrations.length} files)`];
    if (r.oldFailed) lines.push(`the old baseline did not apply (${r.oldFailed}), so its objects could not be compared`);
    else if (!r.created && changes.length === 0) lines.push('the schema it builds is unchanged (only its text changed, e.g. the inputs digest)');
    for (const c of changes) lines.push(`  ${c.change}: ${c.id}${c.fields.length ? ` (${c.fields.join(', ')})` : ''}`);
    out.result(lines.join('\n'));
  });
}
