import path from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import { createEngine, type Database, type Engine } from '../../src/engine/index.js';
import { EngineUnavailableError, InputError } from '../../src/errors.js';
import { ReplayFailedError, replay, type ReplayProgress } from '../../src/replay/index.js';
import { migrationSet, replayFixtures } from './helpers.js';

let engine: Engine;
let db: Database;
let client: pg.Client;

beforeAll(async () => {
  engine = await createEngine({ kind: 'embedded' });
});
afterAll(async () => {
  await engine?.close();
});
beforeEach(async () => {
  db = await engine.createDatabase('replay');
  client = await db.connect();
});
afterEach(async () => {
  await client.end();
  await db.drop();
});

/** The error a promise rejects with, which must be of `type`. */
async function rejection<T extends Error>(promise: Promise<unknown>, type: new (...args: never[]) => T): Promise<T> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error instanceof type) return error;
  throw error ?? new Error(`expected a ${type.name}`);
}
const failure = (promise: Promise<unknown>) => rejection(promise, ReplayFailedError);
const inputError = (promise: Promise<unknown>) => rejection(promise, InputError);

const tables = async () =>
  (await client.query<{ t: string }>(`SELECT table_schema || '.' || table_name AS t FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`)).rows.map((r) => r.t);

describe('replay: success', () => {
  it('runs every file in order, reports statements, round trips, timings and progress', async () => {
    const events: ReplayProgress[] = [];
    const set = migrationSet([
      { path: '001_users.sql', sql: 'create table users (id int primary key);\ncreate index on users (id);\n' },
      { path: '002_posts.sql', sql: 'create table posts (id int, user_id int references users);\ninsert into users values (1);\n', transaction: 'none' },
      { path: '003_view.sql', sql: '-- only a view\ncreate view v as select * from posts;', transaction: 'script' },
    ]);
    const result = await replay(set, db, { onProgress: (e) => events.push(e) });
    expect(await tables()).toEqual(['public.posts', 'public.users', 'public.v']);
    expect(result.files.map((f) => [f.path, f.executed, f.statements, f.roundTrips])).toEqual([
      ['001_users.sql', 'transaction', 2, 1], // BEGIN, the file and COMMIT in one message
      ['002_posts.sql', 'autocommit', 2, 1],
      ['003_view.sql', 'script', 1, 1],
    ]);
    expect(result.serverVersionNum).toBe(engine.serverVersionNum);
    for (const f of result.files) expect(f.durationMs).toBeGreaterThan(0);
    expect(events.map((e) => `${e.index}/${e.total} ${e.path} ${e.status}`)).toEqual([
      '1/3 001_users.sql start',
      '1/3 001_users.sql done',
      '2/3 002_posts.sql start',
      '2/3 002_posts.sql done',
      '3/3 003_view.sql start',
      '3/3 003_view.sql done',
    ]);
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });
});

describe('replay: failures point at the file, line and column', () => {
  it('formats like a compiler: file:line:col, SQLSTATE, message, source line and caret', async () => {
    const prefix = '   SELECT * FROM a, b, c, ';
    expect(prefix.length).toBe(26);
    const lines = [
      '-- 002: reporting views',
      'create table a (x int);',
      'create table b (y int);',
      'create table c (z int);',
      ...Array.from({ length: 8 }, (_, k) => `-- filler ${k}`),
      'CREATE VIEW report AS',
      `${prefix}tenants;`,
    ];
    const set = migrationSet([
      { path: '001_init.sql', sql: 'select 1;' },
      { path: '002_x.sql', sql: lines.join('\n') },
    ]);
    const error = await failure(replay(set, db));
    expect(error.exitCode).toBe(3);
    expect(error.failure).toMatchObject({ file: path.join('migrations', '002_x.sql'), line: 14, column: 27, sqlstate: '42P01', statementIndex: 3 });
    expect(error.format()).toBe(
      [
        'migrations/002_x.sql:14:27: ERROR 42P01: relation "tenants" does not exist',
        `  14 | ${prefix}tenants;`,
        `     | ${' '.repeat(26)}^`,
      ].join('\n'),
    );
    expect(error.failure.statement).toBe(`CREATE VIEW report AS\n${prefix}tenants;`);
    expect(error.completed.map((f) => f.path)).toEqual(['001_init.sql']);
  });

  it('counts columns in characters with multi-byte UTF-8 (and astral) text earlier on the line', async () => {
    const line = "select 'é🎉ü', \"naïve\" from nosuch;";
    const set = migrationSet([{ path: '001_x.sql', sql: `select 1;\n${line}` }]);
    const error = await failure(replay(set, db));
    const before = line.slice(0, line.indexOf('nosuch'));
    expect([...before].length).not.toBe(before.length); // the emoji is two UTF-16 units
    expect(error.failure).toMatchObject({ line: 2, column: [...before].length + 1 });
    expect(error.format().split('\n').at(-1)).toBe(`    | ${' '.repeat([...before].length)}^`);
  });

  it('finds the failing statement among several sent together (3rd statement, with and without a position)', async () => {
    const withPosition = migrationSet([{ path: '001.sql', sql: 'create table t (a int);\ninsert into t values (1);\nselect a, missing_column from t;\nselect 4;', transaction: 'none' }]);
    const e1 = await failure(replay(withPosition, db));
    expect(e1.failure).toMatchObject({ statementIndex: 2, line: 3, column: 11, sqlstate: '42703' });

    const db2 = await engine.createDatabase('replay');
    try {
      // division by zero carries no position: point at the start of the 3rd statement
      const noPosition = migrationSet([{ path: '001.sql', sql: 'select 1;\nselect 2;\n  select 1/0;\nselect 4;' }]);
      const e2 = await failure(replay(noPosition, db2));
      expect(e2.failure).toMatchObject({ statementIndex: 2, line: 3, column: 3, sqlstate: '22012', statement: 'select 1/0;' });
    } finally {
      await db2.drop();
    }
  });

  it('maps dbmate up sections back to the line in the file', async () => {
    // the file: line 1 `-- migrate:up`, the up section from line 2
    const set = migrationSet([{ path: '20240101_x.sql', sql: 'create table t (a int);\n\ninsert into t values (1, 2);\n', startLine: 2 }], 'dbmate');
    const error = await failure(replay(set, db));
    expect(error.failure).toMatchObject({ line: 4, column: 26, sqlstate: '42601' });
    expect(error.message).toMatch(/^migrations\/20240101_x\.sql:4:26: ERROR 42601: INSERT has more expressions than target columns$/);
  });

  it('carries DETAIL and HINT, and points into DO blocks by their PL/pgSQL line', async () => {
    const sql = [
      'create table t (a int);',
      'DO $$',
      'BEGIN',
      '  PERFORM 1;',
      "    RAISE EXCEPTION 'tenant % missing', 7 USING DETAIL = 'no row in tenants', HINT = 'run the seed first';",
      'END $$;',
    ].join('\n');
    const error = await failure(replay(migrationSet([{ path: '001.sql', sql }]), db));
    expect(error.failure).toMatchObject({ sqlstate: 'P0001', message: 'tenant 7 missing', detail: 'no row in tenants', hint: 'run the seed first', line: 5, column: 5 });
    const text = error.format().split('\n');
    expect(text[0]).toBe('migrations/001.sql:5:5: ERROR P0001: tenant 7 missing');
    expect(text[1]).toBe('DETAIL: no row in tenants');
    expect(text[2]).toBe('HINT: run the seed first');
    expect(text[3]).toMatch(/^CONTEXT: PL\/pgSQL function inline_code_block line 4 at RAISE/);
  });

  it('stops at the first failing file', async () => {
    const set = migrationSet([
      { path: '001.sql', sql: 'create table one ();' },
      { path: '002.sql', sql: 'create table two (); select * from nowhere;' },
      { path: '003.sql', sql: 'create table three ();' },
    ]);
    const error = await failure(replay(set, db));
    expect(error.failure.file).toBe(path.join('migrations', '002.sql'));
    expect(await tables()).toEqual(['public.one']); // 002 rolled back, 003 never ran
  });

  it('leaves no transaction open after a file sent with its BEGIN and COMMIT fails', async () => {
    const set = migrationSet([{ path: '001.sql', sql: 'create table one ();\ncreate table two (); select 1/0;' }]);
    const error = await failure(replay(set, db));
    expect(error.failure).toMatchObject({ line: 2, column: 22, statementIndex: 2, sqlstate: '22012' });
    expect(await tables()).toEqual([]);
  });

  it('with commitEvery, commits every N statements and still names the failing line', async () => {
    const sql = ['create table a ();', 'create table b ();', 'create table c ();', '  select 1/0;'].join('\n');
    const error = await failure(replay(migrationSet([{ path: '001.sql', sql }]), db, { commitEvery: 2 }));
    expect(error.failure).toMatchObject({ line: 4, column: 3, statementIndex: 3, sqlstate: '22012' });
    // [a, b] committed; [c, the division] rolled back
    expect(await tables()).toEqual(['public.a', 'public.b']);
  });

  it('reports a deferred constraint failing at COMMIT against the file', async () => {
    const sql = [
      'create table p (id int primary key);',
      'create table c (p int references p deferrable initially deferred);',
      'insert into c values (42);',
    ].join('\n');
    const error = await failure(replay(migrationSet([{ path: '001.sql', sql }]), db));
    expect(error.failure).toMatchObject({ sqlstate: '23503', line: 3, statementIndex: 2 });
  });

  it('treats a lost connection as the engine failing, not the migration', async () => {
    const set = migrationSet([{ path: '001.sql', sql: 'select pg_terminate_backend(pg_backend_pid());' }]);
    await expect(replay(set, db)).rejects.toBeInstanceOf(EngineUnavailableError);
  });
});

describe('replay: notices', () => {
  it('captures NOTICE and WARNING per file with statement index and line', async () => {
    const sql = [
      'create table if not exists t (a int);',
      'create table if not exists t (a int);',
      'drop table if exists nope;',
      "DO $$ BEGIN RAISE WARNING 'careful: %', 1; END $$;",
    ].join('\n');
    const result = await replay(migrationSet([{ path: '001.sql', sql, transaction: 'none' }]), db);
    expect(result.files[0]?.notices.map((n) => [n.severity, n.code, n.message, n.statementIndex, n.line, n.column])).toEqual([
      ['NOTICE', '42P07', 'relation "t" already exists, skipping', 1, 2, 1],
      ['NOTICE', '00000', 'table "nope" does not exist, skipping', 2, 3, 1],
      // a DO block's notice points at its PL/pgSQL line: here the body's first line, after `DO $$ `
      ['WARNING', '01000', 'careful: 1', 3, 4, 7],
    ]);
    expect(result.files[0]?.roundTrips).toBe(1);
  });
});

describe('replay: transactions', () => {
  it('runs a transaction file holding CREATE INDEX CONCURRENTLY in autocommit, with a note', async () => {
    const sql = 'create table t (a int);\ninsert into t values (1);\ncreate index concurrently t_a on t (a);\n';
    const result = await replay(migrationSet([{ path: '001.sql', sql }]), db);
    expect(result.files[0]?.executed).toBe('autocommit');
    expect(result.files[0]?.notes).toEqual([
      { code: 'ran-outside-transaction', line: 3, message: 'CREATE INDEX CONCURRENTLY (line 3) cannot run inside a transaction: ran the file in autocommit, statement by statement' },
    ]);
    const { rows } = await client.query(`SELECT indisvalid FROM pg_index WHERE indexrelid = 't_a'::regclass`);
    expect(rows).toEqual([{ indisvalid: true }]);
  });

  it('runs VACUUM and DROP INDEX CONCURRENTLY in a none file among batched statements', async () => {
    const sql = 'create table t (a int);\ncreate index i on t (a);\nvacuum t;\ndrop index concurrently i;\ncreate table u ();';
    const result = await replay(migrationSet([{ path: '001.sql', sql, transaction: 'none' }]), db);
    expect(result.files[0]?.roundTrips).toBe(4); // [create, create index], [vacuum], [drop concurrently], [create]
    expect(await tables()).toEqual(['public.t', 'public.u']);
  });

  it('sends a Prisma file as one script: its CONCURRENTLY statement fails next to others, as under Prisma', async () => {
    const alone = migrationSet([{ path: '001.sql', sql: '-- CreateIndex\nCREATE TABLE t (a int);', transaction: 'script' }, { path: '002.sql', sql: '-- CreateIndex\nCREATE INDEX CONCURRENTLY t_a ON t (a);', transaction: 'script' }]);
    await replay(alone, db);
    const db2 = await engine.createDatabase('replay');
    try {
      const mixed = migrationSet([{ path: '001.sql', sql: 'CREATE TABLE t (a int);\nCREATE INDEX CONCURRENTLY t_a ON t (a);', transaction: 'script' }]);
      const error = await failure(replay(mixed, db2));
      expect(error.failure).toMatchObject({ sqlstate: '25001', statementIndex: 1, line: 2 });
      expect(error.failure.advice).toMatch(/one implicit transaction/);
    } finally {
      await db2.drop();
    }
  });

  it('honours explicit BEGIN/COMMIT/ROLLBACK inside files in every mode', async () => {
    const sql = (n: string) =>
      `create table keep_${n} (); begin; create table gone_${n} (); rollback;\nbegin; create table kept_${n} (); commit; create table after_${n} ();`;
    const result = await replay(
      migrationSet([
        { path: '001.sql', sql: sql('t'), transaction: 'transaction' },
        { path: '002.sql', sql: sql('n'), transaction: 'none' },
        { path: '003.sql', sql: sql('s'), transaction: 'script' },
      ]),
      db,
    );
    // transaction: psql -1 semantics, the file's ROLLBACK ends the outer transaction too (keep_t gone);
    // script: one message, so the server's implicit transaction joins the file's BEGIN (keep_s gone, as under Prisma);
    // none: autocommit, keep_n stays
    expect(await tables()).toEqual([
      'public.after_n',
      'public.after_s',
      'public.after_t',
      'public.keep_n',
      'public.kept_n',
      'public.kept_s',
      'public.kept_t',
    ]);
    expect(result.files[0]?.notices.map((n) => n.message)).toContain('there is already a transaction in progress');
  });

  it('commits ALTER TYPE ... ADD VALUE before later statements of a none file use the value', async () => {
    await replay(
      migrationSet([
        { path: '001.sql', sql: "create type mood as enum ('sad');" },
        { path: '002.sql', sql: "alter type mood add value 'happy';\ncreate table t (m mood default 'happy');\ninsert into t default values;", transaction: 'none' },
      ]),
      db,
    );
    expect((await client.query('select m::text from t')).rows).toEqual([{ m: 'happy' }]);
    // in a transaction file the server refuses, as under the framework; pgsquash says what to do
    const db2 = await engine.createDatabase('replay');
    try {
      const error = await failure(
        replay(migrationSet([{ path: '001.sql', sql: "create type mood as enum ('sad');" }, { path: '002.sql', sql: "alter type mood add value 'happy';\nselect 'happy'::mood;" }]), db2),
      );
      expect(error.failure).toMatchObject({ sqlstate: '55P04', line: 2 });
      expect(error.failure.advice).toMatch(/outside a transaction/);
    } finally {
      await db2.drop();
    }
  });

  it('keeps SET LOCAL in a none file to its own statement, as autocommit does', async () => {
    const result = await replay(migrationSet([{ path: '001.sql', sql: 'create schema s;\nset local search_path = s;\ncreate table t ();', transaction: 'none' }]), db);
    expect(await tables()).toEqual(['public.t']);
    expect(result.files[0]?.notices.map((n) => [n.severity, n.line])).toEqual([['WARNING', 2]]);
  });
});

describe('replay: lexing follows the session', () => {
  it('splits later files with standard_conforming_strings as the server reports it', async () => {
    const set = migrationSet([
      { path: '001.sql', sql: 'set standard_conforming_strings = off;', transaction: 'none' },
      { path: '002.sql', sql: "create table t as select 'it\\'s; fine' as v;" },
    ]);
    const result = await replay(set, db);
    expect(result.files[1]?.statements).toBe(1);
    expect((await client.query('select v from t')).rows).toEqual([{ v: "it's; fine" }]);
  });
});

describe('replay: COPY FROM stdin', () => {
  it('loads inline data (also CRLF) and continues after the \\. line', async () => {
    const sql = 'create table t (a int, b text);\ncopy t (a, b) from stdin;\n1\tone\n2\t\\N\n\\.\ncopy t from stdin with (format csv);\r\n3,"th;ree"\r\n\\.\r\ninsert into t values (4, \'four\');\n';
    const result = await replay(migrationSet([{ path: '001.sql', sql }]), db);
    expect((await client.query('select a, b from t order by a')).rows).toEqual([
      { a: 1, b: 'one' },
      { a: 2, b: null },
      { a: 3, b: 'th;ree' },
      { a: 4, b: 'four' },
    ]);
    expect(result.files[0]?.statements).toBe(4);
  });

  it('points a bad data row at its line in the file', async () => {
    const sql = 'create table t (a int);\ncopy t from stdin;\n1\n2\nthree\n\\.\n';
    const error = await failure(replay(migrationSet([{ path: '001.sql', sql }]), db));
    expect(error.failure).toMatchObject({ sqlstate: '22P02', line: 5, column: 1, statementIndex: 1 });
  });

  it('refuses a COPY whose data has no \\. line, naming file:line:col', async () => {
    const error = await inputError(replay(migrationSet([{ path: '001.sql', sql: 'select 1;\n  copy t from stdin;\n1\n2\n' }]), db));
    expect(error.message).toBe('migrations/001.sql:2:3: COPY ... FROM stdin has no end-of-data line `\\.`');
    expect(error.location).toEqual({ file: path.join('migrations', '001.sql'), line: 2, column: 3 });
    expect(error.exitCode).toBe(2);
  });
});

describe('replay: input that is not plain SQL', () => {
  it('refuses psql meta-commands with file:line:col, before running the file', async () => {
    const set = migrationSet([{ path: '001.sql', sql: 'create table t ();\n-- load more\n  \\i more.sql\n' }]);
    const error = await inputError(replay(set, db));
    expect(error.message).toBe('migrations/001.sql:3:3: psql meta-command \\i: pgsquash runs SQL, not psql scripts');
    expect(error.details).toEqual(['inline the included file, or list it as its own migration']);
    expect(await tables()).toEqual([]);
  });

  it('renders Go template values and maps error columns back to the template text', async () => {
    const sql = [
      'create table {{ index .Options "Namespace" }}.users (id int);',
      'create index on {{index .Options "Namespace" }}.users (id);',
      'select id, nope from {{ .Options.Namespace }}.users;',
    ].join('\n');
    const set = migrationSet([{ path: '001.sql', sql: 'create schema auth;' }, { path: '002.up.sql', sql }]);
    const error = await failure(replay(set, db, { vars: { Namespace: 'auth' } }));
    // `nope` is at column 12 of the file's line 3, whatever the rendered value's length
    expect(error.failure).toMatchObject({ file: path.join('migrations', '002.up.sql'), line: 3, column: 12, sqlstate: '42703' });
    expect(error.failure.sourceLine).toBe('select id, nope from {{ .Options.Namespace }}.users;');
    expect(await tables()).toEqual([]);

    const db2 = await engine.createDatabase('replay');
    try {
      const ok = migrationSet([{ path: '001.sql', sql: 'create schema auth;' }, { path: '002.up.sql', sql: sql.split('\n').slice(0, 2).join('\n') }]);
      const result = await replay(ok, db2, { vars: { Namespace: 'auth' } });
      expect(result.files[1]?.notes).toEqual([{ code: 'templates-rendered', message: 'rendered Go template values: Namespace' }]);
    } finally {
      await db2.drop();
    }
  });

  it('refuses unknown template variables and unsupported actions as input errors, not SQL errors', async () => {
    const unknown = await inputError(replay(migrationSet([{ path: '001.sql', sql: 'select 1;\ncreate table {{ index .Options "Schema" }}.t ();' }]), db));
    expect(unknown.message).toBe('migrations/001.sql:2:14: template variable "Schema" is not set');
    expect(unknown.details).toEqual(['pass --var Schema=VALUE']);
    const action = await inputError(replay(migrationSet([{ path: '001.sql', sql: '{{ if .Options.X }}select 1;{{ end }}' }]), db, { vars: { X: '1' } }));
    expect(action.message).toBe('migrations/001.sql:1:1: unsupported Go template action {{ if .Options.X }}');
    // SQL array literals are not templates
    await replay(migrationSet([{ path: '001.sql', sql: "create table arr as select '{{1,2},{3,4}}'::int[][] as a;" }]), db);
  });
});

describe('replay: runner-provided state', () => {
  it('runs preludes first; a new session sees their database settings; the hook sees the "after preludes" state', async () => {
    const seen: string[][] = [];
    const set = migrationSet([{ path: '001.sql', sql: "create table flavour as select current_setting('app.flavour') as v;" }]);
    const result = await replay(set, db, {
      preludes: [path.join(replayFixtures, 'preludes', 'database-settings.sql')],
      onPreludesDone: async ({ db: database }) => {
        const neutral = await database.connect();
        try {
          seen.push((await neutral.query(`SELECT table_schema || '.' || table_name AS t FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog','information_schema') ORDER BY 1`)).rows.map((r) => r.t));
        } finally {
          await neutral.end();
        }
      },
    });
    expect(seen).toEqual([['platform.ready']]);
    expect((await client.query('select v from flavour')).rows).toEqual([{ v: 'mint' }]);
    expect(result.preludes.map((p) => [path.basename(p.path), p.phase, p.executed])).toEqual([['database-settings.sql', 'prelude', 'autocommit']]);
  });

  it('applies --set settings and --role to every migration session', async () => {
    const set = migrationSet([
      { path: '001.sql', sql: 'create table t (who text default current_user, label text default current_setting(\'app.label\'));' },
      { path: '002.sql', sql: 'insert into t default values;' },
    ]);
    await replay(set, db, {
      preludes: [path.join(replayFixtures, 'preludes', 'migrator-role.sql')],
      settings: { search_path: 'app, public', 'app.label': 'two words\\and a backslash' },
      role: 'replay_migrator',
    });
    const { rows } = await client.query(`SELECT c.relnamespace::regnamespace::text AS schema, pg_get_userbyid(c.relowner) AS owner FROM pg_class c WHERE relname = 't'`);
    expect(rows).toEqual([{ schema: 'app', owner: 'replay_migrator' }]);
    expect((await client.query('select who, label from app.t')).rows).toEqual([{ who: 'replay_migrator', label: 'two words\\and a backslash' }]);
  });

  it('refuses a role that does not exist as an input error', async () => {
    const error = await inputError(replay(migrationSet([{ path: '001.sql', sql: 'select 1;' }]), db, { role: 'nobody_here' }));
    expect(error.message).toBe('--role nobody_here: role "nobody_here" does not exist');
  });

  it('refuses a bad --set value as an input error naming the setting', async () => {
    const error = await inputError(replay(migrationSet([{ path: '001.sql', sql: 'select 1;' }]), db, { settings: { search_path: 'app', statement_timeout: 'soon' } }));
    expect(error.message).toBe('--set statement_timeout: invalid value for parameter "statement_timeout": "soon"');
  });

  it('creates the runner history table the migrations alter (maragudk/migrate)', async () => {
    const set = migrationSet([{ path: '0000_alter_table_migrations.up.sql', sql: 'ALTER TABLE migrations ADD PRIMARY KEY (version);' }]);
    const result = await replay(set, db, { historyTable: 'maragudk-migrate' });
    expect(result.historyTable).toBe('maragudk-migrate');
    expect((await client.query('select version from migrations')).rows).toEqual([{ version: '' }]);
    const error = await failure(replay(set, await engine.createDatabase('replay')));
    expect(error.failure.message).toBe('relation "migrations" does not exist');
  });
});
