import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { ReplayFailedError, replay } from '../../src/replay/index.js';
import { PG15_BIN, havePg15 } from '../helpers/paths.js';
import { migrationSet } from './helpers.js';

// The corpora's SOURCE.md replays ran on PostgreSQL 15; the same rules must hold there.
describe.skipIf(!havePg15)(`replay on PostgreSQL 15 (${PG15_BIN})`, () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await createEngine({ kind: 'embedded', pgBin: PG15_BIN });
  });
  afterAll(async () => {
    await engine?.close();
  });

  it('runs non-transactional statements outside the transaction and locates errors', async () => {
    const db = await engine.createDatabase('replay15');
    try {
      const set = migrationSet([
        { path: '001.sql', sql: "create type mood as enum ('sad');\ncreate table t (a int, m mood);\ncreate index concurrently t_a on t (a);" },
        { path: '002.sql', sql: "alter type mood add value 'ok';\ninsert into t values (1, 'ok');", transaction: 'none' },
        { path: '003.sql', sql: "select 'ø🎉', missing from t;" },
      ]);
      const error = await replay(set, db).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ReplayFailedError);
      expect((error as ReplayFailedError).failure).toMatchObject({ line: 1, column: 14, sqlstate: '42703' });
      expect((error as ReplayFailedError).completed.map((f) => [f.path, f.executed])).toEqual([
        ['001.sql', 'autocommit'],
        ['002.sql', 'autocommit'],
      ]);
      expect(engine.major).toBe(15);
    } finally {
      await db.drop();
    }
  });
});
