import path from 'node:path';
import { InputError } from '../errors.js';
import { decodeUtf8 } from './decode.js';
import type { DiscoverFs } from './fs.js';
import { splitLines } from './sql-text.js';

export interface OrderEntry {
  /** 1-based line in the order file. */
  line: number;
  /** As written, for messages. */
  written: string;
  /** Normalised relative path: `/` separators, no `./`, no trailing `/`. */
  path: string;
}

export interface OrderFile {
  absPath: string;
  entries: OrderEntry[];
}

/**
 * Reads an order file: one path per line relative to the migration directory, blank lines and
 * lines starting with `#` skipped. Refuses paths that leave the directory and repeated paths,
 * since either would make "the order" mean something other than what the file says.
 */
export async function readOrderFile(fs: DiscoverFs, file: string): Promise<OrderFile> {
  const absPath = path.resolve(file);
  const kind = await fs.kind(absPath);
  if (kind === 'missing') throw new InputError(`order file not found: ${file}`);
  if (kind !== 'file') throw new InputError(`order file is not a file: ${file}`);
  const { text } = decodeUtf8(await fs.readFile(absPath), file, absPath);
  const entries: OrderEntry[] = [];
  const seen = new Map<string, number>();
  const problems: string[] = [];
  for (const line of splitLines(text)) {
    const written = line.text.trim();
    if (written === '' || written.startsWith('#')) continue;
    const slashed = written.replace(/\\/g, '/');
    const normal = path.posix.normalize(slashed).replace(/\/+$/, '');
    if (path.posix.isAbsolute(slashed) || /^[A-Za-z]:\//.test(slashed)) {
      problems.push(`line ${line.number}: ${written} is absolute; write it relative to the migration directory`);
    } else if (normal === '..' || normal.startsWith('../') || normal === '.' || normal === '') {
      problems.push(`line ${line.number}: ${written} is not a file inside the migration directory`);
    } else if (seen.has(normal)) {
      problems.push(`line ${line.number}: ${written} is already listed on line ${seen.get(normal)}`);
    } else {
      seen.set(normal, line.number);
      entries.push({ line: line.number, written, path: normal });
    }
  }
  if (problems.length > 0) {
    throw new InputError(`order file ${file} has ${problems.length} unusable line${problems.length === 1 ? '' : 's'}`, problems);
  }
  if (entries.length === 0) throw new InputError(`order file ${file} lists no migrations`);
  return { absPath, entries };
}
