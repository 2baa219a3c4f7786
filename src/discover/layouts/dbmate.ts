import { InputError } from '../../errors.js';
import { splitLines } from '../sql-text.js';
import { filesIn } from '../tree.js';
import type { Diagnostic } from '../types.js';
import { compareBytes, compareIntegers } from '../version-order.js';
import { ignoredSubfolders, isSqlName, notSql, pinByName, plural } from './common.js';
import type { Body, Candidate, Layout, LayoutScan } from './types.js';

/** dbmate's `migrationFileRegexp`; the version is the leading digits, the order the file name. */
const DBMATE_FILE = /^(\d+)(.*)\.sql$/;
/** dbmate's block directives (`(?m)^--\s*migrate:up(\s*$|\s+\S+)`), matched per line here. */
const UP_DIRECTIVE = /^--\s*migrate:up(?=\s|$)/;
const DOWN_DIRECTIVE = /^--\s*migrate:down(?=\s|$)/;
const BLANK_OR_COMMENT = /^\s*(--.*)?$/;

export const dbmate: Layout = {
  format: 'dbmate',
  pattern: '<version>_<name>.sql with "-- migrate:up" / "-- migrate:down" sections',

  async scan(tree, ctx): Promise<LayoutScan> {
    const result: LayoutScan = {
      migrations: [],
      strays: [],
      ignored: ignoredSubfolders(tree, 'dbmate'),
      diagnostics: [],
      score: 0,
      evidence: '',
    };
    let marked = 0;
    for (const file of filesIn(tree, '')) {
      if (!isSqlName(file.name)) {
        result.ignored.push(notSql(file));
        continue;
      }
      const m = DBMATE_FILE.exec(file.name);
      if (!m) {
        result.strays.push({ path: file.path, problem: 'does not start with a numeric version (dbmate skips it)' });
        continue;
      }
      const version = m[1] as string;
      const name = (m[2] as string).replace(/^[-_]/, '');
      result.migrations.push({ path: file.path, version, name, sortKey: file.name, versionKey: version });
      const text = await ctx.sniffText(file.path);
      if (text !== undefined && splitLines(text).some((l) => UP_DIRECTIVE.test(l.text))) marked++;
    }
    // Only the markers tell dbmate from other timestamped layouts; without them this is not dbmate.
    result.score = marked > 0 ? result.migrations.length : 0;
    result.evidence = `${marked} of ${plural(result.migrations.length, '<version>_<name>.sql file')} contain a "-- migrate:up" line`;
    return result;
  },

  compare: (a, b) => compareBytes(a.sortKey, b.sortKey),
  naiveOrder: { label: 'numeric order of the version', compare: (a, b) => compareIntegers(a.version, b.version) },
  pin: pinByName,

  body(candidate: Candidate, text: string, pinned: boolean): Body {
    return upSection(candidate.path, text, pinned);
  },
};

/**
 * The up block exactly as dbmate cuts it: from the line after `-- migrate:up` to the
 * `-- migrate:down` line. Options on the directive line (`transaction:false`) set the mode.
 */
export function upSection(file: string, text: string, pinned: boolean): Body {
  const lines = splitLines(text);
  const up = lines.find((l) => UP_DIRECTIVE.test(l.text));
  const down = lines.find((l) => DOWN_DIRECTIVE.test(l.text));
  const diagnostics: Diagnostic[] = [];
  if (!up) {
    if (pinned) {
      diagnostics.push({
        level: 'note',
        code: 'dbmate-no-sections',
        message: `${file} has no "-- migrate:up" line; the order file places it, so the whole file is run`,
        paths: [file],
      });
      return { sql: text, startLine: 1, transaction: 'transaction', diagnostics };
    }
    throw new InputError(`${file}: dbmate requires an up block starting with "-- migrate:up"`, [
      'Add "-- migrate:up" above the statements (and "-- migrate:down" above the rollback, if any).',
    ], { file, line: 1, column: 1 });
  }
  if (down && down.number < up.number) {
    throw new InputError(`${file}: "-- migrate:down" (line ${down.number}) comes before "-- migrate:up" (line ${up.number})`, [
      'dbmate requires the up block first; move the down block below it.',
    ], { file, line: down.number, column: 1 });
  }
  const before = lines.find((l) => l.number < up.number && !BLANK_OR_COMMENT.test(l.text));
  if (before) {
    throw new InputError(`${file}: statements before "-- migrate:up" (line ${before.number})`, [
      'dbmate refuses to run a file with SQL outside its blocks; move it below "-- migrate:up".',
    ], { file, line: before.number, column: 1 });
  }
  if (!down) {
    diagnostics.push({
      level: 'warning',
      code: 'dbmate-no-down',
      message: `${file} has no "-- migrate:down" line; dbmate 2 refuses such files. The rest of the file after "-- migrate:up" is taken as the up block`,
      paths: [file],
    });
  }
  const sqlStart = up.start + up.text.length + 1;
  const sqlEnd = down ? down.start : text.length;
  const sql = sqlStart > sqlEnd ? '' : text.slice(sqlStart, sqlEnd);
  const options = directiveOptions(up.text.replace(UP_DIRECTIVE, ''));
  return {
    sql,
    startLine: up.number + 1,
    transaction: options.get('transaction') === 'false' ? 'none' : 'transaction',
    diagnostics,
  };
}

/** `transaction:false foo:bar` → map; malformed pairs are skipped, as dbmate skips them. */
function directiveOptions(rest: string): Map<string, string> {
  const options = new Map<string, string>();
  for (const pair of rest.trim().split(/\s+/)) {
    const parts = pair.split(':');
    if (parts.length === 2) options.set(parts[0] as string, parts[1] as string);
  }
  return options;
}
