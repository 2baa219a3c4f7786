import type { Command } from 'commander';
import { DriftError } from '../../errors.js';
import { checkBaseline } from '../../workflow/check.js';
import { addDiscoverOptions, addEngineOptions, addOutputOptions, addReplayOptions, parsePipelineOptions, type RawOptions } from '../options.js';
import { createOutput } from '../output.js';
import { DifferencesFound, formatDiff } from './diff.js';

interface CheckFlags extends RawOptions {
  legacyDir: string;
  baseline: string;
  full?: boolean;
}

export function registerCheck(program: Command): void {
  const command = program
    .command('check')
    .description('CI: does the baseline still stand for the files in legacy/? Fast (no database) unless --full')
    .argument('[dir]', 'migrations still outside legacy/ that the baseline also covers (after regenerate DIR)')
    .option('--legacy-dir <dir>', 'the squashed originals', 'legacy')
    .option('--baseline <file>', 'the baseline to check', 'output/baseline.sql')
    .option('--full', 'also replay legacy/ and apply the baseline, and compare them object by object');
  addDiscoverOptions(command);
  addEngineOptions(command);
  addReplayOptions(command);
  addOutputOptions(command);
  command.action(async (dir: string | undefined, raw: CheckFlags) => {
    const out = createOutput(raw);
    const result = await checkBaseline({
      ...parsePipelineOptions(raw),
      log: (m) => out.info(m),
      legacyDir: raw.legacyDir,
      baseline: raw.baseline,
      ...(dir ? { migrationsDir: dir } : {}),
      ...(raw.full ? { full: true } : {}),
    });
    const stale = result.headerDigest !== result.currentDigest;
    const drift = result.diff?.differences.length ?? 0;
    const ok = !stale && drift === 0;
    if (out.json) {
      if (ok) out.data({ ...result, ok });
      else throw new DifferencesFound(stale ? 'the baseline is stale' : `${drift} object(s) differ`, result.changes.map((c) => `${c.change}: ${c.path}`), { ...result, ok });
      return;
    } else {
      const lines = [
        stale
          ? `${result.baseline} is stale: its inputs digest ${result.headerDigest.slice(0, 12)} no longer matches the ${result.files} file(s) in ${raw.legacyDir} (${result.currentDigest.slice(0, 12)})`
          : `${result.baseline} matches the ${result.files} file(s) in ${raw.legacyDir} (inputs digest ${result.currentDigest.slice(0, 12)})`,
        ...result.changes.map((c) => `  ${c.change} since the move: ${c.path}`),
      ];
      if (result.unknownChange) lines.push('  (no manifest records the moved files, so which file changed is unknown)');
      if (result.diff) lines.push(drift ? formatDiff(result.diff, Boolean(process.stdout.isTTY)) : `full: replaying ${raw.legacyDir} and applying ${result.baseline} build the same database`);
      out.result(lines.join('\n'));
    }
    if (stale || drift) {
      throw new DriftError(stale ? `the baseline is stale; run pgsquash regenerate --legacy-dir ${raw.legacyDir} -o ${raw.baseline}` : `${drift} object(s) differ between ${raw.legacyDir} and ${raw.baseline}`);
    }
  });
}
