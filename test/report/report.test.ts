import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { introspect, snapshot, type CatalogSnapshot } from '../../src/catalog/index.js';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { ReplayFailedError, replay } from '../../src/replay/index.js';
import { annotateBaseline, buildReport, explainFailure, renderReport, ReportRecorder, type Report } from '../../src/report/index.js';
import { emitBaseline } from '../../src/emit/index.js';
import type { MigrationSet } from '../../src/discover/types.js';
import { migrationSet, type FileSpec } from '../replay/helpers.js';

let engine: Engine;
beforeAll(async () => {
  engine = await createEngine({ kind: 'embedded' });
});
afterAll(async () => {
  await engine?.close();
});

async function run(files: FileSpec[]) {
  const set = migrationSet(files);
  const db = await engine.createDatabase('report');
  const recorder = new ReportRecorder(set);
  try {
    let before: CatalogSnapshot | undefined;
    const result = await replay(set, db, {
      ...recorder.hooks({
        onPreludesDone: async ({ db: d }) => {
          const c = await d.connect();
          before = await snapshot(c);
          await c.end();
        },
      }),
    });
    const c = await db.connect();
    const catalog = await introspect(c, { before: before!, includeData: true });
    await c.end();
    const recorded = recorder.result();
    return { set, catalog, recorded, report: buildReport({ set, replay: result, catalog, recorded }) };
  } finally {
    await recorder.close();
    await db.drop();
  }
}

const story = (report: Report, id: string) =>
  report.objects.filter((o) => o.id === id).map((o) => o.steps.map((s) => `${s.action} ${s.label}`).join(', '));

describe('provenance', () => {
  it('names the files that created, altered and dropped each object, following renames', async () => {
    const { report, recorded } = await run([
      { path: '001_t.sql', sql: 'create table t (a int primary key);\ncreate table gone (x int);' },
      { path: '002_b.sql', sql: 'alter table t add column b text;\ncreate index t_b on t (b);' },
      { path: '003_rename.sql', sql: 'alter table t rename to t2;\ndrop table gone;' },
      { path: '004_data.sql', sql: 'insert into t2 values (1, $$x$$);' },
      { path: '005_v.sql', sql: 'create view v as select a from t2;\ncomment on column t2.b is $$bee$$;' },
      { path: '006_v_again.sql', sql: 'drop view v;\ncreate view v as select a, b from t2;' },
      { path: '007_f.sql', sql: 'create function f() returns int language sql as $$select 1$$;' },
    ]);
    // Derived from the files above: t is created by 001, gains b and an index in 002, is renamed
    // in 003, gains a column comment in 005.
    expect(story(report, 'table public.t2')).toEqual(['created 001, altered 002, altered 003, altered 005']);
    expect(report.objects.find((o) => o.id === 'table public.t2')?.formerIds).toEqual(['table public.t']);
    expect(story(report, 'table public.gone')).toEqual(['created 001, dropped 003']);
    expect(story(report, 'view public.v')).toEqual(['created 005, dropped 006', 'created 006']);
    expect(story(report, 'function public.f()')).toEqual(['created 007']);
    // Sub-objects keep their own history, named as they are at the end.
    const column = recorded.provenance.objects.find((o) => o.id === 'table column public.t2.b');
    expect(column?.events.map((e) => `${e.action} ${e.file}`)).toEqual(['created 1', 'altered 4']);
    const byPath = Object.fromEntries(report.files.map((f) => [f.path, f]));
    expect(byPath['002_b.sql']?.altered).toEqual([{ id: 'table public.t2', parts: ['+column b', '+index t_b'] }]);
    expect(byPath['002_b.sql']?.fix).toBe(true);
    expect(byPath['004_data.sql']?.note).toBe('no schema change (data only)');
    expect(byPath['005_v.sql']?.lasting).toBe(true);
    expect(report.smells.filter((s) => s.code === 'recreated').map((s) => `${s.file}:${s.line}`)).toEqual(['006_v_again.sql:2']);
    // The most-touched object comes first.
    expect(report.objects[0]?.id).toBe('table public.t2');
  });

  it('tells files whose every change was undone later', async () => {
    const { report } = await run([
      { path: '001_t.sql', sql: 'create table t (a int);' },
      { path: '002_default.sql', sql: 'alter table t alter column a set default 1;' },
      { path: '003_undo.sql', sql: 'alter table t alter column a drop default;' },
      { path: '004_tmp.sql', sql: 'create table tmp (x int);' },
      { path: '005_drop_tmp.sql', sql: 'drop table tmp;' },
    ]);
    const lasting = Object.fromEntries(report.files.map((f) => [f.path, f.lasting]));
    expect(lasting).toEqual({ '001_t.sql': true, '002_default.sql': false, '003_undo.sql': true, '004_tmp.sql': false, '005_drop_tmp.sql': true });
  });
});

describe('smells', () => {
  it('finds skipped definitions that differ, security definer without search_path, RLS without policy, exposed tables', async () => {
    const { report } = await run([
      { path: '001_init.sql', sql: 'create table users (id int primary key, email text not null);\ncreate role report_reader_x;' },
      { path: '002_again.sql', sql: '-- same name, other shape\ncreate table if not exists users (\n  id int primary key,\n  email varchar(80),\n  admin boolean not null default false\n);' },
      { path: '003_same.sql', sql: 'create table if not exists users (id int primary key, email text not null);' },
      { path: '004_col.sql', sql: 'alter table users add column if not exists email int;' },
      { path: '005_fn.sql', sql: 'create function who() returns text language sql security definer as $$select current_user::text$$;\ncreate function safe() returns text language sql security definer set search_path = pg_catalog as $$select 1::text$$;' },
      { path: '006_rls.sql', sql: 'create table notes (id int);\n\nalter table notes enable row level security;' },
      { path: '007_grant.sql', sql: 'grant select on users to report_reader_x;' },
    ]);
    const byCode = (code: string) => report.smells.filter((s) => s.code === code);
    const differs = byCode('skipped-create-differs');
    expect(differs.map((s) => `${s.file}:${s.line}`)).toEqual(['002_again.sql:2', '004_col.sql:1']);
    expect(differs[0]?.details).toEqual([
      'column email: type text in the database, character varying(80) in the statement',
      'column email: NOT NULL in the database, nullable in the statement',
      'column admin boolean NOT NULL DEFAULT false: in the statement, not in the database',
    ]);
    expect(differs[1]?.details).toEqual(['column email: type text in the database, integer in the statement', 'column email: NOT NULL in the database, nullable in the statement']);
    // 003 declares exactly what exists: not a smell.
    expect(report.smells.some((s) => s.file === '003_same.sql')).toBe(false);
    expect(byCode('definer-without-search-path').map((s) => `${s.file}:${s.line} ${s.message.split(' ')[0]} ${s.message.split(' ')[1]}`)).toEqual(['005_fn.sql:1 function public.who()']);
    expect(byCode('rls-without-policy').map((s) => `${s.file}:${s.line}`)).toEqual(['006_rls.sql:3']);
    expect(byCode('exposed-without-rls').map((s) => `${s.file}:${s.line} ${s.message}`)).toEqual([
      '007_grant.sql:1 table public.users has no row level security, and report_reader_x can reach it (table grant)',
    ]);
  });
});

describe('explainFailure', () => {
  it('names the later file that creates the missing object', async () => {
    const set = migrationSet([
      { path: '001_policy.sql', sql: 'create schema app;\ncreate table app.notes (tenant int references app.tenants (id));' },
      { path: '002_tenants.sql', sql: '-- tenants\ncreate table app.tenants (id int primary key);' },
    ]);
    const db = await engine.createDatabase('report');
    try {
      const error = await replay(set, db).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(ReplayFailedError);
      const explained = explainFailure(error as ReplayFailedError, set);
      expect(explained.failure.advice).toBe('"app.tenants" is created by 002_tenants.sql (line 2), which runs later; move 001_policy.sql after it, or pin the order with --order-file');
      expect(explained.format()).toContain('NOTE: "app.tenants" is created by 002_tenants.sql');
      expect(explained.exitCode).toBe(3);
      const noLater: MigrationSet = { ...set, migrations: set.migrations.slice(0, 1) };
      expect(explainFailure(error as ReplayFailedError, noLater)).toBe(error);
    } finally {
      await db.drop();
    }
  });
});

describe('render and annotate', () => {
  it('renders deterministic Markdown and annotates baseline objects with their files', async () => {
    const files = [
      { path: '001_a.sql', sql: 'create table a (id int primary key);' },
      { path: '002_b.sql', sql: 'create table b (id int primary key, a_id int not null references a);\ncreate index b_a on b (a_id);' },
      { path: '003_a_more.sql', sql: 'alter table a add column name text;' },
    ];
    const first = await run(files);
    const second = await run(files);
    const md = renderReport(first.report);
    expect(renderReport(second.report)).toBe(md);
    expect(md).toContain('- `table public.a`: created in 001, altered in 003');
    expect(md).toContain('public_a ||--o{ public_b : "a_id"');
    expect(md).not.toMatch(/Time taken/);
    const sql = emitBaseline(first.catalog, { pgsquashVersion: 't', postgresMajor: 17, sourceFiles: 3, inputDigest: 'x' });
    const annotated = annotateBaseline(sql, first.catalog, first.recorded.provenance);
    expect(annotated.replace(/^-- from: .*\n/gm, '')).toBe(sql);
    expect(annotated).toMatch(/-- from: 001_a\.sql, 003_a_more\.sql\nCREATE TABLE public\.a /);
    expect(annotated).toMatch(/-- from: 002_b\.sql\nCREATE INDEX b_a /);
  });
});
