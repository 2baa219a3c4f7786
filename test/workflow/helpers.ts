import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { MigrationFormat } from '../../src/discover/types.js';
import { runNode, type CliOptions, type CliResult } from '../cli/run-cli.js';
import { projectRoot } from '../helpers/paths.js';

/** Four small steps with a table, index, function, trigger, default, foreign key, view and a row. */
export const STEPS: { name: string; sql: string }[] = [
  { name: 'users', sql: "CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());\nINSERT INTO users (email) VALUES ('root@example.com');\n" },
  {
    name: 'touch',
    sql: 'CREATE INDEX users_email_idx ON users (email);\nCREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.created_at := now(); RETURN NEW; END $$;\n',
  },
  { name: 'names', sql: "ALTER TABLE users ADD COLUMN name text DEFAULT 'anon';\nCREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch();\n" },
  { name: 'posts', sql: 'CREATE TABLE posts (id bigserial PRIMARY KEY, user_id bigint REFERENCES users (id), body text);\nCREATE VIEW post_counts AS SELECT user_id, count(*) AS n FROM posts GROUP BY user_id;\n' },
];

export const LAYOUTS: MigrationFormat[] = ['numbered', 'timestamp', 'golang-migrate', 'dbmate', 'flyway', 'prisma', 'diesel'];

/** The version each layout gives step i (0-based), as discovery reports it. */
export function versionOf(format: MigrationFormat, i: number): string {
  const n = i + 1;
  switch (format) {
    case 'numbered':
      return String(n).padStart(3, '0');
    case 'golang-migrate':
      return String(n).padStart(6, '0');
    case 'flyway':
      return String(n);
    case 'diesel':
      return `2024010100000${n}`;
    default:
      return `2024010100000${n}`;
  }
}

/** Writes the steps in a layout; returns every file written, relative to `dir`. */
export function writeLayout(dir: string, format: MigrationFormat, steps = STEPS): string[] {
  const files: Record<string, string> = {};
  steps.forEach((step, i) => {
    const v = versionOf(format, i);
    switch (format) {
      case 'numbered':
      case 'timestamp':
        files[`${v}_${step.name}.sql`] = step.sql;
        break;
      case 'golang-migrate':
        files[`${v}_${step.name}.up.sql`] = step.sql;
        files[`${v}_${step.name}.down.sql`] = `-- undo ${step.name}\n`;
        break;
      case 'dbmate':
        files[`${v}_${step.name}.sql`] = `-- migrate:up\n${step.sql}\n-- migrate:down\n-- undo\n`;
        break;
      case 'flyway':
        files[`V${v}__${step.name}.sql`] = step.sql;
        break;
      case 'prisma':
        files[`${v}_${step.name}/migration.sql`] = step.sql;
        break;
      case 'diesel':
        files[`2024-01-01-00000${i + 1}_${step.name}/up.sql`] = step.sql;
        files[`2024-01-01-00000${i + 1}_${step.name}/down.sql`] = `-- undo ${step.name}\n`;
        break;
    }
  });
  if (format === 'prisma') files['migration_lock.toml'] = 'provider = "postgresql"\n';
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return Object.keys(files).sort();
}

export function tempProject(prefix = 'pgsquash-wf-'): { root: string; migrations: string; legacy: string; output: string; cleanup(): void } {
  const root = mkdtempSync(path.join(os.tmpdir(), prefix));
  const migrations = path.join(root, 'migrations');
  mkdirSync(migrations);
  return { root, migrations, legacy: path.join(root, 'legacy'), output: path.join(root, 'output', 'baseline.sql'), cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export function sha(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** rel → sha256 for every file under `dir` (lock files aside). */
export function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name === '.pgsquash.lock') continue;
    const abs = path.join(entry.parentPath, entry.name);
    out[path.relative(dir, abs).split(path.sep).join('/')] = sha(abs);
  }
  return out;
}

/**
 * Runs the CLI from source (tsx), so a test that kills it mid-run does not depend on `dist/`, which
 * other test runs in this shared tree may be rebuilding at that moment.
 */
export function runSourceCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return runNode(['--import', pathToFileURL(path.join(projectRoot, 'node_modules/tsx/dist/loader.mjs')).href, path.join(projectRoot, 'src/cli/main.ts'), ...args], options);
}
