import { InputError } from '../../errors.js';
import { splitLines } from '../sql-text.js';
import { dirsIn, filesIn, filesUnder } from '../tree.js';
import type { TransactionMode } from '../types.js';
import { compareBytes } from '../version-order.js';
import { isSqlName, pinByName, plural, wholeFile } from './common.js';
import type { Candidate, Layout, LayoutScan, ScanContext } from './types.js';

/**
 * diesel: every folder `<version>_<name>` holding `up.sql` is a migration. diesel's version is the
 * folder name up to the first `_` with every `-` removed, and migrations run in the string order of
 * that version — so `2017-08-31-230457_x` (version `20170831230457`) runs after `20170102…_y`,
 * which a plain name sort gets wrong (crates-io fails at #122 that way).
 */
export const diesel: Layout = {
  format: 'diesel',
  pattern: '<version>_<name>/up.sql (2024-01-01-000000_init/up.sql, 20240101000000_init/up.sql)',

  async scan(tree, ctx): Promise<LayoutScan> {
    const result: LayoutScan = { migrations: [], strays: [], ignored: [], diagnostics: [], score: 0, evidence: '' };
    for (const file of filesIn(tree, '')) {
      if (isSqlName(file.name)) {
        result.ignored.push({ path: file.path, reason: 'loose .sql file; diesel only runs <folder>/up.sql' });
        result.diagnostics.push({
          level: 'note',
          code: 'loose-file',
          message: `${file.path} is not in a migration folder, so diesel never runs it; list it in an --order-file to include it`,
          paths: [file.path],
        });
      } else {
        result.ignored.push({ path: file.path, reason: 'not a migration folder' });
      }
    }
    let nonTransactional = 0;
    for (const dir of dirsIn(tree, '')) {
      const inside = filesUnder(tree, dir.path);
      const up = inside.find((f) => f.parent === dir.path && f.name === 'up.sql');
      if (!up) {
        // diesel 2 stops with UnknownMigrationFormat on a folder without up.sql.
        result.strays.push({ path: `${dir.path}/`, problem: 'folder without up.sql' });
        continue;
      }
      const cut = dir.name.indexOf('_');
      const written = cut === -1 ? dir.name : dir.name.slice(0, cut);
      const version = written.replace(/-/g, '');
      const candidate: Candidate = {
        path: up.path,
        version,
        name: cut === -1 ? '' : dir.name.slice(cut + 1),
        sortKey: version,
        versionKey: version,
        folder: dir.path,
      };
      for (const other of inside) {
        if (other === up) continue;
        if (other.parent === dir.path && other.name === 'down.sql') {
          result.ignored.push({ path: other.path, reason: 'down migration (never run)' });
        } else if (other.parent === dir.path && other.name === 'metadata.toml') {
          const mode = await runInTransaction(other.path, ctx);
          result.ignored.push({ path: other.path, reason: `diesel migration metadata for ${up.path}` });
          if (mode) {
            candidate.configuredTransaction = { mode, source: other.path };
            if (mode === 'none') nonTransactional++;
          }
        } else {
          result.ignored.push({ path: other.path, reason: 'not read by diesel (only up.sql, down.sql, metadata.toml are)' });
        }
      }
      result.migrations.push(candidate);
    }
    result.score = result.migrations.length;
    result.evidence = `${plural(result.score, 'folder')} holding up.sql (${nonTransactional} with run_in_transaction = false)`;
    return result;
  },

  compare: (a, b) => compareBytes(a.sortKey, b.sortKey),
  naiveOrder: { label: 'a plain sort by folder name', compare: (a, b) => compareBytes(a.path, b.path) },
  pin: pinByName,
  body: (candidate, text) => wholeFile(text, candidate.configuredTransaction?.mode ?? 'transaction'),
};

/** `run_in_transaction` from `metadata.toml`; the only key diesel reads there. */
async function runInTransaction(path: string, ctx: ScanContext): Promise<TransactionMode | undefined> {
  const text = await ctx.sniffText(path);
  if (text === undefined) throw new InputError(`${path}: not valid UTF-8, so diesel could not read it either`);
  for (const line of splitLines(text)) {
    const m = /^\s*run_in_transaction\s*=\s*([^#\s]+)\s*(#.*)?$/.exec(line.text);
    if (!m) continue;
    if (m[1] === 'false') return 'none';
    if (m[1] === 'true') return 'transaction';
    throw new InputError(`${path}:${line.number}: run_in_transaction must be true or false, not ${m[1]}`);
  }
  return undefined;
}
