/**
 * Integration tier: Supabase's own init scripts and migrations (../shared/corpora/supabase-postgres)
 * squashed end to end as the image runs them (supabase_admin the bootstrap superuser, the image's
 * prelude, stand-ins for pgjwt and pg_graphql, the database named postgres). Its event trigger
 * `issue_pg_graphql_access` creates `graphql_public.graphql` while pg_graphql's script runs, which
 * makes the function a member of pg_graphql that the extension's script does not make: the
 * baseline must make it and put it back into the extension (catalog/adopted.ts).
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildBaseline } from '../../src/workflow/baseline.js';
import { corporaRoot, haveCorpora, projectRoot } from '../helpers/paths.js';

const root = path.join(corporaRoot, 'supabase-postgres', 'migrations');

describe.skipIf(!haveCorpora)(`supabase-postgres (${root})`, () => {
  it('squashes and verifies, with the function its event trigger added to pg_graphql', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pgsquash-supabase-postgres-'));
    try {
      // init-scripts first, then migrations, each in name order (migrate.sh)
      const order = ['init-scripts', 'migrations'].flatMap((sub) => readdirSync(path.join(root, sub)).filter((f) => f.endsWith('.sql')).sort().map((f) => `${sub}/${f}`));
      const orderFile = path.join(dir, 'order.txt');
      writeFileSync(orderFile, `${order.join('\n')}\n`);
      const result = await buildBaseline(root, {
        format: 'dbmate',
        orderFile,
        superuser: 'supabase_admin',
        scratchName: 'postgres',
        preludes: [path.join(projectRoot, 'test', 'fixtures', 'replay', 'preludes', 'supabase-postgres-image.sql')],
        stubExtensions: ['pgjwt', 'pg_graphql'],
      });
      expect(result.replay.files).toHaveLength(34);
      expect(result.differences).toEqual([]);
      expect(result.sql).toContain('ALTER EXTENSION pg_graphql ADD FUNCTION graphql_public.graphql(text,text,jsonb,jsonb);');
      // made before it is put back, granted after
      const made = result.sql.indexOf('CREATE OR REPLACE FUNCTION graphql_public.graphql(');
      const added = result.sql.indexOf('ALTER EXTENSION pg_graphql ADD FUNCTION graphql_public.graphql');
      const granted = result.sql.indexOf('GRANT EXECUTE ON FUNCTION graphql_public.graphql(text,text,jsonb,jsonb) TO anon;');
      expect(made).toBeGreaterThan(0);
      expect(added).toBeGreaterThan(made);
      expect(granted).toBeGreaterThan(added);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
