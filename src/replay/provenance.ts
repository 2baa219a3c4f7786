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

interface Row {
  c: number;
  o: number;
  s: number;
  /** Parent catalog address, when the object belongs to another one. */
  pc: number | null;
  po: number | null;
  /** Digest; null when the candidate no longer exists (a dropped column, ...). */
  h: string | null;
}

const cls = (catalog: string) => `'pg_catalog.${catalog}'::pg_catalog.regclass::pg_catalog.oid`;
const recent = (alias: string) => `${alias}.xmin::text::int8 >= (SELECT x FROM since)`;
const notDependent = (catalog: string, oid: string, types: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = ${cls(catalog)} AND d.objid = ${oid} AND d.objsubid = 0 AND d.deptype IN (${types}))`;
const comment = (catalog: string, oid: string, sub = '0') =>
  `(SELECT x.description FROM pg_catalog.pg_description x WHERE x.classoid = ${cls(catalog)} AND x.objoid = ${oid} AND x.objsubid = ${sub})`;
const digest = (...parts: string[]) => `pg_catalog.md5(pg_catalog.concat_ws('|', ${parts.join(', ')}))`;
const candidate = (catalog: string, oid: string, sub = '0') => `JOIN cand ON cand.c = ${cls(catalog)} AND cand.o = ${oid} AND cand.s = ${sub}`;

/** Catalogs whose rows are whole objects: a drop shows as a smaller count of rows with user OIDs. */
const counted = ['pg_class', 'pg_constraint', 'pg_proc', 'pg_type', 'pg_trigger', 'pg_policy', 'pg_rewrite', 'pg_namespace', 'pg_extension', 'pg_event_trigger', 'pg_publication', 'pg_default_acl'];
const userRow = (catalog: string, alias: string) =>
  catalog === 'pg_namespace' ? `(${alias}.oid >= 16384 OR ${alias}.nspname = 'public')` : `${alias}.oid >= 16384`;

/**
 * Candidates: objects with a catalog row written since the last look (xmin at or after the
 * transaction horizon then); catalog rows a migration writes only through DDL. Every range starts
 * at the first user OID, so each scan is an index range over user objects only.
 */
const candidates = [
  ...counted.map((catalog) => `SELECT ${cls(catalog)} AS c, o.oid AS o, 0 AS s FROM pg_catalog.${catalog} o WHERE ${userRow(catalog, 'o')} AND ${recent('o')}`),
  `SELECT ${cls('pg_class')}, a.attrelid, a.attnum::int FROM pg_catalog.pg_attribute a WHERE a.attrelid >= 16384 AND a.attnum > 0 AND ${recent('a')}`,
  `SELECT ${cls('pg_class')}, a.adrelid, a.adnum::int FROM pg_catalog.pg_attrdef a WHERE a.adrelid >= 16384 AND ${recent('a')}`,
  `SELECT a.classoid, a.objoid, a.objsubid FROM pg_catalog.pg_description a WHERE a.objoid >= 16384 AND ${recent('a')}`,
  `SELECT ${cls('pg_class')}, a.indexrelid, 0 FROM pg_catalog.pg_index a WHERE a.indexrelid >= 16384 AND ${recent('a')}`,
  `SELECT ${cls('pg_class')}, a.ev_class, 0 FROM pg_catalog.pg_rewrite a WHERE a.oid >= 16384 AND a.rulename = '_RETURN' AND ${recent('a')}`,
  `SELECT ${cls('pg_class')}, a.seqrelid, 0 FROM pg_catalog.pg_sequence a WHERE a.seqrelid >= 16384 AND ${recent('a')}`,
  `SELECT ${cls('pg_type')}, a.enumtypid, 0 FROM pg_catalog.pg_enum a WHERE a.oid >= 16384 AND ${recent('a')}`,
  `SELECT ${cls('pg_class')}, a.objid, 0 FROM pg_catalog.pg_depend a WHERE a.classid = ${cls('pg_class')} AND a.objid >= 16384 AND a.deptype = 'a' AND ${recent('a')}`,
];

/**
 * Relations: only the columns a migration sets (relpages, reltuples, relhasindex... change with
 * unrelated work). A view's rule, an index's keys and a sequence's options belong to the relation.
 */
const relations = `
SELECT ${cls('pg_class')} AS c, r.oid AS o, 0 AS s,
  CASE WHEN x.indrelid IS NOT NULL OR q.refobjid IS NOT NULL THEN ${cls('pg_class')} END AS pc,
  COALESCE(x.indrelid, q.refobjid) AS po,
  ${digest('r.relname', 'r.relnamespace::text', 'r.relkind::text', 'r.relpersistence::text', 'r.reloptions::text', 'r.relrowsecurity::text',
    'r.relforcerowsecurity::text', 'r.relreplident::text', 'r.relowner::text', 'r.relacl::text', 'r.relam::text', 'r.relpartbound::text',
    'r.reloftype::text',
    `(SELECT w.ev_action::text FROM pg_catalog.pg_rewrite w WHERE w.ev_class = r.oid AND w.rulename = '_RETURN')`,
    `(x.indkey::text || x.indclass::text || x.indisunique::text || x.indisclustered::text || COALESCE(x.indexprs::text, '') || COALESCE(x.indpred::text, ''))`,
    `(SELECT q2::text FROM pg_catalog.pg_sequence q2 WHERE q2.seqrelid = r.oid)`,
    comment('pg_class', 'r.oid'))} AS h
FROM pg_catalog.pg_class r ${candidate('pg_class', 'r.oid')}
LEFT JOIN pg_catalog.pg_index x ON x.indexrelid = r.oid
LEFT JOIN pg_catalog.pg_depend q ON r.relkind = 'S' AND q.classid = ${cls('pg_class')} AND q.objid = r.oid AND q.refclassid = ${cls('pg_class')} AND q.deptype = 'a'
WHERE r.relkind <> 't' AND r.relpersistence <> 't' AND r.relnamespace <> 'pg_toast'::pg_catalog.regnamespace
  AND ${notDependent('pg_class', 'r.oid', "'e', 'i'")}`;

const columns = `
SELECT ${cls('pg_class')}, a.attrelid, a.attnum::int, ${cls('pg_class')}, a.attrelid,
  ${digest('a.attname', 'a.atttypid::text', 'a.atttypmod::text', 'a.attnotnull::text', 'a.attidentity::text', 'a.attgenerated::text',
    'a.attcollation::text', 'a.attacl::text', 'a.attstorage::text', 'ad.adbin::text', comment('pg_class', 'a.attrelid', 'a.attnum'))}
FROM pg_catalog.pg_attribute a ${candidate('pg_class', 'a.attrelid', 'a.attnum')}
JOIN pg_catalog.pg_class r ON r.oid = a.attrelid
LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
WHERE r.relkind IN ('r', 'p', 'f', 'c') AND r.relpersistence <> 't' AND NOT a.attisdropped
  AND ${notDependent('pg_class', 'r.oid', "'e', 'i'")}`;

/** Whole catalog rows where nothing in the row changes unless a migration changes the object. */
const wholeRows = (catalog: string, alias: string, where: string, parent?: { c: string; o: string }) => `
SELECT ${cls(catalog)}, ${alias}.oid, 0, ${parent ? parent.c : 'NULL::pg_catalog.oid'}, ${parent ? parent.o : 'NULL::pg_catalog.oid'},
  ${digest(`${alias}::text`, comment(catalog, `${alias}.oid`))}
FROM pg_catalog.${catalog} ${alias} ${candidate(catalog, `${alias}.oid`)}
WHERE ${notDependent(catalog, `${alias}.oid`, "'e', 'i'")}${where ? ` AND ${where}` : ''}`;

const others = [
  wholeRows('pg_constraint', 'k', '', {
    c: `CASE WHEN k.conrelid <> 0 THEN ${cls('pg_class')} ELSE ${cls('pg_type')} END`,
    o: `CASE WHEN k.conrelid <> 0 THEN k.conrelid ELSE k.contypid END`,
  }),
  wholeRows('pg_proc', 'p', ''),
  // Relation row types and arrays belong to their relation or element type; enum labels to the enum.
  `
SELECT ${cls('pg_type')}, t.oid, 0, NULL::pg_catalog.oid, NULL::pg_catalog.oid,
  ${digest('t::text', `(SELECT pg_catalog.string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid)`, comment('pg_type', 't.oid'))}
FROM pg_catalog.pg_type t ${candidate('pg_type', 't.oid')}
WHERE t.typrelid = 0 AND ${notDependent('pg_type', 't.oid', "'e', 'i'")}`,
  wholeRows('pg_trigger', 'g', 'NOT g.tgisinternal', { c: cls('pg_class'), o: 'g.tgrelid' }),
  wholeRows('pg_policy', 'y', '', { c: cls('pg_class'), o: 'y.polrelid' }),
  wholeRows('pg_rewrite', 'w', `w.rulename <> '_RETURN'`, { c: cls('pg_class'), o: 'w.ev_class' }),
  `
SELECT ${cls('pg_namespace')}, n.oid, 0, NULL::pg_catalog.oid, NULL::pg_catalog.oid,
  ${digest('n.nspname', 'n.nspowner::text', 'n.nspacl::text', comment('pg_namespace', 'n.oid'))}
FROM pg_catalog.pg_namespace n ${candidate('pg_namespace', 'n.oid')}
WHERE n.nspname !~ '^pg_(toast_)?temp_' AND ${notDependent('pg_namespace', 'n.oid', "'e'")}`,
  wholeRows('pg_extension', 'e', ''),
  wholeRows('pg_event_trigger', 'v', ''),
  wholeRows('pg_publication', 'b', ''),
  wholeRows('pg_default_acl', 'f', ''),
];

/**
 * One statement per look: `d` rows are candidates with their digest (null when gone), `r` rows
 * every role (pg_roles has no xmin; it is small), `n` rows the count of user rows per counted
 * catalog, and one `x` row the transaction horizon for the next look.
 */
export const fingerprintQuery = `
WITH since AS (SELECT $1::int8 AS x),
cand AS MATERIALIZED (${candidates.join('\n  UNION ')}),
digests AS (${[relations, columns, ...others].join('\n  UNION ALL')})
SELECT 'd' AS t, cand.c, cand.o, cand.s, g.pc, g.po, g.h
FROM cand LEFT JOIN digests g ON g.c = cand.c AND g.o = cand.o AND g.s = cand.s
UNION ALL
SELECT 'r', ${cls('pg_authid')}, r.oid, 0, NULL, NULL, pg_catalog.md5(r::text) FROM pg_catalog.pg_roles r WHERE r.oid >= 16384
UNION ALL
${counted.map((catalog) => `SELECT 'n', ${cls(catalog)}, (SELECT pg_catalog.count(*) FROM pg_catalog.${catalog} o WHERE ${userRow(catalog, 'o')})::pg_catalog.oid, 0, NULL, NULL, '${catalog}'`).join('\nUNION ALL\n')}
UNION ALL
SELECT 'x', 0, 0, 0, NULL, NULL, (pg_catalog.pg_snapshot_xmax(pg_catalog.pg_current_snapshot())::text::int8 & 4294967295)::text`;

/** The user OIDs of one counted catalog, when its count says rows were deleted. */
const userOids = (catalog: string) => `SELECT o.oid FROM pg_catalog.${catalog} o WHERE ${userRow(catalog, 'o')}`;

const key = (c: number, o: number, s: number) => `${c}:${o}:${s}`;

interface Tracked {
  c: number;
  o: number;
  s: number;
  parentKey: string | null;
  digest: string;
  history: ObjectHistory;
}

interface Look {
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
  /** Milliseconds spent in the tracker's queries, for the overhead figure. */
  elapsedMs = 0;

  constructor(private readonly files: string[]) {}

  /** Replay hooks: the state after the preludes, then after every file. */
  hooks(chain: Pick<ReplayOptions, 'onPreludesDone' | 'onFileDone'> = {}): Required<Pick<ReplayOptions, 'onPreludesDone' | 'onFileDone'>> {
    return {
      onPreludesDone: async (phase) => {
        await chain.onPreludesDone?.(phase);
        await this.start(phase.client);
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

  async fileDone(client: pg.Client, file: number): Promise<void> {
    const t0 = performance.now();
    const { rows, shrunk } = await this.look(client);
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
      const ids = await identify(client, [...created, ...altered, ...children.map(([, t]) => t)]);
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
    const { rows } = await client.query<{ t: string; c: string; o: string; s: number; pc: string | null; po: string | null; h: string | null }>({
      name: 'pgsquash_provenance',
      text: fingerprintQuery,
      values: [this.since],
    });
    const out: Row[] = [];
    const counts = new Map<number, { count: number; catalog: string }>();
    const roles = new Set<string>();
    for (const r of rows) {
      const row: Row = { c: Number(r.c), o: Number(r.o), s: Number(r.s), pc: r.pc === null ? null : Number(r.pc), po: r.po === null ? null : Number(r.po), h: r.h };
      if (r.t === 'x') this.since = r.h as string;
      else if (r.t === 'n') counts.set(row.c, { count: row.o, catalog: r.h as string });
      else {
        out.push(row);
        if (r.t === 'r') roles.add(key(row.c, row.o, 0));
        else if (row.s === 0) this.oidsOf(row.c).add(row.o);
      }
    }
    // Roles come whole each time: a role no longer listed was dropped.
    for (const [k, t] of this.tracked) if (t.history.type === 'role' && !roles.has(k)) out.push({ c: t.c, o: t.o, s: 0, pc: null, po: null, h: null });
    const shrunk = new Map<number, Set<number>>();
    for (const [c, { count, catalog }] of counts) {
      if (count === this.oidsOf(c).size) continue;
      const now = new Set((await client.query<{ oid: string }>(userOids(catalog))).rows.map((r) => Number(r.oid)));
      this.oids.set(c, now);
      shrunk.set(c, now);
    }
    return { rows: out, shrunk };
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
    const t: Tracked = { c: row.c, o: row.o, s: row.s, parentKey: row.pc === null ? null : key(row.pc, row.po as number, 0), digest: row.h ?? '', history };
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
