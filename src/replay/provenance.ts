/**
 * Provenance: which migration file created, altered and dropped which catalog object.
 *
 * After the preludes and after every migration file, one set-based query takes a digest of each
 * user object's catalog rows (relations, columns, constraints, indexes, types, functions,
 * triggers, policies, rules, schemas, extensions, roles, event triggers, publications, default
 * privileges), keyed by catalog address (classid, objid, subid). Comparing two consecutive
 * digests says what the file did. Keying by OID, not by name, makes a rename an alteration of the
 * same object rather than a drop and a create. Names (`pg_identify_object` ids, as in the catalog
 * model) are only resolved for objects that changed, and once for every object at the end.
 *
 * Not tracked: statistics objects, collations, text search objects, operators, casts and row data.
 */
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { installLog, removeLog, startHorizon } from './provenance-log.js';
import { fingerprintQuery, loggedQuery, scanQuery, userRow, wholeCatalogs } from './provenance-sql.js';
import type { ReplayOptions } from './types.js';

export { fingerprintQuery } from './provenance-sql.js';

export type ProvenanceAction = 'created' | 'altered' | 'dropped';

export interface ProvenanceEvent {
  /** 0-based index of the migration in run order. */
  file: number;
  action: ProvenanceAction;
  /** Digest before the file ('' when it did not exist), to tell a change later undone. */
  before: string;
}

export interface ObjectHistory {
  /** `pg_identify_object` type and identity, as in the catalog model: `table public.users`. */
  id: string;
  /** Earlier ids of the same object (renames), oldest first. */
  formerIds: string[];
  /** `pg_identify_object` type: `table`, `table column`, `index`, `function`, ... */
  type: string;
  /** Id of the owning object: the table of a column, index, constraint, trigger or policy. */
  parent: string | null;
  /** Existed after the preludes, before the first migration. */
  preexisting: boolean;
  events: ProvenanceEvent[];
  /** Still exists after the last file. */
  exists: boolean;
  /** Digest after the last file ('' when dropped). */
  digest: string;
}

export interface Provenance {
  /** Migration paths in run order; events refer to them by index. */
  files: string[];
  /** Objects that existed at some point, sorted by id. */
  objects: ObjectHistory[];
}

interface Row {
  c: number;
  o: number;
  s: number;
  /** Parent catalog address, when the object belongs to another one. */
  pc: number | null;
  po: number | null;
  /** Relation a foreign key references (its type change rebuilds the key under a new OID). */
  rr: number | null;
  /** Digest; null when the candidate no longer exists (a dropped column, ...). */
  h: string | null;
}

/** The user OIDs of one counted catalog, when its count says rows were deleted. */
const userOids = (catalog: string) => `SELECT o.oid FROM pg_catalog.${catalog} o WHERE ${userRow(catalog, 'o')}`;

const key = (c: number, o: number, s: number) => `${c}:${o}:${s}`;

/** pg_class: a bootstrap catalog, its OID is fixed (catalog/pg_class.h). */
const RELATIONS = 1259;

const horizonQuery = `SELECT (pg_catalog.pg_snapshot_xmax(pg_catalog.pg_current_snapshot())::text::int8 & 4294967295)::text AS x`;

interface QueryRow {
  t: string;
  c: string;
  o: string;
  s: number;
  pc: string | null;
  po: string | null;
  rr: string | null;
  h: string | null;
  /** `pg_identify_object` type and identity (logged looks). */
  ty?: string | null;
  id?: string | null;
}

const num = (v: string | null) => (v === null ? null : Number(v));
const toRow = (r: QueryRow): Row => ({ c: Number(r.c), o: Number(r.o), s: Number(r.s), pc: num(r.pc), po: num(r.po), rr: num(r.rr), h: r.h });

interface Tracked {
  c: number;
  o: number;
  s: number;
  parentKey: string | null;
  refKey: string | null;
  digest: string;
  history: ObjectHistory;
}

interface Look {
  /** Names the look's query gave already (logged looks). */
  ids: Map<string, { type: string; id: string }>;
  /** Candidates (and every role) with their digest, null when gone. */
  rows: Row[];
  /** Catalogs whose user rows shrank: the OIDs they hold now. */
  shrunk: Map<number, Set<number>>;
}

/**
 * Records provenance during a replay. Pass `hooks()` into the replay options (chaining any hooks
 * already there); read `result()` once the replay is done.
 */
export class ProvenanceTracker {
  private readonly tracked = new Map<string, Tracked>();
  private readonly all: ObjectHistory[] = [];
  /** User OIDs per counted catalog, to notice deletions by count. */
  private readonly oids = new Map<number, Set<number>>();
  private since = '0';
  /** Superuser session holding the event-trigger log, while it is installed. */
  private admin: pg.Client | undefined;
  private logged = false;
  /** OIDs of `wholeCatalogs`. */
  private whole = new Set<number>();
  /** Milliseconds spent in the tracker's queries, for the overhead figure. */
  elapsedMs = 0;

  constructor(private readonly files: string[]) {}

  /** Replay hooks: the state after the preludes, then after every file. */
  hooks(chain: Pick<ReplayOptions, 'onPreludesDone' | 'onFileDone'> = {}): Required<Pick<ReplayOptions, 'onPreludesDone' | 'onFileDone'>> {
    return {
      onPreludesDone: async (phase) => {
        // The caller's before-snapshot comes first: it must not see the log.
        await chain.onPreludesDone?.(phase);
        await this.start(phase.client);
        if (this.files.length > 0) await this.installLog(phase.db, phase.client);
      },
      onFileDone: async (info) => {
        await this.fileDone(info.client, info.index);
        await chain.onFileDone?.(info);
      },
    };
  }

  async start(client: pg.Client): Promise<void> {
    const t0 = performance.now();
    const { rows } = await this.look(client);
    const present = rows.filter((r) => r.h !== null);
    const ids = await identify(client, present);
    for (const row of present) this.track(row, ids.get(key(row.c, row.o, row.s)), true);
    this.resolveParents();
    this.elapsedMs += performance.now() - t0;
  }

  /** Ends the superuser session, removing the log if the replay stopped before the last file. */
  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    if (!admin) return;
    if (this.logged) await removeLog(admin).catch(() => undefined);
    this.logged = false;
    await admin.end().catch(() => undefined);
  }

  /**
   * Event triggers need a superuser: the migration session may run under a role, so the log is
   * installed and removed through a session of the engine's own login. Where it cannot be (not a
   * superuser, PGlite), every look scans by xmin instead.
   */
  private async installLog(db: { connect(): Promise<pg.Client> }, client: pg.Client): Promise<void> {
    const t0 = performance.now();
    this.admin = await db.connect();
    this.logged = await installLog(this.admin);
    if (this.logged) {
      const { rows } = await this.admin.query<{ o: string }>(
        `SELECT c::pg_catalog.regclass::pg_catalog.oid AS o FROM pg_catalog.unnest($1::text[]) c`,
        [wholeCatalogs.map((c) => `pg_catalog.${c}`)],
      );
      this.whole = new Set(rows.map((r) => Number(r.o)));
      // The log's own catalog rows are older than the next look's horizon.
      const { rows: x } = await client.query<{ x: string }>(horizonQuery);
      this.since = x[0]?.x ?? this.since;
      await startHorizon(this.admin, this.since);
    } else {
      await this.close();
    }
    this.elapsedMs += performance.now() - t0;
  }

  async fileDone(client: pg.Client, file: number): Promise<void> {
    const t0 = performance.now();
    const { rows, shrunk, ids: named } = this.logged ? await this.lookLogged(client) : await this.look(client);
    if (this.logged && file === this.files.length - 1) await this.close();
    const created: Row[] = [];
    const altered: Row[] = [];
    const gone = new Set<string>();
    for (const row of rows) {
      const k = key(row.c, row.o, row.s);
      const known = this.tracked.get(k);
      if (row.h === null) {
        if (known) gone.add(k);
      } else if (!known) created.push(row);
      else if (known.digest !== row.h) altered.push(row);
    }
    for (const [catalog, now] of shrunk) {
      for (const [k, t] of this.tracked) if (t.c === catalog && !now.has(t.o)) gone.add(k);
    }
    if (created.length + altered.length + gone.size > 0) {
      // A renamed table renames its columns, indexes, ... too: name the children again.
      const alteredKeys = new Set(altered.map((r) => key(r.c, r.o, r.s)));
      const children = [...this.tracked.entries()].filter(([k, t]) => t.parentKey !== null && alteredKeys.has(t.parentKey) && !alteredKeys.has(k));
      const unnamed = [...created, ...altered, ...children.map(([, t]) => t)].filter((r) => !named.has(key(r.c, r.o, r.s)));
      const ids = new Map([...named, ...(await identify(client, unnamed))]);
      for (const row of created) {
        const t = this.track(row, ids.get(key(row.c, row.o, row.s)), false);
        t.history.events.push({ file, action: 'created', before: '' });
      }
      for (const row of altered) {
        const k = key(row.c, row.o, row.s);
        const t = this.rename(k, ids.get(k)?.id);
        t.history.events.push({ file, action: 'altered', before: t.digest });
        t.digest = t.history.digest = row.h as string;
      }
      for (const [k] of children) this.rename(k, ids.get(k)?.id);
      for (const k of gone) {
        const t = this.tracked.get(k) as Tracked;
        t.history.events.push({ file, action: 'dropped', before: t.digest });
        t.history.exists = false;
        t.history.digest = '';
        this.tracked.delete(k);
      }
      this.resolveParents();
    }
    if (file === this.files.length - 1) await this.finish(client);
    this.elapsedMs += performance.now() - t0;
  }

  result(): Provenance {
    const first = (h: ObjectHistory) => (h.preexisting ? -1 : (h.events[0]?.file ?? -1));
    const objects = [...this.all].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : first(a) - first(b)));
    return { files: [...this.files], objects };
  }

  /** Final names of everything still there (a schema rename renames what it holds). */
  private async finish(client: pg.Client): Promise<void> {
    const keys = [...this.tracked.keys()];
    const ids = await identify(client, [...this.tracked.values()]);
    for (const k of keys) this.rename(k, ids.get(k)?.id);
    this.resolveParents();
  }

  private async look(client: pg.Client): Promise<Look> {
    const out: Row[] = [];
    const roles = new Set<string>();
    const counts = new Map<number, { count: number; catalog: string }>();
    for (const r of await this.query(client, 'pgsquash_provenance', fingerprintQuery)) {
      const row = toRow(r);
      if (r.t === 'n') counts.set(row.c, { count: row.o, catalog: r.h as string });
      else {
        out.push(row);
        if (r.t === 'r') roles.add(key(row.c, row.o, 0));
        if (r.t === 'd' && row.s === 0) this.oidsOf(row.c).add(row.o);
      }
    }
    const shrunk = new Map<number, Set<number>>();
    for (const [c, { count, catalog }] of counts) {
      if (count === this.oidsOf(c).size) continue;
      const now = new Set((await client.query<{ oid: string }>(userOids(catalog))).rows.map((r) => Number(r.oid)));
      this.oids.set(c, now);
      shrunk.set(c, now);
    }
    return { rows: this.withDroppedRoles(out, roles), shrunk, ids: new Map() };
  }

  /**
   * The logged look: candidates are what the log names and their families. Drops the log does
   * not report (an index or foreign key rebuilt by a column type change, a dropped event trigger)
   * show as a tracked member of a family, or of a catalog read whole, that is no longer listed.
   */
  private async lookLogged(client: pg.Client): Promise<Look> {
    const out: Row[] = [];
    const listed = new Set<string>();
    const roles = new Set<string>();
    const families = new Set<string>();
    const ids = new Map<string, { type: string; id: string }>();
    const since = this.since;
    let scan = false;
    const add = (r: QueryRow) => {
      const row = toRow(r);
      const k = key(row.c, row.o, row.s);
      if (listed.has(k)) return;
      out.push(row);
      listed.add(k);
      if (r.t === 'r') roles.add(k);
      if (r.ty && r.id !== undefined && r.id !== null) ids.set(k, { type: r.ty, id: `${r.ty} ${r.id}` });
    };
    for (const r of await this.query(client, 'pgsquash_provenance_logged', loggedQuery, [])) {
      if (r.t === 'f') families.add(key(Number(r.c), Number(r.o), 0));
      else if (r.t === 's') scan = true;
      else add(r);
    }
    if (scan) for (const r of (await client.query<QueryRow>({ name: 'pgsquash_provenance_scan', text: scanQuery, values: [since] })).rows) add(r);
    // Columns are listed only when changed: they go with their relation, or by a logged drop.
    const goneRelations = new Set<string>();
    for (const [k, t] of this.tracked) {
      if (listed.has(k) || t.s !== 0) continue;
      const member = (t.parentKey !== null && families.has(t.parentKey)) || (t.refKey !== null && families.has(t.refKey));
      if (member || this.whole.has(t.c)) out.push({ c: t.c, o: t.o, s: 0, pc: null, po: null, rr: null, h: null });
    }
    for (const row of out) if (row.h === null && row.s === 0) goneRelations.add(key(row.c, row.o, 0));
    for (const [k, t] of this.tracked) {
      if (t.s !== 0 && !listed.has(k) && goneRelations.has(key(t.c, t.o, 0))) out.push({ c: t.c, o: t.o, s: t.s, pc: null, po: null, rr: null, h: null });
    }
    return { rows: this.withDroppedRoles(out, roles), shrunk: new Map(), ids };
  }

  /** Runs one look's query; keeps its horizon for the next one. */
  private async query(client: pg.Client, name: string, text: string, values = [this.since]): Promise<QueryRow[]> {
    const { rows } = await client.query<QueryRow>({ name, text, values });
    const x = rows.find((r) => r.t === 'x');
    if (x) this.since = x.h as string;
    return rows.filter((r) => r.t !== 'x');
  }

  /** Roles come whole each time (`r` rows): a role no longer listed was dropped. */
  private withDroppedRoles(rows: Row[], roles: Set<string>): Row[] {
    for (const [k, t] of this.tracked) if (t.history.type === 'role' && !roles.has(k)) rows.push({ c: t.c, o: t.o, s: 0, pc: null, po: null, rr: null, h: null });
    return rows;
  }

  private oidsOf(catalog: number): Set<number> {
    let set = this.oids.get(catalog);
    if (!set) this.oids.set(catalog, (set = new Set()));
    return set;
  }

  private track(row: Row, named: { type: string; id: string } | undefined, preexisting: boolean): Tracked {
    const k = key(row.c, row.o, row.s);
    const history: ObjectHistory = {
      id: named?.id ?? k,
      formerIds: [],
      type: named?.type ?? 'unknown',
      parent: null,
      preexisting,
      events: [],
      exists: true,
      digest: row.h ?? '',
    };
    const t: Tracked = {
      c: row.c,
      o: row.o,
      s: row.s,
      parentKey: row.pc === null ? null : key(row.pc, row.po as number, 0),
      refKey: row.rr === null ? null : key(RELATIONS, row.rr, 0),
      digest: row.h ?? '',
      history,
    };
    this.tracked.set(k, t);
    this.all.push(history);
    return t;
  }

  private rename(k: string, id: string | undefined): Tracked {
    const t = this.tracked.get(k) as Tracked;
    if (id !== undefined && t.history.id !== id) {
      t.history.formerIds.push(t.history.id);
      t.history.id = id;
    }
    return t;
  }

  private resolveParents(): void {
    for (const t of this.tracked.values()) {
      if (t.parentKey) t.history.parent = this.tracked.get(t.parentKey)?.history.id ?? t.history.parent;
    }
  }
}

async function identify(client: pg.Client, list: { c: number; o: number; s: number }[]): Promise<Map<string, { type: string; id: string }>> {
  if (list.length === 0) return new Map();
  const { rows } = await client.query<{ n: string; type: string; identity: string }>({
    name: 'pgsquash_provenance_identify',
    text: `SELECT u.n, i.type, i.identity
      FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.oid[]), pg_catalog.unnest($2::pg_catalog.oid[]), pg_catalog.unnest($3::pg_catalog.int4[])) WITH ORDINALITY u(c, o, s, n),
        LATERAL pg_catalog.pg_identify_object(u.c, u.o, u.s) i`,
    values: [list.map((r) => r.c), list.map((r) => r.o), list.map((r) => r.s)],
  });
  const out = new Map<string, { type: string; id: string }>();
  for (const r of rows) {
    const row = list[Number(r.n) - 1] as { c: number; o: number; s: number };
    out.set(key(row.c, row.o, row.s), { type: r.type, id: `${r.type} ${r.identity}` });
  }
  return out;
}
