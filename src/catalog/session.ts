import type pg from 'pg';

/**
 * Runs `fn` in one read-only REPEATABLE READ transaction (a consistent view of the catalog) with
 * an empty search_path, so every name Postgres renders comes schema-qualified, and with fixed
 * output settings, so data literals are byte-identical across runs and engines of one major;
 * work_mem is raised so the per-kind sorts of large schemas stay in memory, and JIT is off (as
 * pg_dump sets it): the planner's row estimates for large catalogs pass jit_above_cost, and
 * compiling the expressions then cost more than running them (about 1 s per large query at
 * 10,000 tables).
 */
export async function inCatalogSession<T>(client: pg.Client, fn: () => Promise<T>): Promise<T> {
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    await client.query(`SELECT pg_catalog.set_config('search_path', '', true),
      pg_catalog.set_config('DateStyle', 'ISO, YMD', true), pg_catalog.set_config('IntervalStyle', 'postgres', true),
      pg_catalog.set_config('TimeZone', 'UTC', true), pg_catalog.set_config('extra_float_digits', '1', true),
      pg_catalog.set_config('bytea_output', 'hex', true), pg_catalog.set_config('standard_conforming_strings', 'on', true),
      pg_catalog.set_config('work_mem', '256MB', true), pg_catalog.set_config('jit', 'off', true)`);
    const result = await fn();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

export async function serverVersionNum(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ v: string }>(`SELECT pg_catalog.current_setting('server_version_num') AS v`);
  return Number(rows[0]?.v);
}
