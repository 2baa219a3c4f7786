import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Migration, MigrationSet } from '../discover/types.js';
import { InputError } from '../errors.js';
import type { Catalog } from '../catalog/index.js';
import type { Engine } from '../engine/index.js';
import { compareCatalogs, type Difference } from '../verify/index.js';
import { onCleanCluster, replayAndIntrospect } from './baseline.js';
import type { PipelineOptions } from './options.js';
import type { PreparedRun } from './prepare.js';

/** Splits the set after the last migration with version `until` (the whole set without it). */
export function splitAt(set: MigrationSet, until: string | undefined): { squashed: Migration[]; remaining: Migration[] } {
  if (until === undefined) return { squashed: set.migrations, remaining: [] };
  let at = -1;
  set.migrations.forEach((m, i) => {
    if (m.version === until || m.path === until) at = i;
  });
  if (at < 0) {
    const versions = set.migrations.map((m) => m.version);
    throw new InputError(`--until ${until}: no migration has that version`, [
      `Versions run: ${versions.slice(0, 5).join(', ')}${versions.length > 5 ? `, ..., ${versions.slice(-3).join(', ')}` : ''}.`,
    ]);
  }
  return { squashed: set.migrations.slice(0, at + 1), remaining: set.migrations.slice(at + 1) };
}

/**
 * Every file that belongs to the squashed migrations, relative to the set's root: the file run,
 * plus what the framework keeps beside it (a Prisma or diesel folder's other files, golang-migrate's
 * down file, Flyway's `.sql.conf` and undo file), so no orphan is left behind.
 */
export function filesToMove(set: MigrationSet, squashed: Migration[]): string[] {
  const out = new Set<string>();
  const onDisk = (rel: string) => existsSync(path.join(set.root, ...rel.split('/')));
  for (const m of squashed) {
    out.add(m.path);
    if ((set.format === 'prisma' || set.format === 'diesel') && m.path.includes('/')) {
      const folder = path.posix.dirname(m.path);
      for (const entry of readdirSync(path.join(set.root, folder), { recursive: true, withFileTypes: true })) {
        if (!entry.isFile()) continue;
        const abs = path.join(entry.parentPath, entry.name);
        out.add(path.relative(set.root, abs).split(path.sep).join('/'));
      }
    } else if (set.format === 'golang-migrate') {
      const down = m.path.replace(/([._-])up\.sql$/, '$1down.sql');
      if (down !== m.path && onDisk(down)) out.add(down);
    } else if (set.format === 'flyway') {
      if (onDisk(`${m.path}.conf`)) out.add(`${m.path}.conf`);
      const dir = path.posix.dirname(m.path);
      for (const ignored of set.ignored) {
        const undo = /^U([\d._]+)__.*\.sql$/.exec(path.posix.basename(ignored.path));
        if (undo && undo[1]!.replace(/_/g, '.') === m.version && path.posix.dirname(ignored.path) === dir) out.add(ignored.path);
      }
    }
  }
  return [...out].sort();
}

/** The baseline as a one-file migration, so it replays (and fails) like any file, with its line. */
export function baselineMigration(sql: string, shownPath: string): Migration {
  return { version: '0', name: 'baseline', path: shownPath, absPath: shownPath, sql, startLine: 1, transaction: 'transaction', format: 'numbered', sha256: '' };
}

/**
 * `--until`: the files left after the baseline must still apply on top of it. Replays the whole
 * set into one database, and the baseline then the remaining files into another; both must build
 * the same schema. Rows are left out here: two replays disagree on every `now()` default, and the
 * baseline's own rows were already proven against the replay they came from.
 */
export async function verifyRemaining(
  engine: Engine,
  prepared: PreparedRun,
  options: PipelineOptions,
  sql: string,
  remaining: Migration[],
  shownPath: string,
): Promise<{ differences: Difference[]; full: Catalog }> {
  const includeData = false;
  const { set, replay } = prepared;
  const full = (await replayAndIntrospect(engine, set, replay, includeData)).catalog;
  const stacked: MigrationSet = { ...set, migrations: [baselineMigration(sql, shownPath), ...remaining] };
  const differences = await onCleanCluster(engine, full, prepared, options, async (target) =>
    compareCatalogs(full, (await replayAndIntrospect(target, stacked, replay, includeData)).catalog),
  );
  return { differences, full };
}
