/**
 * Every round-trip fixture on Postgres 15: the baseline applies with psql (-1, ON_ERROR_STOP),
 * the rebuilt database equals the replayed one under the model compare and under pg_dump 15
 * (schema and data) and has the same extension members, extension privileges and comments on
 * initdb's objects (which pg_dump does not show), and emitting twice gives the same bytes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { outsidePgDump, pgDump } from '../helpers/oracle.js';
import { havePg15, PG15_BIN } from '../helpers/paths.js';
import { roundTrip, roundTripCases } from './harness.js';

describe.skipIf(!havePg15)('round trip on Postgres 15 under the pg_dump oracle', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await createEngine({ kind: 'embedded', pgBin: PG15_BIN });
  });
  afterAll(async () => {
    await engine?.close();
  });

  it('the oracle notices a schema or data difference', async () => {
    const rt = await roundTrip(engine, 'fk-cycle', { psqlBin: PG15_BIN });
    try {
      const schemaBefore = await pgDump(rt.target, 'schema');
      const dataBefore = await pgDump(rt.target, 'data');
      expect(schemaBefore).toBe(await pgDump(rt.source, 'schema'));
      const client = await rt.target.connect();
      try {
        await client.query(`ALTER TABLE public.badges ALTER COLUMN dept_id SET DEFAULT 1; UPDATE public.employees SET name = 'Ada L.' WHERE id = 10`);
      } finally {
        await client.end();
      }
      expect(await pgDump(rt.target, 'schema')).not.toBe(schemaBefore);
      expect(await pgDump(rt.target, 'data')).not.toBe(dataBefore);
    } finally {
      await rt.source.drop();
      await rt.target.drop();
    }
  });

  for (const name of roundTripCases()) {
    it(name, async () => {
      const rt = await roundTrip(engine, name, { psqlBin: PG15_BIN });
      try {
        expect(rt.differences).toEqual([]);
        expect(await pgDump(rt.target, 'schema')).toBe(await pgDump(rt.source, 'schema'));
        expect(await pgDump(rt.target, 'data')).toBe(await pgDump(rt.source, 'data'));
        expect(await outsidePgDump(rt.target)).toEqual(await outsidePgDump(rt.source));
      } finally {
        await rt.source.drop();
        await rt.target.drop();
      }
    });
  }
});
