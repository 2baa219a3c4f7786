import pg from 'pg';
import type { Placeholders } from './identify.js';

const JSON_OID = 114;
/** Columns named `def.<key>` make up the row's def (queries/common.ts `columnar`). */
const DEF = 'def.';

/** json as text: the reader parses each column itself, and looks for placeholders only where the text has one. */
const rawJson = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === JSON_OID ? (raw: string) => raw : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** The columns of a `byColumn` query, each as its array of values. */
export async function readColumns(client: pg.Client, text: string): Promise<Record<string, unknown[]>> {
  const result = await client.query<Record<string, string | null>>({ text, types: rawJson });
  const only = result.rows[0] ?? {};
  return Object.fromEntries(result.fields.map((f) => [f.name, JSON.parse(only[f.name] ?? '[]') as unknown[]]));
}

/**
 * The rows of a `columnar` query (one json array per column), as row objects with their `def`
 * assembled from the `def.<key>` columns in column order, the order json_build_object gave the keys.
 */
export async function readColumnar<R extends object>(client: pg.Client, text: string, placeholders: Placeholders): Promise<R[]> {
  const result = await client.query<Record<string, string | null>>({ text, types: rawJson });
  const only = result.rows[0] ?? {};
  const columns = result.fields.map((f) => {
    const json = only[f.name] ?? null;
    const def = f.name.startsWith(DEF);
    return {
      key: def ? f.name.slice(DEF.length) : f.name,
      def,
      values: (json === null ? [] : JSON.parse(json)) as unknown[],
      // json escapes the placeholder's control character
      marked: json !== null && json.includes('\\u0001'),
    };
  });
  const plain = columns.filter((c) => !c.def);
  const defs = columns.filter((c) => c.def);
  const n = columns[0]?.values.length ?? 0;
  const rows: Record<string, unknown>[] = new Array(n);
  for (let k = 0; k < n; k++) {
    const row: Record<string, unknown> = {};
    for (const c of plain) row[c.key] = c.values[k];
    if (defs.length > 0) {
      const def: Record<string, unknown> = {};
      for (const c of defs) def[c.key] = c.values[k];
      row.def = def;
    }
    rows[k] = row;
  }
  for (const c of columns) {
    if (!c.marked) continue;
    for (const row of rows) placeholders.collectAt(c.def ? (row.def as Record<string, unknown>) : row, c.key);
  }
  return rows as R[];
}
