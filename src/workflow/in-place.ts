import path from 'node:path';
import { discover } from '../discover/index.js';
import type { Migration, MigrationFormat, MigrationSet } from '../discover/types.js';
import { InputError } from '../errors.js';

/** A file the in-place squash writes into the migrations directory (paths relative to its root). */
export interface InPlaceFile {
  path: string;
  content: string;
}

export interface InPlacePlan {
  format: MigrationFormat;
  /** The version the framework records for the baseline. */
  version: string;
  /** The file the framework runs (for Prisma and diesel, inside the new folder). */
  runs: string;
  /** Prisma's migration name / diesel's folder; the file name otherwise. */
  name: string;
  files: InPlaceFile[];
  /** Things the user must know about this framework's handling of the baseline. */
  notes: string[];
}

const DOWN_REFUSES = (what: string) =>
  [
    `-- pgsquash baseline: ${what} cannot be rolled back step by step.`,
    "DO $$ BEGIN RAISE EXCEPTION 'the pgsquash baseline cannot be rolled back; restore a backup or recreate the database'; END $$;",
    '',
  ].join('\n');

/**
 * Names the baseline the way the framework would name a migration at the end of the squashed
 * range, so the framework runs it first on a new database and sees it as already applied on the
 * databases that ran the squashed files (whose last version it reuses, where the framework allows).
 */
export function planInPlace(set: MigrationSet, squashed: Migration[], remaining: Migration[], sql: string): InPlacePlan {
  const last = squashed[squashed.length - 1];
  const first = squashed[0];
  if (!last || !first) throw new InputError('nothing to squash');
  const taken = new Set(set.migrations.map((m) => m.path));
  const notes: string[] = [];
  const plan = (version: string, runs: string, name: string, files: InPlaceFile[]): InPlacePlan => {
    for (const f of files) {
      if (taken.has(f.path) && !squashed.some((m) => m.path === f.path)) {
        throw new InputError(`cannot write the in-place baseline: ${f.path} already exists and is not squashed`);
      }
    }
    return { format: set.format, version, runs, name, files, notes };
  };
  switch (set.format) {
    case 'timestamp': {
      const file = `${last.version}_baseline.sql`;
      return plan(last.version, file, file, [{ path: file, content: sql }]);
    }
    case 'numbered': {
      // postgres-migrations requires consecutive ids from 1; the first squashed number keeps that
      // true whenever everything up to here is squashed.
      const file = `${first.version}_baseline.sql`;
      if (remaining.length > 0) {
        notes.push(
          `postgres-migrations refuses ids that are not consecutive (1, 2, 3, ...): with files left after ${file}, only runners that track each applied number accept this layout`,
        );
      }
      return plan(first.version, file, file, [{ path: file, content: sql }]);
    }
    case 'golang-migrate': {
      const stem = `${last.version}_baseline`;
      return plan(last.version, `${stem}.up.sql`, stem, [
        { path: `${stem}.up.sql`, content: sql },
        { path: `${stem}.down.sql`, content: DOWN_REFUSES('a golang-migrate baseline') },
      ]);
    }
    case 'dbmate': {
      const file = `${last.version}_baseline.sql`;
      const content = `-- migrate:up\n${sql}\n-- migrate:down\n${DOWN_REFUSES('a dbmate baseline')}`;
      return plan(last.version, file, file, [{ path: file, content }]);
    }
    case 'flyway': {
      const file = `B${last.version}__baseline.sql`;
      notes.push(
        `Flyway runs ${file} only on an empty database, instead of every versioned migration up to ${last.version}; it is a Flyway Teams/Enterprise feature (Community Edition ignores B files)`,
      );
      return plan(last.version, file, file, [{ path: file, content: sql }]);
    }
    case 'prisma': {
      // Prisma's baselining guide names the initial migration 0_init; it sorts before timestamps.
      const used = new Set(set.migrations.map((m) => path.posix.dirname(m.path)));
      const name = used.has('0_init') ? '0_pgsquash_baseline' : '0_init';
      const runs = `${name}/migration.sql`;
      const after = remaining[0];
      if (after && !(name < path.posix.dirname(after.path))) {
        throw new InputError(`cannot name the Prisma baseline: ${name} would not sort before ${path.posix.dirname(after.path)}`);
      }
      return plan(name, runs, name, [{ path: runs, content: sql }]);
    }
    case 'diesel': {
      // diesel records the folder name up to the first `_`, with dashes removed.
      const folder = path.posix.dirname(last.path);
      const written = folder.includes('_') ? folder.slice(0, folder.indexOf('_')) : folder;
      const name = `${written}_baseline`;
      return plan(last.version, `${name}/up.sql`, name, [
        { path: `${name}/up.sql`, content: sql },
        { path: `${name}/down.sql`, content: DOWN_REFUSES('a diesel baseline') },
      ]);
    }
  }
}

/**
 * Discovers the directory again after the in-place write and checks the framework would run the
 * baseline first and the files left after it in their old order.
 */
export async function checkInPlace(dir: string, format: MigrationFormat, plan: InPlacePlan, remaining: Migration[], orderFile?: string): Promise<string> {
  const set = await discover(dir, { format, ...(orderFile ? { orderFile } : {}) });
  const got = set.migrations.map((m) => m.path);
  const want = [plan.runs, ...remaining.map((m) => m.path)];
  if (JSON.stringify(got) !== JSON.stringify(want)) {
    throw new InputError('in-place check failed: discovery does not run the baseline first', [
      `expected: ${want.join(', ')}`,
      `found:    ${got.join(', ')}`,
    ]);
  }
  return `discovery runs ${plan.runs} first, then the ${remaining.length} remaining file(s) in their order`;
}
