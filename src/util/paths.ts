import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';

export interface OutputPathOptions {
  /** The project directory relative paths are resolved in and must stay inside (the cwd). */
  cwd: string;
  /** The flag the path came from, for the message (`-o`, `--legacy-dir`, `--report`). */
  flag?: string;
}

/**
 * Where a command may write. A relative path must stay inside the project directory once `..`
 * and symbolic links are resolved: `-o ../../.bashrc`, or `out/` that is a link to `/etc`, would
 * otherwise let a copied command line or a planted link write outside it. An absolute path is the
 * user's explicit choice and is taken as given. Returns the absolute path to write.
 */
export function resolveOutputPath(given: string, options: OutputPathOptions): string {
  const flag = options.flag ?? '-o';
  if (given === '' || given.includes('\0')) throw new UsageError(`${flag}: not a usable path`);
  const resolved = path.resolve(options.cwd, given);
  if (path.isAbsolute(given)) return resolved;
  const root = realpathSync(options.cwd);
  const real = realExistingPrefix(resolved);
  if (real !== root && !real.startsWith(`${root}${path.sep}`)) {
    throw new UsageError(`${flag} ${given}: resolves to ${real}, outside the project directory ${root}`, [
      `Give a path inside ${root}, or an absolute path if you mean to write there.`,
    ]);
  }
  return resolved;
}

/** `target` with its longest existing prefix resolved through symbolic links (the rest appended). */
function realExistingPrefix(target: string): string {
  const rest: string[] = [];
  let current = target;
  for (;;) {
    try {
      return path.join(realpathSync(current), ...rest.reverse());
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
      // A dangling link: a writer that follows it would create its target.
      if (isLink(current)) {
        current = path.resolve(path.dirname(current), readlinkSync(current));
        continue;
      }
      const parent = path.dirname(current);
      if (parent === current) return target;
      rest.push(path.basename(current));
      current = parent;
    }
  }
}

function isLink(file: string): boolean {
  try {
    return lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}
