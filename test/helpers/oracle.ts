/**
 * The independent oracle: pg_dump (Postgres 15 binaries) of two databases, compared as text.
 * Only the dump's comment banner lines (`--` lines outside COPY data) and pg_dump 15.18's random
 * `\restrict` / `\unrestrict` lines are dropped; rows inside each COPY block are sorted, since
 * physical row order is not part of the schema, and so are the COPY blocks of a data dump (pg_dump
 * orders tables with equal standing, e.g. in an FK cycle, by OID). pg_dump 15 can only dump
 * servers up to 15.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Database } from '../../src/engine/index.js';
import { PG15_BIN } from './paths.js';

const run = promisify(execFile);

export async function pgDump(db: Database, mode: 'schema' | 'data', binDir = PG15_BIN): Promise<string> {
  const { stdout } = await run(path.join(binDir, 'pg_dump'), [mode === 'schema' ? '--schema-only' : '--data-only', '--dbname', db.url], {
    maxBuffer: 256 * 1024 * 1024,
  });
  return normalizeDump(stdout, mode === 'data');
}

export function normalizeDump(text: string, sortCopyBlocks = false): string {
  const out: string[] = [];
  const blocks: string[] = [];
  let copy: string[] | null = null;
  for (const line of text.split('\n')) {
    if (copy) {
      if (line === '\\.') {
        const [header, ...rows] = copy;
        const block = [header!, ...rows.sort(), line].join('\n');
        if (sortCopyBlocks) blocks.push(block);
        else out.push(block);
        copy = null;
      } else copy.push(line);
      continue;
    }
    if (line.startsWith('--') || /^\\(un)?restrict\b/.test(line)) continue;
    if (line.startsWith('COPY ') && line.endsWith('FROM stdin;')) copy = [line];
    else out.push(line);
  }
  if (sortCopyBlocks) out.push(...blocks.sort());
  // Dropping banners leaves runs of blank lines whose length carries no meaning.
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trim() + '\n';
}

/** Applies a SQL file the way a user would: one transaction, stop at the first error. */
export async function psqlFile(db: Database, file: string, binDir = PG15_BIN): Promise<void> {
  await run(path.join(binDir, 'psql'), ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-1', '-f', file, '--dbname', db.url], {
    maxBuffer: 64 * 1024 * 1024,
  });
}

/**
 * What pg_dump leaves out, as lines: which objects belong to which extension (`extension:
 * object`), the privileges recorded as each extension's own (`object (type): acl`, pg_init_privs),
 * and the comments on objects initdb made (`comment on object: text`; their OIDs are the same in
 * every database of a major).
 */
export async function outsidePgDump(db: Database): Promise<string[]> {
  const client = await db.connect();
  try {
    const { rows } = await client.query<{ line: string }>(`
      SELECT x.extname || ': ' || pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid) AS line
      FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_extension x ON x.oid = d.refobjid
      WHERE d.deptype = 'e' AND d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass
      UNION ALL
      SELECT pg_catalog.pg_describe_object(p.classoid, p.objoid, p.objsubid) || ' (' || p.privtype::text || '): ' || p.initprivs::text
      FROM pg_catalog.pg_init_privs p WHERE p.objoid >= 16384
      UNION ALL
      SELECT 'comment on ' || pg_catalog.pg_describe_object(c.classoid, c.objoid, c.objsubid) || ': ' || c.description
      FROM pg_catalog.pg_description c WHERE c.objoid < 16384
      ORDER BY 1`);
    return rows.map((r) => r.line);
  } finally {
    await client.end();
  }
}
