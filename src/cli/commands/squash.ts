import path from 'node:path';
import type { Command } from 'commander';
import { squash, type SquashResult } from '../../workflow/squash.js';
import { formatDiagnostics } from '../format.js';
import { addDiscoverOptions, addEngineOptions, addOutputOptions, addReplayOptions, parsePipelineOptions, type RawOptions, OWNERS_HELP } from '../options.js';
import { createOutput, type Output } from '../output.js';
import { progressRenderer } from '../progress.js';

interface SquashFlags extends RawOptions {
  output: string;
  legacyDir: string;
  until?: string;
  inPlace?: boolean;
  dryRun?: boolean;
  schemaOnly?: boolean;
  owners?: boolean;
  annotate?: boolean;
  report: string | boolean;
}

export function registerSquash(program: Command): void {
  const command = program
    .command('squash')
    .description('write a verified baseline, then move the squashed migrations into legacy/ (journaled, git renames staged)')
    .argument('[dir]', 'migrations directory', '.')
    .option('-o, --output <file>', 'where to write the baseline (with --in-place: MARK-APPLIED.md goes beside it)', 'output/baseline.sql')
    .option('--legacy-dir <dir>', 'where the originals go, keeping their relative paths', 'legacy')
    .option('--until <version>', 'squash only the migrations up to and including this version; later ones stay and must apply on top')
    .option('--in-place', "write the baseline into the migrations directory, named so the framework runs it")
    .option('--dry-run', 'verify, then print what would be written and moved; change nothing')
    .option('--schema-only', 'leave out the reference data (rows the migrations inserted)')
    .option('--owners', OWNERS_HELP)
    .option('--annotate', 'put a "-- from: <files>" line above each object: the migrations that made it')
    .option('--report <file>', 'where to write the consolidation report (default: REPORT.md beside the baseline)')
    .option('--no-report', 'do not write the consolidation report');
  addDiscoverOptions(command);
  addEngineOptions(command);
  addReplayOptions(command);
  addOutputOptions(command);
  command.action(async (dir: string, raw: SquashFlags) => {
    const out = createOutput(raw);
    const progress = progressRenderer(out);
    const result = await squash(dir, {
      ...parsePipelineOptions(raw),
      log: (m) => out.info(m),
      ...(progress ? { onProgress: progress } : {}),
      output: raw.output,
      legacyDir: raw.legacyDir,
      ...(raw.until ? { until: raw.until } : {}),
      ...(raw.inPlace ? { inPlace: true } : {}),
      ...(raw.dryRun ? { dryRun: true } : {}),
      ...(raw.schemaOnly ? { schemaOnly: true } : {}),
      ...(raw.owners ? { owners: true } : {}),
      ...(raw.annotate ? { annotate: true } : {}),
      ...(raw.report === false ? { reportPath: false as const } : typeof raw.report === 'string' ? { reportPath: raw.report } : {}),
    });
    if (result.kind === 'recovered') {
      const files = result.recovered.reduce((n, r) => n + r.files.length, 0);
      if (out.json) out.data(result);
      else out.result(`finished the interrupted move of ${files} file(s) into ${rel(result.legacyDir)}; no migrations are left to squash`);
      return;
    }
    if (out.json) out.data(summary(result));
    else print(out, result);
  });
}

const rel = (p: string) => path.relative(process.cwd(), p) || '.';

function summary(r: SquashResult) {
  return {
    dryRun: r.dryRun,
    squashed: r.squashed.map((m) => m.path),
    remaining: r.remaining.map((m) => m.path),
    written: r.written.map(rel),
    moved: r.moves.map((e) => ({ from: rel(e.from), to: rel(e.to), sha256: e.sha256 })),
    recovered: r.recovered.map((m) => m.id),
    inPlace: r.inPlace ? { file: r.inPlace.plan.runs, version: r.inPlace.plan.version, check: r.inPlace.check } : undefined,
    markApplied: r.markApplied?.text,
    git: r.gitStatus,
    stats: r.baseline.stats,
    timings: r.baseline.timings,
  };
}

function print(out: Output, r: SquashResult): void {
  for (const line of formatDiagnostics(r.baseline.set.diagnostics)) out.warn(line);
  if (r.recovered.length) out.info(`finished ${r.recovered.length} interrupted move(s) from the journal in ${rel(r.legacyDir)} first`);
  if (r.pendingRecovery.length) out.info(`an interrupted move (${r.pendingRecovery.join(', ')}) waits in ${rel(r.legacyDir)}; the real run finishes it first`);
  const verb = r.dryRun ? 'would write' : 'wrote';
  const lines = [
    `verified: a fresh database built from the baseline matches the replay of ${r.squashed.length} file(s)${r.remaining.length ? `, and the ${r.remaining.length} later file(s) apply on top of it` : ''}`,
    ...r.written.map((f) => `${verb} ${rel(f)}`),
    `${r.dryRun ? 'would move' : 'moved'} ${r.moves.length} file(s) into ${rel(r.legacyDir)}:`,
    ...r.moves.map((e) => `  ${rel(e.from)} -> ${rel(e.to)}${e.alreadyThere ? ' (already there)' : ''}`),
  ];
  if (r.inPlace?.check) lines.push(`in place: ${r.inPlace.check}`);
  if (r.gitStatus) lines.push('git (staged as renames):', ...r.gitStatus.trimEnd().split('\n').map((l) => `  ${l}`));
  if (r.markApplied) lines.push('', r.markApplied.text.trimEnd());
  out.result(lines.join('\n'));
}
