/**
 * Every round-trip fixture on the default engine (Postgres 17): the baseline rebuilds a database
 * equal to the replayed one under the model compare; emitting is deterministic (same bytes from
 * two introspections, and the same schema from two independent replays); schemaOnly leaves data out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { replayCase, roundTrip, roundTripCases } from './harness.js';

describe('round trip on the default engine', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await createEngine({ kind: 'embedded' });
  });
  afterAll(async () => {
    await engine?.close();
  });

  for (const name of roundTripCases()) {
    it(`${name} rebuilds the same catalog and data`, async () => {
      const rt = await roundTrip(engine, name);
      try {
        expect(rt.differences).toEqual([]);
      } finally {
        await rt.source.drop();
        await rt.target.drop();
      }
    });
  }

  it('emits byte-identical baselines across runs', async () => {
    for (const name of roundTripCases()) {
      const first = await replayCase(engine, name);
      const second = await replayCase(engine, name);
      try {
        // Same database introspected again: everything, data included, is identical.
        expect(await first.emitAgain()).toBe(first.baseline());
        // Independent replays differ only in values like now(); the schema is identical.
        expect(second.baseline({ schemaOnly: true })).toBe(first.baseline({ schemaOnly: true }));
      } finally {
        await first.db.drop();
        await second.db.drop();
      }
    }
  });

  it('schemaOnly omits the data section', async () => {
    const { db, baseline } = await replayCase(engine, 'fk-cycle');
    try {
      expect(baseline()).toContain('INSERT INTO public.employees');
      expect(baseline()).toContain('SET session_replication_role = replica;');
      const schema = baseline({ schemaOnly: true });
      expect(schema).not.toContain('INSERT INTO');
      expect(schema).not.toContain('session_replication_role');
      expect(schema).not.toContain('setval');
    } finally {
      await db.drop();
    }
  });
});
