/** The value the discover stage hands to every later stage: an ordered list of migrations. */

export const migrationFormats = [
  'numbered',
  'timestamp',
  'golang-migrate',
  'dbmate',
  'flyway',
  'prisma',
  'diesel',
] as const;
export type MigrationFormat = (typeof migrationFormats)[number];

/**
 * How a file is sent to the server, following its framework:
 * - `transaction`: the whole file in one transaction (statements that cannot run in one are run
 *   outside it, see the replay stage);
 * - `none`: statement by statement in autocommit (dbmate `transaction:false`, diesel
 *   `run_in_transaction = false`, `-- postgres-migrations disable-transaction`);
 * - `script`: sent as one script with no transaction around it (Prisma); explicit BEGIN/COMMIT in
 *   the file still work.
 */
export type TransactionMode = 'transaction' | 'none' | 'script';

export interface Migration {
  /** The version as the framework sees it (`001`, `20240101000000`, `1.1`, `R`), as written. */
  version: string;
  /** Human name from the file or folder name (`create_users`). */
  name: string;
  /** Path relative to the migration set's root directory, with `/` separators. */
  path: string;
  /** Absolute path on disk. */
  absPath: string;
  /** The SQL to run: decoded UTF-8, BOM removed, CRLF kept as-is; for dbmate the up section only. */
  sql: string;
  /**
   * 1-based line in the file where `sql` starts (dbmate's up section starts after its marker), so
   * positions in `sql` can be mapped back to the file.
   */
  startLine: number;
  transaction: TransactionMode;
  format: MigrationFormat;
  /** Flyway repeatable (`R__x.sql`): runs after all versioned files. */
  repeatable?: boolean;
  /** SHA-256 (hex) of the file's bytes on disk. */
  sha256: string;
  /**
   * Set when the framework's runner does not run this file's SQL but a no-op instead
   * (supabase-storage `-- postgres-migrations ignore` → `SELECT 1;`); `sql` then holds that no-op
   * and this says why. The file stays in the list because the runner records it as applied.
   */
  replacedByRunner?: string;
  /** The order file's line that placed this migration, when an order file was used. */
  orderFileLine?: number;
}

export type DiagnosticLevel = 'warning' | 'note';
export interface Diagnostic {
  level: DiagnosticLevel;
  /** Stable machine code, e.g. `duplicate-version`, `empty-file`, `ignored-file`. */
  code: string;
  message: string;
  paths: string[];
}

export interface IgnoredFile {
  path: string;
  reason: string;
}

export interface MigrationSet {
  /** Absolute path of the directory the migrations were discovered in. */
  root: string;
  format: MigrationFormat;
  /** How the format was chosen: auto-detected (with the reason) or forced by --format. */
  formatReason: string;
  migrations: Migration[];
  diagnostics: Diagnostic[];
  ignored: IgnoredFile[];
}

export interface DiscoverOptions {
  format?: MigrationFormat;
  /** A file listing one migration path (relative to the directory) per line; pins the order. */
  orderFile?: string;
}
