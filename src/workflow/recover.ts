import { existsSync } from 'node:fs';
import path from 'node:path';
import { acquireLock, recoverMoves, type MoveRecord } from '../archive/index.js';

/**
 * `pgsquash recover`: finishes the journaled moves into `legacyDir`. A squash killed mid-move also
 * left its lock in the migrations dir; once its moves are finished that lock is taken over and
 * released (only when its holder is gone), so the directory is as a finished squash leaves it.
 */
export async function recoverInterrupted(legacyDir: string): Promise<MoveRecord[]> {
  const legacy = path.resolve(legacyDir);
  if (!existsSync(legacy)) return [];
  const lock = await acquireLock(legacy, 'recover');
  try {
    const { finished } = await recoverMoves(legacy);
    for (const root of new Set(finished.map((m) => m.sourceRoot))) {
      if (existsSync(root)) await (await acquireLock(root, 'recover')).release();
    }
    return finished;
  } finally {
    await lock.release();
  }
}
