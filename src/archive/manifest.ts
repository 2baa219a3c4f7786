import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors.js';
import { writeFileAtomic } from './fsync.js';

/**
 * The journal of moves into the legacy dir. It is written (durably) before any file moves, so a
 * run killed at any point can be finished from it; it stays afterwards as the record of what moved.
 */
export const MANIFEST_NAME = 'pgsquash-manifest.json';

export interface MovedFile {
  /** Relative to `sourceRoot`, `/`-separated. */
  source: string;
  /** Relative to the legacy dir, `/`-separated. */
  dest: string;
  sha256: string;
  size: number;
}

export interface MoveRecord {
  id: string;
  state: 'moving' | 'done';
  startedAt: string;
  finishedAt?: string;
  /** Absolute directory the files came from. */
  sourceRoot: string;
  /** How the squash read the set (layout, preset), for `regenerate` and `check` to read it alike. */
  context?: { format: string; preset?: string };
  files: MovedFile[];
}

export interface Manifest {
  format: 1;
  moves: MoveRecord[];
}

export function manifestPath(legacyDir: string): string {
  return path.join(legacyDir, MANIFEST_NAME);
}

export async function readManifest(legacyDir: string): Promise<Manifest> {
  const file = manifestPath(legacyDir);
  if (!existsSync(file)) return { format: 1, moves: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new InputError(`${file} is not valid JSON: ${(error as Error).message}`, [
      'The move journal is damaged; restore it from version control before running squash or recover again.',
    ]);
  }
  return validateManifest(parsed, file);
}

export async function writeManifest(legacyDir: string, manifest: Manifest): Promise<void> {
  await writeFileAtomic(manifestPath(legacyDir), `${JSON.stringify(manifest, null, 2)}\n`, 'manifest-written-before-rename');
}

/** A journal is input like any other: its paths must stay inside their roots. */
function validateManifest(value: unknown, file: string): Manifest {
  const problems: string[] = [];
  const manifest = value as Manifest;
  if (!manifest || manifest.format !== 1 || !Array.isArray(manifest.moves)) {
    throw new InputError(`${file}: not a pgsquash manifest (format 1)`);
  }
  for (const move of manifest.moves) {
    if (!path.isAbsolute(move.sourceRoot ?? '')) problems.push(`move ${move.id}: sourceRoot must be absolute`);
    if (move.state !== 'moving' && move.state !== 'done') problems.push(`move ${move.id}: unknown state ${String(move.state)}`);
    for (const f of move.files ?? []) {
      for (const rel of [f.source, f.dest]) {
        if (!isSafeRelative(rel)) problems.push(`move ${move.id}: unsafe path ${JSON.stringify(rel)}`);
      }
      if (!/^[0-9a-f]{64}$/.test(f.sha256 ?? '')) problems.push(`move ${move.id}: bad sha256 for ${f.source}`);
    }
  }
  if (problems.length) throw new InputError(`${file}: invalid manifest`, problems);
  return manifest;
}

export function isSafeRelative(rel: unknown): rel is string {
  if (typeof rel !== 'string' || rel === '' || rel.includes('\0')) return false;
  if (path.isAbsolute(rel) || rel.startsWith('/') || /^[a-zA-Z]:/.test(rel)) return false;
  return !rel.split(/[\\/]/).some((part) => part === '..' || part === '');
}
