import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { readManifest, sha256File } from '../archive/index.js';
import { InputError } from '../errors.js';
import { diffBaseline, type DiffResult } from './diff.js';
import { prepareLegacy } from './inputs.js';
import type { PipelineOptions } from './options.js';
import { inputDigest } from './prepare.js';

export interface CheckOptions extends PipelineOptions {
  legacyDir?: string;
  baseline?: string;
  /** Migrations still outside the legacy dir that the baseline also covers (after `regenerate DIR`). */
  migrationsDir?: string;
  /** Also replay and compare (`diff`). */
  full?: boolean;
}

export interface FileChange {
  /** Relative to the legacy dir. */
  path: string;
  change: 'changed' | 'missing' | 'added';
}

export interface CheckResult {
  baseline: string;
  legacyDir: string;
  headerDigest: string;
  currentDigest: string;
  files: number;
  /** Which files differ from what the manifest recorded; empty when the digests agree. */
  changes: FileChange[];
  /** The digests differ but no manifest tells which file changed. */
  unknownChange: boolean;
  diff?: DiffResult;
}

const DIGEST = /^-- Replaces \d+ migration files?; inputs digest ([0-9a-f]{64})$/m;

export function headerDigest(sql: string, file: string): string {
  const m = DIGEST.exec(sql);
  if (!m) throw new InputError(`${file} has no pgsquash header with an inputs digest`, ['Point --baseline at a file written by pgsquash squash, baseline or regenerate.']);
  return m[1]!;
}

/**
 * `pgsquash check`: does the baseline still stand for the files it replaced? The fast path needs
 * no database: the header's input digest against the files now, naming the files that changed
 * since the move (from the manifest's SHA-256 per file). `full` also runs `diff`.
 */
export async function checkBaseline(options: CheckOptions): Promise<CheckResult> {
  const baseline = options.baseline ?? path.join('output', 'baseline.sql');
  const legacyDir = path.resolve(options.legacyDir ?? 'legacy');
  if (!existsSync(baseline)) throw new InputError(`baseline not found: ${baseline}`, ['Run pgsquash squash first, or pass --baseline.']);
  if (!existsSync(legacyDir)) throw new InputError(`legacy directory not found: ${legacyDir}`, ['Pass --legacy-dir.']);
  const header = headerDigest(await readFile(baseline, 'utf8'), baseline);
  const prepared = await prepareLegacy(legacyDir, options.migrationsDir, options);
  const current = inputDigest(prepared.set);
  const result: CheckResult = {
    baseline,
    legacyDir,
    headerDigest: header,
    currentDigest: current,
    files: prepared.set.migrations.length,
    changes: [],
    unknownChange: false,
  };
  if (header !== current) {
    result.changes = await changesSinceMove(legacyDir, prepared.set.migrations.map((m) => path.relative(legacyDir, m.absPath).split(path.sep).join('/')));
    result.unknownChange = result.changes.length === 0;
  }
  if (options.full) {
    const inputs = options.migrationsDir ? undefined : legacyDir;
    if (!inputs) throw new InputError('check --full with a migrations dir is not supported yet; run diff on a combined directory');
    result.diff = await diffBaseline(inputs, { ...options, baseline, ...(prepared.set.format ? { format: prepared.set.format } : {}), ...(prepared.preset ? { preset: prepared.preset.name } : { preset: 'none' }) });
  }
  return result;
}

/** Legacy files whose bytes differ from the manifest's record, missing, or never moved there. */
async function changesSinceMove(legacyDir: string, inSet: string[]): Promise<FileChange[]> {
  const recorded = new Map<string, string>();
  for (const move of (await readManifest(legacyDir)).moves) for (const f of move.files) recorded.set(f.dest, f.sha256);
  if (recorded.size === 0) return [];
  const changes: FileChange[] = [];
  for (const [dest, sha] of [...recorded].sort(([a], [b]) => a.localeCompare(b))) {
    const file = path.join(legacyDir, ...dest.split('/'));
    if (!existsSync(file)) changes.push({ path: dest, change: 'missing' });
    else if ((await sha256File(file)) !== sha) changes.push({ path: dest, change: 'changed' });
  }
  for (const rel of inSet) if (!recorded.has(rel)) changes.push({ path: rel, change: 'added' });
  return changes;
}
