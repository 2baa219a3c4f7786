import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { resolveOutputPath } from '../util/paths.js';
import { acquireLock, applyMove, type Lock, planMove, readManifest, recoverMoves, type MovePlan, type MoveRecord } from '../archive/index.js';
import { writeOutputFile } from '../util/output-file.js';
import { gitTopLevel, stageRenames } from '../archive/git.js';
import type { Migration } from '../discover/types.js';
import { DriftError, InputError } from '../errors.js';
import { failpoint } from '../util/failpoint.js';
import { driftError, type Difference } from '../verify/index.js';
import { baselineOn, type BaselineOptions, type BaselineResult } from './baseline.js';
import { renderReport } from '../report/render.js';
import { markApplied, type MarkApplied } from './history-marking.js';
import { checkInPlace, planInPlace, type InPlacePlan } from './in-place.js';
import { prepareRun, startEngine } from './prepare.js';
import { filesToMove, splitAt, verifyRemaining } from './squash-files.js';

export interface SquashOptions extends Omit<BaselineOptions, 'verify' | 'outputPath'> {
  /** Where the originals go (default `legacy`). */
  legacyDir?: string;
  /** Where the baseline goes (default `output/baseline.sql`); with `inPlace`, the mark-applied notes go beside it. */
  output?: string;
  /** Squash only the migrations up to and including this version. */
  until?: string;
  /** Write the baseline into the migrations directory, named for the framework. */
  inPlace?: boolean;
  /** Verify and plan, but write and move nothing. */
  dryRun?: boolean;
  /** Where the consolidation report goes (default REPORT.md beside the baseline); false for none. */
  reportPath?: string | false;
}

/** A run that only finished an interrupted move, because it left no migration to squash. */
export interface RecoveredOnly {
  kind: 'recovered';
  recovered: MoveRecord[];
  legacyDir: string;
}

export interface SquashResult {
  kind: 'squashed';
  dryRun: boolean;
  baseline: BaselineResult;
  squashed: Migration[];
  remaining: Migration[];
  /** Interrupted moves finished before this run started. */
  recovered: MoveRecord[];
  /** Interrupted moves found in a dry run (finished by the real run). */
  pendingRecovery: string[];
  /** Files written (or that would be), as absolute paths. */
  written: string[];
  moves: MovePlan['entries'];
  legacyDir: string;
  inPlace?: { plan: InPlacePlan; check: string | undefined };
  markApplied?: MarkApplied;
  /** `git status --short` of the moved paths, when the directory is in a git work tree. */
  gitStatus?: string;
}

/**
 * `pgsquash squash`: replay, emit and verify the baseline, write it, then move the squashed files
 * into the legacy dir with a journal. The order makes every interruption safe: nothing moves
 * before verification passed and the baseline is on disk, and the move itself is journaled, so
 * `recover` (or the next squash) finishes it.
 */
export async function squash(dir: string, options: SquashOptions = {}): Promise<SquashResult | RecoveredOnly> {
  const cwd = process.cwd();
  const legacyDir = resolveOutputPath(options.legacyDir ?? 'legacy', { cwd, flag: '--legacy-dir' });
  const output = resolveOutputPath(options.output ?? path.join('output', 'baseline.sql'), { cwd });
  const reportPath =
    options.reportPath === false ? undefined : options.reportPath ? resolveOutputPath(options.reportPath, { cwd, flag: '--report' }) : path.join(path.dirname(output), 'REPORT.md');
  const locks: Lock[] = [];
  try {
    if (!options.dryRun) {
      // The migrations dir and the legacy dir (whose journal `recover` also finishes) are both ours.
      locks.push(await acquireLock(path.resolve(dir), 'squash'));
      await mkdir(legacyDir, { recursive: true });
      locks.push(await acquireLock(legacyDir, 'squash'));
    }
    const pending = (await readManifest(legacyDir)).moves.filter((m) => m.state === 'moving');
    let recovered: MoveRecord[] = [];
    if (pending.length && !options.dryRun) {
      recovered = (await recoverMoves(legacyDir)).finished;
      options.log?.(`finished ${recovered.length} interrupted move(s) into ${legacyDir} from its journal`);
    }
    let prepared: Awaited<ReturnType<typeof prepareRun>>;
    try {
      prepared = await prepareRun(dir, options);
    } catch (error) {
      // The interrupted move took every file: finishing it was the whole job.
      if (recovered.length && error instanceof InputError) return { kind: 'recovered', recovered, legacyDir };
      throw error;
    }
    const { set } = prepared;
    const { squashed, remaining } = splitAt(set, options.until);
    const relFiles = filesToMove(set, squashed);
    // Conflicts in legacy/ are found before any server starts.
    const movePlan = await planMove(set.root, relFiles, legacyDir);
    movePlan.context = { format: set.format, ...(prepared.preset ? { preset: prepared.preset.name } : {}) };

    const engine = await startEngine(prepared, options);
    let baseline: BaselineResult;
    try {
      const shown = path.relative(process.cwd(), output) || output;
      baseline = await baselineOn(
        engine,
        { ...prepared, set: { ...set, migrations: squashed } },
        { ...options, verify: true, outputPath: shown, report: reportPath !== undefined },
      );
      if (baseline.differences?.length) throw driftError(baseline.differences);
      if (remaining.length) {
        const { differences } = await verifyRemaining(engine, prepared, options, baseline.sql, remaining, shown);
        if (differences.length) throw remainingDrift(differences, squashed[squashed.length - 1]!);
      }
    } finally {
      await engine.close();
    }

    let inPlace: SquashResult['inPlace'];
    let marking: MarkApplied | undefined;
    const written: string[] = [];
    if (options.inPlace) {
      const plan = planInPlace(set, squashed, remaining, baseline.sql);
      inPlace = { plan, check: undefined };
      marking = markApplied(plan, squashed, path.relative(process.cwd(), legacyDir) || legacyDir, path.relative(process.cwd(), set.root) || '.');
      written.push(...plan.files.map((f) => path.join(set.root, ...f.path.split('/'))), path.join(path.dirname(output), 'MARK-APPLIED.md'));
    } else {
      written.push(output);
    }
    if (reportPath) written.push(reportPath);
    const result: SquashResult = {
      kind: 'squashed',
      dryRun: Boolean(options.dryRun),
      baseline,
      squashed,
      remaining,
      recovered,
      pendingRecovery: options.dryRun ? pending.map((m) => m.id) : [],
      written,
      moves: movePlan.entries,
      legacyDir,
      ...(inPlace ? { inPlace } : {}),
      ...(marking ? { markApplied: marking } : {}),
    };
    if (options.dryRun) return result;

    if (inPlace && marking) {
      for (const f of inPlace.plan.files) await writeOutputFile(path.join(set.root, ...f.path.split('/')), f.content);
      await writeOutputFile(path.join(path.dirname(output), 'MARK-APPLIED.md'), marking.text);
    } else {
      await writeOutputFile(output, baseline.sql);
    }
    if (reportPath && baseline.report) await writeOutputFile(reportPath, renderReport(baseline.report));
    failpoint('squash-before-move');
    await applyMove(movePlan);
    if (inPlace) {
      inPlace.check = options.orderFile
        ? 'not checked: the order file still lists the squashed files; replace them with the baseline in it'
        : await checkInPlace(dir, set.format, inPlace.plan, remaining);
    }
    const top = await gitTopLevel(set.root);
    if (top) result.gitStatus = await stageRenames(top, movePlan.entries.map((e) => ({ from: e.from, to: e.to })));
    return result;
  } finally {
    for (const lock of locks.reverse()) await lock.release();
  }
}


function remainingDrift(differences: Difference[], last: Migration): DriftError {
  const base = driftError(differences);
  return new DriftError(`the files after ${last.path} do not rebuild the same database on top of the baseline: ${differences.length} difference(s)`, [
    ...base.details,
    'Nothing was written or moved. Squash up to a later version, or fix the later file that depends on replay history.',
  ]);
}
