import { describe, expect, it } from 'vitest';
import { discover } from '../../src/discover/index.js';
import { InputError } from '../../src/errors.js';
import { fullText, tempTree, thrown } from './helpers.js';

const paths = (set: { migrations: { path: string }[] }) => set.migrations.map((m) => m.path);

describe('numbered layout', () => {
  it('orders by integer id, so 00010 runs after 0009, and keeps versions as written', async () => {
    const dir = await tempTree({
      '0001-init.sql': 'create table a();',
      '00010-search.sql': 'create table j();',
      '0002-storage.sql': 'create table b();',
      '0009-fix.sql': 'create table i();',
      '0011_more.sql': 'create table k();',
    });
    const set = await discover(dir, {});
    expect(set.format).toBe('numbered');
    expect(paths(set)).toEqual(['0001-init.sql', '0002-storage.sql', '0009-fix.sql', '00010-search.sql', '0011_more.sql']);
    expect(set.migrations.map((m) => [m.version, m.name])).toEqual([
      ['0001', 'init'],
      ['0002', 'storage'],
      ['0009', 'fix'],
      ['00010', 'search'],
      ['0011', 'more'],
    ]);
    expect(set.migrations.every((m) => m.transaction === 'transaction' && m.format === 'numbered')).toBe(true);
    // A name sort would run 00010 second; the plan says so.
    const note = set.diagnostics.find((d) => d.code === 'order-differs');
    expect(note?.message).toContain('00010-search.sql runs #4 here but would be #2');
  });

  it('accepts 1_name.sql and 001_name.sql widths together', async () => {
    const dir = await tempTree({ '2_b.sql': 'select 2;', '10_c.sql': 'select 10;', '1_a.sql': 'select 1;' });
    expect(paths(await discover(dir, {}))).toEqual(['1_a.sql', '2_b.sql', '10_c.sql']);
  });

  it('warns about duplicate versions, naming both files and the byte order used', async () => {
    const dir = await tempTree({
      '007_users_updated_at.sql': 'select 1;',
      '007_enterprise_tier.sql': 'select 2;',
      '1_first.sql': 'select 0;',
      '001_also_first.sql': 'select 0;',
    });
    const set = await discover(dir, {});
    expect(paths(set)).toEqual(['001_also_first.sql', '1_first.sql', '007_enterprise_tier.sql', '007_users_updated_at.sql']);
    const dups = set.diagnostics.filter((d) => d.code === 'duplicate-version');
    expect(dups).toHaveLength(2);
    expect(dups.every((d) => d.level === 'warning')).toBe(true);
    expect(dups[1]?.paths).toEqual(['007_enterprise_tier.sql', '007_users_updated_at.sql']);
    expect(dups[1]?.message).toContain('007_enterprise_tier.sql → 007_users_updated_at.sql');
    // 001 and 1 are the same integer id for postgres-migrations.
    expect(dups[0]?.paths).toEqual(['001_also_first.sql', '1_first.sql']);
    expect(dups[0]?.message).toContain('version 001 = 1');
  });

  it('refuses files that do not fit, listing every one with what to do', async () => {
    const dir = await tempTree({
      '001_init.sql': 'select 1;',
      '002_more.sql': 'select 2;',
      'add-document-relationships.sql': 'select 3;',
      'fixup.sql': 'select 4;',
      'README.md': '# notes',
    });
    const error = await thrown(() => discover(dir, {}));
    expect(error).toBeInstanceOf(InputError);
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('2 files');
    expect(error.message).toContain('numbered');
    const text = fullText(error);
    expect(text).toContain('add-document-relationships.sql: no numeric prefix');
    expect(text).toContain('fixup.sql: no numeric prefix');
    expect(text).toContain('--order-file');
    expect(text).not.toContain('README.md');
  });

  it('honours postgres-migrations disable-transaction anywhere in the file', async () => {
    const dir = await tempTree({
      '0001-a.sql': '-- postgres-migrations disable-transaction\nCREATE INDEX CONCURRENTLY i ON t (c);\n',
      '0002-b.sql': 'CREATE TABLE t2 ();\n-- postgres-migrations disable-transaction\n',
      '0003-c.sql': '-- postgres-migrations disable-transactions are not a thing? still contains the marker\n',
      '0004-d.sql': 'select 1; -- postgres-migrations disable transaction (no dash: not the marker)\n',
    });
    const set = await discover(dir, {});
    expect(set.migrations.map((m) => m.transaction)).toEqual(['none', 'none', 'none', 'transaction']);
  });

  it('keeps "-- postgres-migrations ignore" files in place, replaced by the runner\'s no-op', async () => {
    const original = '-- postgres-migrations disable-transaction\n-- postgres-migrations ignore\nCREATE INDEX CONCURRENTLY i ON t (c);\n';
    const dir = await tempTree({ '0001-a.sql': 'create table t (c int);', '0002-b.sql': original, '0003-c.sql': 'select 3;' });
    const set = await discover(dir, {});
    expect(paths(set)).toEqual(['0001-a.sql', '0002-b.sql', '0003-c.sql']);
    const ignored = set.migrations[1];
    expect(ignored?.sql).toBe('SELECT 1;');
    expect(ignored?.replacedByRunner).toContain('postgres-migrations ignore');
    // The runner checks the substituted SQL for the marker, so the no-op runs in a transaction.
    expect(ignored?.transaction).toBe('transaction');
    expect(set.migrations[0]?.replacedByRunner).toBeUndefined();
    expect(set.diagnostics.filter((d) => d.code === 'runner-ignore').map((d) => d.paths)).toEqual([['0002-b.sql']]);
    expect(set.diagnostics.some((d) => d.code === 'empty-file')).toBe(false);
  });

  it('notes sub-folders it does not read, with how much SQL they hold', async () => {
    const dir = await tempTree({ '001_a.sql': 'select 1;', 'seeds/001_seed.sql': 'insert into t values (1);', 'empty/': '' });
    const set = await discover(dir, {});
    expect(paths(set)).toEqual(['001_a.sql']);
    expect(set.ignored.find((i) => i.path === 'seeds/')?.reason).toContain('1 .sql file');
    expect(set.ignored.find((i) => i.path === 'empty/')?.reason).toContain('no .sql files');
  });

  it('refuses up/down pair names under a forced numbered layout instead of running a down file', async () => {
    const dir = await tempTree({ '001_a.up.sql': 'create table a();', '001_a.down.sql': 'drop table a;' });
    const error = await thrown(() => discover(dir, { format: 'numbered' }));
    expect(fullText(error)).toContain('001_a.down.sql: looks like an up/down pair file');
  });
});

describe('timestamp layout', () => {
  it('detects 14-digit timestamps and orders by file name', async () => {
    const dir = await tempTree({
      '20240108234541_add_profiles.sql': 'create table p();',
      '20240108234540_setup.sql': 'create extension if not exists pgcrypto;',
      '20240213040255_remove.sql': 'drop table p;',
    });
    const set = await discover(dir, {});
    expect(set.format).toBe('timestamp');
    expect(paths(set)).toEqual(['20240108234540_setup.sql', '20240108234541_add_profiles.sql', '20240213040255_remove.sql']);
    expect(set.migrations[0]?.version).toBe('20240108234540');
    expect(set.formatReason).toContain('timestamp wins the tie with numbered');
  });

  it('uses supabase/migrations when given a project folder', async () => {
    const dir = await tempTree({
      'supabase/migrations/20240101000000_init.sql': 'create table a();',
      'supabase/migrations/20240102000000_more.sql': 'create table b();',
      'supabase/seed.sql': 'insert into a default values;',
      'src/app.ts': 'export {};',
    });
    const set = await discover(dir, {});
    expect(set.format).toBe('timestamp');
    expect(set.root).toMatch(/supabase[/\\]migrations$/);
    expect(set.formatReason).toContain('supabase/migrations');
    expect(paths(set)).toEqual(['20240101000000_init.sql', '20240102000000_more.sql']);
    expect(set.migrations[0]?.absPath).toBe(`${set.root}${set.root.includes('\\') ? '\\' : '/'}20240101000000_init.sql`);
  });

  it('treats short numeric prefixes as a numbered set, not timestamps', async () => {
    const dir = await tempTree({ '1_a.sql': 'select 1;', '20240101000000_b.sql': 'select 2;' });
    expect((await discover(dir, {})).format).toBe('numbered');
  });
});

describe('numbered layout with code migrations', () => {
  it('warns that a postgres-migrations .js migration cannot be replayed', async () => {
    const dir = await tempTree({ '0001_a.sql': 'create table a();', '0002_backfill.js': 'module.exports.generateSql = () => "select 1"' });
    const set = await discover(dir, {});
    expect(set.migrations.map((m) => m.path)).toEqual(['0001_a.sql']);
    const warning = set.diagnostics.find((d) => d.code === 'code-migration');
    expect(warning?.level).toBe('warning');
    expect(warning?.paths).toEqual(['0002_backfill.js']);
  });
});
