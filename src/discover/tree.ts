import path from 'node:path';
import { InputError } from '../errors.js';
import { describeFsError, type DirEntry, type DiscoverFs } from './fs.js';
import { compareBytes } from './version-order.js';

export interface TreeFile {
  /** Relative to the root, `/`-separated. */
  path: string;
  name: string;
  /** Relative directory holding the file, `''` for the root. */
  parent: string;
  /** 0 for files directly in the root. */
  depth: number;
}

export type TreeDir = TreeFile;

/** What is under a migration root, sorted by byte order so every later step is deterministic. */
export interface Tree {
  files: TreeFile[];
  dirs: TreeDir[];
  /** Entries not descended into or not listed as files: hidden names, sockets, the too-deep. */
  skipped: { path: string; reason: string }[];
}

/**
 * Deep enough for Flyway's recursive locations and the one level of folder layouts, shallow enough
 * that pointing at a project root does not walk a whole repository.
 */
const MAX_DEPTH = 6;
const NEVER_DESCEND = new Set(['node_modules']);

export async function listTree(fs: DiscoverFs, root: string): Promise<Tree> {
  const tree: Tree = { files: [], dirs: [], skipped: [] };
  await walk(fs, root, '', 0, tree);
  const byPath = (a: { path: string }, b: { path: string }) => compareBytes(a.path, b.path);
  tree.files.sort(byPath);
  tree.dirs.sort(byPath);
  tree.skipped.sort(byPath);
  return tree;
}

async function walk(fs: DiscoverFs, root: string, rel: string, depth: number, tree: Tree): Promise<void> {
  const where = rel === '' ? root : path.join(root, ...rel.split('/'));
  let entries: DirEntry[];
  try {
    entries = await fs.readDir(where);
  } catch (error) {
    // A folder we cannot list may hold migrations: skipping it would change the history.
    throw new InputError(`cannot list ${rel === '' ? root : `${rel}/`}: ${describeFsError(error)}`, [`Check the permissions of ${where}.`]);
  }
  for (const entry of entries) {
    const entryPath = rel === '' ? entry.name : `${rel}/${entry.name}`;
    if (entry.name.startsWith('.')) {
      // Editors and VCS leave dot-files (.DS_Store, .gitkeep, .git/); no framework runs them.
      tree.skipped.push({ path: entry.kind === 'dir' ? `${entryPath}/` : entryPath, reason: 'hidden entry' });
      continue;
    }
    const item = { path: entryPath, name: entry.name, parent: rel, depth };
    if (entry.kind === 'file') {
      tree.files.push(item);
    } else if (entry.kind === 'dir') {
      tree.dirs.push(item);
      if (NEVER_DESCEND.has(entry.name)) {
        tree.skipped.push({ path: `${entryPath}/`, reason: 'not searched (package folder)' });
      } else if (depth + 1 >= MAX_DEPTH) {
        tree.skipped.push({ path: `${entryPath}/`, reason: `not searched (more than ${MAX_DEPTH} folders deep)` });
      } else {
        await walk(fs, root, entryPath, depth + 1, tree);
      }
    } else {
      tree.skipped.push({ path: entryPath, reason: 'not a regular file or folder' });
    }
  }
}

/** Files directly inside `dir` (a relative folder path, `''` for the root). */
export function filesIn(tree: Tree, dir: string): TreeFile[] {
  return tree.files.filter((f) => f.parent === dir);
}

export function dirsIn(tree: Tree, dir: string): TreeDir[] {
  return tree.dirs.filter((d) => d.parent === dir);
}

/** Every file at any depth below `dir`. */
export function filesUnder(tree: Tree, dir: string): TreeFile[] {
  const prefix = `${dir}/`;
  return tree.files.filter((f) => f.path.startsWith(prefix));
}

/** The part of a tree below `dir`, with paths made relative to it. */
export function subTree(tree: Tree, dir: string): Tree {
  const prefix = `${dir}/`;
  const rebase = (item: TreeFile): TreeFile => {
    const rel = item.path.slice(prefix.length);
    const slash = rel.lastIndexOf('/');
    return { path: rel, name: item.name, parent: slash === -1 ? '' : rel.slice(0, slash), depth: item.depth - dir.split('/').length };
  };
  return {
    files: tree.files.filter((f) => f.path.startsWith(prefix)).map(rebase),
    dirs: tree.dirs.filter((d) => d.path.startsWith(prefix)).map(rebase),
    skipped: tree.skipped.filter((s) => s.path.startsWith(prefix)).map((s) => ({ ...s, path: s.path.slice(prefix.length) })),
  };
}
