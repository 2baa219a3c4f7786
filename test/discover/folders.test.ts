import { describe, expect, it } from 'vitest';
import { discover } from '../../src/discover/index.js';
import { fullText, tempTree, thrown } from './helpers.js';

const paths = (set: { migrations: { path: string }[] }) => set.migrations.map((m) => m.path);

describe('prisma layout', () => {
  it('orders folders by plain string order, spaces and 8-digit timestamps included, as scripts', async () => {
    const dir = await tempTree({
      'migration_lock.toml': 'provider = "postgresql"\n',
      '20240126184148_new_models/migration.sql': 'create table m();',
      '20240126184148_new_models copy/migration.sql': 'create table m2();',
      '20240126184148_new_models_x/migration.sql': 'create table m3();',
      '20250604085536_a/migration.sql': 'select 1;',
      '20250625_add_pivot/migration.sql': 'select 2;',
      '20250704170658_b/migration.sql': 'select 3;',
      '20250704170658_b/README.md': 'notes',
    });
    const set = await discover(dir, {});
    expect(set.format).toBe('prisma');
    expect(paths(set)).toEqual([
      '20240126184148_new_models/migration.sql',
      '20240126184148_new_models copy/migration.sql',
      '20240126184148_new_models_x/migration.sql',
      '20250604085536_a/migration.sql',
      '20250625_add_pivot/migration.sql',
      '20250704170658_b/migration.sql',
    ]);
    expect(set.migrations[1]?.name).toBe('new_models copy');
    expect(set.migrations[4]?.version).toBe('20250625');
    expect(set.migrations.every((m) => m.transaction === 'script')).toBe(true);
    expect(set.ignored.map((i) => i.path)).toEqual(['20250704170658_b/README.md', 'migration_lock.toml']);
  });

  it('refuses a migration folder without migration.sql', async () => {
    const dir = await tempTree({ '20240101000000_a/migration.sql': 'select 1;', '20240102000000_b/notes.txt': 'oops' });
    const error = await thrown(() => discover(dir, {}));
    expect(fullText(error)).toContain('20240102000000_b/: folder without migration.sql');
  });
});

describe('diesel layout', () => {
  it('orders by the dash-stripped version, reads metadata.toml, ignores down.sql and loose files', async () => {
    const dir = await tempTree({
      '00000000000000_diesel_initial_setup/up.sql': 'create function diesel_manage_updated_at() returns void language sql as $$ select $$;',
      '00000000000000_diesel_initial_setup/down.sql': 'drop function diesel_manage_updated_at();',
      '20170102000000_add_email_table/up.sql': 'create table emails (id int);',
      '20170102000000_add_email_table/down.sql': 'drop table emails;',
      '2017-08-31-230457_move_tokens/up.sql': 'insert into emails values (1);',
      '2017-08-31-230457_move_tokens/down.sql': 'delete from emails;',
      '2026-07-30-140000-0000_add_index/up.sql': 'CREATE INDEX CONCURRENTLY i ON emails (id);',
      '2026-07-30-140000-0000_add_index/metadata.toml': 'run_in_transaction = false\n',
      '20260730140000_before_suffixed/up.sql': 'select 1;',
      'data_oauth_github.sql': 'update emails set id = id;',
    });
    const set = await discover(dir, {});
    expect(set.format).toBe('diesel');
    expect(paths(set)).toEqual([
      '00000000000000_diesel_initial_setup/up.sql',
      '20170102000000_add_email_table/up.sql',
      '2017-08-31-230457_move_tokens/up.sql',
      '20260730140000_before_suffixed/up.sql',
      '2026-07-30-140000-0000_add_index/up.sql',
    ]);
    expect(set.migrations.map((m) => m.version)).toEqual([
      '00000000000000',
      '20170102000000',
      '20170831230457',
      '20260730140000',
      '202607301400000000',
    ]);
    expect(set.migrations.map((m) => m.transaction)).toEqual(['transaction', 'transaction', 'transaction', 'transaction', 'none']);
    expect(set.migrations[2]?.name).toBe('move_tokens');
    const loose = set.diagnostics.find((d) => d.code === 'loose-file');
    expect(loose?.paths).toEqual(['data_oauth_github.sql']);
    expect(set.ignored.find((i) => i.path === 'data_oauth_github.sql')?.reason).toContain('loose .sql file');
    expect(set.ignored.filter((i) => i.path.endsWith('/down.sql'))).toHaveLength(3);
    expect(set.migrations.some((m) => m.path.endsWith('down.sql'))).toBe(false);
    // A plain name sort puts the dashed 2017 folder first among the 2017s; the plan says so.
    expect(set.diagnostics.find((d) => d.code === 'order-differs')?.message).toContain('2017-08-31-230457_move_tokens/up.sql runs #3 here but would be #2');
  });

  it('refuses a folder without up.sql and an invalid run_in_transaction', async () => {
    const missingUp = await tempTree({ '20240101000000_a/up.sql': 'select 1;', '20240102000000_b/down.sql': 'select 2;' });
    expect(fullText(await thrown(() => discover(missingUp, {})))).toContain('20240102000000_b/: folder without up.sql');
    const badToml = await tempTree({ '20240101000000_a/up.sql': 'select 1;', '20240101000000_a/metadata.toml': 'run_in_transaction = "no"\n' });
    expect((await thrown(() => discover(badToml, {}))).message).toContain('run_in_transaction must be true or false');
  });
});
