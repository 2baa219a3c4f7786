/**
 * The kinds with many rows (relations, columns, table constraints, indexes) build their ids from
 * names in SQL instead of calling `pg_identify_object` per row: every such id, every mention of
 * one (parent, covers, references) and the guard's enumeration must read exactly as that function
 * names the object, whatever the spelling (keywords, capitals, quotes, dots, spaces).
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { introspect, snapshot } from '../../src/catalog/index.js';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { PG15_BIN, havePg15 } from '../helpers/paths.js';

const ddl = `
  CREATE SCHEMA "Odd ""Schema"".x";
  CREATE TABLE "Odd ""Schema"".x"."select" ("Id" int PRIMARY KEY, "a""b" text UNIQUE, "order" int CHECK ("order" > 0), plain text DEFAULT 'x');
  CREATE TABLE "Odd ""Schema"".x"."Child Table" (id int GENERATED ALWAYS AS IDENTITY, parent int REFERENCES "Odd ""Schema"".x"."select",
    "Total" int GENERATED ALWAYS AS (id * 2) STORED, CONSTRAINT "Two Words" UNIQUE (parent, id));
  CREATE INDEX "Idx.Dot" ON "Odd ""Schema"".x"."Child Table" ("Total");
  CREATE TABLE public.events (at date NOT NULL, n int, CONSTRAINT events_n CHECK (n > 0)) PARTITION BY RANGE (at);
  CREATE TABLE public."Events 2024" PARTITION OF public.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
  CREATE INDEX events_at ON public.events (at);
  ALTER TABLE public.events ADD CONSTRAINT events_pk PRIMARY KEY (at);
  CREATE SEQUENCE public."Seq" OWNED BY public.events.n;
  CREATE VIEW public."View" AS SELECT 1 AS one;
  CREATE MATERIALIZED VIEW public.mv AS SELECT 1 AS one;
  CREATE UNIQUE INDEX "mv one" ON public.mv (one);
  CREATE FOREIGN DATA WRAPPER ids_fdw;
  CREATE SERVER ids_server FOREIGN DATA WRAPPER ids_fdw;
  CREATE FOREIGN TABLE "Odd ""Schema"".x"."Remote ""T""" ("Col" int CONSTRAINT "Col > 0" CHECK ("Col" > 0), plain text DEFAULT 'x') SERVER ids_server;`;

/** pg_identify_object's id of every relation, column and constraint outside the system schemas. */
async function identified(client: pg.Client): Promise<Set<string>> {
  const { rows } = await client.query<{ id: string }>(`
    WITH o AS (
      SELECT 'pg_class'::regclass AS c, c.oid AS o, 0 AS s FROM pg_class c WHERE c.oid >= 16384
      UNION ALL SELECT 'pg_class'::regclass, a.attrelid, a.attnum FROM pg_attribute a WHERE a.attrelid >= 16384 AND a.attnum > 0
      UNION ALL SELECT 'pg_constraint'::regclass, k.oid, 0 FROM pg_constraint k WHERE k.oid >= 16384)
    SELECT i.type || ' ' || i.identity AS id FROM o, pg_identify_object(o.c, o.o, o.s) i`);
  return new Set(rows.map((r) => r.id));
}

const kinds = new Set(['table', 'column', 'constraint', 'index', 'sequence', 'view']);

describe.each([
  { label: 'Postgres 17', pgBin: undefined },
  { label: 'Postgres 15', pgBin: havePg15 ? PG15_BIN : 'missing' },
])('ids built from names equal pg_identify_object ($label)', ({ pgBin }) => {
  let engine: Engine | undefined;
  beforeAll(async () => {
    if (pgBin !== 'missing') engine = await createEngine({ kind: 'embedded', ...(pgBin ? { pgBin } : {}) });
  });
  afterAll(async () => {
    await engine?.close();
  });

  it('for the objects, their mentions and the guard enumeration', async (ctx) => {
    if (!engine) return ctx.skip();
    const db = await engine.createDatabase('ids');
    const client = await db.connect();
    try {
      const before = await snapshot(client);
      await client.query(ddl);
      const expected = await identified(client);
      const after = await snapshot(client);
      const catalog = await introspect(client, { before });
      const objects = catalog.objects.filter((o) => kinds.has(o.kind));
      const mentioned = objects.flatMap((o) => {
        const def = o.def as { references?: string | null };
        return [o.parent, ...o.covers, def.references].filter((x): x is string => typeof x === 'string');
      });
      // 2 + 2 tables, 10 columns, 6 + 2 constraints (a partition inherits events_n and events_pk), 3 + 1 indexes, ...
      expect(objects.length).toBeGreaterThan(25);
      for (const id of [...objects.map((o) => o.id), ...mentioned]) expect(expected, id).toContain(id);
      // the enumeration leaves out what the table, index and constraint kinds read; the rest it names alike
      const relationTypes = /^(table|table column|table constraint|index|sequence|view|materialized view) /;
      const enumerated = after.identities.filter((id) => relationTypes.test(id) && !before.identities.includes(id));
      expect(enumerated.sort()).toEqual(['materialized view public.mv', 'sequence public."Seq"', 'view public."View"']);
      for (const id of enumerated) expect(expected, id).toContain(id);
      // a foreign table's columns are typed by it, and parented to it
      expect(objects.filter((o) => o.id.startsWith('foreign table column ')).map((o) => o.parent)).toEqual([
        'foreign table "Odd ""Schema"".x"."Remote ""T"""',
        'foreign table "Odd ""Schema"".x"."Remote ""T"""',
      ]);
      // the index behind a primary key is covered under the name Postgres gives it
      expect(catalog.objects.find((o) => o.id === 'table constraint events_pk on public.events')?.covers).toEqual(['index public.events_pk']);
    } finally {
      await client.end();
      await db.drop();
    }
  });
});
