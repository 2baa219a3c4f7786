import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { replay, ReplayFailedError, type ReplayOptions } from '../../src/replay/index.js';
import { migrationSet, type FileSpec } from './helpers.js';

let engine: Engine;
beforeAll(async () => {
  engine = await createEngine({ kind: 'embedded' });
});
afterAll(async () => {
  await engine?.close();
});

/** Replays `files` with an epilogue per file; returns what each file's epilogue produced, in order. */
async function withEpilogue(files: FileSpec[], epilogue: (index: number) => string | undefined) {
  const db = await engine.createDatabase('epilogue');
  const seen: unknown[] = [];
  const options: ReplayOptions = {
    fileEpilogue: epilogue,
    onFileDone: async (info) => {
      const e = info.epilogue;
      seen.push(e === undefined ? 'none' : 'rows' in e ? e.rows : `error ${(e.error as { code?: string }).code}`);
    },
  };
  try {
    const result = await replay(migrationSet(files), db, options);
    const client = await db.connect();
    const tables = (await client.query<{ n: string }>(`SELECT string_agg(relname, ',' ORDER BY relname) AS n FROM pg_class WHERE relname LIKE 't_'`)).rows[0]?.n;
    await client.end();
    return { seen, result, tables };
  } finally {
    await db.drop();
  }
}

describe('file epilogue', () => {
  it('returns the rows of SQL run after each file, in the file message or on its own, and sees what the file committed', async () => {
    const { seen, result } = await withEpilogue(
      [
        { path: '01_a.sql', sql: 'create table t1 (a int);\ninsert into t1 values (1), (2);\nselect 42 as ignored;' },
        // CONCURRENTLY runs in autocommit, statement by statement: the epilogue goes on its own.
        { path: '02_b.sql', sql: 'create index concurrently t1_a on t1 (a);' },
        { path: '03_c.sql', sql: 'create table t2 (b int);' },
      ],
      (k) => (k === 2 ? undefined : `SELECT ${k} AS k, (SELECT count(*) FROM pg_class WHERE relname IN ('t1', 't1_a', 't2'))::text AS n, pg_catalog.current_setting('transaction_isolation') AS iso`),
    );
    expect(seen).toEqual([[['0', '1', 'read committed']], [['1', '2', 'read committed']], 'none']);
    // the epilogue rode in the first file's message: one round trip
    expect(result.files[0]?.roundTrips).toBe(1);
  });

  it('reports an epilogue error to the hook, not as the file failing, and the file stays committed', async () => {
    const { seen, tables } = await withEpilogue(
      [
        { path: '01_a.sql', sql: 'create table t1 (a int);' },
        { path: '02_b.sql', sql: 'create table t2 (a int);' },
      ],
      (k) => (k === 0 ? 'SELECT * FROM no_such_schema.f()' : 'SELECT 1/0'),
    );
    expect(seen).toEqual(['error 3F000', 'error 22012']);
    expect(tables).toBe('t1,t2');
  });

  it("still blames the file's own statement when the file fails, with the epilogue after it", async () => {
    const failed = await withEpilogue(
      [
        { path: '01_a.sql', sql: 'create table t1 (a int);' },
        { path: '02_b.sql', sql: 'create table t2 (a int);\nselect * from missing_table;' },
      ],
      () => 'SELECT 1',
    ).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(ReplayFailedError);
    expect((failed as ReplayFailedError).message).toMatch(/02_b\.sql:2:15/);
  });
});
