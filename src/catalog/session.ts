import pg from 'pg';

/**
 * Runs `fn` in one read-only REPEATABLE READ transaction (a consistent view of the catalog) with
 * an empty search_path, so every name Postgres renders comes schema-qualified, and with fixed
 * output settings, so data literals are byte-identical across runs and engines of one major;
 * work_mem is raised so the per-kind sorts of large schemas stay in memory, and JIT is off (as
 * pg_dump sets it): the planner's row estimates for large catalogs pass jit_above_cost, and
 * compiling the expressions then cost more than running them (about 1 s per large query at
 * 10,000 tables).
 *
 * `undone` statements run first and are rolled back with the transaction (the transaction is then
 * not read-only, and has no companion).
 *
 * With `companion`, `fn` also gets a second connection (same server and connection settings) whose
 * transaction imports this one's exported snapshot, so it sees exactly the same catalog, for
 * queries to run on two cores. It gets none where the server refuses a connection or connections
 * share one backend (PGlite's do: there the second would wait for this transaction to end).
 */
export async function inCatalogSession<T>(
  client: pg.Client,
  fn: (second?: pg.Client) => Promise<T>,
  options: { companion?: boolean; undone?: string[] } = {},
): Promise<T> {
  // Statements to read the catalog as they leave it (adopted.ts) run in this transaction, which is
  // then rolled back; a second connection could not see them.
  const undone = options.undone ?? [];
  const second = options.companion && undone.length === 0 ? await companionOf(client) : undefined;
  try {
    await client.query(`BEGIN ISOLATION LEVEL REPEATABLE READ${undone.length ? '' : ' READ ONLY'}`);
    try {
      await client.query(SETTINGS);
      for (const statement of undone) await client.query(statement);
      if (second) {
        const { rows } = await client.query<{ s: string }>('SELECT pg_catalog.pg_export_snapshot() AS s');
        await second.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        await second.query(`SET TRANSACTION SNAPSHOT ${second.escapeLiteral(rows[0]!.s)}`);
        await second.query(SETTINGS);
      }
      const result = await fn(second);
      await client.query(undone.length ? 'ROLLBACK' : 'COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  } finally {
    await second?.end().catch(() => undefined);
  }
}

const SETTINGS = `SELECT pg_catalog.set_config('search_path', '', true),
  pg_catalog.set_config('DateStyle', 'ISO, YMD', true), pg_catalog.set_config('IntervalStyle', 'postgres', true),
  pg_catalog.set_config('TimeZone', 'UTC', true), pg_catalog.set_config('extra_float_digits', '1', true),
  pg_catalog.set_config('bytea_output', 'hex', true), pg_catalog.set_config('standard_conforming_strings', 'on', true),
  pg_catalog.set_config('work_mem', '256MB', true), pg_catalog.set_config('jit', 'off', true)`;

/** A second connection made with `client`'s settings, on a backend of its own; checked before any transaction. */
async function companionOf(client: pg.Client): Promise<pg.Client | undefined> {
  // host, port, user, password, database, startup options, ssl: as `client` was made
  const second = new pg.Client((client as unknown as { connectionParameters: pg.ClientConfig }).connectionParameters);
  try {
    await second.connect();
    const pid = `SELECT pg_catalog.pg_backend_pid() AS pid`;
    const a = (await client.query<{ pid: number }>(pid)).rows[0]?.pid;
    const b = (await second.query<{ pid: number }>(pid)).rows[0]?.pid;
    if (a !== undefined && a !== b) return second;
  } catch {
    // no second connection: everything runs on `client`
  }
  await second.end().catch(() => undefined);
  return undefined;
}

export async function serverVersionNum(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ v: string }>(`SELECT pg_catalog.current_setting('server_version_num') AS v`);
  return Number(rows[0]?.v);
}
