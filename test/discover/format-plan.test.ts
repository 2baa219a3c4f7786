import { describe, expect, it } from 'vitest';
import { discover, formatPlan } from '../../src/discover/index.js';
import { tempTree } from './helpers.js';

describe('formatPlan', () => {
  it('prints one row per migration in run order, then diagnostics and ignored files with reasons', async () => {
    const dir = await tempTree({
      '0001-init.sql': 'create table a();',
      '00010-late.sql': '-- postgres-migrations disable-transaction\nselect 10;',
      '0002-second.sql': '-- postgres-migrations ignore\nselect 2;',
      '0002-twin.sql': 'select 22;',
      'NOTES.md': 'hi',
    });
    const set = await discover(dir, {});
    const text = formatPlan(set);
    const lines = text.split('\n');
    expect(lines[0]).toBe(`Migrations in ${set.root}`);
    expect(lines[1]).toBe(`Format: numbered (${set.formatReason})`);
    const header = lines.findIndex((l) => /^#\s+version\s+name\s+path\s+transaction$/.test(l));
    expect(header).toBeGreaterThan(0);
    const rows = lines.slice(header + 2, header + 6).map((l) => l.trim().split(/\s{2,}/));
    expect(rows).toEqual([
      ['1', '0001', 'init', '0001-init.sql', 'transaction'],
      ['2', '0002', 'second', '0002-second.sql', 'transaction (runner skips: SELECT 1)'],
      ['3', '0002', 'twin', '0002-twin.sql', 'transaction'],
      ['4', '00010', 'late', '00010-late.sql', 'none'],
    ]);
    expect(text).toContain('4 migrations: 3 transaction, 1 none');
    expect(text).toContain('Diagnostics (1 warning, 2 notes):');
    expect(text).toContain('  warning [duplicate-version] 2 migrations share version 0002');
    expect(text).toContain('  note [runner-ignore] 0002-second.sql');
    expect(text).toContain('Ignored files (1):\n  NOTES.md: not a .sql file');
  });

  it('the set survives a JSON round trip unchanged (plan --json prints it as is)', async () => {
    const dir = await tempTree({
      'V1__a.sql': 'create table a();',
      'V1.1__b.sql.conf': 'executeInTransaction=false',
      'V1.1__b.sql': 'create index concurrently i on a ((1));',
      'R__v.sql': 'create or replace view v as select 1;',
      'U1__a.sql': 'drop table a;',
    });
    const set = await discover(dir, {});
    expect(JSON.parse(JSON.stringify(set))).toStrictEqual(set);
    expect(set.migrations.map((m) => [m.version, m.transaction, m.repeatable ?? false])).toEqual([
      ['1', 'transaction', false],
      ['1.1', 'none', false],
      ['R', 'transaction', true],
    ]);
  });
});
