import { dirsIn, filesIn, filesUnder } from '../tree.js';
import { compareBytes } from '../version-order.js';
import { isSqlName, pinByName, plural, wholeFile } from './common.js';
import type { Candidate, Layout, LayoutScan } from './types.js';

const SCRIPT = 'migration.sql';

/**
 * Prisma Migrate: every folder of the migrations directory is one migration, its
 * `migration.sql` sent as a single script with no transaction around it. Folders are ordered by
 * name as plain strings (Rust byte order): spaces and odd timestamp widths included, as in langfuse.
 */
export const prisma: Layout = {
  format: 'prisma',
  pattern: '<timestamp>_<name>/migration.sql',

  async scan(tree): Promise<LayoutScan> {
    const result: LayoutScan = { migrations: [], strays: [], ignored: [], diagnostics: [], score: 0, evidence: '' };
    for (const file of filesIn(tree, '')) {
      if (file.name === 'migration_lock.toml') {
        result.ignored.push({ path: file.path, reason: 'Prisma lock file (database provider), not a migration' });
      } else if (isSqlName(file.name)) {
        result.ignored.push({ path: file.path, reason: 'loose .sql file; Prisma only runs <folder>/migration.sql' });
        result.diagnostics.push({
          level: 'note',
          code: 'loose-file',
          message: `${file.path} is not in a migration folder, so Prisma never runs it; list it in an --order-file to include it`,
          paths: [file.path],
        });
      } else {
        result.ignored.push({ path: file.path, reason: 'not a migration folder' });
      }
    }
    for (const dir of dirsIn(tree, '')) {
      const inside = filesUnder(tree, dir.path);
      const script = inside.find((f) => f.parent === dir.path && f.name === SCRIPT);
      if (!script) {
        // Prisma stops with P3015 ("Could not find the migration file") on such a folder.
        result.strays.push({ path: `${dir.path}/`, problem: `folder without ${SCRIPT}` });
        continue;
      }
      for (const other of inside) {
        if (other !== script) result.ignored.push({ path: other.path, reason: `not read by Prisma (only ${SCRIPT} is)` });
      }
      const cut = dir.name.indexOf('_');
      const prefix = cut === -1 ? dir.name : dir.name.slice(0, cut);
      const isVersion = /^\d+$/.test(prefix);
      result.migrations.push({
        path: script.path,
        version: isVersion ? prefix : '',
        name: isVersion ? dir.name.slice(prefix.length + 1) : dir.name,
        sortKey: dir.name,
        // The folder name is the migration's identity in `_prisma_migrations`; it cannot repeat.
        versionKey: dir.name,
        folder: dir.path,
      });
    }
    result.score = result.migrations.length;
    result.evidence = `${plural(result.score, 'folder')} holding ${SCRIPT}`;
    return result;
  },

  compare: (a: Candidate, b: Candidate) => compareBytes(a.sortKey, b.sortKey),
  pin: pinByName,
  body: (_candidate, text) => wholeFile(text, 'script'),
};
