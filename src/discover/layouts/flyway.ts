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
 * scanned recursively, so sub-folders count. A `B<version>__<desc>.sql` baseline runs first when no
 * versioned file at or below its version is present, as Flyway does on a new database.
 */
export const flyway: Layout = {
  format: 'flyway',
  pattern: 'V<version>__<description>.sql and R__<description>.sql (V1__init.sql, V1.1__add.sql), B<version>__<description>.sql baselines',

  async scan(tree, ctx): Promise<LayoutScan> {
    const result: LayoutScan = { migrations: [], strays: [], ignored: [], diagnostics: [], score: 0, evidence: '' };
    const conf = new Map<string, TreeFile>();
    for (const file of tree.files) if (file.name.endsWith('.sql.conf')) conf.set(file.path.slice(0, -'.conf'.length), file);
    let versioned = 0;
    let repeatable = 0;
    const baselines: { file: TreeFile; version: string; description: string }[] = [];
    /** A migration candidate; `version` is empty for a repeatable one. */
    const candidateOf = async (file: TreeFile, version: string, description: string): Promise<Candidate> => {
      const candidate: Candidate = {
        path: file.path,
        version: version === '' ? 'R' : version.replace(/_/g, '.'),
        name: description,
        sortKey: version === '' ? description.replace(/_/g, ' ') : version,
        versionKey: version === '' ? `R__${description}` : flywayVersionParts(version).join('.'),
      };
      if (version === '') candidate.repeatable = true;
      const sidecar = conf.get(file.path);
      if (sidecar) {
        const mode = await scriptConfig(sidecar.path, ctx.sniffText);
        result.ignored.push({ path: sidecar.path, reason: `Flyway script configuration for ${file.name}` });
        if (mode) candidate.configuredTransaction = { mode, source: sidecar.path };
      }
      return candidate;
    };
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
      } else if (prefix === 'B' && VERSION.test(version)) {
        baselines.push({ file, version, description });
      } else if (prefix === 'R' && version !== '') {
        result.strays.push({ path: file.path, problem: 'a repeatable migration must not have a version (R__<description>.sql)' });
      } else if ((prefix === 'V' || prefix === 'B') && !VERSION.test(version)) {
        result.strays.push({ path: file.path, problem: `"${version}" is not a Flyway version (digits separated by . or _)` });
      } else {
        const isRepeatable = prefix === 'R';
        if (isRepeatable) repeatable++;
        else versioned++;
        result.migrations.push(await candidateOf(file, isRepeatable ? '' : version, description));
      }
    }
    // On a new database Flyway (Teams) runs the latest baseline migration instead of the versions up
    // to it, then the later ones. A baseline is replayed when no versioned file at or below its
    // version is present (the history was squashed into it); beside that history, the history runs.
    const firstVersion = result.migrations.filter((c) => !c.repeatable).map((c) => c.sortKey).sort(compareFlywayVersions)[0];
    const runnable = baselines.filter((b) => firstVersion === undefined || compareFlywayVersions(b.version, firstVersion) < 0);
    const chosen = runnable.sort((a, b) => compareFlywayVersions(a.version, b.version)).at(-1);
    if (chosen) {
      versioned++;
      result.migrations.push(await candidateOf(chosen.file, chosen.version, chosen.description));
    }
    for (const b of baselines) {
      if (b === chosen) continue;
      const replaced = chosen ? `${chosen.file.path}, a later baseline, is replayed` : 'pgsquash replays the versioned migrations';
      result.ignored.push({ path: b.file.path, reason: `Flyway baseline migration (${chosen ? 'a later baseline is replayed' : 'the versioned history is replayed instead'})` });
      result.diagnostics.push({
        level: 'note',
        code: 'flyway-baseline',
        message: `${b.file.path} is a baseline migration: Flyway runs it instead of the versions up to ${b.version} on a new database only; ${replaced}`,
        paths: [b.file.path],
      });
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
