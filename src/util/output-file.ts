import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../archive/fsync.js';
import { ExitCode, PgsquashError } from '../errors.js';

/**
 * Writes a user-facing output file (baseline, report, in-place migration) whole or not at all,
 * creating its folder. A full disk is the environment's fault (exit 4); anything else, the path's.
 * `file` is already resolved (see resolveOutputPath); `shown` is how the user named it.
 */
export async function writeOutputFile(file: string, text: string, shown: string = file): Promise<void> {
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFileAtomic(file, text);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    const environment = ['ENOSPC', 'EDQUOT', 'EIO'].includes(code);
    throw new PgsquashError(`cannot write ${shown}: ${(error as Error).message.split(',')[0]}`, environment ? ExitCode.engineUnavailable : ExitCode.usage, [
      `Nothing was written to ${file}. ${environment ? 'Free some space (or choose another -o), then run again.' : 'Check the path and its permissions.'}`,
    ]);
  }
}
