import { describe, expect, it } from 'vitest';
import { discover } from '../../src/discover/index.js';
import { fullText, tempTree, thrown } from './helpers.js';

const paths = (set: { migrations: { path: string }[] }) => set.migrations.map((m) => m.path);

describe('flyway layout', () => {
  it('compares versions numerically part by part and runs repeatables last by description', async () => {
    const dir = await tempTree({
      'V1__init.sql': 'create table a();',
      'V1.10__ten.sql': 'select 110;',
      'V1.9__nine.sql': 'select 19;',
      'V1_2__underscored.sql': 'select 12;',
      'V2__two.sql': 'select 2;',
      'V10__big.sql': 'select 10;',
      'R__b_view.sql': 'create or replace view b as select 1;',
      'R__a_view.sql': 'create or replace view a as select 1;',
      'R__a-view.sql': 'create or replace view a2 as select 1;',
    });
    const set = await discover(dir, {});
    expect(set.format).toBe('flyway');
    expect(paths(set)).toEqual([
      'V1__init.sql',
      'V1_2__underscored.sql',
      'V1.9__nine.sql',
      'V1.10__ten.sql',
      'V2__two.sql',
      'V10__big.sql',
      // Descriptions read "a view" and "a-view": space sorts before "-" (a name sort would not).
      'R__a_view.sql',
      'R__a-view.sql',
      'R__b_view.sql',
    ]);
    expect(set.migrations.map((m) => m.version)).toEqual(['1', '1.2', '1.9', '1.10', '2', '10', 'R', 'R', 'R']);
    expect(set.migrations.slice(6).every((m) => m.repeatable === true)).toBe(true);
    expect(set.migrations[0]?.repeatable).toBeUndefined();
    expect(set.migrations[2]?.name).toBe('nine');
  });

  it('scans sub-folders, as Flyway locations are recursive', async () => {
    const dir = await tempTree({ 'V1__a.sql': 'select 1;', 'later/V2__b.sql': 'select 2;', 'later/deeper/V1.5__c.sql': 'select 15;' });
    expect(paths(await discover(dir, {}))).toEqual(['V1__a.sql', 'later/deeper/V1.5__c.sql', 'later/V2__b.sql']);
  });

  it('ignores undo files and notes baseline files', async () => {
    const dir = await tempTree({
      'V1__a.sql': 'create table a();',
      'U1__a.sql': 'drop table a;',
      'V2__b.sql': 'create table b();',
      'B2__baseline.sql': 'create table a(); create table b();',
    });
    const set = await discover(dir, {});
    expect(paths(set)).toEqual(['V1__a.sql', 'V2__b.sql']);
    expect(set.ignored.map((i) => i.path)).toEqual(['B2__baseline.sql', 'U1__a.sql']);
    const codes = set.diagnostics.map((d) => [d.code, d.paths[0]]);
    expect(codes).toContainEqual(['flyway-undo', 'U1__a.sql']);
    expect(codes).toContainEqual(['flyway-baseline', 'B2__baseline.sql']);
  });

  it('replays the latest baseline first when no versioned file at or below it is left, as Flyway does on a new database', async () => {
    const dir = await tempTree({
      'B2__old_baseline.sql': 'create table a();',
      'B3__baseline.sql': 'create table a(); create table b();',
      'V4__c.sql': 'create table c();',
      'R__view.sql': 'create or replace view v as select 1;',
      'V3_1__d.sql': 'create table d();',
    });
    const set = await discover(dir, {});
    expect(paths(set)).toEqual(['B3__baseline.sql', 'V3_1__d.sql', 'V4__c.sql', 'R__view.sql']);
    expect(set.migrations[0]).toMatchObject({ version: '3', name: 'baseline' });
    expect(set.ignored.map((i) => i.path)).toEqual(['B2__old_baseline.sql']);
    expect(set.diagnostics.find((d) => d.code === 'flyway-baseline')?.message).toMatch(/B3__baseline\.sql, a later baseline, is replayed/);
    // a versioned file at the baseline's own version: the history runs, the baseline is noted
    const beside = await tempTree({ 'B3__baseline.sql': 'create table a();', 'V3__a.sql': 'create table a();', 'V4__c.sql': 'create table c();' });
    expect(paths(await discover(beside, {}))).toEqual(['V3__a.sql', 'V4__c.sql']);
  });

  it('runs a file outside a transaction when its .sql.conf or an inline directive says so', async () => {
    const dir = await tempTree({
      'V1__a.sql': 'create table t (c int);',
      'V2__idx.sql': 'CREATE INDEX CONCURRENTLY i ON t (c);',
      'V2__idx.sql.conf': '# script config\nexecuteInTransaction=false\n',
      'V3__idx2.sql': '-- flyway:executeInTransaction=false\nCREATE INDEX CONCURRENTLY j ON t (c);',
      'V4__plain.sql': 'select 1;',
    });
    const set = await discover(dir, {});
    expect(set.migrations.map((m) => m.transaction)).toEqual(['transaction', 'none', 'none', 'transaction']);
    expect(set.ignored.find((i) => i.path === 'V2__idx.sql.conf')?.reason).toContain('script configuration for V2__idx.sql');
  });

  it('warns about callbacks and duplicate versions (1 and 1.0 are the same version)', async () => {
    const dir = await tempTree({
      'V1__a.sql': 'select 1;',
      'V1.0__b.sql': 'select 2;',
      'afterMigrate.sql': 'grant select on all tables in schema public to reader;',
    });
    const set = await discover(dir, {});
    expect(paths(set)).toEqual(['V1.0__b.sql', 'V1__a.sql']);
    const dup = set.diagnostics.find((d) => d.code === 'duplicate-version');
    expect(dup?.paths).toEqual(['V1.0__b.sql', 'V1__a.sql']);
    expect(set.diagnostics.find((d) => d.code === 'flyway-callback')?.level).toBe('warning');
  });

  it('refuses names with an invalid version', async () => {
    const dir = await tempTree({ 'V1__a.sql': 'select 1;', 'V1a__b.sql': 'select 2;', 'R1__c.sql': 'select 3;' });
    const text = fullText(await thrown(() => discover(dir, {})));
    expect(text).toContain('V1a__b.sql: "1a" is not a Flyway version');
    expect(text).toContain('R1__c.sql: a repeatable migration must not have a version');
  });
});
