import { readFileSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { InputError } from '../errors.js';

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
 */
export async function acquireLock(dir: string, command: string): Promise<Lock> {
  const file = path.join(dir, LOCK_NAME);
  const info: LockInfo = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString(), command };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, 'wx', 0o644);
      await handle.writeFile(`${JSON.stringify(info)}\n`);
      await handle.sync();
      await handle.close();
      return { release: () => rm(file, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readHolder(file);
      if (holder && isAlive(holder)) {
        throw new InputError(`another pgsquash (${holder.command}, pid ${holder.pid}, since ${holder.startedAt}) is working in ${dir}`, [
          `Wait for it to finish. If no such process runs, delete ${file}.`,
        ]);
      }
      await rm(file, { force: true });
    }
  }
  throw new InputError(`cannot take the lock ${file}`, [`Delete ${file} if no pgsquash runs, then try again.`]);
}

function readHolder(file: string): LockInfo | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LockInfo;
  } catch {
    return undefined;
  }
}

function isAlive(holder: LockInfo): boolean {
  if (holder.host !== os.hostname()) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
