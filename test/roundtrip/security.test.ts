/**
 * Privileges, default privileges and policies beyond "the round trip passes" (model.test.ts and
 * oracle.test.ts run every fixture): the guard covers what it used to stop on, a lost column
 * grant is a reported difference, and a policy follows the helper it calls.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { introspect, snapshot } from '../../src/catalog/index.js';
import { emitBaseline } from '../../src/emit/index.js';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { compareCatalogs } from '../../src/verify/index.js';
import { applySqlFiles, fixtureFiles } from '../helpers/apply-sql.js';
import { fixturesRoot, replayCase } from './harness.js';

const header = { pgsquashVersion: '0.0.0-test', postgresMajor: 17, sourceFiles: 1, inputDigest: 'test' };

describe('privileges and policies', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await createEngine({ kind: 'embedded' });
  });
  afterAll(async () => {
    await engine?.close();
  });

  it('models the privileges and default privileges the guard used to stop on', async () => {
    const db = await engine.createDatabase('guard');
    const client = await db.connect();
    try {
      await client.query(`CREATE TABLE old (id int); GRANT SELECT ON old TO pg_monitor;`);
      const before = await snapshot(client);
      await client.query(`
        CREATE TABLE t (a int);
        GRANT SELECT ON t TO pg_read_all_data;
        GRANT UPDATE (a) ON t TO pg_read_all_data;
        GRANT CREATE ON SCHEMA public TO pg_read_all_data;
        ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO pg_read_all_data;`);
      const catalog = await introspect(client, { before });
      const changed = new Set(catalog.changed.map((c) => c.after.id));
      const ids = catalog.objects.filter((o) => (o.kind === 'privileges' || o.kind === 'defaultAcl') && !changed.has(o.id)).map((o) => o.id);
      expect(ids).toEqual([
        'default acl for role postgres on tables',
        'privileges on schema public',
        'privileges on table column public.t.a',
        'privileges on table public.t',
      ]);
      const column = catalog.objects.find((o) => o.id === 'privileges on table column public.t.a');
      // The pre-existing table's ACL is untouched: only what default privileges may add to it changed.
      expect([...changed]).toEqual(['privileges on table public.old']);
      expect(emitBaseline(catalog, header)).not.toContain('public.old');
      // The default privileges set in the same run may (or may not) reach a table the baseline creates.
      expect(catalog.objects.find((o) => o.id === 'privileges on table public.t')?.def).toMatchObject({ creation: ['pg_read_all_data SELECT'] });
      expect(column?.def).toEqual({ target: 'TABLE public.t', column: 'a', acl: [{ grantee: 'pg_read_all_data', privilege: 'UPDATE', grantable: false }], initial: [], creation: [], extension: null });
    } finally {
      await client.end();
      await db.drop();
    }
  });

  it('reports a lost column-level grant, and the baseline carries it', async () => {
    const replayed = await replayCase(engine, 'privileges');
    const grant = 'GRANT SELECT (id) ON TABLE api.accounts TO rt_reader;';
    const baseline = replayed.baseline();
    expect(baseline).toContain(grant);
    const target = await engine.createDatabase('lost');
    const client = await target.connect();
    try {
      await applySqlFiles(client, fixtureFiles(path.join(fixturesRoot, 'privileges', 'prelude')));
      const before = await snapshot(client);
      await client.query(baseline.replace(grant, ''));
      const differences = compareCatalogs(replayed.replayed, await introspect(client, { before, includeData: true }));
      // The column keeps its other grant (REFERENCES to rt_app), so its ACL changed.
      expect(differences.map((d) => `${d.change} ${d.id}: ${d.fields.join()}`)).toEqual(['changed privileges on table column api.accounts.id: acl']);
    } finally {
      await client.end();
      await replayed.db.drop();
      await target.drop();
    }
  });

  it('creates a policy after the helper function it calls, though the helper sorts later', async () => {
    const replayed = await replayCase(engine, 'rls-policies');
    try {
      const sql = replayed.baseline();
      const helper = sql.indexOf('CREATE OR REPLACE FUNCTION zz_auth.is_owner(');
      const policy = sql.indexOf('CREATE POLICY owner_write ON app.documents AS RESTRICTIVE FOR UPDATE TO rt_writer');
      expect(helper).toBeGreaterThan(0);
      expect(policy).toBeGreaterThan(helper);
      // The table's other policies stay grouped with the table.
      expect(sql.indexOf('CREATE POLICY insert_any ON app.documents')).toBeLessThan(helper);
    } finally {
      await replayed.db.drop();
    }
  });
});
