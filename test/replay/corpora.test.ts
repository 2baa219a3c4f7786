/**
 * Integration tier: every real-world corpus in ../shared/corpora (except migra-fixtures, which is
 * pairs of schemas, not a migration set: test/roundtrip/migra-fixtures.test.ts baselines them), discovered by pgsquash itself and replayed with what
 * each corpus's SOURCE.md says its runner provides. Prints files / outcome / time per corpus.
 */
import path from 'node:path';
import { loadModule, parseSync } from 'libpg-query';
import { afterAll, describe, expect, it } from 'vitest';
import { discover } from '../../src/discover/index.js';
import { createEngine, type EngineOptions } from '../../src/engine/index.js';
import { startPglite } from '../../src/engine/pglite.js';
import { ReplayFailedError, replay, splitSql, type ReplayOptions } from '../../src/replay/index.js';
import { renderTemplates } from '../../src/replay/templates.js';
import { corporaRoot, haveCorpora } from '../helpers/paths.js';
import { replayFixtures } from './helpers.js';
import { storageRunnerSettings } from '../../bench/corpora.js';

const corpus = (...parts: string[]) => path.join(corporaRoot, ...parts);
const prelude = (name: string) => corpus('_preludes', name);


/**
 * supabase/auth (GoTrue, gobuffalo/pop): templates rendered with DB_NAMESPACE's default `auth`;
 * the schema exists beforehand; pop creates its `schema_migrations` tracker first, in the schema
 * the migration role's search_path names (supabase_auth_admin: `auth`).
 */
const supabaseAuth = (extraPreludes: string[] = []): Step => ({
  dir: 'supabase-auth/migrations',
  options: {
    preludes: [...extraPreludes, path.join(replayFixtures, 'preludes', 'supabase-auth-schema.sql')],
    vars: { Namespace: 'auth' },
    settings: { search_path: 'auth' },
    historyTable: 'pop',
  },
});

interface Step {
  dir: string;
  options?: ReplayOptions;
}
interface CorpusCase {
  name: string;
  /** Replayed in order into one database (platform first, then the corpus). */
  steps: Step[];
  /** Expected failure; none means the replay must succeed. */
  fails?: { file: string; sqlstate: string; message: string };
  /** Engine options beyond the default embedded engine. */
  engine?: Omit<EngineOptions, 'kind'>;
  /** A query over the replayed database and the row it must return. */
  check?: string;
  expect?: Record<string, unknown>;
}

const cases: CorpusCase[] = [
  // diesel: metadata.toml run_in_transaction = false on the 7 CONCURRENTLY migrations; no prelude
  { name: 'crates-io', steps: [{ dir: 'crates-io/migrations' }] },
  // Prisma: each file as one script; no prelude
  { name: 'langfuse', steps: [{ dir: 'langfuse/migrations' }] },
  // Flyway: V47 CONCURRENTLY outside a transaction; no prelude
  { name: 'marquez', steps: [{ dir: 'marquez/migrations' }] },
  // maragudk/migrate creates `migrations (version text not null)` before 0000_alter_table_migrations alters it
  { name: 'harness', steps: [{ dir: 'harness/migrations', options: { historyTable: 'maragudk-migrate' } }] },
  { name: 'supabase-storage (tenant, runner settings)', steps: [{ dir: 'supabase-storage/migrations/tenant', options: { settings: storageRunnerSettings } }] },
  {
    name: 'supabase-storage (multitenant, runner prelude)',
    steps: [{ dir: 'supabase-storage/migrations/multitenant', options: { preludes: [prelude('supabase-storage-runner.sql')] } }],
  },
  { name: 'supabase-auth', steps: [supabaseAuth()] },
  {
    // init-scripts run as postgres, migrations as supabase_admin (migrate.sh); needs stub extensions
    // pgjwt and pg_graphql that the embedded engine does not ship.
    name: 'supabase-postgres',
    steps: [
      { dir: 'supabase-postgres/migrations/init-scripts', options: { preludes: [prelude('supabase-postgres-admin.sql')] } },
      { dir: 'supabase-postgres/migrations/migrations', options: { role: 'supabase_admin' } },
    ],
    fails: { file: 'init-scripts/00000000000000-initial-schema.sql', sqlstate: '0A000', message: 'extension "pgjwt" is not available' },
  },
  {
    // As the image runs it: supabase_admin is the bootstrap superuser (10000000000000_demote-postgres
    // demotes postgres), postgres a superuser beside it until then; stand-ins for pgjwt and
    // pg_graphql; pgsodium and supabase_vault are created only where available, so they are skipped.
    name: 'supabase-postgres (supabase_admin engine, stand-ins)',
    engine: { superuser: 'supabase_admin', stubExtensions: ['pg_graphql', 'pgjwt'] },
    steps: [
      { dir: 'supabase-postgres/migrations/init-scripts', options: { preludes: [path.join(replayFixtures, 'preludes', 'supabase-postgres-image.sql')] } },
      { dir: 'supabase-postgres/migrations/migrations' },
    ],
    // SOURCE.md: 6 event triggers; postgres demoted
    check: `SELECT (SELECT count(*)::int FROM pg_event_trigger) AS event_triggers,
      (SELECT rolsuper FROM pg_roles WHERE rolname = 'postgres') AS postgres_super, current_user AS login`,
    expect: { event_triggers: 6, postgres_super: false, login: 'supabase_admin' },
  },
  {
    // the Supabase platform first (roles prelude, auth, storage), then the app; needs pgvector and
    // an `http` stub that the embedded engine does not ship.
    name: 'chatbot-ui',
    steps: [
      supabaseAuth([prelude('supabase-roles.sql')]),
      { dir: 'supabase-storage/migrations/tenant', options: { settings: storageRunnerSettings } },
      { dir: 'chatbot-ui/migrations' },
    ],
    fails: { file: '20240108234540_setup.sql', sqlstate: '0A000', message: 'extension "http" is not available' },
  },
];

const figures: string[] = [];
afterAll(() => {
  if (figures.length) console.log(['corpus | files | outcome | replay s', ...figures].join('\n'));
});

describe.skipIf(!haveCorpora)(`replay corpora in ${corporaRoot}`, () => {
  for (const c of cases) {
    it(`${c.name}: ${c.fails ? `fails exactly at ${c.fails.file}` : 'replays cleanly'}`, async () => {
      const engine = await createEngine({ kind: 'embedded', ...c.engine });
      try {
        const db = await engine.createDatabase('corpus');
        let files = 0;
        let seconds = 0;
        let failure: ReplayFailedError | undefined;
        for (const step of c.steps) {
          const set = await discover(corpus(step.dir));
          try {
            const result = await replay(set, db, step.options);
            files += result.files.length;
            seconds += result.durationMs / 1000;
            expect(result.files).toHaveLength(set.migrations.length);
          } catch (error) {
            if (!(error instanceof ReplayFailedError)) throw error;
            failure = error;
            files += error.completed.filter((f) => f.phase === 'migration').length;
            break;
          }
        }
        const outcome = failure ? `fails: ${failure.message}` : 'ok';
        figures.push(`${c.name} | ${files} | ${outcome} | ${seconds.toFixed(2)}`);
        if (c.fails) {
          expect(failure?.failure).toMatchObject({ sqlstate: c.fails.sqlstate, message: c.fails.message });
          expect(failure?.failure.absPath.endsWith(c.fails.file)).toBe(true);
        } else {
          expect(failure?.format()).toBeUndefined();
        }
        if (c.check) {
          const client = await db.connect();
          try {
            expect((await client.query(c.check)).rows[0]).toEqual(c.expect);
          } finally {
            await client.end();
          }
        }
      } finally {
        await engine.close();
      }
    });
  }
});

describe.skipIf(!haveCorpora)('chatbot-ui on PGlite (pgvector built in, empty http stub)', () => {
  it('replays the Supabase platform and all 25 files; counts match SOURCE.md', async () => {
    const engine = await startPglite({ stubExtensions: ['http'] });
    try {
      const db = await engine.createDatabase();
      const platform = cases.find((c) => c.name === 'chatbot-ui')?.steps.slice(0, 2) ?? [];
      for (const step of platform) await replay(await discover(corpus(step.dir)), db, step.options);
      // PGlite serves every connection from one backend, so the storage runner's search_path would
      // carry over; give the app the search_path its role has on Supabase (supabase-roles.sql).
      const app = await replay(await discover(corpus('chatbot-ui/migrations')), db, { settings: { search_path: '"$user", public, extensions' } });
      figures.push(`chatbot-ui (PGlite) | ${app.files.length} | ok | ${(app.durationMs / 1000).toFixed(2)}`);
      const client = await db.connect();
      try {
        const { rows } = await client.query(
          `SELECT (SELECT count(*)::int FROM pg_tables WHERE schemaname = 'public') AS tables,
                  (SELECT count(*)::int FROM pg_tables WHERE schemaname = 'public' AND rowsecurity) AS rls_tables,
                  (SELECT count(*)::int FROM pg_policies) AS policies`,
        );
        // SOURCE.md, created by this corpus: tables 26, RLS tables 26, policies 60 (the platform has none)
        expect(rows).toEqual([{ tables: 26, rls_tables: 26, policies: 60 }]);
      } finally {
        await client.end();
      }
    } finally {
      await engine.close();
    }
  });
});

describe.skipIf(!haveCorpora)('splitSql agrees with the PostgreSQL parser (libpg-query) on every corpus file', () => {
  const dirs = [...new Set(cases.flatMap((c) => c.steps.map((s) => s.dir)))];
  for (const dir of dirs) {
    it(dir, async () => {
      await loadModule();
      const set = await discover(corpus(dir));
      let statements = 0;
      for (const m of set.migrations) {
        const text = renderTemplates(m.sql, { Namespace: 'auth' }).text;
        const ours = splitSql(text).statements;
        const bytes = Buffer.from(text, 'utf8');
        const theirs = (parseSync(text).stmts as Array<{ stmt_location?: number; stmt_len?: number }>).map((s) => {
          const end = (s.stmt_location ?? 0) + (s.stmt_len ?? bytes.length - (s.stmt_location ?? 0));
          return bytes.subarray(0, end).toString('utf8').length;
        });
        // the parser's statement ends (before the `;`) are ours, one for one
        expect({ file: m.path, ends: ours.map((s) => (s.terminated ? s.end - 1 : s.end)) }).toEqual({ file: m.path, ends: theirs });
        statements += ours.length;
      }
      expect(statements).toBeGreaterThan(set.migrations.length);
    });
  }
});
