import type { Command } from 'commander';
import { recoverInterrupted } from '../../workflow/recover.js';
import { addOutputOptions, type RawOptions } from '../options.js';
import { createOutput } from '../output.js';

export function registerRecover(program: Command): void {
  const command = program
    .command('recover')
    .description('finish moves into legacy/ that were interrupted (from the journal, legacy/pgsquash-manifest.json)')
    .option('--legacy-dir <dir>', 'the legacy directory holding the journal', 'legacy');
  addOutputOptions(command);
  command.action(async (raw: RawOptions & { legacyDir: string }) => {
    const out = createOutput(raw);
    const finished = await recoverInterrupted(raw.legacyDir);
    if (out.json) out.data({ finished: finished.map((m) => ({ id: m.id, files: m.files.map((f) => f.dest) })) });
    else if (!finished.length) out.result(`nothing to recover in ${raw.legacyDir}`);
    else out.result(finished.map((m) => `finished move ${m.id}: ${m.files.length} file(s) from ${m.sourceRoot} into ${raw.legacyDir}`).join('\n'));
  });
}
