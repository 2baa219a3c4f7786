import type pg from 'pg';
import { SCRATCH_SUFFIX } from '../engine/database.js';
import type { AnyObject, ColumnDef, ModelObject, SequenceOptions, SequenceState, TableData, TableDef } from './model.js';

const BATCH = 500;

/**
 * A table whose rows are read: a model table, or an extension's configuration table, whose rows
 * are the users' only where its `rowFilter` (the extension's `WHERE ...`, as pg_dump applies it) holds.
 */
type Table = ModelObject<'table'> & { rowFilter?: string };

/** `ONLY t [WHERE ...]`: the rows of `t` that belong to the data section. */
const rowsOf = (t: Table, alias = '') => `ONLY ${t.def.qname}${alias ? ` ${alias}` : ''}${t.rowFilter ? ` ${t.rowFilter}` : ''}`;

/**
 * Tables and sequences that extensions registered with pg_extension_config_dump (pg_cron's
 * cron.job and cron.jobid_seq): rows a migration puts there (`SELECT cron.schedule(...)`) are
 * data, as pg_dump has it. Shaped as model objects for the data readers only; never emitted.
 */
export interface ExtensionConfig {
  tables: Table[];
  /** Their columns, as the data readers find a table's columns. */
  columns: AnyObject[];
  sequences: AnyObject[];
}

export async function readExtensionConfig(client: pg.Client): Promise<ExtensionConfig> {
  const { rows } = await client.query<{ id: string; qname: string; relkind: string; filter: string; cols: { name: string; position: number; generated: string | null; identity: 'a' | 'd' | null }[] | null; start: string | null }>(`
    SELECT CASE c.relkind WHEN 'S' THEN 'sequence ' ELSE 'table ' END || pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname) AS id,
      c.oid::pg_catalog.regclass::text AS qname, c.relkind, x.cond AS filter,
      (SELECT pg_catalog.json_agg(pg_catalog.json_build_object('name', pg_catalog.quote_ident(a.attname), 'position', a.attnum,
          'generated', CASE WHEN a.attgenerated <> '' THEN 'generated' END, 'identity', NULLIF(a.attidentity, '')) ORDER BY a.attnum)
        FROM pg_catalog.pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS cols,
      (SELECT q.seqstart::text FROM pg_catalog.pg_sequence q WHERE q.seqrelid = c.oid) AS start
    FROM pg_catalog.pg_extension e, ROWS FROM (pg_catalog.unnest(e.extconfig), pg_catalog.unnest(e.extcondition)) AS x(oid, cond)
      JOIN pg_catalog.pg_class c ON c.oid = x.oid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'S')
    ORDER BY 1`);
  const config: ExtensionConfig = { tables: [], columns: [], sequences: [] };
  const object = (id: string, kind: string, parent: string | null, def: unknown) =>
    ({ id, kind, schema: '', name: id, parent, owner: null, def, deps: [], covers: [] }) as unknown as AnyObject;
  for (const r of rows) {
    if (r.relkind === 'S') {
      config.sequences.push(object(r.id, 'sequence', null, { qname: r.qname, start: r.start }));
      continue;
    }
    config.tables.push({ ...(object(r.id, 'table', null, { qname: r.qname, relkind: 'r' }) as Table), ...(r.filter ? { rowFilter: r.filter } : {}) });
    for (const c of r.cols ?? []) config.columns.push(object(`${r.id}.${c.name}`, 'column', r.id, c));
  }
  return config;
}

/** Plain tables among `objects` (partitioned parents hold no rows of their own). */
export function dataTables(objects: AnyObject[]): Table[] {
  return objects.filter((o): o is Table => o.kind === 'table' && (o.def as TableDef).relkind === 'r');
}

/** A digest of each table's rows, to notice migrations writing into pre-existing tables. */
export async function readTableDigests(client: pg.Client, tables: Table[]): Promise<Record<string, string>> {
  const digests: Record<string, string> = {};
  for (let i = 0; i < tables.length; i += BATCH) {
    const batch = tables.slice(i, i + BATCH);
    const sql = batch
      .map((t, j) => `SELECT ${j} AS i, (SELECT pg_catalog.md5(COALESCE(pg_catalog.string_agg(x::text, E'\\n' ORDER BY x::text COLLATE "C"), '')) FROM ${rowsOf(t, 'x')}) AS d`)
      .join(' UNION ALL ');
    const { rows } = await client.query<{ i: number; d: string }>(sql);
    for (const r of rows) digests[batch[r.i]!.id] = r.d;
  }
  return digests;
}

/**
 * Rows of the given tables, each rendered by Postgres (`quote_nullable(col::text)`) and ordered by
 * primary key (collatable keys in "C" order), or by every column's text when there is none, so
 * the output does not depend on physical row order. Generated columns are left to Postgres.
 * Tables in `replace` existed before the migrations: their rows are restated in full, even none.
 */
export async function readTableData(client: pg.Client, tables: Table[], objects: AnyObject[], replace: Set<string>): Promise<TableData[]> {
  const columnsOf = new Map<string, ColumnDef[]>();
  for (const o of objects) {
    if (o.kind !== 'column' || !o.parent) continue;
    const list = columnsOf.get(o.parent) ?? [];
    list.push(o.def as ColumnDef);
    columnsOf.set(o.parent, list);
  }
  const wanted: Table[] = tables.filter((t) => replace.has(t.id));
  const candidates = await withStorage(client, tables.filter((t) => !replace.has(t.id)));
  for (let i = 0; i < candidates.length; i += BATCH) {
    const batch = candidates.slice(i, i + BATCH);
    const sql = batch.map((t, j) => `SELECT ${j} AS i WHERE EXISTS (SELECT FROM ${rowsOf(t)})`).join(' UNION ALL ');
    const { rows } = await client.query<{ i: number }>(sql);
    for (const r of rows) wanted.push(batch[r.i]!);
  }
  wanted.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const orderOf = await primaryKeyOrder(client, wanted.map((t) => t.def.qname));
  // A value naming the database the rows were read from (a default of current_database(), as in
  // pg_cron's cron.job) names the replay's throwaway database: written as that expression instead.
  // Only a name pgsquash generated is that sure: one given with --scratch-db (postgres) may be data.
  const own = (await client.query<{ name: string; literal: string }>(
    'SELECT pg_catalog.current_database() AS name, pg_catalog.quote_literal(pg_catalog.current_database()) AS literal',
  )).rows[0]!;
  const generated = new RegExp(SCRATCH_SUFFIX).test(own.name);
  const portable = (row: string) => (generated ? row.split(own.literal).join('pg_catalog.current_database()') : row);
  const result: TableData[] = [];
  for (const t of wanted) {
    const cols = (columnsOf.get(t.id) ?? []).filter((c) => !c.generated).sort((a, b) => a.position - b.position);
    if (cols.length === 0) {
      // no column to write (none at all, or only generated ones): its rows are a count, each `()`
      const { rows } = await client.query<{ n: string }>(`SELECT pg_catalog.count(*) AS n FROM ${rowsOf(t)}`);
      result.push({
        table: t.id, qname: t.def.qname, columns: [], overridingSystemValue: false, replace: replace.has(t.id),
        rows: Array<string>(Number(rows[0]!.n)).fill('()'), ...(t.rowFilter ? { rowFilter: t.rowFilter } : {}),
      });
      continue;
    }
    const literals = cols.map((c) => `pg_catalog.quote_nullable(${c.name}::text)`);
    const order = orderOf.get(t.def.qname) ?? literals.map((l) => `${l} COLLATE "C"`).join(', ');
    const { rows } = await client.query<{ r: string }>(
      `SELECT '(' || pg_catalog.concat_ws(', ', ${literals.join(', ')}) || ')' AS r FROM ${rowsOf(t)} ORDER BY ${order}`,
    );
    result.push({
      table: t.id,
      qname: t.def.qname,
      columns: cols.map((c) => c.name),
      overridingSystemValue: cols.some((c) => c.identity === 'a'),
      replace: replace.has(t.id),
      rows: rows.map((r) => portable(r.r)),
      ...(t.rowFilter ? { rowFilter: t.rowFilter } : {}),
    });
  }
  return result;
}

/** Tables whose heap has pages: one that never held a row has none, so most need no EXISTS probe. */
async function withStorage(client: pg.Client, tables: Table[]): Promise<Table[]> {
  if (tables.length === 0) return [];
  const { rows } = await client.query<{ qname: string }>(
    `SELECT q AS qname FROM pg_catalog.unnest($1::pg_catalog.text[]) q WHERE pg_catalog.pg_relation_size(q::pg_catalog.regclass) > 0`,
    [tables.map((t) => t.def.qname)],
  );
  const sized = new Set(rows.map((r) => r.qname));
  return tables.filter((t) => sized.has(t.def.qname));
}

async function primaryKeyOrder(client: pg.Client, qnames: string[]): Promise<Map<string, string>> {
  const order = new Map<string, string>();
  if (qnames.length === 0) return order;
  const { rows } = await client.query<{ qname: string; keys: string }>(
    `SELECT x.indrelid::pg_catalog.regclass::text AS qname,
       pg_catalog.string_agg(pg_catalog.quote_ident(a.attname) || CASE WHEN a.attcollation <> 0 THEN ' COLLATE "C"' ELSE '' END, ', ' ORDER BY k.ord) AS keys
     FROM pg_catalog.pg_index x
       CROSS JOIN LATERAL pg_catalog.unnest(x.indkey::pg_catalog.int2[]) WITH ORDINALITY AS k(attnum, ord)
       JOIN pg_catalog.pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum
     WHERE x.indisprimary AND x.indrelid = ANY($1::pg_catalog.text[]::pg_catalog.regclass[])
     GROUP BY x.indrelid`,
    [qnames],
  );
  for (const r of rows) order.set(r.qname, r.keys);
  return order;
}

/** Current position of every sequence (free-standing and identity), sorted by name. */
export async function readSequenceStates(client: pg.Client, objects: AnyObject[]): Promise<(SequenceState & { start: string })[]> {
  const seqs: (SequenceOptions & { qname: string })[] = [];
  for (const o of objects) {
    if (o.kind === 'sequence') seqs.push(o.def);
    if (o.kind === 'column' && o.def.identitySequence) seqs.push(o.def.identitySequence);
  }
  const states: (SequenceState & { start: string })[] = [];
  for (let i = 0; i < seqs.length; i += BATCH) {
    const batch = seqs.slice(i, i + BATCH);
    const sql = batch
      .map((s, j) => `SELECT ${j} AS i, pg_catalog.quote_literal($${j + 1}) AS literal, last_value::text AS v, is_called FROM ${s.qname}`)
      .join(' UNION ALL ');
    const { rows } = await client.query<{ i: number; literal: string; v: string; is_called: boolean }>(sql, batch.map((s) => s.qname));
    for (const r of rows) {
      const s = batch[r.i]!;
      states.push({ sequence: s.qname, literal: r.literal, lastValue: r.v, isCalled: r.is_called, start: s.start });
    }
  }
  return states.sort((a, b) => (a.sequence < b.sequence ? -1 : a.sequence > b.sequence ? 1 : 0));
}

/** Positions the baseline must restore: moved from `before` (or from the start, for new sequences). */
export function movedSequences(now: (SequenceState & { start: string })[], before: SequenceState[]): SequenceState[] {
  const prior = new Map(before.map((s) => [s.sequence, s]));
  return now
    .filter((s) => {
      const p = prior.get(s.sequence);
      return p ? p.lastValue !== s.lastValue || p.isCalled !== s.isCalled : s.isCalled || s.lastValue !== s.start;
    })
    .map(({ start: _start, ...state }) => state);
}
