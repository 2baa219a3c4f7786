import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { failpoint } from '../util/failpoint.js';

export async function sha256File(file: string): Promise<string> {
  return createHash('sha256').update(await readFile(file)).digest('hex');
}

/** fsync a file or directory so a rename or write survives a crash. */
export async function fsyncPath(target: string): Promise<void> {
  const handle = await open(target, constants.O_RDONLY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes `text` so the file holds either its old or its new content after a crash, never half. */
/** `crashPoint` names a failpoint between the durable temp file and the rename (recovery tests). */
export async function writeFileAtomic(file: string, text: string, crashPoint?: string): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  const handle = await open(tmp, 'w', 0o644);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } catch (error) {
    // A disk that filled up leaves a partial temp file: it must not stay behind.
    await handle.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw error;
  }
  await handle.close();
  if (crashPoint) failpoint(crashPoint);
  await rename(tmp, file);
  await fsyncPath(path.dirname(file));
}

/** Copies to a temp name, fsyncs, then renames into place: `dest` is complete or absent. */
export async function copyDurably(source: string, dest: string): Promise<void> {
  const tmp = `${dest}.pgsquash-partial`;
  await rm(tmp, { force: true });
  try {
    await copyFile(source, tmp, constants.COPYFILE_EXCL);
    failpoint('mid-copy');
    await fsyncPath(tmp);
  } catch (error) {
    // e.g. the disk filled up: a partial copy is no use to recovery, which copies again.
    await rm(tmp, { force: true });
    throw error;
  }
  await rename(tmp, dest);
  await fsyncPath(path.dirname(dest));
}
