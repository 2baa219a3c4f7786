import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { link, open, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { InputError } from '../errors.js';
import { pidAlive } from '../util/process.js';

export const LOCK_NAME = '.pgsquash.lock';

interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
  command: string;
}

export interface Lock {
  release(): Promise<void>;
}

/**
 * One pgsquash run per migrations directory at a time. The lock file names its holder; a lock
 * whose process is gone (same host) is stale and taken over.
 *
 * The file appears whole (written aside, then hard-linked into place, which fails if it exists),
 * so no one ever reads a half-written holder. Taking over a stale lock happens under a second,
 * short-lived lock (`.break`): without it, racing processes could each remove a lock another had
 * just taken, and several would run at once.
 */
export async function acquireLock(dir: string, command: string): Promise<Lock> {
  const file = path.join(dir, LOCK_NAME);
  const info: LockInfo = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString(), command };
  const mine = `${file}.${process.pid}-${randomBytes(4).toString('hex')}`;
  const handle = await open(mine, 'wx', 0o644);
  try {
    await handle.writeFile(`${JSON.stringify(info)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    for (let attempt = 0; attempt < 200; attempt++) {
      try {
        await link(mine, file);
        return { release: () => rm(file, { force: true }) };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = readHolder(file);
      if (holder && isAlive(holder)) {
        throw new InputError(`another pgsquash (${holder.command}, pid ${holder.pid}, since ${holder.startedAt}) is working in ${dir}`, [
          `Wait for it to finish. If no such process runs, delete ${file}.`,
        ]);
      }
      if (!(await breakStaleLock(file, holder))) await new Promise((r) => setTimeout(r, 5 + Math.random() * 20));
    }
  } finally {
    await rm(mine, { force: true });
  }
  throw new InputError(`cannot take the lock ${file}`, [`Delete ${file} if no pgsquash runs, then try again.`]);
}

/** Removes `file` if it still holds the stale `seen` holder; false when another process is at it. */
async function breakStaleLock(file: string, seen: LockInfo | undefined): Promise<boolean> {
  const breaker = `${file}.break`;
  let handle;
  try {
    handle = await open(breaker, 'wx', 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // A breaker killed mid-way leaves its file; it holds it for milliseconds otherwise.
    const age = Date.now() - (await stat(breaker).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
    if (age > 10_000) await rm(breaker, { force: true });
    return false;
  }
  try {
    const now = readHolder(file);
    if (JSON.stringify(now) === JSON.stringify(seen)) await rm(file, { force: true });
    return true;
  } finally {
    await handle.close();
    await rm(breaker, { force: true });
  }
}

function readHolder(file: string): LockInfo | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LockInfo;
  } catch {
    return undefined;
  }
}

/** A holder on another host cannot be checked, so it counts as alive. */
function isAlive(holder: LockInfo): boolean {
  return holder.host !== os.hostname() || pidAlive(holder.pid);
}
