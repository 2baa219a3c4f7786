import { filesIn } from '../tree.js';
import { compareBytes, compareIntegers } from '../version-order.js';
import { DIRECTION_SUFFIX, ignoredSubfolders, isSqlName, notSql, pinByName, plural, wholeFile } from './common.js';
import type { Layout, LayoutScan } from './types.js';

/** The Supabase CLI's pattern; it skips anything else, which we report instead. */
const TIMESTAMPED = /^(\d+)_(.*)\.sql$/;

/** Shorter prefixes are counters, not timestamps; such a folder is detected as numbered. */
export const MIN_TIMESTAMP_DIGITS = 12;

/**
 * Timestamped files (Supabase CLI `supabase/migrations`): the CLI lists the folder sorted by file
 * name and runs each file in its own transaction, so the order is the byte order of the name.
 */
export const timestamp: Layout = {
  format: 'timestamp',
  pattern: '<timestamp>_<name>.sql (20240101000000_init.sql)',

  async scan(tree): Promise<LayoutScan> {
    const result: LayoutScan = {
      migrations: [],
      strays: [],
      ignored: ignoredSubfolders(tree, 'the timestamp layout'),
      diagnostics: [],
      score: 0,
      evidence: '',
    };
    for (const file of filesIn(tree, '')) {
      if (!isSqlName(file.name)) {
        result.ignored.push(notSql(file));
        continue;
      }
      const m = TIMESTAMPED.exec(file.name);
      if (!m) {
        result.strays.push({ path: file.path, problem: 'not <digits>_<name>.sql (the Supabase CLI skips it)' });
      } else if (DIRECTION_SUFFIX.test(file.name)) {
        result.strays.push({ path: file.path, problem: 'looks like an up/down pair file (use --format golang-migrate?)' });
      } else {
        const version = m[1] as string;
        result.migrations.push({ path: file.path, version, name: m[2] as string, sortKey: file.name, versionKey: version });
      }
    }
    const allTimestamps = result.migrations.every((c) => c.version.length >= MIN_TIMESTAMP_DIGITS);
    result.score = allTimestamps ? result.migrations.length : 0;
    result.evidence = `${plural(result.migrations.length, 'file')} named <timestamp>_<name>.sql`;
    return result;
  },

  compare: (a, b) => compareBytes(a.sortKey, b.sortKey),
  naiveOrder: { label: 'numeric order of the version', compare: (a, b) => compareIntegers(a.version, b.version) },
  pin: pinByName,
  body: (_candidate, text) => wholeFile(text, 'transaction'),
};
