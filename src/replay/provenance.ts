/**
 * Provenance: which migration file created, altered and dropped which catalog object.
 *
 * After the preludes and after every migration file, a look takes a digest of the catalog rows of
 * each user object that may have changed (relations, columns, constraints, indexes, types,
 * functions, triggers, policies, rules, schemas, extensions, roles, event triggers, publications,
 * default privileges), keyed by catalog address (classid, objid, subid). Comparing an object's
 * digest with the one it had says what the file did. Keying by OID, not by name, makes a rename an
 * alteration of the same object rather than a drop and a create. Names are `pg_identify_object`
 * ids, as in the catalog model, as of the look; once more for every object at the end.
 *
 * Where the server has event triggers, an event-trigger log of the migrations' DDL says which
 * objects a look reads (provenance-log.ts), and the look is a function the migration session calls
 * in the same message as the file, right after its COMMIT (the replay's `fileEpilogue`): no round
 * trip, no other session. The function keeps its own settings and runs as its owner, so nothing
 * the migrations set (role, search_path, plan settings) affects it. What the log cannot say
 * (GRANT, REASSIGN OWNED, ...) is read by xmin on the tracker's session while the replay waits.
 * Elsewhere (PGlite runs single-user) each look reads every catalog row written since the last
 * one, by xmin, in the migration session between its files.
 *
 * Not tracked: statistics objects, collations, text search objects, operators, casts and row data.
 */
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import type { Database } from '../engine/types.js';
import { installLog, removeLog } from './provenance-log.js';
import { key, parseLookRows, presentOids, setIn, withScan, xminLookAt, type Bounds, type Look, type Parsed, type Row } from './provenance-looks.js';
import { lookCall, snapshotBounds, userOids } from './provenance-sql.js';
import type { EpilogueOutcome } from './run-file.js';
import type { ReplayOptions } from './types.js';

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

/** What the tracker needs of each migration: its path, and its SQL to spot commands the log cannot see. */
export interface TrackedFile {
  path: string;
  sql: string;
}

/**
 * Commands that change the catalog without an event-trigger record (event triggers, ownership moved
 * or dropped wholesale, catalogs updated by hand): a file holding one is also read by xmin.
 */
const unlogged = /\b(event\s+trigger|reassign\s+owned|drop\s+owned|update\s+(pg_catalog\s*\.\s*)?pg_\w+)\b/i;

const RELATION = 1259; // pg_class: a bootstrap catalog, its OID is fixed

interface Tracked {
  c: number;
  o: number;
  s: number;
  parentKey: string | null;
  /** The relation a foreign key references: its rebuild replaces the key. */
  referencedKey: string | null;
  digest: string;
  history: ObjectHistory;
}

/**
 * Records provenance during a replay. Pass `hooks()` into the replay options (chaining any hooks
 * already there); read `result()` once the replay is done; `close()` in a finally.
 */
export class ProvenanceTracker {
  private readonly tracked = new Map<string, Tracked>();
  /** Tracked objects by owner, by the relation a foreign key references, by catalog; tracked roles. */
  private readonly children = new Map<string, Set<string>>();
  private readonly referrers = new Map<string, Set<string>>();
  private readonly byCatalog = new Map<number, Set<string>>();
  private readonly roles = new Set<string>();
  private readonly all: ObjectHistory[] = [];
  private readonly paths: string[];
  /** User OIDs per counted catalog, to notice deletions by count in xmin looks. */
  private readonly oids = new Map<number, Set<number>>();
  /** The counts are stale: the next xmin look lists every catalog's user OIDs. */
  private recount = false;
  private since = '0';
  private side: pg.Client | undefined;
  private bounds: Bounds = { x: '0', n: '0' };
  /** The event-trigger log is in the database (removed after the last look). */
  private installed = false;
  /** A migration dropped the log: xmin looks from there on. */
  private lost = false;
  /** Looks run on the migration session (not the tracker's to end). */
  private sideIsSession = false;
  /**
   * Milliseconds the replay waited for the tracker between files (the logged looks run inside
   * the files' messages and are not counted here).
   */
  elapsedMs = 0;
  /** How the files' looks were taken: from the log, or by xmin (no log, or the log was dropped). */
  readonly looks = { logged: 0, xmin: 0 };

  /**
   * `eventTriggers: false` keeps to synchronous xmin looks, as on servers without event triggers
   * (to compare both ways in tests).
   */
  constructor(
    private readonly files: readonly TrackedFile[],
    private readonly options: { eventTriggers?: boolean } = {},
  ) {
    this.paths = files.map((f) => f.path);
  }

  /** Replay hooks: the state after the preludes, the look each file carries, then after every file. */
  hooks(chain: Pick<ReplayOptions, 'onPreludesDone' | 'onFileDone'> = {}): Required<Pick<ReplayOptions, 'onPreludesDone' | 'onFileDone' | 'fileEpilogue'>> {
    return {
      onPreludesDone: async (phase) => {
        await chain.onPreludesDone?.(phase);
        await this.start(phase.db, phase.client);
      },
      fileEpilogue: () => (this.installed && !this.lost ? lookCall(this.bounds) : undefined),
      onFileDone: async (info) => {
        await this.fileDone(info.index, info.epilogue);
        await chain.onFileDone?.(info);
      },
    };
  }

  /**
   * The state after the preludes. With the event-trigger log, the tracker keeps a session of its
   * own for what the log cannot tell; without it, xmin looks run on the migration session
   * `session`, between its files (PGlite serves every session from one backend, so a side session
   * is no better there).
   */
  async start(db: Database, session: pg.Client): Promise<void> {
    const t0 = performance.now();
    const first = this.files.length > 0 && this.options.eventTriggers !== false ? await this.lookAndLog(db) : await asLogin(session, () => xminLookAt(session, '0'));
    if (!this.side) {
      this.side = session;
      this.sideIsSession = true;
    }
    this.since = first.horizon ?? this.since;
    for (const row of first.rows) if (row.s === 0) setIn(this.oids, row.c).add(row.o);
    for (const row of [...first.rows, ...first.roles]) if (row.h !== null) this.track(row, true);
    this.resolveParents();
    this.elapsedMs += performance.now() - t0;
  }

  /**
   * The first look, then the event-trigger log where the server fires event triggers. The look
   * comes first: the log is not the migrations' doing. It holds for the migration session too,
   * whose state is the same at this moment.
   */
  private async lookAndLog(db: Database): Promise<Parsed> {
    const side = await db.connect();
    // Looks cost enough for JIT, which would compile them on every run (PostgreSQL builds with LLVM).
    await side.query('SET jit = off');
    const first = await xminLookAt(side, '0');
    if (await installLog(side)) {
      this.side = side;
      this.installed = true;
      this.bounds = (await side.query<Bounds>(snapshotBounds)).rows[0] ?? this.bounds;
    } else {
      await side.end();
    }
    return first;
  }

  /** What file `file` did: from the look it carried (`epilogue`), or by xmin. */
  async fileDone(file: number, epilogue?: EpilogueOutcome): Promise<void> {
    const t0 = performance.now();
    const logged = this.installed && !this.lost ? await this.loggedLook(file, epilogue) : undefined;
    this.looks[logged?.by ?? 'xmin']++;
    this.apply(file, logged?.look ?? (await this.xminLook()));
    if (file === this.files.length - 1) await this.finish();
    this.elapsedMs += performance.now() - t0;
  }

  /**
   * The look file `file` carried, with an xmin scan where the log cannot tell; undefined when the
   * file dropped the log (DROP OWNED BY the superuser, DROP SCHEMA ... CASCADE): this file and the
   * rest then get xmin looks from the last logged look's horizon.
   */
  private async loggedLook(file: number, epilogue: EpilogueOutcome | undefined): Promise<{ look: Parsed; by: 'logged' | 'xmin' } | undefined> {
    const path = this.paths[file];
    if (!epilogue) throw new Error(`provenance: no look ran after ${path} (pass the tracker's fileEpilogue to the replay)`);
    const code = 'error' in epilogue ? (epilogue.error as { code?: string }).code : undefined;
    const look = 'error' in epilogue ? undefined : parseLookRows(epilogue.rows);
    if (code === '3F000' || code === '42883' || look?.error?.startsWith('42P01')) {
      this.lost = true;
      this.since = this.bounds.x;
      // The catalogs' user rows were not counted while the log ran: the next look lists them all.
      this.recount = true;
      return undefined;
    }
    if (!look?.bounds || look.error) return { look: await this.lookBeside(), by: 'xmin' };
    const previous = this.bounds;
    this.bounds = look.bounds;
    return { look: unlogged.test(this.files[file]?.sql ?? '') || look.addressless ? await withScan(this.session(), look, previous.x) : look, by: 'logged' };
  }

  /**
   * A file whose look failed (the migrations set a statement_timeout it ran into, took its
   * schema's rights away, ...) is read by xmin on the tracker's session, which sees the file's end
   * while the replay waits; the log's looks carry on after it.
   */
  private async lookBeside(): Promise<Parsed> {
    const side = this.session();
    const look = await xminLookAt(side, this.bounds.x);
    const present = await presentOids(side);
    this.bounds = (await side.query<Bounds>(snapshotBounds)).rows[0] ?? this.bounds;
    return { ...look, present };
  }

  result(): Provenance {
    const first = (h: ObjectHistory) => (h.preexisting ? -1 : (h.events[0]?.file ?? -1));
    const objects = [...this.all].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : first(a) - first(b)));
    return { files: [...this.paths], objects };
  }

  /** Ends the tracker's session (the log goes with the replay database when the replay failed). */
  async close(): Promise<void> {
    const side = this.side;
    this.side = undefined;
    if (!this.sideIsSession) await side?.end().catch(() => undefined);
  }

  /** Final names of everything still there (a schema rename renames what it holds); the log goes. */
  private async finish(): Promise<void> {
    const side = this.session();
    const keys = [...this.tracked.keys()];
    const ids = await identify(side, [...this.tracked.values()]);
    for (const k of keys) this.rename(k, ids.get(k)?.id);
    this.resolveParents();
    if (this.installed) await removeLog(side);
  }

  /** Every catalog row written since the last look; deletions seen by catalog row counts. */
  private async xminLook(): Promise<Look> {
    const side = this.session();
    const look = await (this.sideIsSession ? asLogin(side, () => xminLookAt(side, this.since)) : xminLookAt(side, this.since));
    this.since = look.horizon ?? this.since;
    // Every user row counts, tracked or not (a toast table, an extension's function).
    for (const row of look.rows) if (row.s === 0) setIn(this.oids, row.c).add(row.o);
    for (const { catalog, count, name } of look.counts) {
      if (count === setIn(this.oids, catalog).size && !this.recount) continue;
      const now = new Set((await side.query<{ oid: string }>(userOids(name))).rows.map((x) => Number(x.oid)));
      this.oids.set(catalog, now);
      look.present.set(catalog, now);
    }
    this.recount = false;
    return look;
  }

  /** What a file did, from what its look saw. */
  private apply(file: number, look: Look): void {
    const seen = new Set(look.members);
    for (const row of look.rows) if (row.h !== null) seen.add(key(row.c, row.o, row.s));
    const gone = new Set<string>();
    for (const relation of look.families) {
      const family = key(RELATION, relation, 0);
      for (const k of [...(this.children.get(family) ?? []), ...(this.referrers.get(family) ?? [])]) if (!seen.has(k)) gone.add(k);
    }
    for (const [catalog, listed] of look.present) {
      for (const k of this.byCatalog.get(catalog) ?? []) if (!listed.has((this.tracked.get(k) as Tracked).o)) gone.add(k);
    }
    const roles = new Set(look.roles.map((r) => key(r.c, r.o, r.s)));
    for (const k of this.roles) if (!roles.has(k)) gone.add(k);
    const created: Row[] = [];
    const altered: Row[] = [];
    // A look that also read by xmin may list an object twice; the rows agree (one snapshot).
    const rows = new Map([...look.rows, ...look.roles].map((row) => [key(row.c, row.o, row.s), row]));
    for (const [k, row] of rows) {
      const known = this.tracked.get(k);
      if (row.h === null) {
        if (known) gone.add(k);
      } else if (!known) created.push(row);
      else if (known.digest !== row.h) altered.push(row);
    }
    const made = created.map((row) => this.track(row, false));
    for (const t of made) {
      t.history.events.push({ file, action: 'created', before: '' });
      if (t.parentKey) t.history.parent = this.tracked.get(t.parentKey)?.history.id ?? null;
    }
    const alteredKeys = new Set(altered.map((r) => key(r.c, r.o, r.s)));
    for (const row of altered) {
      const k = key(row.c, row.o, row.s);
      const t = this.tracked.get(k) as Tracked;
      const [oldId, oldType] = [t.history.id, t.history.type];
      this.rename(k, row.named?.id);
      if (t.history.id !== oldId) {
        // A renamed table renames its columns, constraints, triggers, policies and rules too.
        const [from, to] = [oldId.slice(oldType.length + 1), t.history.id.slice(t.history.type.length + 1)];
        for (const ck of this.children.get(k) ?? []) {
          const child = this.tracked.get(ck) as Tracked;
          if (!alteredKeys.has(ck)) this.rename(ck, childId(child.history, from, to));
          child.history.parent = t.history.id;
        }
      }
      t.history.events.push({ file, action: 'altered', before: t.digest });
      t.digest = t.history.digest = row.h as string;
    }
    // What belongs to a dropped object went with it (columns are in no event-trigger record).
    for (const k of gone) for (const child of this.children.get(k) ?? []) gone.add(child);
    for (const k of gone) this.drop(k, file);
  }

  private session(): pg.Client {
    if (!this.side) throw new Error('ProvenanceTracker: start() was not called (the replay did not run onPreludesDone)');
    return this.side;
  }

  private track(row: Row, preexisting: boolean): Tracked {
    const k = key(row.c, row.o, row.s);
    const named = row.named;
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
      referencedKey: row.rr === null ? null : key(RELATION, row.rr, 0),
      digest: row.h ?? '',
      history,
    };
    this.tracked.set(k, t);
    this.all.push(history);
    if (t.parentKey) setIn(this.children, t.parentKey).add(k);
    if (t.referencedKey) setIn(this.referrers, t.referencedKey).add(k);
    if (t.s === 0) setIn(this.byCatalog, t.c).add(k);
    if (history.type === 'role') this.roles.add(k);
    return t;
  }

  private drop(k: string, file: number): void {
    const t = this.tracked.get(k);
    if (!t) return;
    t.history.events.push({ file, action: 'dropped', before: t.digest });
    t.history.exists = false;
    t.history.digest = '';
    this.tracked.delete(k);
    if (t.parentKey) this.children.get(t.parentKey)?.delete(k);
    if (t.referencedKey) this.referrers.get(t.referencedKey)?.delete(k);
    this.byCatalog.get(t.c)?.delete(k);
    this.roles.delete(k);
  }

  private rename(k: string, id: string | undefined): Tracked {
    const t = this.tracked.get(k) as Tracked;
    if (id !== undefined && t.history.id !== id) {
      t.history.formerIds.push(t.history.id);
      t.history.id = id;
    }
    return t;
  }

  /** Every object's owner by its current id (at the start, and at the end after the final names). */
  private resolveParents(): void {
    for (const t of this.tracked.values()) {
      if (t.parentKey) t.history.parent = this.tracked.get(t.parentKey)?.history.id ?? t.history.parent;
    }
  }
}


/**
 * Runs `fn` on the migration session as its login, not as a role the migrations set (which may not
 * read pg_authid), then sets that role back.
 */
async function asLogin<T>(session: pg.Client, fn: () => Promise<T>): Promise<T> {
  const role = (await session.query<{ r: string }>(`SELECT pg_catalog.current_setting('role') AS r`)).rows[0]?.r ?? 'none';
  if (role === 'none') return fn();
  await session.query('RESET ROLE');
  try {
    return await fn();
  } finally {
    await session.query(`SET ROLE ${session.escapeIdentifier(role)}`);
  }
}

/**
 * A child's id after its owner's identity changed from `from` to `to`: columns are `owner.name`,
 * constraints, triggers, policies and rules `name on owner`; indexes and sequences keep theirs.
 */
function childId(child: Pick<ObjectHistory, 'id' | 'type'>, from: string, to: string): string {
  const identity = child.id.slice(child.type.length + 1);
  if (identity.startsWith(`${from}.`)) return `${child.type} ${to}${identity.slice(from.length)}`;
  if (identity.endsWith(` on ${from}`)) return `${child.type} ${identity.slice(0, identity.length - from.length)}${to}`;
  return child.id;
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
