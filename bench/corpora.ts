/**
 * The real corpora that replay on plain Postgres, with the runner settings test/replay/corpora.test.ts
 * gives them: the same options drive `pgsquash baseline` and the psql floor (preludes and the
 * runner's history table run before the floor's clock starts; settings go in PGOPTIONS, as the
 * replay sends them at connection start).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HistoryTableKind } from '../src/replay/index.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const corporaRoot = path.resolve(projectRoot, '..', 'shared', 'corpora');
const prelude = (name: string) => path.join(corporaRoot, '_preludes', name);

export interface CorpusOptions {
  preludes?: string[];
  settings?: Record<string, string>;
  vars?: Record<string, string>;
  historyTable?: HistoryTableKind;
}

export interface Corpus {
  name: string;
  dir: string;
  options: CorpusOptions;
}

export const storageRunnerSettings: Record<string, string> = {
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
};

export const corpora: Corpus[] = [
  { name: 'crates-io', dir: 'crates-io/migrations', options: {} },
  { name: 'langfuse', dir: 'langfuse/migrations', options: {} },
  { name: 'marquez', dir: 'marquez/migrations', options: {} },
  { name: 'harness', dir: 'harness/migrations', options: { historyTable: 'maragudk-migrate' } },
  { name: 'supabase-storage (tenant)', dir: 'supabase-storage/migrations/tenant', options: { settings: storageRunnerSettings } },
  {
    name: 'supabase-storage (multitenant)',
    dir: 'supabase-storage/migrations/multitenant',
    options: { preludes: [prelude('supabase-storage-runner.sql')] },
  },
  {
    name: 'supabase-auth',
    dir: 'supabase-auth/migrations',
    options: {
      preludes: [path.join(projectRoot, 'test', 'fixtures', 'replay', 'preludes', 'supabase-auth-schema.sql')],
      vars: { Namespace: 'auth' },
      settings: { search_path: 'auth' },
      historyTable: 'pop',
    },
  },
];

/** The corpora present on this machine, and a message for each one that is not. */
export function availableCorpora(): { present: Corpus[]; skipped: string[] } {
  if (!existsSync(corporaRoot)) return { present: [], skipped: [`corpora: ${corporaRoot} not found; real-corpus rows skipped`] };
  const present = corpora.filter((c) => existsSync(path.join(corporaRoot, c.dir)));
  const skipped = corpora.filter((c) => !present.includes(c)).map((c) => `${c.name}: ${path.join(corporaRoot, c.dir)} not found; skipped`);
  return { present, skipped };
}
