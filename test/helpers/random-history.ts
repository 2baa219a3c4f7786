/**
 * Random migration histories for round-trip tests: each statement is proposed from what the
 * database holds at that moment (read from its catalog) and kept only if Postgres runs it, inside
 * a savepoint, so every history is valid by construction and the generator needs no model of its
 * own. Deterministic for a seed: the same seed on the same Postgres major gives the same files.
 */
import type pg from 'pg';
import { prng } from '../../bench/generate.js';

interface Column {
  name: string;
  type: string;
  notNull: boolean;
  /** A generated column: no value can be inserted. */
  generated: boolean;
}

interface Table {
  schema: string;
  name: string;
  qname: string;
  kind: string;
  columns: Column[];
}

interface State {
  schemas: string[];
  tables: Table[];
  views: string[];
  indexes: string[];
  constraints: { table: string; name: string }[];
  enums: { qname: string; labels: string[] }[];
  functions: string[];
  triggers: { table: string; name: string }[];
  policies: { table: string; name: string }[];
  sequences: string[];
  /** Tables with INHERITS children (not partitions). */
  inherited: string[];
  domains: string[];
  composites: string[];
}

const q = (name: string) => (/^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`);

async function read(client: pg.Client): Promise<State> {
  const rows = async <T>(sql: string) => (await client.query(sql)).rows as T[];
  const user = `n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname !~ '^pg_'`;
  const rels = await rows<{ schema: string; name: string; kind: string; columns: Column[] | null }>(`
    SELECT n.nspname AS schema, c.relname AS name, c.relkind AS kind,
      (SELECT json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod), 'notNull', a.attnotnull, 'generated', a.attgenerated <> '') ORDER BY a.attnum)
         FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE ${user} AND c.relkind IN ('r', 'p', 'v', 'm', 'S') AND NOT c.relispartition ORDER BY 1, 2`);
  const qn = (r: { schema: string; name: string }) => `${q(r.schema)}.${q(r.name)}`;
  return {
    schemas: (await rows<{ n: string }>(`SELECT n.nspname AS n FROM pg_namespace n WHERE ${user} ORDER BY 1`)).map((r) => r.n),
    tables: rels.filter((r) => r.kind === 'r' || r.kind === 'p').map((r) => ({ ...r, qname: qn(r), columns: r.columns ?? [] })),
    views: rels.filter((r) => r.kind === 'v' || r.kind === 'm').map(qn),
    sequences: rels.filter((r) => r.kind === 'S').map(qn),
    indexes: (await rows<{ q: string }>(`SELECT format('%I.%I', n.nspname, c.relname) AS q FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${user} AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid) ORDER BY 1`)).map((r) => r.q),
    constraints: await rows(`SELECT k.conrelid::regclass::text AS table, quote_ident(k.conname) AS name FROM pg_constraint k JOIN pg_namespace n ON n.oid = k.connamespace
      WHERE ${user} AND k.conrelid <> 0 AND k.contype IN ('c', 'u', 'f', 'p') AND k.conparentid = 0 ORDER BY 1, 2`),
    enums: await rows(`SELECT t.oid::regtype::text AS qname, array_agg(e.enumlabel ORDER BY e.enumsortorder) AS labels
      FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace WHERE ${user} GROUP BY 1 ORDER BY 1`),
    functions: (await rows<{ f: string }>(`SELECT p.oid::regprocedure::text AS f FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE ${user} AND p.prokind = 'f' AND p.prorettype <> 'trigger'::regtype ORDER BY 1`)).map((r) => r.f),
    triggers: await rows(`SELECT g.tgrelid::regclass::text AS table, quote_ident(g.tgname) AS name FROM pg_trigger g WHERE NOT g.tgisinternal AND g.tgrelid >= 16384 ORDER BY 1, 2`),
    policies: await rows(`SELECT y.polrelid::regclass::text AS table, quote_ident(y.polname) AS name FROM pg_policy y ORDER BY 1, 2`),
    domains: (await rows<{ q: string }>(`SELECT t.oid::regtype::text AS q FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE ${user} AND t.typtype = 'd' ORDER BY 1`)).map((r) => r.q),
    composites: (await rows<{ q: string }>(`SELECT t.oid::regtype::text AS q FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE ${user} AND t.typtype = 'c' AND (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c' ORDER BY 1`)).map((r) => r.q),
    inherited: (await rows<{ q: string }>(`SELECT DISTINCT format('%I.%I', n.nspname, c.relname) AS q FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhparent
      JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' ORDER BY 1`)).map((r) => r.q),
  };
}

const TYPES = ['integer', 'bigint', 'text', 'boolean', 'numeric(12,2)', 'varchar(40)', 'date', 'jsonb', 'smallint', 'timestamptz'];

/** A literal of `type` for row `k` (deterministic). */
function value(type: string, k: number, enums: State['enums']): string {
  const e = enums.find((x) => x.qname === type);
  if (e) return `'${e.labels[k % e.labels.length]!.replace(/'/g, "''")}'`;
  if (/int/.test(type)) return String((k * 7919) % 1000);
  if (type.startsWith('numeric')) return `${k}.25`;
  if (type === 'boolean') return k % 2 ? 'true' : 'false';
  if (type === 'date') return `'2024-01-${String((k % 28) + 1).padStart(2, '0')}'`;
  if (type.startsWith('timestamp')) return `'2024-02-03 04:05:${String(k % 60).padStart(2, '0')}+00'`;
  if (type === 'uuid') return `'00000000-0000-4000-8000-${String(k).padStart(12, '0')}'`;
  if (type === 'jsonb') return `'{"k": ${k}, "tags": ["a", "b"]}'`;
  return `'v${k} ''quoted'' é'`;
}

/** Proposes one statement from the current state (may be invalid: the caller tries it). */
function propose(s: State, r: () => number, n: number): string | undefined {
  const pick = <T>(xs: T[]): T | undefined => (xs.length ? xs[Math.floor(r() * xs.length)] : undefined);
  const name = (prefix: string) => `${prefix}_${n}`;
  const table = pick(s.tables.filter((t) => t.kind === 'r'));
  // A column added to a parent lands after its children's own columns, an order CREATE TABLE ...
  // INHERITS cannot give: not reproduced yet (README), so not generated.
  const growable = table && !s.inherited.includes(table.qname) ? table : undefined;
  const col = table ? pick(table.columns) : undefined;
  const type = () => (r() < 0.15 && s.enums.length ? pick(s.enums)!.qname : pick(TYPES)!);
  const schema = () => q(pick(s.schemas) ?? 'public');
  switch (Math.floor(r() * 100)) {
    case 0:
      return `CREATE SCHEMA ${name('s')}`;
    case 1:
    case 2:
    case 3: {
      const cols = Array.from({ length: 1 + Math.floor(r() * 4) }, (_, k) => `c${k} ${type()}${r() < 0.3 ? ' NOT NULL' : ''}`);
      const key = pick(['id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY', 'id serial PRIMARY KEY', 'id bigint PRIMARY KEY', 'id uuid']);
      return `CREATE ${r() < 0.1 ? 'UNLOGGED ' : ''}TABLE ${schema()}.${name('t')} (${[key, ...cols].join(', ')})`;
    }
    case 4:
      return growable && `ALTER TABLE ${growable.qname} ADD COLUMN ${name('c')} ${type()}${r() < 0.5 ? ` DEFAULT ${value(type(), n, s.enums)}` : ''}`;
    case 5:
      return col && `ALTER TABLE ${table!.qname} DROP COLUMN ${q(col.name)}${r() < 0.5 ? ' CASCADE' : ''}`;
    case 6:
      return col && `ALTER TABLE ${table!.qname} RENAME COLUMN ${q(col.name)} TO ${name('r')}`;
    case 7:
      return col && `ALTER TABLE ${table!.qname} ALTER COLUMN ${q(col.name)} TYPE ${pick(['bigint', 'text', 'numeric', 'varchar(80)'])} USING ${q(col.name)}::text::${pick(['bigint', 'text', 'numeric'])}`;
    case 8:
      return col && `ALTER TABLE ${table!.qname} ALTER COLUMN ${q(col.name)} ${pick(['SET NOT NULL', 'DROP NOT NULL', 'DROP DEFAULT', `SET DEFAULT ${value(col.type, n, s.enums)}`])}`;
    case 9:
      return table && `ALTER TABLE ${table.qname} RENAME TO ${name('t')}`;
    case 10:
      return table && `ALTER TABLE ${table.qname} SET SCHEMA ${schema()}`;
    case 11:
    case 12: {
      const cols = table?.columns.filter(() => r() < 0.5).map((c) => q(c.name));
      if (!table || !cols?.length) return undefined;
      const expr = r() < 0.3 && col?.type === 'text' ? `(lower(${q(col.name)}))` : cols.join(', ');
      return `CREATE ${r() < 0.3 ? 'UNIQUE ' : ''}INDEX ${name('i')} ON ${table.qname} (${expr})${r() < 0.2 ? ` WHERE ${cols[0]} IS NOT NULL` : ''}`;
    }
    case 13:
      return pick(s.indexes) && `DROP INDEX ${pick(s.indexes)}`;
    case 14: {
      const target = pick(s.tables.filter((t) => t.columns.some((c) => c.name === 'id' && c.type !== 'uuid')));
      return growable && target && `ALTER TABLE ${growable.qname} ADD COLUMN ${name('fk')} ${target.columns.find((c) => c.name === 'id')!.type} REFERENCES ${target.qname}${r() < 0.5 ? ' ON DELETE CASCADE' : ''}${r() < 0.2 ? ' DEFERRABLE INITIALLY DEFERRED' : ''}`;
    }
    case 15: {
      const k = pick(s.constraints);
      return k && `ALTER TABLE ${k.table} DROP CONSTRAINT ${k.name}`;
    }
    case 16:
      return col && `ALTER TABLE ${table!.qname} ADD CONSTRAINT ${name('k')} ${r() < 0.5 ? `CHECK (${q(col.name)} IS NOT NULL OR ${q(col.name)} IS NULL)` : `UNIQUE (${q(col.name)})`}${r() < 0.2 ? ' NOT VALID' : ''}`;
    case 17:
    case 18: {
      const cols = table?.columns.filter(() => r() < 0.6).map((c) => q(c.name));
      if (!table || !cols?.length) return undefined;
      const materialized = r() < 0.2;
      return `CREATE ${materialized ? 'MATERIALIZED ' : 'OR REPLACE '}VIEW ${schema()}.${name('v')} AS SELECT ${cols.join(', ')} FROM ${table.qname}${r() < 0.3 ? ` WHERE ${cols[0]} IS NOT NULL` : ''}`;
    }
    case 19: {
      const v = pick(s.views);
      return v && `DROP ${r() < 0.5 ? 'VIEW' : 'MATERIALIZED VIEW'} ${v}${r() < 0.3 ? ' CASCADE' : ''}`;
    }
    case 20:
      return `CREATE TYPE ${schema()}.${name('e')} AS ENUM ('a', 'b c', 'd''e')`;
    case 21: {
      const e = pick(s.enums);
      return e && `ALTER TYPE ${e.qname} ADD VALUE '${name('x')}'${r() < 0.5 && e.labels[0] ? ` BEFORE '${e.labels[0].replace(/'/g, "''")}'` : ''}`;
    }
    case 22:
    case 23:
    case 85:
    case 99: {
      if (!table) return undefined;
      const cols = table.columns.filter((c) => !c.generated);
      const rows = 1 + Math.floor(r() * 3);
      const values = Array.from({ length: rows }, (_, k) => `(${cols.map((c) => value(c.type, n * 10 + k, s.enums)).join(', ')})`);
      return cols.length ? `INSERT INTO ${table.qname} (${cols.map((c) => q(c.name)).join(', ')}) ${table.columns.some((c) => c.name === 'id') ? 'OVERRIDING SYSTEM VALUE ' : ''}VALUES ${values.join(', ')}` : undefined;
    }
    case 24:
      return table && `DELETE FROM ${table.qname} WHERE ${col ? `${q(col.name)} IS NULL` : 'false'}`;
    case 25:
      return col && `COMMENT ON COLUMN ${table!.qname}.${q(col.name)} IS '${name('note')}'`;
    case 26:
      return table && `COMMENT ON TABLE ${table.qname} IS ${r() < 0.2 ? 'NULL' : `'${name('about')}'`}`;
    case 27:
      return `CREATE OR REPLACE FUNCTION ${schema()}.${name('f')}(x integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT x + ${n}'`;
    case 28: {
      if (!table) return undefined;
      const fn = `${schema()}.${name('tf')}`;
      return `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
CREATE TRIGGER ${name('tg')} BEFORE INSERT OR UPDATE ON ${table.qname} FOR EACH ROW EXECUTE FUNCTION ${fn}()`;
    }
    case 29:
      return table && `ALTER TABLE ${table.qname} ENABLE ROW LEVEL SECURITY;
CREATE POLICY ${name('p')} ON ${table.qname} FOR SELECT USING (${col ? `${q(col.name)} IS NOT NULL` : 'true'})`;
    case 30:
      return table && `GRANT SELECT${r() < 0.5 ? ', INSERT' : ''} ON ${table.qname} TO PUBLIC`;
    case 32:
      return `CREATE TABLE ${schema()}.${name('pt')} (id integer NOT NULL, k integer NOT NULL, v text) PARTITION BY RANGE (k);
CREATE TABLE ${schema()}.${name('pt')}_a PARTITION OF ${schema()}.${name('pt')} FOR VALUES FROM (0) TO (100)`;
    case 33: {
      const parent = pick(s.tables.filter((t) => t.kind === 'p'));
      return parent && `CREATE TABLE ${parent.qname.replace(/[^.]+$/, name('part'))} PARTITION OF ${parent.qname} FOR VALUES FROM (${n * 100}) TO (${n * 100 + 100})`;
    }
    case 34:
      return `CREATE DOMAIN ${schema()}.${name('d')} AS integer${r() < 0.5 ? ' NOT NULL' : ''} CHECK (VALUE > 0)`;
    case 35:
      return growable && col && `ALTER TABLE ${growable.qname} ADD COLUMN ${name('g')} integer GENERATED ALWAYS AS (length(${q(col.name)}::text)) STORED`;
    case 36:
      return table && `CREATE TABLE ${schema()}.${name('ch')} (extra integer) INHERITS (${table.qname})`;
    case 37: {
      const f = pick(s.functions.filter((x) => /\(integer\)$/.test(x)));
      const c = table?.columns.find((x) => x.type === 'integer' && x.name !== 'id');
      return f && c && `ALTER TABLE ${table!.qname} ALTER COLUMN ${q(c.name)} SET DEFAULT ${f.replace(/\(integer\)$/, '')}(${n})`;
    }
    case 38: {
      const c = table?.columns.find((x) => (x.type === 'integer' || x.type === 'bigint') && x.notNull);
      return c && `ALTER TABLE ${table!.qname} ALTER COLUMN ${q(c.name)} DROP DEFAULT, ALTER COLUMN ${q(c.name)} ADD GENERATED ${r() < 0.5 ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY`;
    }
    case 39:
      return col && `GRANT UPDATE (${q(col.name)}) ON ${table!.qname} TO PUBLIC`;
    case 40:
      return table && `REVOKE ALL ON ${table.qname} FROM PUBLIC`;
    case 41:
      return table && `ALTER TABLE ${table.qname} SET (fillfactor = ${50 + (n % 50)})`;
    case 42:
      return col && `ALTER TABLE ${table!.qname} ALTER COLUMN ${q(col.name)} SET STATISTICS ${100 + n}`;
    case 43:
      return table && `DROP TABLE ${table.qname}${r() < 0.5 ? ' CASCADE' : ''}`;
    case 44: {
      const k = pick(s.constraints);
      return k && `ALTER TABLE ${k.table} RENAME CONSTRAINT ${k.name} TO ${name('rk')}`;
    }
    case 45: {
      const i = pick(s.indexes);
      return i && `ALTER INDEX ${i} RENAME TO ${name('ri')}`;
    }
    case 46:
      return table && `ALTER TABLE ${table.qname} REPLICA IDENTITY ${r() < 0.5 ? 'FULL' : 'DEFAULT'}`;
    case 47: {
      const j = table?.columns.find((x) => x.type === 'jsonb');
      return j && `CREATE INDEX ${name('gi')} ON ${table!.qname} USING gin (${q(j.name)})`;
    }
    case 48: {
      const v = pick(s.views);
      return v && `CREATE VIEW ${schema()}.${name('vv')} AS SELECT * FROM ${v}`;
    }
    case 49: {
      const f = pick(s.functions);
      return f && `DROP FUNCTION ${f}${r() < 0.5 ? ' CASCADE' : ''}`;
    }
    case 50: {
      const e = pick(s.enums);
      return e && `DROP TYPE ${e.qname}${r() < 0.5 ? ' CASCADE' : ''}`;
    }
    case 51: {
      const seq = pick(s.sequences);
      return seq && col && `ALTER SEQUENCE ${seq} OWNED BY ${table!.qname}.${q(col.name)}`;
    }
    case 52:
      return col && `UPDATE ${table!.qname} SET ${q(col.name)} = ${value(col.type, n, s.enums)} WHERE ${q(col.name)} IS NOT NULL`;
    case 53: {
      const t = pick(s.tables.filter((x) => x.kind === 'r'));
      const c2 = t?.columns.find((x) => x.type === 'integer');
      return table && c2 && `CREATE VIEW ${schema()}.${name('jv')} AS SELECT a.*, b.${q(c2.name)} AS other FROM ${table.qname} a CROSS JOIN LATERAL (SELECT ${q(c2.name)} FROM ${t!.qname} LIMIT 1) b`;
    }
    case 54:
      return table && `ALTER TABLE ${table.qname} ${pick(['DISABLE', 'ENABLE REPLICA', 'ENABLE ALWAYS'])} TRIGGER ALL`;
    case 55: {
      const parent = pick(s.tables.filter((t) => t.kind === 'p'));
      return parent && `CREATE TABLE ${parent.qname.replace(/[^.]+$/, name('def'))} PARTITION OF ${parent.qname} DEFAULT`;
    }
    case 56: {
      const parent = pick(s.tables.filter((t) => t.kind === 'p'));
      return parent && `CREATE TABLE ${schema()}.${name('loose')} (LIKE ${parent.qname} INCLUDING DEFAULTS);
ALTER TABLE ${parent.qname} ATTACH PARTITION ${schema()}.${name('loose')} FOR VALUES FROM (${-100 - n * 100}) TO (${-n * 100})`;
    }
    case 57: {
      const parent = pick(s.tables.filter((t) => t.kind === 'p'));
      return parent && `CREATE INDEX ${name('pi')} ON ${parent.qname} (k)`;
    }
    case 58:
      return `CREATE TYPE ${schema()}.${name('ct')} AS (a integer, b text)`;
    case 59: {
      const e = pick(s.enums);
      return e && e.labels[0] && `ALTER TYPE ${e.qname} RENAME VALUE '${e.labels[0].replace(/'/g, "''")}' TO '${name('rv')}'`;
    }
    case 60:
      return `ALTER SCHEMA ${pick(s.schemas.filter((x) => x !== 'public')) ?? 'missing'} RENAME TO ${name('rs')}`;
    case 61: {
      const f = pick(s.functions);
      return f && `ALTER FUNCTION ${f} RENAME TO ${name('rf')}`;
    }
    case 62:
      return `CREATE PROCEDURE ${schema()}.${name('pr')}(x integer) LANGUAGE sql AS $$SELECT x$$`;
    case 63: {
      const v = pick(s.views);
      return v && `REFRESH MATERIALIZED VIEW ${v}`;
    }
    case 64:
      return growable && `ALTER TABLE ${growable.qname} ADD COLUMN ${name('arr')} text[] DEFAULT '{a,b}'`;
    case 65:
      return col && col.type === 'text' ? `ALTER TABLE ${table!.qname} ALTER COLUMN ${q(col.name)} TYPE text COLLATE "C"` : undefined;
    case 66:
      return `ALTER DEFAULT PRIVILEGES IN SCHEMA ${schema()} GRANT SELECT ON TABLES TO PUBLIC`;
    case 67: {
      const c = table?.columns.find((x) => x.type === 'integer' && x.notNull);
      return c && `ALTER TABLE ${table!.qname} ADD CONSTRAINT ${name('ex')} EXCLUDE USING btree (${q(c.name)} WITH =)`;
    }
    case 68: {
      const v = pick(s.views);
      return v && `COMMENT ON ${r() < 0.5 ? 'VIEW' : 'MATERIALIZED VIEW'} ${v} IS '${name('vc')}'`;
    }
    case 69:
      return table && `CREATE RULE ${name('ru')} AS ON DELETE TO ${table.qname} DO ALSO NOTIFY ${name('ch')}`;
    case 70: {
      const v = pick(s.views);
      return v && `ALTER VIEW ${v} SET (security_barrier = true)`;
    }
    case 71:
      return table && `CREATE PUBLICATION ${name('pub')} FOR TABLE ${table.qname}`;
    case 72: {
      const c = table?.columns.find((x) => x.name !== 'id');
      return c && `CREATE STATISTICS ${schema()}.${name('st')} ON id, ${q(c.name)} FROM ${table!.qname}`;
    }
    case 73: {
      const c = table?.columns.find((x) => /int/.test(x.type));
      return c && `ALTER TABLE ${table!.qname} ALTER COLUMN ${q(c.name)} TYPE ${pick(s.enums)?.qname ?? 'text'} USING NULL`;
    }
    case 74: {
      const parent = pick(s.tables.filter((t) => t.kind === 'p'));
      return parent && `ALTER TABLE ${parent.qname} ADD CONSTRAINT ${name('pk')} CHECK (k >= -1000000)`;
    }
    case 75: {
      const seq = pick(s.sequences);
      return seq && `ALTER SEQUENCE ${seq} RESTART WITH ${n} INCREMENT BY ${2 + (n % 5)} ${r() < 0.3 ? 'CYCLE MAXVALUE 100000' : ''}`;
    }
    case 76: {
      const c = table?.columns.find((x) => x.type === 'text' || x.type.startsWith('varchar'));
      return c && `ALTER TABLE ${table!.qname} ALTER COLUMN ${q(c.name)} SET STORAGE ${pick(['EXTERNAL', 'MAIN', 'PLAIN'])}`;
    }
    case 77:
      return table && `CLUSTER ${table.qname} USING ${pick(s.indexes.filter((i) => i.startsWith(table.qname.split('.')[0]!))) ?? 'missing'}`;
    case 78:
      return table && `TRUNCATE ${table.qname}${r() < 0.5 ? ' CASCADE' : ''}`;
    case 79: {
      const d = pick(s.domains);
      return growable && d && `ALTER TABLE ${growable.qname} ADD COLUMN ${name('dm')} ${d}`;
    }
    case 80: {
      const d = pick(s.domains);
      return d && pick([`ALTER DOMAIN ${d} ADD CONSTRAINT ${name('dk')} CHECK (VALUE < 1000000)${r() < 0.5 ? ' NOT VALID' : ''}`, `ALTER DOMAIN ${d} SET DEFAULT ${n}`, `ALTER DOMAIN ${d} DROP NOT NULL`]);
    }
    case 81: {
      const c = pick(s.composites);
      return c && `ALTER TYPE ${c} ${r() < 0.7 ? `ADD ATTRIBUTE ${name('at')} integer` : 'DROP ATTRIBUTE b'}`;
    }
    case 82: {
      const target = pick(s.tables.filter((t) => t.kind === 'r' && t.columns.some((c) => c.type === 'text')));
      const key = target?.columns.find((c) => c.type === 'text');
      return growable && target && key && `ALTER TABLE ${target.qname} ADD CONSTRAINT ${name('uq')} UNIQUE (${q(key.name)});
ALTER TABLE ${growable.qname} ADD COLUMN ${name('ref')} text REFERENCES ${target.qname} (${q(key.name)}) ON UPDATE CASCADE`;
    }
    case 83: {
      if (!col) return undefined;
      const fn = `${schema()}.${name('wf')}`;
      return `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NULL; END$$;
CREATE TRIGGER ${name('wt')} AFTER UPDATE ON ${table!.qname} FOR EACH ROW WHEN (OLD.${q(col.name)} IS DISTINCT FROM NEW.${q(col.name)}) EXECUTE FUNCTION ${fn}()`;
    }
    case 84:
      return `CREATE FUNCTION ${schema()}.${name('sd')}() RETURNS bigint LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS 'SELECT count(*) FROM pg_class'`;
    case 86: {
      const v = pick(s.views);
      return v && `CREATE INDEX ${name('mi')} ON ${v} ((1))`;
    }
    case 87:
      return `CREATE TABLE ${schema()}.${name('lp')} (id integer NOT NULL, k integer NOT NULL, note text, PRIMARY KEY (id, k)) PARTITION BY LIST (k);
CREATE TABLE ${schema()}.${name('lp')}_1 PARTITION OF ${schema()}.${name('lp')} FOR VALUES IN (1, 2);
CREATE TABLE ${schema()}.${name('lp')}_3 PARTITION OF ${schema()}.${name('lp')} FOR VALUES IN (3) PARTITION BY RANGE (id);
CREATE TABLE ${schema()}.${name('lp')}_3a PARTITION OF ${schema()}.${name('lp')}_3 FOR VALUES FROM (0) TO (1000)`;
    case 88: {
      const parent = pick(s.tables.filter((t) => t.kind === 'p'));
      return parent && `INSERT INTO ${parent.qname} (id, k) VALUES (${n}, 1), (${n + 1}, 3), (${n + 2}, 50)`;
    }
    case 89: {
      const part = pick(s.tables.filter((t) => t.kind === 'r' && /_(a|1|def_\d+|part_\d+)$/.test(t.name)));
      return part && `ALTER TABLE ${part.qname.replace(/_(a|1)$/, '').replace(/_(def|part)_\d+$/, '')} DETACH PARTITION ${part.qname}`;
    }
    case 90:
      return growable && `ALTER TABLE ${growable.qname} ADD COLUMN ${name('co')} text COLLATE "C"`;
    case 91: {
      const what = pick([table && `TABLE ${table.qname}`, pick(s.functions) && `FUNCTION ${pick(s.functions)}`, `SCHEMA ${schema()}`, pick(s.indexes) && `INDEX ${pick(s.indexes)}`, pick(s.enums) && `TYPE ${pick(s.enums)!.qname}`]);
      return what && `COMMENT ON ${what} IS '${name('cm')}'`;
    }
    case 92: {
      const f = pick(s.functions);
      return f && `ALTER FUNCTION ${f} ${pick(['SET search_path = public, pg_temp', 'SECURITY DEFINER', 'STABLE', 'COST 5', 'RESET ALL'])}`;
    }
    case 93:
      return pick([
        `GRANT USAGE ON SCHEMA ${schema()} TO PUBLIC`,
        pick(s.functions) && `REVOKE EXECUTE ON FUNCTION ${pick(s.functions)} FROM PUBLIC`,
        pick(s.sequences) && `GRANT USAGE ON SEQUENCE ${pick(s.sequences)} TO PUBLIC`,
        pick(s.enums) && `REVOKE USAGE ON TYPE ${pick(s.enums)!.qname} FROM PUBLIC`,
      ]);
    case 94: {
      const cols = table?.columns.filter(() => r() < 0.6).map((c) => q(c.name));
      return table && cols?.length ? `CREATE VIEW ${schema()}.${name('cv')} AS SELECT ${cols.join(', ')} FROM ${table.qname} WHERE ${cols[0]} IS NOT NULL WITH ${r() < 0.5 ? 'LOCAL' : 'CASCADED'} CHECK OPTION` : undefined;
    }
    case 95:
      return table && `ALTER TABLE ${table.qname} SET ${r() < 0.5 ? 'UNLOGGED' : 'LOGGED'}`;
    case 96: {
      const c = table?.columns.find((x) => x.name !== 'id');
      return c && `ALTER TABLE ${table!.qname} RENAME COLUMN ${q(c.name)} TO ${name('ren')};
ALTER TABLE ${table!.qname} RENAME TO ${name('rt')}`;
    }
    case 97:
      return table && `ALTER TABLE ${table.qname} ${r() < 0.5 ? 'FORCE' : 'NO FORCE'} ROW LEVEL SECURITY`;
    case 98: {
      const v = pick(s.views);
      return v && `ALTER VIEW ${v} RENAME TO ${name('rv')}`;
    }
    default: {
      const seq = pick(s.sequences);
      return r() < 0.5 || !seq ? `CREATE SEQUENCE ${schema()}.${name('sq')} START ${n} INCREMENT ${1 + (n % 3)}` : `SELECT setval('${seq.replace(/'/g, "''")}', ${100 + n})`;
    }
  }
}

/**
 * Writes `files` migrations of up to `perFile` statements each by trying proposals on `client`
 * (a scratch database, left holding the history's end state). Returns the files' texts.
 */
export async function randomHistory(client: pg.Client, seed: number, files = 12, perFile = 4): Promise<string[]> {
  const r = prng(seed);
  const out: string[] = [];
  let n = 0;
  await client.query('BEGIN');
  for (let f = 0; f < files; f++) {
    const statements: string[] = [];
    for (let tries = 0; statements.length < 1 + Math.floor(r() * perFile) && tries < 40; tries++) {
      const sql = propose(await read(client), r, ++n);
      if (!sql) continue;
      await client.query('SAVEPOINT try');
      try {
        await client.query(sql);
        // deferred constraints checked now, then left pending again, as the file's COMMIT finds them
        await client.query('SAVEPOINT deferred; SET CONSTRAINTS ALL IMMEDIATE; ROLLBACK TO SAVEPOINT deferred');
        await client.query('RELEASE SAVEPOINT try');
        statements.push(`${sql};`);
      } catch {
        await client.query('ROLLBACK TO SAVEPOINT try');
      }
    }
    out.push(`${statements.join('\n')}\n`);
    // each file is its own transaction, as the replay runs it
    await client.query('COMMIT; BEGIN');
  }
  await client.query('COMMIT');
  return out;
}
