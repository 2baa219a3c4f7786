import { filesIn } from '../tree.js';
import { canonicalInteger, compareBytes, compareIntegers } from '../version-order.js';
import { ignoredSubfolders, isSqlName, notSql, pinByName, plural, wholeFile } from './common.js';
import type { Layout, LayoutScan } from './types.js';

/**
 * Up/down pairs: golang-migrate (`000001_name.up.sql`), gobuffalo/pop (`<ts>_name.up.sql`, used by
 * supabase-auth) and maragudk/migrate (harness). maragudk matches `^([\w-]+).up.sql$` with the dots
 * unescaped, so `0021_name_up.sql` is an up migration too; skipping those breaks harness at 0090.
 * A bare `0157.up.sql` (no name) is accepted for the same reason.
 */
const UP = /^(\d+)(?:[-_](.+?))?[._-]up\.sql$/;
const DOWN = /^(\d+)(?:[-_](.+?))?[._-]down\.sql$/;

export const golangMigrate: Layout = {
  format: 'golang-migrate',
  pattern: '<version>_<name>.up.sql (000001_init.up.sql; also <version>_<name>_up.sql)',

  async scan(tree): Promise<LayoutScan> {
    const result: LayoutScan = {
      migrations: [],
      strays: [],
      ignored: ignoredSubfolders(tree, 'the golang-migrate layout'),
      diagnostics: [],
      score: 0,
      evidence: '',
    };
    let downs = 0;
    for (const file of filesIn(tree, '')) {
      if (!isSqlName(file.name)) {
        result.ignored.push(notSql(file));
        continue;
      }
      const up = UP.exec(file.name);
      if (up) {
        const version = up[1] as string;
        result.migrations.push({
          path: file.path,
          version,
          name: up[2] ?? '',
          sortKey: version,
          versionKey: canonicalInteger(version),
        });
      } else if (DOWN.test(file.name)) {
        downs++;
        result.ignored.push({ path: file.path, reason: 'down migration (never run)' });
      } else {
        result.strays.push({ path: file.path, problem: 'not <version>_<name>.up.sql or .down.sql' });
      }
    }
    // A folder of only down files is still this layout (and an error later), not "nothing here".
    result.score = result.migrations.length + (result.migrations.length === 0 && downs > 0 ? 1 : 0);
    result.evidence = `${plural(result.migrations.length, 'up file')} and ${plural(downs, 'down file')} named <version>_<name>.up.sql / .down.sql`;
    return result;
  },

  // golang-migrate parses the version as an integer; runners that sort by name agree whenever the
  // prefixes have one width (harness), and the plan notes it when they would not.
  compare: (a, b) => compareIntegers(a.sortKey, b.sortKey),
  naiveOrder: { label: 'a plain sort by file name (maragudk/migrate, pop)', compare: (a, b) => compareBytes(a.path, b.path) },
  pin: pinByName,
  body: (_candidate, text) => wholeFile(text, 'transaction'),
};
