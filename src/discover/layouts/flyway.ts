import { InputError } from '../../errors.js';
import { splitLines } from '../sql-text.js';
import type { TreeFile } from '../tree.js';
import type { Diagnostic, TransactionMode } from '../types.js';
import { compareBytes, compareFlywayVersions, compareUtf16, flywayVersionParts } from '../version-order.js';
import { isSqlName, notSql, pinByName } from './common.js';
import type { Body, Candidate, Layout, LayoutScan } from './types.js';

/** Prefix, version up to the *first* `__`, description, `.sql` — Flyway's default naming. */
const FLYWAY_FILE = /^([VRUB])(.*?)__(.*)\.sql$/;
const VERSION = /^\d+(?:[._]\d+)*$/;
/** SQL callbacks (`afterMigrate.sql`, `beforeEachMigrate__x.sql`...) live beside migrations. */
const CALLBACK = /^(?:before|after)[A-Za-z]*(?:__.*)?\.sql$|^createSchema(?:__.*)?\.sql$/;
/** Flyway 9.19+ script configuration written as a comment inside the script. */
const INLINE_TX = /^\s*--\s*flyway:executeInTransaction\s*=\s*(\S+)\s*$/i;
const PLACEHOLDER = /\$\{[^}\n]+\}/;

/**
 * Flyway: `V<version>__<desc>.sql` ordered by version compared numerically part by part, then
 * `R__<desc>.sql` repeatables ordered by description (underscores read as spaces). Locations are
 * scanned recursively, so sub-folders count.
 */
export const flyway: Layout = {
  format: 'flyway',
  pattern: 'V<version>__<description>.sql and R__<description>.sql (V1__init.sql, V1.1__add.sql)',

  async scan(tree, ctx): Promise<LayoutScan> {
    const result: LayoutScan = { migrations: [], strays: [], ignored: [], diagnostics: [], score: 0, evidence: '' };
    const conf = new Map<string, TreeFile>();
    for (const file of tree.files) if (file.name.endsWith('.sql.conf')) conf.set(file.path.slice(0, -'.conf'.length), file);
    let versioned = 0;
    let repeatable = 0;
    for (const file of tree.files) {
      if (file.name.endsWith('.sql.conf')) continue; // read with its script below
      if (!isSqlName(file.name)) {
        result.ignored.push(notSql(file));
        continue;
      }
      const m = FLYWAY_FILE.exec(file.name);
      const prefix = m?.[1];
      const version = m?.[2] ?? '';
      const description = m?.[3] ?? '';
      if (CALLBACK.test(file.name)) {
        result.ignored.push({ path: file.path, reason: 'Flyway callback script (runs around migrations, not replayed)' });
        result.diagnostics.push({
          level: 'warning',
          code: 'flyway-callback',
          message: `${file.path} is a Flyway callback; Flyway runs it around every migrate, pgsquash does not replay it. List it in an --order-file if it changes the schema`,
          paths: [file.path],
        });
      } else if (!m) {
        result.strays.push({ path: file.path, problem: 'not V<version>__<description>.sql or R__<description>.sql' });
      } else if (prefix === 'U') {
        result.ignored.push({ path: file.path, reason: 'Flyway undo migration (never run forward)' });
        result.diagnostics.push({ level: 'note', code: 'flyway-undo', message: `${file.path} is an undo migration; ignored`, paths: [file.path] });
      } else if (prefix === 'B') {
        result.ignored.push({ path: file.path, reason: 'Flyway baseline migration (the versioned history is replayed instead)' });
        result.diagnostics.push({
          level: 'note',
          code: 'flyway-baseline',
          message: `${file.path} is a baseline migration: Flyway runs it instead of the versions up to ${version || '?'} on a new database only; pgsquash replays the versioned migrations`,
          paths: [file.path],
        });
      } else if (prefix === 'R' && version !== '') {
        result.strays.push({ path: file.path, problem: 'a repeatable migration must not have a version (R__<description>.sql)' });
      } else if (prefix === 'V' && !VERSION.test(version)) {
        result.strays.push({ path: file.path, problem: `"${version}" is not a Flyway version (digits separated by . or _)` });
      } else {
        const isRepeatable = prefix === 'R';
        if (isRepeatable) repeatable++;
        else versioned++;
        const spaced = description.replace(/_/g, ' ');
        const candidate: Candidate = {
          path: file.path,
          version: isRepeatable ? 'R' : version.replace(/_/g, '.'),
          name: description,
          sortKey: isRepeatable ? spaced : version,
          versionKey: isRepeatable ? `R__${description}` : flywayVersionParts(version).join('.'),
        };
        if (isRepeatable) candidate.repeatable = true;
        const sidecar = conf.get(file.path);
        if (sidecar) {
          const mode = await scriptConfig(sidecar.path, ctx.sniffText);
          result.ignored.push({ path: sidecar.path, reason: `Flyway script configuration for ${file.name}` });
          if (mode) candidate.configuredTransaction = { mode, source: sidecar.path };
        }
        result.migrations.push(candidate);
      }
    }
    for (const [script, sidecar] of conf) {
      if (!result.migrations.some((c) => c.path === script)) {
        result.ignored.push({ path: sidecar.path, reason: 'Flyway script configuration without a migration beside it' });
      }
    }
    result.score = result.migrations.length;
    result.evidence = `${versioned} versioned (V<version>__<description>.sql) and ${repeatable} repeatable (R__<description>.sql) Flyway files`;
    return result;
  },

  compare(a, b) {
    if (!a.repeatable && !b.repeatable) return compareFlywayVersions(a.sortKey, b.sortKey);
    if (!a.repeatable) return -1;
    if (!b.repeatable) return 1;
    return compareUtf16(a.sortKey, b.sortKey);
  },
  naiveOrder: { label: 'a plain sort by file name', compare: (a, b) => compareBytes(a.path, b.path) },
  pin: pinByName,

  body(candidate, text): Body {
    const diagnostics: Diagnostic[] = [];
    let transaction: TransactionMode = candidate.configuredTransaction?.mode ?? 'transaction';
    for (const line of splitLines(text)) {
      const m = INLINE_TX.exec(line.text);
      if (m) transaction = parseBoolean(m[1] as string, `${candidate.path}:${line.number}`) ? 'transaction' : 'none';
    }
    if (PLACEHOLDER.test(text)) {
      diagnostics.push({
        level: 'note',
        code: 'flyway-placeholder',
        message: `${candidate.path} contains \${...}, which Flyway replaces as a placeholder unless placeholder replacement is off; pgsquash keeps the text as written`,
        paths: [candidate.path],
      });
    }
    return { sql: text, startLine: 1, transaction, diagnostics };
  },
};

/** `executeInTransaction` from a `V1__x.sql.conf` sidecar (Java properties syntax). */
async function scriptConfig(path: string, read: (p: string) => Promise<string | undefined>): Promise<TransactionMode | undefined> {
  const text = await read(path);
  if (text === undefined) return undefined;
  let mode: TransactionMode | undefined;
  for (const line of splitLines(text)) {
    const m = /^\s*executeInTransaction\s*[=:]\s*(\S+)\s*$/.exec(line.text);
    if (m) mode = parseBoolean(m[1] as string, `${path}:${line.number}`) ? 'transaction' : 'none';
  }
  return mode;
}

function parseBoolean(value: string, where: string): boolean {
  const v = value.toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new InputError(`${where}: executeInTransaction must be true or false, not "${value}"`);
}
