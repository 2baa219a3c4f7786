/**
 * Running provenance looks (queries in provenance-sql.ts) and reading their rows. A look is either
 * synchronous (the replay waits for it: xmin looks where the server has no event triggers) or
 * taken in a snapshot: the file's end is pinned by a REPEATABLE READ transaction on a session of
 * the look pool, and the look runs there while the next file already runs, on another core.
 */
import type pg from 'pg';
import type { Database } from '../engine/types.js';
import { allUserOids, loggedLook, snapshotBounds, xminLook } from './provenance-sql.js';

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

export async function readLook(client: pg.Client, config: pg.QueryConfig): Promise<Parsed> {
  const { rows } = await client.query<RawRow>(config);
  const out: Parsed = { rows: [], roles: [], families: [], members: [], present: new Map(), horizon: undefined, counts: [], addressless: false };
  const num = (v: string | null) => (v === null ? null : Number(v));
  for (const r of rows) {
    const named = r.ty === null || r.id === null ? undefined : { type: r.ty, id: `${r.ty} ${r.id}` };
    const row: Row = { c: Number(r.c), o: Number(r.o), s: Number(r.s), pc: num(r.pc), po: num(r.po), rr: num(r.rr), h: r.h, named };
    if (r.t === 'd') out.rows.push(row);
    else if (r.t === 'r') out.roles.push(row);
    else if (r.t === 'x') out.horizon = r.h ?? undefined;
    else if (r.t === 'n') out.counts.push({ catalog: row.c, count: row.o, name: r.h as string });
    else if (r.t === 'f') out.families.push(row.o);
    else if (r.t === 'm') out.members.push(key(row.c, row.o, row.s));
    else if (r.t === 'g') out.addressless = true;
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
  for (const r of rows) {
    const c = Number(r.c);
    let set = present.get(c);
    if (!set) present.set(c, (set = new Set()));
    set.add(Number(r.o));
  }
  return present;
}

export interface Bounds {
  /** Transaction horizon: catalog rows written later have an xmin at or above it. */
  x: string;
  /** The last log entry. */
  n: string;
}

/** Sessions for snapshot looks: each pins one file's end until its look is done. */
export class LookPool {
  private readonly free: pg.Client[] = [];
  private readonly all: pg.Client[] = [];
  private readonly waiting: ((client: pg.Client) => void)[] = [];

  static async open(db: Database, size: number): Promise<LookPool> {
    const pool = new LookPool();
    for (let i = 0; i < size; i++) {
      const client = await db.connect();
      pool.all.push(client);
      // The looks' parameters never change their plans: plan them once. Planned while the
      // catalogs are small, they would scan them whole for good: every lookup they make has an
      // index. Their estimated cost is high enough for JIT, which would compile them on every run.
      await client.query('SET plan_cache_mode = force_generic_plan; SET enable_seqscan = off; SET jit = off');
      pool.free.push(client);
    }
    return pool;
  }

  /**
   * Pins the state after a file: a REPEATABLE READ snapshot on a free session (waiting for one
   * when every session is still looking), and the snapshot's bounds.
   */
  async pin(): Promise<{ client: pg.Client; bounds: Bounds }> {
    const client = this.free.pop() ?? (await new Promise<pg.Client>((resolve) => this.waiting.push(resolve)));
    try {
      const results = (await client.query(`BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; ${snapshotBounds}`)) as unknown as pg.QueryResult<Bounds>[];
      const bounds = results[1]?.rows[0];
      if (!bounds) throw new Error('provenance: the snapshot query returned no bounds');
      return { client, bounds };
    } catch (error) {
      await this.release(client, false);
      throw error;
    }
  }

  /**
   * Ends the pinned snapshot and gives the session back. A session that cannot end it is gone
   * (the pool closed after a failed replay, the database dropped): the next use says so.
   */
  async release(client: pg.Client, ok: boolean): Promise<void> {
    await client.query(ok ? 'COMMIT' : 'ROLLBACK').catch(() => undefined);
    const next = this.waiting.shift();
    if (next) next(client);
    else this.free.push(client);
  }

  async close(): Promise<void> {
    await Promise.all(this.all.map((c) => c.end().catch(() => undefined)));
  }
}

/**
 * The look of one file in its pinned snapshot: the log since the previous file's bounds; where
 * the log cannot tell (`scan`, or an address-less command), also every catalog row written since
 * and the OIDs that exist (to tell what was dropped).
 */
export async function snapshotLook(client: pg.Client, previous: Bounds, scan: boolean): Promise<Look> {
  const look = await readLook(client, { name: 'pgsquash_provenance_logged', text: loggedLook, values: [previous.n, previous.x] });
  if (!scan && !look.addressless) return look;
  const scanned = await xminLookAt(client, previous.x);
  return { ...look, rows: [...look.rows, ...scanned.rows], present: await presentOids(client) };
}
