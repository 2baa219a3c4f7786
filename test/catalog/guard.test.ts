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

  it('names uncovered objects (a large object, a subscription, another database changed by name) and fails with exit code 2', async () => {
    const client = await fresh();
    try {
      const before = await snapshot(client);
      await client.query(`
        CREATE TYPE money2 AS (amount numeric);
        CREATE FUNCTION money2_to_numeric(money2) RETURNS numeric LANGUAGE sql AS 'SELECT $1.amount';
        CREATE CAST (money2 AS numeric) WITH FUNCTION money2_to_numeric(money2);
        CREATE FUNCTION money2_add(money2, money2) RETURNS money2 LANGUAGE sql AS 'SELECT ROW($1.amount + $2.amount)::money2';
        CREATE OPERATOR + (LEFTARG = money2, RIGHTARG = money2, FUNCTION = money2_add);
        CREATE FUNCTION money2_cmp(money2, money2) RETURNS int LANGUAGE sql AS 'SELECT CASE WHEN $1.amount < $2.amount THEN -1 WHEN $1.amount > $2.amount THEN 1 ELSE 0 END';
        CREATE OPERATOR CLASS money2_ops FOR TYPE money2 USING btree AS FUNCTION 1 money2_cmp(money2, money2);
        CREATE TABLE fine (id int);
        CREATE VIEW fine_view AS SELECT id FROM fine;
        ALTER VIEW fine_view ALTER COLUMN id SET DEFAULT 1;
        SELECT pg_catalog.lo_create(424243);
        ALTER DATABASE postgres SET statement_timeout = '5s';
        COMMENT ON DATABASE postgres IS 'the platform''s';`);
      // no publisher needed without a connection; subscriptions live in pg_subscription, beside the database's own catalogs
      await client.query(`CREATE SUBSCRIPTION guard_sub CONNECTION 'dbname=nowhere' PUBLICATION p WITH (connect = false)`);
      const error = await introspect(client, { before }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UncoveredObjectsError);
      const uncovered = error as UncoveredObjectsError;
      expect(uncovered.exitCode).toBe(ExitCode.usage);
      // the cast, the operator, the operator class and family and the view's column default are modelled
      expect(uncovered.objects).toEqual([
        'large object 424243',
        'subscription guard_sub',
        "comment on database postgres: the platform's",
        'settings of database postgres: statement_timeout=5s',
      ]);
      expect(uncovered.details.join('\n')).toContain('subscription guard_sub');
      // another database changed by name: the message says how to write it for the baseline
      expect(uncovered.details.join('\n')).toContain('current_database()');
    } finally {
      // a database with a subscription cannot be dropped; without a slot it drops offline
      await client.query(`ALTER SUBSCRIPTION guard_sub SET (slot_name = NONE); DROP SUBSCRIPTION guard_sub`).catch(() => undefined);
      await client.query(`ALTER DATABASE postgres RESET ALL; COMMENT ON DATABASE postgres IS NULL`);
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

  it('without a before-snapshot, every user object counts as created', async () => {
    const client = await fresh();
    try {
      await client.query(`CREATE SCHEMA s; CREATE TABLE s.t (id int);
        CREATE FOREIGN DATA WRAPPER dummy; CREATE SERVER remote FOREIGN DATA WRAPPER dummy; CREATE OPERATOR FAMILY s.fam USING btree;
        SELECT pg_catalog.lo_create(424242);`);
      const error = (await introspect(client).catch((e: unknown) => e)) as UncoveredObjectsError;
      expect(error).toBeInstanceOf(UncoveredObjectsError);
      // the wrapper, the server and the operator family are modelled; a large object is not
      expect(error.objects).toEqual(['large object 424242']);
    } finally {
      await client.end();
    }
  });
});
