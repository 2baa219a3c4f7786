import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { replay, type ReplayOptions } from '../../src/replay/index.js';
import { xminLookAt } from '../../src/replay/provenance-looks.js';
import { ProvenanceTracker, type Provenance } from '../../src/replay/provenance.js';
import { migrationSet, type FileSpec } from './helpers.js';

let engine: Engine;
let dir: string;
beforeAll(async () => {
  engine = await createEngine({ kind: 'embedded' });
  dir = await mkdtemp(path.join(os.tmpdir(), 'pgsquash-provenance-'));
});
afterAll(async () => {
  await engine?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Replays `files` with a tracker; also says whether the tracker left anything in the database. */
async function track(files: FileSpec[], eventTriggers: boolean, options: ReplayOptions = {}) {
  const set = migrationSet(files);
  const db = await engine.createDatabase('provenance');
  const tracker = new ProvenanceTracker(set.migrations, { eventTriggers });
  try {
    await replay(set, db, { ...options, ...tracker.hooks() });
    const client = await db.connect();
    const { rows } = await client.query<{ n: string }>(
      `SELECT (SELECT count(*) FROM pg_namespace WHERE nspname = 'pgsquash_provenance') + (SELECT count(*) FROM pg_event_trigger WHERE evtname LIKE 'pgsquash%') AS n`,
    );
    await client.end();
    return { provenance: tracker.result(), leftovers: Number(rows[0]?.n), looks: tracker.looks };
  } finally {
    await tracker.close();
    await db.drop();
  }
}

/** Digests hold OIDs, which differ between two replays: compare what happened, not them. */
const withoutDigests = (p: Provenance) => ({
  files: p.files,
  objects: p.objects.map(({ digest: _digest, events, ...rest }) => ({ ...rest, events: events.map(({ before: _before, ...event }) => event) })),
});

const story = (p: Provenance, id: string) =>
  p.objects.filter((o) => o.id === id).map((o) => [...(o.preexisting ? ['preexisting'] : []), ...o.events.map((e) => `${e.action} ${p.files[e.file]}`)].join(', '));

/** Commands the event-trigger log reports only in part, or not at all, one per file. */
const tricky: FileSpec[] = [
  { path: '01_parent.sql', sql: 'create table parent (id int primary key, code int unique);' },
  { path: '02_child.sql', sql: 'create table child (id int primary key, parent_id int references parent (id));\ncreate index child_parent on child (parent_id);' },
  // The key's type change rebuilds parent's primary key index and child's foreign key under new OIDs.
  { path: '03_retype.sql', sql: 'alter table parent alter column id type bigint;' },
  { path: '04_renamed.sql', sql: 'create table first_name (x int);' },
  // Runs right after the file that created the table: a look behind the replay must still see the old name.
  { path: '05_rename.sql', sql: 'alter table first_name rename to second_name;\nalter table second_name rename column x to y;' },
  { path: '06_partitions.sql', sql: 'create table part (k int) partition by range (k);\ncreate table part_1 partition of part for values from (0) to (10);' },
  { path: '07_part_column.sql', sql: 'alter table part add column note text;' },
  { path: '08_role.sql', sql: 'create role provenance_reader;' },
  { path: '09_grant.sql', sql: 'grant select on parent to provenance_reader;' },
  { path: '10_defaults.sql', sql: 'alter default privileges grant select on tables to provenance_reader;' },
  { path: '11_owner.sql', sql: 'create role provenance_owner;\nalter table child owner to provenance_owner;' },
  { path: '12_reassign.sql', sql: 'reassign owned by provenance_owner to current_user;' },
  { path: '13_event_trigger.sql', sql: 'create function note_ddl() returns event_trigger language plpgsql as $$begin end$$;\ncreate event trigger note_ddl on ddl_command_end execute function note_ddl();' },
  { path: '14_dynamic.sql', sql: "do $$begin execute 'create table made_by_do (z int)'; end$$;" },
  { path: '15_extension.sql', sql: 'create extension pgcrypto;' },
  { path: '16_drop_role.sql', sql: 'revoke select on parent, made_by_do from provenance_reader;\nalter default privileges revoke select on tables from provenance_reader;\ndrop role provenance_reader;' },
  { path: '17_drop_column.sql', sql: 'alter table child drop column parent_id;' },
  { path: '18_comment.sql', sql: "comment on column parent.code is 'the code';" },
  { path: '19_drop_owner.sql', sql: 'drop owned by provenance_owner;\ndrop role provenance_owner;' },
  // Waits for every older snapshot, the look of the file before included: a look must not wait for the replay.
  { path: '20_concurrently.sql', sql: 'create index concurrently parent_code_idx on parent (code);' },
];

describe('provenance tracker', () => {
  it('records the same history with the event-trigger log as with xmin looks, and leaves nothing behind', async () => {
    const logged = await track(tricky, true);
    const scanned = await track(tricky, false);
    expect(logged.leftovers).toBe(0);
    expect(scanned.leftovers).toBe(0);
    expect(logged.looks).toEqual({ logged: tricky.length, xmin: 0 });
    expect(scanned.looks).toEqual({ logged: 0, xmin: tricky.length });
    expect(withoutDigests(logged.provenance)).toEqual(withoutDigests(scanned.provenance));

    const p = logged.provenance;
    expect(story(p, 'table public.parent')).toEqual(['created 01_parent.sql, altered 09_grant.sql, altered 16_drop_role.sql']);
    expect(story(p, 'table column public.parent.id')).toEqual(['created 01_parent.sql, altered 03_retype.sql']);
    // The rebuilt foreign key is a new constraint; the old one is gone with the retype.
    expect(story(p, 'table constraint child_parent_id_fkey on public.child')).toEqual([
      'created 02_child.sql, dropped 03_retype.sql',
      'created 03_retype.sql, dropped 17_drop_column.sql',
    ]);
    expect(story(p, 'table column public.child.parent_id')).toEqual(['created 02_child.sql, dropped 17_drop_column.sql']);
    const renamed = p.objects.find((o) => o.id === 'table public.second_name');
    expect(renamed?.formerIds).toEqual(['table public.first_name']);
    expect(story(p, 'table public.second_name')).toEqual(['created 04_renamed.sql, altered 05_rename.sql']);
    expect(p.objects.find((o) => o.id === 'table column public.second_name.y')?.formerIds).toEqual(['table column public.first_name.x']);
    expect(story(p, 'table column public.part_1.note')).toEqual(['created 07_part_column.sql']);
    expect(story(p, 'role provenance_reader')).toEqual(['created 08_role.sql, dropped 16_drop_role.sql']);
    expect(story(p, 'table public.child')).toEqual(['created 02_child.sql, altered 11_owner.sql, altered 12_reassign.sql']);
    expect(story(p, 'event trigger note_ddl')).toEqual(['created 13_event_trigger.sql']);
    expect(story(p, 'table public.made_by_do')).toEqual(['created 14_dynamic.sql, altered 16_drop_role.sql']);
    expect(story(p, 'extension pgcrypto')).toEqual(['created 15_extension.sql']);
    expect(p.objects.some((o) => o.id.startsWith('function public.gen_random_uuid'))).toBe(false);
    expect(story(p, 'table column public.parent.code')).toEqual(['created 01_parent.sql, altered 18_comment.sql']);
    expect(story(p, 'index public.parent_code_idx')).toEqual(['created 20_concurrently.sql']);
    expect(p.objects.filter((o) => o.type === 'default acl').map((o) => o.events.map((e) => `${e.action} ${p.files[e.file]}`).join(', '))).toEqual([
      'created 10_defaults.sql, dropped 16_drop_role.sql',
    ]);
  });

  it('keeps recording when a migration drops every schema, the log one included', async () => {
    const reset = `do $$declare s text; begin
  for s in select nspname from pg_namespace where nspname !~ '^pg_' and nspname <> 'information_schema' loop
    execute format('drop schema %I cascade', s);
  end loop;
end$$;
create schema public;`;
    const files: FileSpec[] = [
      { path: '01_t.sql', sql: 'create table t (a int);' },
      { path: '02_reset.sql', sql: reset },
      { path: '03_u.sql', sql: 'create table u (b int);' },
      { path: '04_u.sql', sql: 'alter table u add column c int;' },
    ];
    const logged = await track(files, true);
    const scanned = await track(files, false);
    expect(logged.leftovers).toBe(0);
    // the log goes with the file that drops it: that file and the rest are read by xmin
    expect(logged.looks).toEqual({ logged: 1, xmin: 3 });
    expect(withoutDigests(logged.provenance)).toEqual(withoutDigests(scanned.provenance));
    expect(story(logged.provenance, 'table public.t')).toEqual(['created 01_t.sql, dropped 02_reset.sql']);
    expect(story(logged.provenance, 'table column public.u.c')).toEqual(['created 04_u.sql']);
  });

  it('reads a file by xmin when its look fails, and goes back to the log after it', async () => {
    // the xmin-only replay has no log schema
    const onLogSchema = (command: string) =>
      `do $$begin if exists (select 1 from pg_namespace where nspname = 'pgsquash_provenance') then execute '${command}'; end if; end$$;`;
    const files: FileSpec[] = [
      { path: '01_t.sql', sql: 'create table t (a int);' },
      // The look runs as the migrations' role: without rights on its schema it fails.
      { path: '02_lock_out.sql', sql: `${onLogSchema('revoke usage on schema pgsquash_provenance from public')}\ncreate role provenance_lowly;\ngrant create on schema public to provenance_lowly;\nset role provenance_lowly;\ncreate table u (b int);` },
      { path: '03_alter.sql', sql: 'alter table u add column c int;' },
      { path: '04_back.sql', sql: `reset role;\n${onLogSchema('grant usage on schema pgsquash_provenance to public')}\nalter table t add column d int;` },
      { path: '05_more.sql', sql: 'alter table t drop column a;\ndrop table u;\nrevoke create on schema public from provenance_lowly;\ndrop role provenance_lowly;' },
    ];
    const logged = await track(files, true);
    const scanned = await track(files, false);
    expect(logged.looks).toEqual({ logged: 3, xmin: 2 });
    expect(logged.leftovers).toBe(0);
    expect(withoutDigests(logged.provenance)).toEqual(withoutDigests(scanned.provenance));
    expect(story(logged.provenance, 'table column public.u.c')).toEqual(['created 03_alter.sql, dropped 05_more.sql']);
    expect(story(logged.provenance, 'table column public.t.d')).toEqual(['created 04_back.sql']);
    expect(story(logged.provenance, 'table column public.t.a')).toEqual(['created 01_t.sql, dropped 05_more.sql']);
  });

  it('names objects from the rows it reads exactly as pg_identify_object does', async () => {
    const db = await engine.createDatabase('provenance');
    const client = await db.connect();
    try {
      await client.query(`
        create schema "My S";
        create type "My S"."E" as enum ('a');
        create domain public."d.1" as int constraint "pos it" check (value > 0);
        create table "My S"."T" ("Col" int constraint "C k" check ("Col" > 0), "select" text, primary key ("Col"));
        create function "My S"."F x"(a int, b "My S"."E", c text[], d public."d.1", e varchar(3), f timestamptz, g "My S"."T", h "My S"."E"[], i public."d.1"[]) returns int language sql as 'select 1';
        create function public.noargs() returns trigger language plpgsql as 'begin return new; end';
        create procedure public.p(inout x int) language sql as 'select 1';
        create aggregate public.agg(int) (sfunc = int4pl, stype = int);
        create trigger "T rig" before insert on "My S"."T" for each row execute function public.noargs();
        alter table "My S"."T" enable row level security;
        create policy "Pol" on "My S"."T" using (true);
        create rule "R" as on update to "My S"."T" do also notify x;
        create view "My S"."V" as select 1 as one;
        create index "I x" on "My S"."T" ("select");
        create sequence public."S q";
        create role "provenance Reader";
        alter default privileges grant select on tables to "provenance Reader";
        alter default privileges in schema "My S" grant usage on sequences to "provenance Reader";
        alter default privileges grant execute on functions to "provenance Reader";
        alter default privileges in schema "My S" grant usage on types to "provenance Reader";
      `);
      const look = await xminLookAt(client, '0');
      const named = [...look.rows, ...look.roles].filter((r) => r.named);
      const { rows } = await client.query<{ type: string; identity: string }>({
        text: `SELECT i.type, i.identity FROM ROWS FROM (unnest($1::oid[]), unnest($2::oid[]), unnest($3::int4[])) WITH ORDINALITY u(c, o, s, n),
          LATERAL pg_identify_object(u.c, u.o, u.s) i ORDER BY u.n`,
        values: [named.map((r) => r.c), named.map((r) => r.o), named.map((r) => r.s)],
      });
      expect(named.map((r) => r.named?.id)).toEqual(rows.map((r) => `${r.type} ${r.identity}`));
      // Every kind the look names from its rows is among them.
      expect(new Set(rows.map((r) => r.type))).toEqual(
        new Set(['schema', 'type', 'domain constraint', 'table', 'table column', 'table constraint', 'index', 'function', 'procedure', 'aggregate',
          'trigger', 'policy', 'rule', 'view', 'sequence', 'role', 'default acl']),
      );
    } finally {
      await client.query('drop owned by "provenance Reader"; drop role "provenance Reader"').catch(() => undefined);
      await client.end();
      await db.drop();
    }
  });

  it('ends quietly when the replay fails while looks still run behind it', async () => {
    const set = migrationSet([
      { path: '01_t.sql', sql: 'create table t (a int);' },
      { path: '02_t.sql', sql: 'alter table t add column b int;' },
      { path: '03_bad.sql', sql: 'select * from missing_table;' },
    ]);
    const db = await engine.createDatabase('provenance');
    const tracker = new ProvenanceTracker(set.migrations);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      await expect(replay(set, db, tracker.hooks())).rejects.toThrow(/03_bad\.sql:1:15/);
    } finally {
      await tracker.close();
      await db.drop();
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    process.off('unhandledRejection', onUnhandled);
    expect(unhandled).toEqual([]);
  });

  it('logs the DDL of migrations that run as a role without privileges on the log', async () => {
    const prelude = path.join(dir, 'roles.sql');
    // As platforms do (Supabase): new functions get no EXECUTE for PUBLIC, the look's included.
    await writeFile(prelude, 'create role provenance_app;\ngrant create on schema public to provenance_app;\nalter default privileges revoke execute on functions from public;\n');
    const files: FileSpec[] = [
      { path: '01_t.sql', sql: 'create table t (a int);' },
      { path: '02_t.sql', sql: 'alter table t add column b int;' },
    ];
    const { provenance, leftovers, looks } = await track(files, true, { preludes: [prelude], role: 'provenance_app' });
    expect(leftovers).toBe(0);
    expect(looks).toEqual({ logged: 2, xmin: 0 });
    expect(story(provenance, 'table public.t')).toEqual(['created 01_t.sql']);
    expect(story(provenance, 'table column public.t.b')).toEqual(['created 02_t.sql']);
  });
});
