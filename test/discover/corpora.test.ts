import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { discover, type MigrationSet } from '../../src/discover/index.js';
import { InputError } from '../../src/errors.js';
import { corporaRoot, haveCorpora } from '../helpers/paths.js';
import { fullText, thrown } from './helpers.js';

/**
 * Integration tier: every real migration set under ../shared/corpora, checked against the facts
 * its SOURCE.md states. The expected orders are computed here from the files themselves with the
 * framework's own rule (not with the code under test), so a regression in discover shows up.
 */
if (!haveCorpora) console.warn(`[discover] corpora not found at ${corporaRoot}; skipping the corpus integration tests`);

const corpus = (...p: string[]) => path.join(corporaRoot, ...p);
const bytewise = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
const paths = (set: MigrationSet) => set.migrations.map((m) => m.path);
const indexOf = (set: MigrationSet, prefix: string) => set.migrations.findIndex((m) => m.path.startsWith(prefix));

describe.skipIf(!haveCorpora)('corpora (../shared/corpora)', () => {
  it('crates-io: diesel, 285 migrations in dash-stripped version order, 7 outside a transaction', async () => {
    const dir = corpus('crates-io', 'migrations');
    const set = await discover(dir, {});
    expect(set.format).toBe('diesel');
    expect(set.migrations).toHaveLength(285);
    expect(set.migrations.every((m) => m.path.endsWith('/up.sql'))).toBe(true);
    expect(set.migrations[0]?.path).toBe('00000000000000_diesel_initial_setup/up.sql');

    // diesel's rule, applied independently: version = name up to the first "_" without "-".
    const folders = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    const version = (f: string) => (f.split('_')[0] as string).replace(/-/g, '');
    const dieselOrder = [...folders].sort((a, b) => bytewise(version(a), version(b)) || bytewise(a, b));
    expect(paths(set)).toEqual(dieselOrder.map((f) => `${f}/up.sql`));

    // SOURCE.md: a plain name sort runs move_tokens_to_emails_table at #122, before emails exists.
    const naive = [...folders].sort(bytewise);
    expect(naive[121]).toBe('2017-09-23-182408_move_tokens_to_emails_table');
    expect(indexOf(set, '20170804200817_add_email_table/')).toBeLessThan(indexOf(set, '2017-09-23-182408_move_tokens_to_emails_table/'));
    expect(set.diagnostics.find((d) => d.code === 'order-differs')).toBeDefined();

    const withMetadata = folders.filter((f) => existsSync(path.join(dir, f, 'metadata.toml'))).map((f) => `${f}/up.sql`);
    expect(withMetadata).toHaveLength(7);
    expect(set.migrations.filter((m) => m.transaction === 'none').map((m) => m.path).sort()).toEqual(withMetadata.sort());

    expect(set.ignored.find((i) => i.path === 'data_oauth_github.sql')?.reason).toContain('loose .sql file');
    expect(set.diagnostics.find((d) => d.code === 'loose-file')?.paths).toEqual(['data_oauth_github.sql']);
    expect(set.ignored.filter((i) => i.path.endsWith('/down.sql'))).toHaveLength(285);
    expect(paths(set)).toContain('2019-11-15-182353_Add email notifications to crate owners/up.sql');
  });

  it('langfuse: Prisma, 434 folders in plain string order (spaces, 8-digit timestamp), sent as scripts', async () => {
    const dir = corpus('langfuse', 'migrations');
    const set = await discover(dir, {});
    expect(set.format).toBe('prisma');
    expect(set.migrations).toHaveLength(434);
    expect(set.migrations.every((m) => m.transaction === 'script')).toBe(true);
    const folders = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(paths(set)).toEqual([...folders].sort(bytewise).map((f) => `${f}/migration.sql`));
    expect(paths(set)).toContain('20240126184148_new_models copy/migration.sql');
    expect(paths(set)).toContain('20240718011733_dataset_runs_add_unique_dataset_id_project_id_name copy/migration.sql');
    const pivot = indexOf(set, '20250625_add_pivot_table_charttype/');
    expect(set.migrations[pivot - 1]?.path.startsWith('20250604085536_')).toBe(true);
    expect(set.migrations[pivot + 1]?.path.startsWith('20250704170658_')).toBe(true);
    // SOURCE.md: wrapping files in a transaction fails at #75, the first CONCURRENTLY file.
    expect(set.migrations[74]?.path).toBe('20240104210051_add_model_indices/migration.sql');
    expect(set.ignored.find((i) => i.path === 'migration_lock.toml')).toBeDefined();
  });

  it('marquez: Flyway, 81 versioned by numeric version then 3 repeatables by description', async () => {
    const set = await discover(corpus('marquez', 'migrations'), {});
    expect(set.format).toBe('flyway');
    expect(set.migrations).toHaveLength(84);
    expect(paths(set).slice(-3)).toEqual(['R__Datasets_view.sql', 'R__Jobs_view_and_rewrite_function.sql', 'R__Runs_view.sql']);
    expect(set.migrations.filter((m) => m.repeatable)).toHaveLength(3);
    const versions = set.migrations.slice(0, 81).map((m) => m.version);
    expect(versions.slice(0, 4)).toEqual(['1', '2', '2.1', '3']);
    expect(versions[80]).toBe('74');
    const at = (v: string) => versions.indexOf(v);
    expect(at('9')).toBeLessThan(at('10'));
    expect(at('17.1')).toBe(at('16') + 1);
    expect(at('17.2')).toBe(at('17.1') + 1);
    expect(at('18')).toBe(at('17.2') + 1);
    expect([at('55.1'), at('55.2'), at('55.3')]).toEqual([at('54') + 1, at('54') + 2, at('54') + 3]);
    expect(at('69.3')).toBe(at('70') - 1);
    expect(paths(set)).toContain('V47__add_lineage_event_indexes.sql');
  });

  it('harness: up files as maragudk/migrate selects them (incl. 4 _up.sql), in byte order, duplicates warned', async () => {
    const dir = corpus('harness', 'migrations');
    const set = await discover(dir, {});
    expect(set.format).toBe('golang-migrate');
    // maragudk/migrate's own selection regex, unescaped dots and all.
    const ups = readdirSync(dir).filter((f) => /^([\w-]+).up.sql$/.test(f)).sort(bytewise);
    expect(ups).toHaveLength(209);
    expect(paths(set)).toEqual(ups);
    const underscored = paths(set).filter((p) => p.endsWith('_up.sql'));
    expect(underscored.map((p) => p.slice(0, 4))).toEqual(['0021', '0029', '0058', '0115']);
    expect(indexOf(set, '0021_alter_table_webhook_add_internal_up.sql')).toBeLessThan(indexOf(set, '0090_alter_webhooks_add_type.up.sql'));
    expect(set.ignored.filter((i) => i.reason.startsWith('down migration'))).toHaveLength(180);
    const duplicated = set.diagnostics.filter((d) => d.code === 'duplicate-version').map((d) => d.paths[0]?.slice(0, 4));
    expect(duplicated).toEqual(['0000', '0001', '0002', '0004', '0008', '0059', '0106', '0111', '0122']);
    expect(set.migrations.every((m) => m.transaction === 'transaction')).toBe(true);
  });

  it('supabase-storage: the parent folder is refused with the sub-folders to use', async () => {
    const error = await thrown(() => discover(corpus('supabase-storage', 'migrations'), {}));
    expect(error).toBeInstanceOf(InputError);
    expect(fullText(error)).toContain('multitenant/ (numbered, 28 migrations), tenant/ (numbered, 63 migrations), vector_store/ (numbered, 1 migrations)');
  });

  it('supabase-storage tenant: integer ids 1..63, 00010 tenth, 16 runner-ignored, markers honoured', async () => {
    const dir = corpus('supabase-storage', 'migrations', 'tenant');
    const set = await discover(dir, {});
    expect(set.format).toBe('numbered');
    expect(set.migrations).toHaveLength(63);
    expect(set.migrations.map((m) => Number(m.version))).toEqual(Array.from({ length: 63 }, (_, i) => i + 1));
    expect(set.migrations[9]?.path).toBe('00010-search-files-search-function.sql');

    const text = (p: string) => readFileSync(path.join(dir, p), 'utf8');
    const ignoredByRunner = set.migrations.filter((m) => m.replacedByRunner).map((m) => Number(m.version));
    expect(ignoredByRunner).toEqual([26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 39, 40, 41, 42, 43]);
    expect(set.migrations.filter((m) => m.replacedByRunner).every((m) => m.sql === 'SELECT 1;')).toBe(true);

    const disabling = set.migrations.filter((m) => text(m.path).includes('-- postgres-migrations disable-transaction'));
    expect(disabling).toHaveLength(9);
    // The runner swaps in "SELECT 1;" before checking the marker, so only the 3 files it runs keep it.
    const none = set.migrations.filter((m) => m.transaction === 'none').map((m) => m.path.slice(0, 4));
    expect(none).toEqual(['0051', '0053', '0054']);
  });

  it('supabase-storage multitenant and vector_store', async () => {
    const multi = await discover(corpus('supabase-storage', 'migrations', 'multitenant'), {});
    expect(multi.format).toBe('numbered');
    expect(multi.migrations).toHaveLength(28);
    expect(multi.migrations.filter((m) => m.transaction === 'none').map((m) => m.path)).toEqual(['0023-iceberg-catalog-id.sql']);
    const vector = await discover(corpus('supabase-storage', 'migrations', 'vector_store'), {});
    expect(vector.migrations.map((m) => m.path)).toEqual(['0001-init.sql']);
  });

  it('supabase-auth: pop .up.sql files, 00 first, Go templates left for the replay stage', async () => {
    const set = await discover(corpus('supabase-auth', 'migrations'), {});
    expect(set.format).toBe('golang-migrate');
    expect(set.migrations).toHaveLength(70);
    expect(set.migrations[0]?.path).toBe('00_init_auth_schema.up.sql');
    expect(set.migrations.slice(1).every((m) => /^\d{14}$/.test(m.version))).toBe(true);
    expect(set.migrations[0]?.sql).toContain('{{ index .Options "Namespace" }}');
  });

  it('supabase-postgres: dbmate up blocks in init-scripts/ and migrations/, combined by an order file', async () => {
    const root = corpus('supabase-postgres', 'migrations');
    const error = await thrown(() => discover(root, {}));
    expect(fullText(error)).toContain('init-scripts/ (dbmate, 4 migrations), migrations/ (dbmate, 30 migrations)');

    const init = await discover(path.join(root, 'init-scripts'), {});
    const main = await discover(path.join(root, 'migrations'), {});
    expect([init.format, init.migrations.length, main.format, main.migrations.length]).toEqual(['dbmate', 4, 'dbmate', 30]);
    for (const set of [init, main]) {
      for (const m of set.migrations) {
        expect(m.transaction).toBe('transaction');
        expect(m.sql).not.toMatch(/migrate:(up|down)/);
        const lines = readFileSync(m.absPath, 'utf8').split('\n');
        expect(lines[m.startLine - 2]).toMatch(/^--\s*migrate:up/);
      }
    }
    expect(main.migrations[0]?.path).toBe('10000000000000_demote-postgres.sql');

    const tmp = await mkdtemp(path.join(os.tmpdir(), 'pgsquash-order-'));
    try {
      const orderFile = path.join(tmp, 'order.txt');
      const listed = [...init.migrations.map((m) => `init-scripts/${m.path}`), ...main.migrations.map((m) => `migrations/${m.path}`)];
      await writeFile(orderFile, `# init-scripts run first, as postgres\n${listed.join('\n')}\n`);
      const all = await discover(root, { orderFile });
      expect(all.format).toBe('dbmate');
      expect(paths(all)).toEqual(listed);
      expect(all.migrations.map((m) => m.sql)).toEqual([...init.migrations, ...main.migrations].map((m) => m.sql));
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });

  it('chatbot-ui: Supabase timestamped files, 25, one transaction each', async () => {
    const dir = corpus('chatbot-ui', 'migrations');
    const set = await discover(dir, {});
    expect(set.format).toBe('timestamp');
    expect(paths(set)).toEqual(readdirSync(dir).filter((f) => f.endsWith('.sql')).sort(bytewise));
    expect(set.migrations).toHaveLength(25);
    expect(set.migrations.every((m) => m.transaction === 'transaction')).toBe(true);
  });
});
