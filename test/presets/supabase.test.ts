import path from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledBinDir } from '../../src/engine/binaries.js';
import { stubbedBinDir } from '../../src/engine/extensions/stubs.js';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { loadPreset } from '../../src/presets/index.js';
import { PG15_BIN, havePg15, projectRoot } from '../helpers/paths.js';
import { applyMigrations, applyPreset } from './apply.js';

const preset = loadPreset('supabase');
const fixtures = path.join(projectRoot, 'test', 'fixtures', 'supabase', 'migrations');

const targets = [
  { label: 'embedded 17 (bundled)', binDir: () => bundledBinDir() as string, available: true },
  { label: `Postgres 15 (${PG15_BIN})`, binDir: () => PG15_BIN, available: havePg15 },
];

for (const target of targets) {
  describe.runIf(target.available)(`supabase preset on ${target.label}${target.available ? '' : ' (skipped: binaries not installed)'}`, () => {
    let engine: Engine;
    let client: pg.Client;

    beforeAll(async () => {
      engine = await createEngine({ kind: 'embedded', pgBin: await stubbedBinDir(target.binDir(), preset.stubExtensions) });
      const db = await engine.createDatabase('supabase');
      client = await db.connect();
      await applyPreset(client, preset);
    });
    afterAll(async () => {
      await client?.end();
      await engine?.close();
    });

    it('provides the platform roles, schemas, auth and storage API', async () => {
      const { rows: roles } = await client.query<{ rolname: string; rolbypassrls: boolean }>(
        `SELECT rolname, rolbypassrls FROM pg_roles WHERE rolname = ANY($1) ORDER BY 1`,
        [['anon', 'authenticated', 'service_role', 'authenticator', 'supabase_admin', 'supabase_auth_admin', 'supabase_storage_admin', 'dashboard_user']],
      );
      expect(roles).toHaveLength(8);
      expect(roles.find((r) => r.rolname === 'service_role')?.rolbypassrls).toBe(true);
      const { rows: schemas } = await client.query<{ nspname: string }>(`SELECT nspname FROM pg_namespace`);
      expect(schemas.map((s) => s.nspname)).toEqual(expect.arrayContaining(['auth', 'storage', 'extensions', 'realtime', 'graphql_public', 'vault']));
      const { rows: fns } = await client.query<{ f: string }>(
        `SELECT p.oid::regprocedure::text AS f FROM pg_proc p WHERE p.pronamespace IN ('auth'::regnamespace, 'storage'::regnamespace)`,
      );
      expect(fns.map((f) => f.f)).toEqual(expect.arrayContaining([
        'auth.uid()', 'auth.role()', 'auth.jwt()', 'auth.email()',
        'storage.foldername(text)', 'storage.filename(text)', 'storage.extension(text)',
      ]));
      // Columns users join against keep the platform's names and types.
      const { rows: cols } = await client.query<{ c: string }>(
        `SELECT attrelid::regclass || ' ' || attname || ' ' || format_type(atttypid, atttypmod) AS c
         FROM pg_attribute WHERE attrelid IN ('auth.users'::regclass, 'storage.objects'::regclass, 'auth.identities'::regclass) AND attnum > 0`,
      );
      expect(cols.map((c) => c.c)).toEqual(expect.arrayContaining([
        'auth.users id uuid', 'auth.users email character varying(255)', 'auth.users raw_user_meta_data jsonb',
        'auth.identities user_id uuid', 'storage.objects bucket_id text', 'storage.objects owner_id text', 'storage.objects name text',
      ]));
      const { rows: exts } = await client.query<{ extname: string; schema: string }>(
        `SELECT extname, extnamespace::regnamespace::text AS schema FROM pg_extension`,
      );
      expect(exts).toEqual(expect.arrayContaining([{ extname: 'uuid-ossp', schema: 'extensions' }, { extname: 'pgcrypto', schema: 'extensions' }]));
      const { rows: pubs } = await client.query(`SELECT 1 FROM pg_publication WHERE pubname = 'supabase_realtime'`);
      expect(pubs).toHaveLength(1);
    });

    it('replays the Supabase-flavoured fixtures and they behave', async () => {
      const files = await applyMigrations(client, fixtures);
      expect(files).toHaveLength(6);
      // The trigger on auth.users creates the profile.
      await client.query(`INSERT INTO auth.users (id, email, raw_user_meta_data) VALUES ('00000000-0000-0000-0000-000000000001', 'a@example.com', '{"username":"ada"}')`);
      const { rows: profiles } = await client.query(`SELECT username FROM public.profiles`);
      expect(profiles).toEqual([{ username: 'ada' }]);
      // The webhook trigger queued a request through the pg_net stub (never sent).
      const { rows: queued } = await client.query<{ url: string }>(`SELECT url FROM net.http_request_queue`);
      expect(queued.map((q) => q.url)).toEqual(['https://example.functions.supabase.co/welcome']);
      // RLS with auth.uid(): authenticated users see only what policies allow.
      await client.query(`BEGIN; SET LOCAL ROLE authenticated; SELECT set_config('request.jwt.claims', '{"sub":"00000000-0000-0000-0000-000000000002"}', true)`);
      const { rowCount } = await client.query(`UPDATE public.profiles SET username = 'mallory'`);
      await client.query('ROLLBACK');
      expect(rowCount).toBe(0);
      const { rows: policies } = await client.query<{ tablename: string; policyname: string }>(
        `SELECT tablename, policyname FROM pg_policies WHERE schemaname = 'storage'`,
      );
      expect(policies).toHaveLength(3);
      const { rows: jobs } = await client.query(`SELECT jobname, schedule FROM cron.job`);
      expect(jobs).toEqual([{ jobname: 'purge-stale-profiles', schedule: '0 3 * * *' }]);
      const { rows: pub } = await client.query(`SELECT tablename FROM pg_publication_tables WHERE pubname = 'supabase_realtime'`);
      expect(pub).toEqual([{ tablename: 'profiles' }]);
    });
  });
}
