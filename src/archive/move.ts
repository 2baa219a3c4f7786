import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors.js';
import { failpoint } from '../util/failpoint.js';
import { copyDurably, fsyncPath, sha256File } from './fsync.js';
import { pidAlive } from '../util/process.js';
import { MANIFEST_NAME, readManifest, writeManifest, type MoveRecord, type MovedFile } from './manifest.js';

export interface MovePlanEntry {
  /** Absolute path of the file today. */
  from: string;
  /** Absolute path in the legacy dir. */
  to: string;
  sha256: string;
  size: number;
  /** The destination already holds these exact bytes (an earlier, interrupted run). */
  alreadyThere: boolean;
}

export interface MovePlan {
  sourceRoot: string;
  legacyDir: string;
  entries: MovePlanEntry[];
  /** Recorded with the move, so later runs (regenerate, check) know how the set was read. */
  context?: MoveRecord['context'];
}

/**
 * Computes the move without touching anything: each file keeps its path relative to `sourceRoot`
 * under `legacyDir`. Refuses when a destination exists with different bytes.
 */
export async function planMove(sourceRoot: string, relativePaths: string[], legacyDir: string): Promise<MovePlan> {
  const root = path.resolve(sourceRoot);
  const legacy = path.resolve(legacyDir);
  const entries: MovePlanEntry[] = [];
  const conflicts: string[] = [];
  for (const rel of [...relativePaths].sort()) {
    const from = path.join(root, rel);
    const to = path.join(legacy, rel);
    const [sha256, info] = await Promise.all([sha256File(from), stat(from)]);
    let alreadyThere = false;
    if (existsSync(to)) {
      if ((await sha256File(to)) === sha256) alreadyThere = true;
      else conflicts.push(`${to} exists with different content than ${from}`);
    }
    entries.push({ from, to, sha256, size: info.size, alreadyThere });
  }
  if (conflicts.length) {
    throw new InputError('refusing to overwrite files in the legacy directory', [
      ...conflicts,
      'Move or delete those files, or choose another --legacy-dir.',
    ]);
  }
  return { sourceRoot: root, legacyDir: legacy, entries };
}

/**
 * Moves the planned files durably. The manifest records every file before the first one moves;
 * each file is copied, fsynced, checked, and only then removed from its old place.
 */
export async function applyMove(plan: MovePlan): Promise<MoveRecord> {
  await mkdir(plan.legacyDir, { recursive: true });
  const manifest = await readManifest(plan.legacyDir);
  const unfinished = manifest.moves.find((m) => m.state === 'moving');
  if (unfinished) {
    throw new InputError(`an earlier move into ${plan.legacyDir} was interrupted (move ${unfinished.id})`, [
      'Run `pgsquash recover` first: it finishes that move from its journal.',
    ]);
  }
  const record: MoveRecord = {
    id: `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(3).toString('hex')}`,
    state: 'moving',
    startedAt: new Date().toISOString(),
    sourceRoot: plan.sourceRoot,
    ...(plan.context ? { context: plan.context } : {}),
    files: plan.entries.map(
      (e): MovedFile => ({
        source: toPosix(path.relative(plan.sourceRoot, e.from)),
        dest: toPosix(path.relative(plan.legacyDir, e.to)),
        sha256: e.sha256,
        size: e.size,
      }),
    ),
  };
  failpoint('before-manifest');
  manifest.moves.push(record);
  await writeManifest(plan.legacyDir, manifest);
  failpoint('after-manifest');
  await finishMove(plan.legacyDir, record);
  record.state = 'done';
  record.finishedAt = new Date().toISOString();
  await writeManifest(plan.legacyDir, manifest);
  return record;
}

/** Rolls a journaled move forward; safe to run any number of times, at any point of a crash. */
async function finishMove(legacyDir: string, record: MoveRecord): Promise<void> {
  for (const file of record.files) {
    const from = path.join(record.sourceRoot, file.source);
    const to = path.join(legacyDir, file.dest);
    const destOk = existsSync(to) && (await sha256File(to)) === file.sha256;
    if (!destOk) {
      if (!existsSync(from) || (await sha256File(from)) !== file.sha256) {
        throw new InputError(`cannot finish the move of ${file.source}: neither ${from} nor ${to} holds the journaled content`, [
          `Expected SHA-256 ${file.sha256}. Restore the file from version control, then run \`pgsquash recover\` again.`,
        ]);
      }
      await rm(to, { force: true });
      await mkdir(path.dirname(to), { recursive: true });
      await copyDurably(from, to);
      failpoint('after-copy');
      if ((await sha256File(to)) !== file.sha256) {
        throw new InputError(`copy of ${from} to ${to} does not match its SHA-256; nothing was removed`);
      }
    }
    if (existsSync(from)) {
      await rm(from);
      await fsyncPath(path.dirname(from));
      failpoint('after-remove');
    }
    await removeEmptyParents(path.dirname(from), record.sourceRoot);
    await rm(`${to}.pgsquash-partial`, { force: true });
  }
}

export interface RecoverResult {
  finished: MoveRecord[];
}

/** Finishes every interrupted move recorded in the legacy dir's journal. */
export async function recoverMoves(legacyDir: string): Promise<RecoverResult> {
  const manifest = await readManifest(legacyDir);
  const finished: MoveRecord[] = [];
  for (const record of manifest.moves) {
    if (record.state !== 'moving') continue;
    await finishMove(legacyDir, record);
    record.state = 'done';
    record.finishedAt = new Date().toISOString();
    finished.push(record);
  }
  if (finished.length) await writeManifest(legacyDir, manifest);
  await removeStaleManifestTemps(legacyDir);
  return { finished };
}

/** A run killed between writing the manifest's temp file and renaming it leaves the temp file. */
async function removeStaleManifestTemps(legacyDir: string): Promise<void> {
  if (!existsSync(legacyDir)) return;
  const prefix = `${MANIFEST_NAME}.tmp-`;
  for (const entry of await readdir(legacyDir)) {
    const pid = entry.startsWith(prefix) ? Number(entry.slice(prefix.length)) : NaN;
    if (Number.isInteger(pid) && !pidAlive(pid)) await rm(path.join(legacyDir, entry), { force: true });
  }
}

/**
 * A folder emptied by the move (a Prisma or diesel migration folder) must go too: the framework
 * would stop at a migration folder without its script.
 */
async function removeEmptyParents(dir: string, root: string): Promise<void> {
  let current = path.resolve(dir);
  const top = path.resolve(root);
  while (current !== top && current.startsWith(`${top}${path.sep}`) && existsSync(current)) {
    if ((await readdir(current)).length > 0) return;
    await rmdir(current);
    await fsyncPath(path.dirname(current));
    current = path.dirname(current);
  }
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
