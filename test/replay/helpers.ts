import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Migration, MigrationSet, TransactionMode } from '../../src/discover/types.js';
import { projectRoot } from '../helpers/paths.js';

export const replayFixtures = path.join(projectRoot, 'test', 'fixtures', 'replay');

export interface FileSpec {
  path: string;
  sql: string;
  transaction?: TransactionMode;
  startLine?: number;
}

/**
 * A migration set built by hand. Files live (virtually) under `<cwd>/migrations`, so errors print
 * `migrations/<path>` as a user running pgsquash from the project root would see them.
 */
export function migrationSet(files: FileSpec[], format: MigrationSet['format'] = 'numbered'): MigrationSet {
  const root = path.join(process.cwd(), 'migrations');
  const migrations: Migration[] = files.map((f, k) => ({
    version: String(k + 1).padStart(3, '0'),
    name: path.basename(f.path, '.sql'),
    path: f.path,
    absPath: path.join(root, f.path),
    sql: f.sql,
    startLine: f.startLine ?? 1,
    transaction: f.transaction ?? 'transaction',
    format,
    sha256: createHash('sha256').update(f.sql).digest('hex'),
  }));
  return { root, format, formatReason: 'built by the test', migrations, diagnostics: [], ignored: [] };
}
