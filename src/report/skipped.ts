/**
 * `CREATE ... IF NOT EXISTS` (and `ADD COLUMN IF NOT EXISTS`) skipped because the object existed:
 * does the skipped definition differ from the existing one? If it does, what the statement says is
 * silently lost. The only exact way to know what the statement would have made is to let Postgres
 * make it: in a transaction on a second connection, move the existing object out of the way, run
 * the statement, compare both objects as Postgres renders them, and roll everything back.
 *
 * This runs right after the file, so "existing" is the state after the file that skipped it.
 */
import pg from 'pg';
import type { Migration } from '../discover/types.js';
import type { ReplayNotice } from '../replay/index.js';
import { splitSql } from '../replay/index.js';

export interface SkippedCreate {
  /** Index of the migration in run order. */
  file: number;
  line: number;
  column: number;
  /** `relation "users" already exists, skipping`. */
  notice: string;
  /** Model id of the object that existed: `table public.users`. */
  object: string | null;
  /** What differs, one line each; empty when the definitions match. */
  differences: string[];
  /** Set when the comparison could not be made, saying why. */
  unchecked?: string;
}

const NAME = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)`;
const QNAME = String.raw`(${NAME}(?:\s*\.\s*${NAME})?)`;
const CREATE_TABLE = new RegExp(String.raw`^\s*create\s+(?:(?:global|local)\s+)?(?:(?:temp|temporary|unlogged)\s+)?table\s+if\s+not\s+exists\s+${QNAME}`, 'i');
const CREATE_INDEX = new RegExp(String.raw`^\s*create\s+(?:unique\s+)?index\s+(?:concurrently\s+)?if\s+not\s+exists\s+(${NAME})\s+on\s+(?:only\s+)?${QNAME}`, 'i');
const ALTER_TABLE = new RegExp(String.raw`^\s*alter\s+table\s+(?:if\s+exists\s+)?(?:only\s+)?${QNAME}`, 'i');
const SCRATCH = 'pgsquash_compare';

/** Notices that mean "an object with this name existed, so this part of the statement did nothing". */
export function isSkipNotice(n: ReplayNotice): boolean {
  return (n.code === '42P07' || n.code === '42701') && /skipping$/.test(n.message);
}

/**
 * Compares every skipped definition of one file. `searchPath` is the migration session's, so
 * unqualified names resolve as they did.
 */
export async function compareSkipped(db: pg.Client, migration: Migration, file: number, notices: ReplayNotice[], searchPath: string): Promise<SkippedCreate[]> {
  const skips = notices.filter(isSkipNotice);
  if (skips.length === 0) return [];
  const statements = splitSql(migration.sql).statements;
  const out: SkippedCreate[] = [];
  const byStatement = new Map<number, ReplayNotice[]>();
  for (const n of skips) byStatement.set(n.statementIndex, [...(byStatement.get(n.statementIndex) ?? []), n]);
  for (const [index, group] of byStatement) {
    const text = statements[index]?.text ?? '';
    const first = group[0] as ReplayNotice;
    const base = { file, line: first.line, column: first.column, notice: first.message };
    try {
      out.push({ ...base, ...(await inScratch(db, searchPath, () => compareStatement(db, text, group))) });
    } catch (error) {
      out.push({ ...base, object: null, differences: [], unchecked: (error as Error).message });
    }
  }
  return out;
}

async function inScratch<T>(db: pg.Client, searchPath: string, fn: () => Promise<T>): Promise<T> {
  await db.query('BEGIN');
  try {
    await db.query(`SELECT pg_catalog.set_config('search_path', $1, true), pg_catalog.set_config('lock_timeout', '5s', true),
      pg_catalog.set_config('check_function_bodies', 'off', true)`, [searchPath]);
    await db.query(`CREATE SCHEMA ${SCRATCH}`);
    return await fn();
  } finally {
    await db.query('ROLLBACK');
  }
}

async function compareStatement(db: pg.Client, text: string, notices: ReplayNotice[]): Promise<Omit<SkippedCreate, 'file' | 'line' | 'column' | 'notice'>> {
  const runnable = text.replace(/\bconcurrently\b/i, '');
  let m = CREATE_TABLE.exec(text);
  if (m) {
    const existing = await regclass(db, m[1] as string);
    await db.query(`ALTER TABLE ${existing.name} SET SCHEMA ${SCRATCH}`);
    await db.query(runnable);
    const created = await regclass(db, m[1] as string);
    return { object: existing.id, differences: await tableDifferences(db, existing.oid, created.oid) };
  }
  m = CREATE_INDEX.exec(text);
  if (m) {
    const schema = (m[2] as string).includes('.') ? `${(m[2] as string).split('.')[0]}.` : '';
    const existing = await regclass(db, `${schema}${m[1]}`);
    await db.query(`ALTER INDEX ${existing.name} RENAME TO pgsquash_existing_index`);
    await db.query(runnable);
    const created = await regclass(db, `${schema}${m[1]}`);
    const defs = await db.query<{ old: string; new: string }>(
      `SELECT pg_catalog.regexp_replace(pg_catalog.pg_get_indexdef($1::pg_catalog.oid), '^(CREATE (UNIQUE )?INDEX) \\S+', '\\1') AS old,
              pg_catalog.regexp_replace(pg_catalog.pg_get_indexdef($2::pg_catalog.oid), '^(CREATE (UNIQUE )?INDEX) \\S+', '\\1') AS new`,
      [existing.oid, created.oid],
    );
    const d = defs.rows[0] as { old: string; new: string };
    return { object: existing.id, differences: d.old === d.new ? [] : [`the index is ${d.old}; the statement says ${d.new}`] };
  }
  m = ALTER_TABLE.exec(text);
  if (m && notices.every((n) => n.code === '42701')) {
    const table = await regclass(db, m[1] as string);
    const names = notices.map((n) => /^column "((?:[^"]|"")+)"/.exec(n.message)?.[1]).filter((x): x is string => x !== undefined);
    for (const [k, name] of names.entries()) await db.query(`ALTER TABLE ${table.name} RENAME COLUMN ${pg.escapeIdentifier(name)} TO ${pg.escapeIdentifier(`pgsquash_existing_${k}`)}`);
    await db.query(runnable);
    const cols = await columnsOf(db, table.oid);
    const differences: string[] = [];
    for (const [k, name] of names.entries()) {
      const old = cols.find((c) => c.name === `pgsquash_existing_${k}`);
      const now = cols.find((c) => c.name === name);
      if (old && now) differences.push(...columnDifferences(name, old, now));
    }
    return { object: table.id, differences };
  }
  return { object: null, differences: [], unchecked: 'not compared: only CREATE TABLE, CREATE INDEX and ADD COLUMN IF NOT EXISTS are' };
}

async function regclass(db: pg.Client, name: string): Promise<{ oid: number; name: string; id: string }> {
  const { rows } = await db.query<{ oid: string; name: string; id: string }>(
    `SELECT c.oid, c.oid::pg_catalog.regclass::text AS name, i.type || ' ' || i.identity AS id
     FROM pg_catalog.pg_class c, pg_catalog.pg_identify_object('pg_catalog.pg_class'::pg_catalog.regclass, c.oid, 0) i
     WHERE c.oid = pg_catalog.to_regclass($1)`,
    [name],
  );
  const row = rows[0];
  if (!row) throw new Error(`not compared: ${name} not found`);
  return { oid: Number(row.oid), name: row.name, id: row.id };
}

interface ColumnShape {
  name: string;
  type: string;
  notNull: boolean;
  default: string | null;
  identity: string;
  generated: string;
}

async function columnsOf(db: pg.Client, oid: number): Promise<ColumnShape[]> {
  const { rows } = await db.query<ColumnShape>(
    `SELECT a.attname AS name, pg_catalog.format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS "notNull",
       pg_catalog.replace(pg_catalog.pg_get_expr(d.adbin, d.adrelid), '${SCRATCH}.', '') AS default,
       a.attidentity AS identity, a.attgenerated AS generated
     FROM pg_catalog.pg_attribute a LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
    [oid],
  );
  return rows;
}

const describe = (c: ColumnShape) =>
  [c.type, c.notNull ? 'NOT NULL' : '', c.default !== null ? `DEFAULT ${c.default}` : '', c.identity ? 'IDENTITY' : '', c.generated ? 'GENERATED' : '']
    .filter(Boolean)
    .join(' ');

function columnDifferences(name: string, existing: ColumnShape, statement: ColumnShape): string[] {
  const out: string[] = [];
  if (existing.type !== statement.type) out.push(`column ${name}: type ${existing.type} in the database, ${statement.type} in the statement`);
  if (existing.notNull !== statement.notNull) out.push(`column ${name}: ${existing.notNull ? 'NOT NULL' : 'nullable'} in the database, ${statement.notNull ? 'NOT NULL' : 'nullable'} in the statement`);
  if (existing.default !== statement.default) out.push(`column ${name}: default ${existing.default ?? 'none'} in the database, ${statement.default ?? 'none'} in the statement`);
  if (existing.identity !== statement.identity || existing.generated !== statement.generated) out.push(`column ${name}: identity/generated differs`);
  return out;
}

async function tableDifferences(db: pg.Client, existing: number, created: number): Promise<string[]> {
  const [a, b] = [await columnsOf(db, existing), await columnsOf(db, created)];
  const out: string[] = [];
  for (const col of b) {
    const old = a.find((c) => c.name === col.name);
    if (!old) out.push(`column ${col.name} ${describe(col)}: in the statement, not in the database`);
    else out.push(...columnDifferences(col.name, old, col));
  }
  const extra = a.filter((c) => !b.some((x) => x.name === c.name)).map((c) => c.name);
  if (extra.length) out.push(`column${extra.length === 1 ? '' : 's'} ${extra.join(', ')}: in the database, not in the statement`);
  const constraints = async (oid: number) =>
    (
      await db.query<{ def: string }>(
        `SELECT pg_catalog.replace(pg_catalog.pg_get_constraintdef(k.oid), '${SCRATCH}.', '') AS def FROM pg_catalog.pg_constraint k WHERE k.conrelid = $1 ORDER BY 1`,
        [oid],
      )
    ).rows.map((r) => r.def);
  const [ka, kb] = [await constraints(existing), await constraints(created)];
  for (const def of kb) if (!ka.includes(def)) out.push(`constraint ${def}: in the statement, not in the database`);
  for (const def of ka) if (!kb.includes(def)) out.push(`constraint ${def}: in the database, not in the statement`);
  return out;
}
