/**
 * The completeness guard: anything the migrations created that the model does not cover makes
 * introspection fail, naming each object; extension members and pre-existing objects do not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { introspect, snapshot, UncoveredObjectsError } from '../../src/catalog/index.js';
import { createEngine, type Database, type Engine } from '../../src/engine/index.js';
import { ExitCode } from '../../src/errors.js';

describe('completeness guard', () => {
  let engine: Engine;
  const dbs: Database[] = [];
  beforeAll(async () => {
    engine = await createEngine({ kind: 'embedded' });
  });
  afterAll(async () => {
    for (const db of dbs) await db.drop();
    await engine?.close();
  });

  async function fresh() {
    const db = await engine.createDatabase('guard');
    dbs.push(db);
    return db.connect();
  }

  it('names uncovered objects (a cast, an operator) and fails with exit code 2', async () => {
    const client = await fresh();
    try {
      const before = await snapshot(client);
      await client.query(`
        CREATE TYPE money2 AS (amount numeric);
        CREATE FUNCTION money2_to_numeric(money2) RETURNS numeric LANGUAGE sql AS 'SELECT $1.amount';
        CREATE CAST (money2 AS numeric) WITH FUNCTION money2_to_numeric(money2);
        CREATE FUNCTION money2_add(money2, money2) RETURNS money2 LANGUAGE sql AS 'SELECT ROW($1.amount + $2.amount)::money2';
        CREATE OPERATOR + (LEFTARG = money2, RIGHTARG = money2, FUNCTION = money2_add);
        CREATE TABLE fine (id int);`);
      const error = await introspect(client, { before }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UncoveredObjectsError);
      const uncovered = error as UncoveredObjectsError;
      expect(uncovered.exitCode).toBe(ExitCode.usage);
      expect(uncovered.objects).toEqual(['cast (public.money2 AS numeric)', 'operator public.+(public.money2,public.money2)']);
      expect(uncovered.details.join('\n')).toContain('cast (public.money2 AS numeric)');
    } finally {
      await client.end();
    }
  });

  it('ignores extension members and objects that existed before the migrations', async () => {
    const client = await fresh();
    try {
      // A prelude-made operator is not the migrations' doing.
      await client.query(`CREATE FUNCTION int_eq_text(int, text) RETURNS bool LANGUAGE sql AS 'SELECT $1::text = $2';
        CREATE OPERATOR === (LEFTARG = int, RIGHTARG = text, FUNCTION = int_eq_text);`);
      const before = await snapshot(client);
      // hstore brings operators, casts, opclasses: all extension members.
      await client.query(`CREATE EXTENSION hstore; CREATE TABLE t (h hstore);`);
      const catalog = await introspect(client, { before });
      expect(catalog.objects.map((o) => o.id)).toEqual(['comment on extension hstore', 'extension hstore', 'table column public.t.h', 'table public.t']);
    } finally {
      await client.end();
    }
  });

  it('stops on privileges the migrations granted, which the model does not carry yet', async () => {
    const client = await fresh();
    try {
      await client.query(`CREATE TABLE old (id int); GRANT SELECT ON old TO pg_monitor;`);
      const before = await snapshot(client);
      await client.query(`
        CREATE TABLE t (a int);
        GRANT SELECT ON t TO pg_read_all_data;
        GRANT UPDATE (a) ON t TO pg_read_all_data;
        GRANT CREATE ON SCHEMA public TO pg_read_all_data;
        ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO pg_read_all_data;`);
      const error = (await introspect(client, { before }).catch((e: unknown) => e)) as UncoveredObjectsError;
      expect(error).toBeInstanceOf(UncoveredObjectsError);
      expect(error.objects).toEqual([
        'default acl for role postgres on tables',
        'privileges on schema public: =U/pg_database_owner,pg_database_owner=UC/pg_database_owner,pg_read_all_data=C/pg_database_owner',
        'privileges on table column public.t.a: pg_read_all_data=w/postgres',
        'privileges on table public.t: pg_read_all_data=r/postgres,postgres=arwdDxtm/postgres',
      ]);
    } finally {
      await client.end();
    }
  });

  it('without a before-snapshot, every user object counts as created', async () => {
    const client = await fresh();
    try {
      await client.query(`CREATE SCHEMA s; CREATE TABLE s.t (id int); CREATE AGGREGATE s.mysum(int) (SFUNC = int4pl, STYPE = int);`);
      const error = (await introspect(client).catch((e: unknown) => e)) as UncoveredObjectsError;
      expect(error).toBeInstanceOf(UncoveredObjectsError);
      expect(error.objects).toEqual(['aggregate s.mysum(integer)']);
    } finally {
      await client.end();
    }
  });
});
