import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Migration } from '../discover/types.js';
import { canonicalInteger } from '../discover/version-order.js';
import type { InPlacePlan } from './in-place.js';

/**
 * What marks an in-place baseline as applied on databases that already ran the squashed files,
 * for each framework: its own command where it has one, else the history-table SQL. Every
 * framework here records versions, so the baseline reuses the last squashed version where the
 * framework allows it and such databases usually need nothing but a cleanup of stale rows.
 */
export interface MarkApplied {
  framework: string;
  /** Markdown for output/MARK-APPLIED.md; its first lines are fit for a terminal too. */
  text: string;
}

const sqlList = (values: string[]) => values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ');

export function markApplied(plan: InPlacePlan, squashed: Migration[], legacyDir: string, dir: string): MarkApplied {
  const older = squashed.slice(0, -1).map((m) => m.version);
  const v = plan.version;
  const lines: string[] = [];
  let framework: string;
  switch (plan.format) {
    case 'timestamp': {
      framework = 'Supabase CLI (supabase_migrations.schema_migrations)';
      lines.push(
        `The baseline ${plan.runs} reuses version ${v}, which every database that ran the squashed files has recorded, so \`supabase db push\` skips it there.`,
        '',
        'On each such database (linked project, or add `--db-url <url>`), forget the other squashed versions so `supabase migration list` matches the folder:',
        '',
        '```sh',
        older.length ? `supabase migration repair --status reverted ${older.join(' ')}` : '# nothing to revert: only one file was squashed',
        '```',
        '',
        `A database that has the schema but no history row for ${v} (restored from a dump): \`supabase migration repair --status applied ${v}\`.`,
      );
      break;
    }
    case 'numbered': {
      framework = 'postgres-migrations (table migrations)';
      const hash = createHash('sha1').update(path.basename(plan.runs) + plan.files[0]!.content, 'utf8').digest('hex');
      const ids = squashed.map((m) => Number(canonicalInteger(m.version)));
      lines.push(
        `postgres-migrations checks the SHA-1 of each applied file's name and content, so on each database that ran the squashed files replace their rows with one for ${plan.runs}, in one transaction:`,
        '',
        '```sql',
        'BEGIN;',
        `DELETE FROM migrations WHERE id IN (${ids.join(', ')});`,
        `INSERT INTO migrations (id, name, hash) VALUES (${Number(canonicalInteger(v))}, '${plan.runs.replace(/^\d+[-_]?/, '').replace(/\.sql$/i, '')}', '${hash}');`,
        'COMMIT;',
        '```',
        '',
        'The hash is sha1(file name + file content); editing the baseline changes it.',
        ...plan.notes.map((n) => `Note: ${n}.`),
      );
      break;
    }
    case 'golang-migrate': {
      framework = 'golang-migrate (schema_migrations: version, dirty)';
      const n = canonicalInteger(v);
      lines.push(
        `golang-migrate keeps one row: the current version. A database at version ${n} or later already counts the baseline ${plan.runs} as applied; nothing to do there (check with \`migrate -path ${dir} -database "$DATABASE_URL" version\`).`,
        '',
        `A database at an older version first runs the rest of the squashed files from ${legacyDir}:`,
        '',
        '```sh',
        `migrate -path ${legacyDir} -database "$DATABASE_URL" up`,
        '```',
        '',
        `A database that has the schema but no history (restored from a dump): \`migrate -path ${dir} -database "$DATABASE_URL" force ${n}\`.`,
      );
      break;
    }
    case 'dbmate': {
      framework = 'dbmate (schema_migrations: version)';
      lines.push(
        `dbmate runs every file whose version is not in schema_migrations. The baseline ${plan.runs} reuses version ${v}, already recorded on databases that ran the squashed files; this is idempotent and marks it on any database:`,
        '',
        '```sql',
        `INSERT INTO schema_migrations (version) VALUES ('${v}') ON CONFLICT (version) DO NOTHING;`,
        '```',
        '',
        ...(older.length ? ['Optional cleanup (dbmate ignores rows without a file):', '', '```sql', `DELETE FROM schema_migrations WHERE version IN (${sqlList(older)});`, '```'] : []),
      );
      break;
    }
    case 'diesel': {
      framework = 'diesel (__diesel_schema_migrations: version, run_on)';
      lines.push(
        `diesel runs every folder whose version is not in __diesel_schema_migrations. The baseline ${plan.name}/ has version ${v}, already recorded on databases that ran the squashed folders; this is idempotent and marks it on any database:`,
        '',
        '```sql',
        `INSERT INTO __diesel_schema_migrations (version) VALUES ('${v}') ON CONFLICT (version) DO NOTHING;`,
        '```',
        '',
        ...(older.length ? ['Optional cleanup (diesel ignores rows without a folder):', '', '```sql', `DELETE FROM __diesel_schema_migrations WHERE version IN (${sqlList(older)});`, '```'] : []),
      );
      break;
    }
    case 'flyway': {
      framework = 'Flyway (flyway_schema_history)';
      lines.push(
        `Flyway runs ${plan.runs} only on an empty database; databases with history ignore it. They still list the squashed versions as applied, and validation fails on applied migrations missing locally, so set:`,
        '',
        '```toml',
        '[flyway]',
        'ignoreMigrationPatterns = ["*:missing"]',
        '```',
        '',
        `(or \`-ignoreMigrationPatterns="*:missing"\` on the command line). A database that has the schema but no flyway_schema_history (restored from a dump): \`flyway -baselineVersion=${v} baseline\`.`,
        ...plan.notes.map((n) => `Note: ${n}.`),
      );
      break;
    }
    case 'prisma': {
      framework = 'Prisma Migrate (_prisma_migrations)';
      lines.push(
        `Prisma runs ${plan.runs} on new databases. On each database that ran the squashed migrations, record it as applied without running it:`,
        '',
        '```sh',
        `npx prisma migrate resolve --applied ${plan.name}`,
        '```',
        '',
        'The squashed migrations stay in _prisma_migrations; `prisma migrate status` reports them as applied but missing locally, which `migrate deploy` accepts.',
      );
      break;
    }
  }
  const header = [`# Marking the pgsquash baseline as applied (${framework})`, '', `Squashed ${squashed.length} file(s), ${squashed[0]!.path} to ${squashed[squashed.length - 1]!.path}; originals in ${legacyDir}.`, ''];
  return { framework, text: `${[...header, ...lines].join('\n').trimEnd()}\n` };
}
