/**
 * Running provenance looks (queries in provenance-sql.ts) and reading their rows: the logged look
 * rides in each file's message (its rows come back with the file's), xmin looks run as queries.
 */
import type pg from 'pg';
import { allUserOids, LOG_SCHEMA, xminLook } from './provenance-sql.js';

export interface Row {
  c: number;
  o: number;
  s: number;
  /** Parent catalog address, when the object belongs to another one. */
  pc: number | null;
  po: number | null;
  /** The relation a foreign key references. */
  rr: number | null;
  /** Digest; null when the candidate no longer exists (a dropped column, ...). */
  h: string | null;
  /** `pg_identify_object` type and identity as the look saw it, when it exists. */
  named: { type: string; id: string } | undefined;
}

/** What one look saw. */
export interface Look {
  /** Candidates with their digest, null when gone. */
  rows: Row[];
  /** Every role. */
  roles: Row[];
  /** Relations whose family was read: tracked members not among `rows` or `members` are gone. */
  families: number[];
  /** Family members present and unchanged, as keys. */
  members: string[];
  /** All user OIDs of the counted catalogs that are listed: tracked objects missing there are gone. */
  present: Map<number, Set<number>>;
}

export interface Parsed extends Look {
  /** The transaction horizon at the look (xmin looks). */
  horizon: string | undefined;
  /** User rows per counted catalog, with the catalog's name (xmin looks). */
  counts: { catalog: number; count: number; name: string }[];
  /** An address-less command was logged. */
  addressless: boolean;
  /** The bounds for the next logged look. */
  bounds: Bounds | undefined;
  /** What stopped a logged look: `SQLSTATE: message`. */
  error: string | undefined;
}

export const key = (c: number, o: number, s: number) => `${c}:${o}:${s}`;

interface RawRow {
  t: string;
  c: string;
  o: string;
  s: number;
  pc: string | null;
  po: string | null;
  rr: string | null;
  h: string | null;
  ty: string | null;
  id: string | null;
}

/**
 * The log's schema and what it holds: seen by xmin when a migration changes it (REASSIGN OWNED BY
 * the superuser, a GRANT on it), they are the tracker's, not the migrations'.
 */
const ownObject = new RegExp(`^(${LOG_SCHEMA}(\\.|$)|${LOG_SCHEMA}_(ddl|drop)$|[^ ]+ on ${LOG_SCHEMA}\\.)`);

const COLUMNS = ['t', 'c', 'o', 's', 'pc', 'po', 'rr', 'h', 'ty', 'id'] as const;

/** The logged look's rows as they came back with a file (text values, in column order). */
export function parseLookRows(values: (string | null)[][]): Parsed {
  return parseLook(values.map((v) => Object.fromEntries(COLUMNS.map((name, k) => [name, name === 's' ? Number(v[k]) : (v[k] ?? null)])) as unknown as RawRow));
}

async function readLook(client: pg.Client, config: pg.QueryConfig): Promise<Parsed> {
  return parseLook((await client.query<RawRow>(config)).rows);
}

function parseLook(rows: RawRow[]): Parsed {
  const out: Parsed = { rows: [], roles: [], families: [], members: [], present: new Map(), horizon: undefined, counts: [], addressless: false, bounds: undefined, error: undefined };
  const num = (v: string | null) => (v === null ? null : Number(v));
  for (const r of rows) {
    const named = r.ty === null || r.id === null ? undefined : { type: r.ty, id: `${r.ty} ${r.id}` };
    const row: Row = { c: Number(r.c), o: Number(r.o), s: Number(r.s), pc: num(r.pc), po: num(r.po), rr: num(r.rr), h: r.h, named };
    if (r.t === 'd' && named && ownObject.test(r.id as string)) continue;
    if (r.t === 'd') out.rows.push(row);
    else if (r.t === 'r') out.roles.push(row);
    else if (r.t === 'x') out.horizon = r.h ?? undefined;
    else if (r.t === 'n') out.counts.push({ catalog: row.c, count: row.o, name: r.h as string });
    else if (r.t === 'f') out.families.push(row.o);
    else if (r.t === 'm') out.members.push(key(row.c, row.o, row.s));
    else if (r.t === 'g') out.addressless = true;
    else if (r.t === 'b') out.bounds = { x: r.h as string, n: r.id as string };
    else if (r.t === 'e') out.error = `${r.h}: ${r.id}`;
  }
  return out;
}

/** Every catalog row written since horizon `since`, with counts of user rows per counted catalog. */
export function xminLookAt(client: pg.Client, since: string): Promise<Parsed> {
  return readLook(client, { name: 'pgsquash_provenance_xmin', text: xminLook, values: [since] });
}

export async function presentOids(client: pg.Client): Promise<Map<number, Set<number>>> {
  const { rows } = await client.query<{ c: string; o: string }>({ name: 'pgsquash_provenance_present', text: allUserOids });
  const present = new Map<number, Set<number>>();
  for (const r of rows) setIn(present, Number(r.c)).add(Number(r.o));
  return present;
}

/** The set `index` holds at `at`, made empty there if there is none yet. */
export function setIn<K, V>(index: Map<K, Set<V>>, at: K): Set<V> {
  let set = index.get(at);
  if (!set) index.set(at, (set = new Set()));
  return set;
}

export interface Bounds {
  /** Transaction horizon: catalog rows written later have an xmin at or above it. */
  x: string;
  /** The last log entry. */
  n: string;
}

/**
 * What a logged look cannot tell: every catalog row written since `since` (read by xmin) and the
 * OIDs that exist (to tell what was dropped), added to `look`.
 */
export async function withScan(client: pg.Client, look: Parsed, since: string): Promise<Parsed> {
  const scanned = await xminLookAt(client, since);
  return { ...look, rows: [...look.rows, ...scanned.rows], present: await presentOids(client) };
}
