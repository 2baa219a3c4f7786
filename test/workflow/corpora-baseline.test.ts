import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildBaseline } from '../../src/workflow/baseline.js';
import type { PipelineOptions } from '../../src/workflow/options.js';
import { corporaRoot, haveCorpora, projectRoot } from '../helpers/paths.js';

if (!haveCorpora) console.warn(`corpus tier skipped: ${corporaRoot} not found (the shared corpora live beside the project)`);

const corpus = (...parts: string[]) => path.join(corporaRoot, ...parts);

/** What each corpus's SOURCE.md says its runner provides, as pgsquash options. */
/**
 * `volatileRows`: seed rows hold values the replay produced from now() (kept as produced, so they
 * differ run to run); for those, the schema part must still be byte-identical.
 */
const cases: { name: string; dir: string; options: PipelineOptions; volatileRows?: boolean }[] = [
  { name: 'crates-io (diesel)', dir: 'crates-io/migrations', options: {} },
  { name: 'langfuse (Prisma)', dir: 'langfuse/migrations', options: {}, volatileRows: true },
  { name: 'marquez (Flyway)', dir: 'marquez/migrations', options: {} },
  { name: 'harness (maragudk/migrate)', dir: 'harness/migrations', options: { historyTable: 'maragudk-migrate' }, volatileRows: true },
  {
    name: 'supabase-auth (pop, Go templates)',
    dir: 'supabase-auth/migrations',
    options: {
      preludes: [path.join(projectRoot, 'test/fixtures/replay/preludes/supabase-auth-schema.sql')],
      vars: { Namespace: 'auth' },
      settings: { search_path: 'auth' },
      historyTable: 'pop',
    },
  },
  {
    name: 'supabase-storage tenant (postgres-migrations, runner settings)',
    dir: 'supabase-storage/migrations/tenant',
    options: {
      settings: {
        search_path: 'storage, public, extensions',
        'storage.install_roles': 'true',
        'storage.multitenant': 'false',
        'storage.anon_role': 'anon',
        'storage.authenticated_role': 'authenticated',
        'storage.service_role': 'service_role',
        'storage.super_user': 'postgres',
        'storage.iceberg_default_shard': '',
        'storage.iceberg_shards': '{}',
        'storage.vector_bucket_provider': '',
      },
    },
  },
  { name: 'chatbot-ui (Supabase preset, pgvector on PGlite, http stub)', dir: 'chatbot-ui/migrations', options: { preset: 'supabase' }, volatileRows: true },
];

const DATA_HEADING = '\n-- Reference data';
const schemaPart = (sql: string) => sql.slice(0, sql.indexOf(DATA_HEADING) === -1 ? undefined : sql.indexOf(DATA_HEADING));

describe.skipIf(!haveCorpora)('baseline on every real corpus: verified, and the same bytes twice', () => {
  it.each(cases)('$name', async ({ dir, options, volatileRows }) => {
    const first = await buildBaseline(corpus(dir), { ...options, preset: options.preset ?? 'none' });
    expect(first.differences).toEqual([]);
    expect(first.stats.objects).toBeGreaterThan(50);
    console.log(
      `${dir}: ${first.set.migrations.length} files, ${first.stats.objects} objects, ${first.stats.lines} lines, ` +
        `${first.stats.dataRows} rows, ${(first.timings.totalMs / 1000).toFixed(2)} s on ${first.engine}`,
    );
    const second = await buildBaseline(corpus(dir), { ...options, preset: options.preset ?? 'none', verify: false });
    if (volatileRows) {
      expect(first.sql).toContain(DATA_HEADING);
      expect(schemaPart(second.sql)).toBe(schemaPart(first.sql));
      expect(second.sql.split('\n')).toHaveLength(first.sql.split('\n').length);
    } else {
      expect(second.sql).toBe(first.sql);
    }
  });
});
