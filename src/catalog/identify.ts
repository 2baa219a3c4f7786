import pg from 'pg';

/**
 * Model ids are `pg_identify_object` type and identity. Calling it per mention (a column names its
 * table, a constraint its table and index) dominated introspection at scale, so an object
 * identifies itself once (`selfId`) and mentions are address placeholders (`idOf`), substituted
 * here from those ids, or from one set-based query for addresses no object row identified.
 * A placeholder is `\x01classid/objid/objsubid\x02`: text cannot hold NUL, so no marker is
 * unforgeable, and an identifier spelling exactly that sequence would be read as one.
 */
const PLACEHOLDER = /\x01(\d+\/\d+\/-?\d+)\x02/g;
const WHOLE = /^\x01\d+\/\d+\/-?\d+\x02$/;
const JSON_OID = 114;
/** Row fields (besides json ones) that take ids: a kind row's own, its parent, what it covers. */
const ROW_FIELDS = ['id', 'parent', 'covers'] as const;

/** Where placeholders stand in query results, so they are substituted without a second walk. */
export class Placeholders {
  readonly addresses = new Set<string>();
  private readonly slots: { holder: Record<string, unknown> | unknown[]; key: string | number; text: string }[] = [];

  /**
   * Type parsers for the queries: json values are parsed as usual, and only those whose text holds
   * a placeholder are walked, so the many definitions without one cost nothing more.
   */
  readonly types = {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      oid === JSON_OID ? (raw: string) => this.json(raw) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
  };

  private json(raw: string): unknown {
    const value: unknown = JSON.parse(raw);
    // json text escapes the placeholder's control characters
    if (raw.includes('\\u0001') && value !== null && typeof value === 'object') this.collect(value as Record<string, unknown>);
    return value;
  }

  /** Records the placeholders in a row's own fields that may hold them (json ones are parsed already). */
  collectRow(row: { id?: unknown; parent?: unknown; covers?: unknown }): void {
    const r = row as Record<string, unknown>;
    for (const k of ROW_FIELDS) if (typeof r[k] === 'string' || Array.isArray(r[k])) this.visit(r, k, r[k]);
  }

  /** Records the placeholders in `holder[key]`, a text or a json value. */
  collectAt(holder: Record<string, unknown>, key: string): void {
    this.visit(holder, key, holder[key]);
  }

  /** Records the placeholders anywhere in `value` (arrays, json objects). */
  collect(value: Record<string, unknown> | unknown[]): void {
    if (Array.isArray(value)) for (let i = 0; i < value.length; i++) this.visit(value, i, value[i]);
    else for (const k in value) this.visit(value, k, value[k]);
  }

  private visit(holder: Record<string, unknown> | unknown[], key: string | number, v: unknown): void {
    if (typeof v === 'string') {
      if (!v.includes('\x01')) return;
      this.slots.push({ holder, key, text: v });
      for (const m of v.matchAll(PLACEHOLDER)) this.addresses.add(m[1]!);
    } else if (v !== null && typeof v === 'object') {
      this.collect(v as Record<string, unknown>);
    }
  }

  /**
   * Substitutes each placeholder with its id, in place. A string naming an address without an
   * object becomes null, as the SQL concatenation it stands for would have.
   */
  resolve(ids: Map<string, string | null>): void {
    for (const { holder, key, text } of this.slots) {
      // most slots are one whole placeholder (an id, a parent)
      if (WHOLE.test(text)) {
        (holder as Record<string | number, unknown>)[key] = ids.get(text.slice(1, -1)) ?? null;
        continue;
      }
      let missing = false;
      const value = text.replace(PLACEHOLDER, (_, a: string) => {
        const id = ids.get(a);
        if (id == null) missing = true;
        return id ?? '';
      });
      (holder as Record<string | number, unknown>)[key] = missing ? null : value;
    }
  }
}

/** `classid/objid/objsubid` → id, or null for an address that names no object. */
export async function identify(client: pg.Client, addresses: Iterable<string>): Promise<Map<string, string | null>> {
  const list = [...addresses];
  const ids = new Map<string, string | null>();
  if (list.length === 0) return ids;
  const parts = list.map((a) => a.split('/'));
  const { rows } = await client.query<{ id: string | null }>(
    `SELECT (SELECT i.type || ' ' || i.identity FROM pg_catalog.pg_identify_object(x.c, x.o, x.s) i) AS id
     FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.oid[]), pg_catalog.unnest($2::pg_catalog.oid[]), pg_catalog.unnest($3::pg_catalog.int4[]))
       WITH ORDINALITY AS x(c, o, s, k)
     ORDER BY x.k`,
    [parts.map((p) => p[0]), parts.map((p) => p[1]), parts.map((p) => p[2])],
  );
  rows.forEach((r, k) => ids.set(list[k]!, r.id));
  return ids;
}
