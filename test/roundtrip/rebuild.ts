import { expect } from 'vitest';
import { introspect, snapshot, type Catalog } from '../../src/catalog/index.js';
import type { Database } from '../../src/engine/index.js';
import { compareCatalogs } from '../../src/verify/index.js';
import { pgDump, psqlFile } from '../helpers/oracle.js';

/**
 * Applies the baseline `file` to `target` with psql, as users do (after `prelude`, SQL the
 * target's platform runs first), reads it back, and holds it to what the replay gave: `catalog`
 * under the model compare, `source` under pg_dump 15, schema and data.
 */
export async function expectRebuilt(source: Database, target: Database, catalog: Catalog, file: string, prelude?: string): Promise<void> {
  const b = await target.connect();
  let rebuilt: Catalog;
  try {
    if (prelude) await b.query(prelude);
    const before = await snapshot(b);
    await psqlFile(target, file);
    rebuilt = await introspect(b, { before, includeData: true });
  } finally {
    await b.end();
  }
  expect(compareCatalogs(catalog, rebuilt)).toEqual([]);
  expect(await pgDump(target, 'schema')).toBe(await pgDump(source, 'schema'));
  expect(await pgDump(target, 'data')).toBe(await pgDump(source, 'data'));
}
