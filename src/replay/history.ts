/**
 * Bookkeeping tables that migration runners create before the first migration. Some migration
 * sets alter them (harness: `0000_alter_table_migrations.up.sql` adds a primary key to
 * maragudk/migrate's `migrations`; supabase/auth enables RLS on pop's `schema_migrations`), so the
 * replay must create them the way the runner does: in the migration session (so `settings`
 * such as search_path decide the schema, as the runner's connection does) and as `role`.
 * They are created before the "after preludes" point: they belong to the runner, not to the
 * migrations. Rows the runner writes per migration are not replayed (data, not schema).
 * Runners not listed here: create their table in a prelude.
 */
export const historyTableKinds = ['golang-migrate', 'maragudk-migrate', 'pop'] as const;
export type HistoryTableKind = (typeof historyTableKinds)[number];

export const historyTableSql: Record<HistoryTableKind, string> = {
  // github.com/golang-migrate/migrate database/postgres
  'golang-migrate': 'CREATE TABLE IF NOT EXISTS schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL)',
  // github.com/maragudk/migrate: one row holding the current version, '' before the first migration
  'maragudk-migrate':
    "CREATE TABLE IF NOT EXISTS migrations (version text NOT NULL); INSERT INTO migrations SELECT '' WHERE NOT EXISTS (SELECT FROM migrations)",
  // github.com/gobuffalo/pop file migrator (default migration_table_name)
  pop: 'CREATE TABLE IF NOT EXISTS schema_migrations (version varchar(14) NOT NULL); CREATE UNIQUE INDEX IF NOT EXISTS schema_migrations_version_idx ON schema_migrations (version)',
};
