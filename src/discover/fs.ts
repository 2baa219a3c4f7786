import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';

export type EntryKind = 'file' | 'dir' | 'other';

export interface DirEntry {
  name: string;
  kind: EntryKind;
}

/**
 * The little of the file system discovery needs. Kept behind an interface so callers (and tests)
 * can discover from something other than the local disk; `nodeFs` is the real one.
 */
export interface DiscoverFs {
  /** Entries of a directory; symbolic links are reported as what they point to. */
  readDir(absPath: string): Promise<DirEntry[]>;
  readFile(absPath: string): Promise<Uint8Array>;
  /** `missing` when nothing exists at the path (or a link points nowhere). */
  kind(absPath: string): Promise<EntryKind | 'missing'>;
  /** The path with every symbolic link resolved; without it, links are not checked. */
  realPath?(absPath: string): Promise<string>;
}

async function kindOf(absPath: string): Promise<EntryKind | 'missing'> {
  try {
    const info = await stat(absPath);
    if (info.isFile()) return 'file';
    if (info.isDirectory()) return 'dir';
    return 'other';
  } catch (error) {
    if (isMissing(error)) return 'missing';
    throw error;
  }
}

/** `permission denied (EACCES)` rather than Node's `EACCES: permission denied, open '...'`. */
export function describeFsError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const known: Record<string, string> = { EACCES: 'permission denied', EPERM: 'permission denied', EISDIR: 'it is a folder', EIO: 'I/O error' };
  return typeof code === 'string' ? `${known[code] ?? 'error'} (${code})` : String(error);
}

function isMissing(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP';
}

export const nodeFs: DiscoverFs = {
  async readDir(absPath) {
    const entries = await readdir(absPath, { withFileTypes: true });
    const result: DirEntry[] = [];
    for (const entry of entries) {
      let kind: EntryKind | 'missing';
      if (entry.isFile()) kind = 'file';
      else if (entry.isDirectory()) kind = 'dir';
      // Links are followed so a symlinked migration counts like a copied one.
      else if (entry.isSymbolicLink()) kind = await kindOf(path.join(absPath, entry.name));
      else kind = 'other';
      result.push({ name: entry.name, kind: kind === 'missing' ? 'other' : kind });
    }
    return result;
  },
  async readFile(absPath) {
    return readFile(absPath);
  },
  kind: kindOf,
  realPath: (absPath) => realpath(absPath),
};
