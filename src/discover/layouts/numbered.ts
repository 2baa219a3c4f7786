import { filesIn } from '../tree.js';
import { canonicalInteger, compareBytes, compareIntegers } from '../version-order.js';
import { DIRECTION_SUFFIX, ignoredSubfolders, isSqlName, notSql, pinByName, plural, wholeFile } from './common.js';
import type { Body, Candidate, Layout, LayoutScan } from './types.js';

/**
 * Plain numbered files as the npm `postgres-migrations` library reads them (supabase-storage):
 * `^(\d+)[-_]?(.*)\.sql$`, ordered by the *integer* id, so `00010-x.sql` runs after `0009-y.sql`.
 */
const NUMBERED = /^(\d+)[-_]?(.*)\.sql$/i;

/** Anywhere in the file, as postgres-migrations ≥5 checks with `sql.includes(...)`. */
export const DISABLE_TRANSACTION = '-- postgres-migrations disable-transaction';
/** supabase-storage's runner replaces such a file's SQL with `SELECT 1;` before running it. */
export const RUNNER_IGNORE = '-- postgres-migrations ignore';
export const RUNNER_IGNORE_SQL = 'SELECT 1;';

export const numbered: Layout = {
  format: 'numbered',
  pattern: '<number>_<name>.sql or <number>-<name>.sql (001_init.sql, 0001-init.sql)',

  async scan(tree): Promise<LayoutScan> {
    const result: LayoutScan = {
      migrations: [],
      strays: [],
      ignored: ignoredSubfolders(tree, 'the numbered layout'),
      diagnostics: [],
      score: 0,
      evidence: '',
    };
    for (const file of filesIn(tree, '')) {
      if (!isSqlName(file.name)) {
        result.ignored.push(notSql(file));
        continue;
      }
      const m = NUMBERED.exec(file.name);
      if (!m) {
        result.strays.push({ path: file.path, problem: 'no numeric prefix' });
      } else if (DIRECTION_SUFFIX.test(file.name)) {
        // Running a down file as a step forward would undo the schema; make the user choose.
        result.strays.push({ path: file.path, problem: 'looks like an up/down pair file (use --format golang-migrate?)' });
      } else {
        const version = m[1] as string;
        result.migrations.push({
          path: file.path,
          version,
          name: m[2] as string,
          sortKey: version,
          versionKey: canonicalInteger(version),
        });
      }
    }
    result.score = result.migrations.length;
    result.evidence = `${plural(result.score, 'file')} named <number>[-_]<name>.sql`;
    return result;
  },

  compare: (a, b) => compareIntegers(a.sortKey, b.sortKey),
  naiveOrder: { label: 'a plain sort by file name', compare: (a, b) => compareBytes(a.path, b.path) },
  pin: pinByName,

  body(candidate: Candidate, text: string): Body {
    if (text.includes(RUNNER_IGNORE)) {
      const reason = `contains "${RUNNER_IGNORE}": the supabase-storage runner runs "${RUNNER_IGNORE_SQL}" instead of this file`;
      return {
        sql: RUNNER_IGNORE_SQL,
        startLine: 1,
        // The runner checks the substituted SQL for the disable-transaction marker, so never finds it.
        transaction: 'transaction',
        replacedByRunner: reason,
        diagnostics: [{ level: 'note', code: 'runner-ignore', message: `${candidate.path} ${reason}`, paths: [candidate.path] }],
      };
    }
    return wholeFile(text, text.includes(DISABLE_TRANSACTION) ? 'none' : 'transaction');
  },
};
