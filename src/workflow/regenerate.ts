import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { resolveOutputPath } from '../util/paths.js';
import { writeOutputFile } from '../util/output-file.js';
import { PgsquashError } from '../errors.js';
import { compareCatalogs, driftError, type Difference } from '../verify/index.js';
import { applyBaseline, baselineOn, onCleanCluster, type BaselineOptions, type BaselineResult } from './baseline.js';
import { prepareLegacy } from './inputs.js';
import { startEngine } from './prepare.js';

const digestOf = (sql: string) => /inputs digest ([0-9a-f]{64})/.exec(sql)?.[1];

export interface RegenerateOptions extends Omit<BaselineOptions, 'verify' | 'outputPath'> {
  legacyDir?: string;
  output?: string;
  /** Migrations still outside the legacy dir, replayed after it. */
  migrationsDir?: string;
}

export interface RegenerateResult {
  output: string;
  written: boolean;
  /** No baseline was there before. */
  created: boolean;
  baseline: BaselineResult;
  /** What the new baseline builds differently from the old one (old = a, new = b). */
  changes: Difference[];
  /** The old baseline could not be applied, so its objects are unknown. */
  oldFailed?: string;
}

/**
 * `pgsquash regenerate`: rebuilds the baseline from the legacy dir after someone edited or added a
 * file there. The new text is verified like any baseline; it is written only when it differs, and
 * the old file is applied to a fresh database so the change can be told object by object.
 */
export async function regenerate(options: RegenerateOptions = {}): Promise<RegenerateResult> {
  const cwd = process.cwd();
  const legacyDir = resolveOutputPath(options.legacyDir ?? 'legacy', { cwd, flag: '--legacy-dir' });
  const output = resolveOutputPath(options.output ?? path.join('output', 'baseline.sql'), { cwd });
  const shown = path.relative(process.cwd(), output) || output;
  const prepared = await prepareLegacy(legacyDir, options.migrationsDir, options);
  const engine = await startEngine(prepared, options);
  let baseline: BaselineResult;
  let changes: Difference[] = [];
  let oldFailed: string | undefined;
  const old = existsSync(output) ? await readFile(output, 'utf8') : undefined;
  try {
    baseline = await baselineOn(engine, prepared, { ...options, verify: true, outputPath: shown });
    if (baseline.differences?.length) throw driftError(baseline.differences);
    if (old !== undefined && old !== baseline.sql) {
      try {
        // Read without rows: a replay's now() defaults differ from the last one's, which is no change.
        const fresh = baseline.catalog;
        changes = await onCleanCluster(engine, fresh, prepared, options, async (target) => compareCatalogs(await applyBaseline(target, old, prepared.replay, false, shown), fresh));
      } catch (error) {
        if (!(error instanceof PgsquashError)) throw error;
        oldFailed = error.message;
      }
    }
  } finally {
    await engine.close();
  }
  // Same inputs and same schema: the old text stands (only replay-time values such as now() moved).
  const sameInputs = old !== undefined && digestOf(old) === digestOf(baseline.sql);
  const written = old !== baseline.sql && !(sameInputs && !oldFailed && changes.length === 0);
  if (written) {
    await writeOutputFile(output, baseline.sql, shown);
  }
  return { output: shown, written, created: old === undefined, baseline, changes, ...(oldFailed ? { oldFailed } : {}) };
}
