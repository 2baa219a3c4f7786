/**
 * compareCatalogs finds what differs object by object (schema and data), and the drift error
 * lists those objects with exit code 1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { introspect, snapshot } from '../../src/catalog/index.js';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { DriftError, ExitCode } from '../../src/errors.js';
import { assertNoDrift, compareCatalogs } from '../../src/verify/index.js';
import { roundTrip } from '../roundtrip/harness.js';

describe('compareCatalogs', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await createEngine({ kind: 'embedded' });
  });
  afterAll(async () => {
    await engine?.close();
  });

  it('reports changed, missing and extra objects and rows, with both DDL texts', async () => {
    const rt = await roundTrip(engine, 'basic');
    try {
      expect(rt.differences).toEqual([]);
      const client = await rt.target.connect();
      try {
        await client.query(`
          ALTER TABLE app.users ALTER COLUMN mood DROP DEFAULT;
          DROP INDEX app.users_lower_idx;
          CREATE INDEX users_name_idx ON app.users (name);
          DELETE FROM app.posts WHERE id = 15;`);
        // The target's before-snapshot is the empty database: fresh databases have no user objects.
        const drifted = await introspect(client, { includeData: true });
        const diffs = compareCatalogs(rt.replayed, drifted);
        const summary = diffs.map((d) => `${d.change} ${d.id}${d.fields.length ? ` [${d.fields.join(',')}]` : ''}`);
        expect(summary).toEqual([
          'missing index app.users_lower_idx',
          'extra index app.users_name_idx',
          'changed table column app.users.mood [default]',
          'changed data table app.posts [rows]',
        ]);
        const column = diffs.find((d) => d.id === 'table column app.users.mood')!;
        expect(column.a).toContain(`mood app.mood DEFAULT 'ok'::app.mood`);
        expect(column.b).not.toContain('DEFAULT');
        const rows = diffs.find((d) => d.id === 'data table app.posts')!;
        expect(rows.a).toContain("('15', '2', 'it''s', NULL)");
        expect(rows.b).not.toContain("('15'");

        let thrown: unknown;
        try {
          assertNoDrift(diffs);
        } catch (e) {
          thrown = e;
        }
        expect(thrown).toBeInstanceOf(DriftError);
        expect((thrown as DriftError).exitCode).toBe(ExitCode.drift);
        expect((thrown as DriftError).details).toContain('  index app.users_lower_idx: missing from the baseline');
        expect((thrown as DriftError).details).toContain('  table column app.users.mood: differs in default');
      } finally {
        await client.end();
      }
    } finally {
      await rt.source.drop();
      await rt.target.drop();
    }
  });

  it('sees objects dropped from a pre-existing database', async () => {
    const db = await engine.createDatabase('verify');
    const client = await db.connect();
    try {
      await client.query(`CREATE TABLE keep (id int); CREATE TABLE gone (id int);`);
      const before = await snapshot(client);
      await client.query(`DROP TABLE gone;`);
      const after = await introspect(client, { before });
      expect(after.removed.map((o) => o.id)).toEqual(['table column public.gone.id', 'table public.gone']);
      const untouched = { ...after, removed: [] };
      expect(compareCatalogs(after, untouched).map((d) => `${d.change} ${d.id}`)).toEqual([
        'missing table column public.gone.id',
        'missing table public.gone',
      ]);
    } finally {
      await client.end();
      await db.drop();
    }
  });
});
