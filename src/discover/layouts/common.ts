import type { Tree, TreeFile } from '../tree.js';
import { dirsIn, filesUnder } from '../tree.js';
import type { IgnoredFile, TransactionMode } from '../types.js';
import type { Body, Candidate } from './types.js';

/** Any case, so `X.SQL` is reported as a misfit instead of silently passing as "not SQL". */
export function isSqlName(name: string): boolean {
  return /\.sql$/i.test(name);
}

/** golang-migrate / maragudk-style direction suffixes: `.up.sql`, `_up.sql`, `-down.sql`... */
export const DIRECTION_SUFFIX = /[._-](up|down)\.sql$/i;

export function notSql(file: TreeFile): IgnoredFile {
  return { path: file.path, reason: 'not a .sql file' };
}

/**
 * Sub-folders of a flat layout are reported, with how much SQL they hold, because a runner that
 * reads one folder would never see it, and the user may have meant to point at the sub-folder.
 */
export function ignoredSubfolders(tree: Tree, layoutLabel: string): IgnoredFile[] {
  return dirsIn(tree, '').map((dir) => {
    const sql = filesUnder(tree, dir.path).filter((f) => isSqlName(f.name)).length;
    const inside = sql === 0 ? 'no .sql files' : `${sql} .sql file${sql === 1 ? '' : 's'}`;
    return { path: `${dir.path}/`, reason: `sub-folder (${inside}); ${layoutLabel} reads only the top folder` };
  });
}

/** The file name minus `.sql` and any direction suffix. */
export function stem(name: string): string {
  return name.replace(DIRECTION_SUFFIX, '').replace(/\.sql$/i, '');
}

/**
 * A candidate for a file only the order file selects: the leading digits (if any) are its
 * version, the rest its name. It can never collide, because the order file fixes its position.
 */
export function pinByName(file: TreeFile): Candidate {
  const base = stem(file.name);
  const m = /^(\d+)[-_.]?(.*)$/.exec(base);
  const version = m ? (m[1] as string) : '';
  const name = m ? (m[2] as string) : base;
  return { path: file.path, version, name, sortKey: file.path, versionKey: `pinned:${file.path}` };
}

/** Whole file as one migration, in the given mode: what most layouts run. */
export function wholeFile(text: string, transaction: TransactionMode): Body {
  return { sql: text, startLine: 1, transaction, diagnostics: [] };
}

/** `n thing(s)` */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
