import { describe, expect, it } from 'vitest';
import { discover } from '../../src/discover/index.js';
import { InputError } from '../../src/errors.js';
import { fullText, tempTree, thrown } from './helpers.js';

const paths = (set: { migrations: { path: string }[] }) => set.migrations.map((m) => m.path);

describe('golang-migrate layout', () => {
  it('runs .up.sql files, ignores .down.sql, and takes maragudk-style _up.sql files too', async () => {
    const dir = await tempTree({
      '000001_create_users.up.sql': 'create table users (id int);',
      '000001_create_users.down.sql': 'drop table users;',
      '000002_add_flag_up.sql': 'alter table users add column internal bool;',
      '000002_add_flag_down.sql': 'alter table users drop column internal;',
      '000003.up.sql': 'alter table users rename column internal to flag;',
      '000003.down.sql': 'alter table users rename column flag to internal;',
    });
    const set = await discover(dir, {});
    expect(set.format).toBe('golang-migrate');
    expect(paths(set)).toEqual(['000001_create_users.up.sql', '000002_add_flag_up.sql', '000003.up.sql']);
    expect(set.migrations.map((m) => [m.version, m.name])).toEqual([
      ['000001', 'create_users'],
      ['000002', 'add_flag'],
      ['000003', ''],
    ]);
    expect(set.migrations.every((m) => m.transaction === 'transaction')).toBe(true);
    const downs = set.ignored.filter((i) => i.reason.startsWith('down migration')).map((i) => i.path);
    expect(downs).toEqual(['000001_create_users.down.sql', '000002_add_flag_down.sql', '000003.down.sql']);
  });

  it('orders numerically and says where a name sort (10_ before 1_) would disagree', async () => {
    const dir = await tempTree({ '10_c.up.sql': 'select 10;', '9_b.up.sql': 'select 9;', '1_a.up.sql': 'select 1;' });
    const set = await discover(dir, {});
    expect(paths(set)).toEqual(['1_a.up.sql', '9_b.up.sql', '10_c.up.sql']);
    expect(set.diagnostics.find((d) => d.code === 'order-differs')?.message).toContain('10_c.up.sql runs #3 here but would be #1');
  });

  it('warns on duplicate numeric versions and orders them by file name bytes', async () => {
    const dir = await tempTree({
      '0001_create_table_b.up.sql': 'select 2;',
      '0001_create_table_a.up.sql': 'select 1;',
      '0002_x.up.sql': 'select 3;',
    });
    const set = await discover(dir, {});
    expect(paths(set)).toEqual(['0001_create_table_a.up.sql', '0001_create_table_b.up.sql', '0002_x.up.sql']);
    const dup = set.diagnostics.filter((d) => d.code === 'duplicate-version');
    expect(dup).toHaveLength(1);
    expect(dup[0]?.paths).toEqual(['0001_create_table_a.up.sql', '0001_create_table_b.up.sql']);
  });

  it('refuses a folder of down files only', async () => {
    const dir = await tempTree({ '0001_a.down.sql': 'drop table a;' });
    const error = await thrown(() => discover(dir, {}));
    expect(error.message).toContain('no golang-migrate migrations to run');
    expect(fullText(error)).toContain('0 up files and 1 down file');
  });
});

describe('dbmate layout', () => {
  const file = [
    '-- a comment before the block is fine',
    '',
    '-- migrate:up',
    'create table users (id int);',
    'create index on users (id);',
    '',
    '-- migrate:down',
    'drop table users;',
    '',
  ].join('\n');

  it('keeps only the up section and reports the line it starts on', async () => {
    const dir = await tempTree({ '20240101000000_users.sql': file, '20240102000000_more.sql': '-- migrate:up\nselect 1;\n-- migrate:down\n' });
    const set = await discover(dir, {});
    expect(set.format).toBe('dbmate');
    expect(set.formatReason).toContain('dbmate wins the tie');
    const first = set.migrations[0];
    expect(first?.sql).toBe('create table users (id int);\ncreate index on users (id);\n\n');
    expect(first?.startLine).toBe(4);
    expect(file.split('\n')[(first?.startLine ?? 0) - 1]).toBe('create table users (id int);');
    expect(first?.transaction).toBe('transaction');
    expect(set.migrations[1]?.sql).toBe('select 1;\n');
    expect(set.migrations[1]?.startLine).toBe(2);
  });

  it('honours "-- migrate:up transaction:false" and keeps CRLF line endings', async () => {
    const crlf = '-- migrate:up transaction:false\r\nCREATE INDEX CONCURRENTLY i ON t (c);\r\n-- migrate:down\r\nDROP INDEX i;\r\n';
    const dir = await tempTree({ '20240101000000_idx.sql': crlf, '20240101000001_t.sql': '-- migrate:up transaction:true\nselect 1;\n-- migrate:down\n' });
    const set = await discover(dir, {});
    expect(set.migrations.map((m) => m.transaction)).toEqual(['none', 'transaction']);
    expect(set.migrations[0]?.sql).toBe('CREATE INDEX CONCURRENTLY i ON t (c);\r\n');
  });

  it('orders by file name and accepts a dash after the version, as dbmate does', async () => {
    const dir = await tempTree({
      '00000000000001-auth.sql': '-- migrate:up\nselect 2;\n-- migrate:down\n',
      '00000000000000-initial.sql': '-- migrate:up\nselect 1;\n-- migrate:down\n',
    });
    const set = await discover(dir, {});
    expect(set.migrations.map((m) => [m.version, m.name])).toEqual([
      ['00000000000000', 'initial'],
      ['00000000000001', 'auth'],
    ]);
  });

  it('refuses statements before "-- migrate:up", naming the line', async () => {
    const dir = await tempTree({ '20240101000000_bad.sql': 'create type t as enum (\'a\');\n-- migrate:up\nselect 1;\n-- migrate:down\n' });
    const error = await thrown(() => discover(dir, {}));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain('20240101000000_bad.sql: statements before "-- migrate:up" (line 1)');
  });

  it('refuses a dbmate file without an up block when others have one', async () => {
    const dir = await tempTree({
      '20240101000000_ok.sql': '-- migrate:up\nselect 1;\n-- migrate:down\n',
      '20240102000000_plain.sql': 'select 2;\n',
    });
    const error = await thrown(() => discover(dir, {}));
    expect(error.message).toContain('20240102000000_plain.sql: dbmate requires an up block');
  });

  it('refuses a down block placed before the up block', async () => {
    const dir = await tempTree({ '20240101000000_x.sql': '-- migrate:down\ndrop table t;\n-- migrate:up\ncreate table t();\n' });
    const error = await thrown(() => discover(dir, {}));
    expect(error.message).toContain('comes before "-- migrate:up"');
  });

  it('warns when the down marker is missing and takes the rest of the file', async () => {
    const dir = await tempTree({ '20240101000000_x.sql': '-- migrate:up\ncreate table t();\n' });
    const set = await discover(dir, {});
    expect(set.migrations[0]?.sql).toBe('create table t();\n');
    expect(set.diagnostics.map((d) => d.code)).toContain('dbmate-no-down');
  });

  it('warns when the up block is empty', async () => {
    const dir = await tempTree({ '20240101000000_x.sql': '-- migrate:up\n\n-- only a comment\n-- migrate:down\ndrop table t;\n' });
    const set = await discover(dir, {});
    const empty = set.diagnostics.find((d) => d.code === 'empty-file');
    expect(empty?.level).toBe('warning');
    expect(empty?.message).toContain('"-- migrate:up" block has no SQL');
  });
});
