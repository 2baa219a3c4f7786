import type { SequenceState, TableData } from '../catalog/model.js';

const ROWS_PER_INSERT = 1000;

/**
 * The reference-data section. It runs with session_replication_role = replica, so neither user
 * triggers nor FK checks fire while rows load: rows keep the values they were produced with
 * (now(), gen_random_uuid()) and FK cycles between seeded tables need no load order.
 */
export function dataSection(tables: TableData[], sequences: SequenceState[]): string[] {
  if (tables.length === 0 && sequences.length === 0) return [];
  const out: string[] = ['-- Reference data (session_replication_role = replica: no triggers or FK checks fire while loading)', 'SET session_replication_role = replica;'];
  for (const t of tables) {
    if (t.replace) out.push(`DELETE FROM ONLY ${t.qname}${t.rowFilter ? ` ${t.rowFilter}` : ''};`);
    // rows without a column to write: as many as there were, each taking its defaults
    if (t.columns.length === 0) {
      if (t.rows.length) out.push(`INSERT INTO ${t.qname} SELECT FROM pg_catalog.generate_series(1, ${t.rows.length});`);
      continue;
    }
    const head = `INSERT INTO ${t.qname} (${t.columns.join(', ')})${t.overridingSystemValue ? ' OVERRIDING SYSTEM VALUE' : ''} VALUES`;
    for (let i = 0; i < t.rows.length; i += ROWS_PER_INSERT) {
      const chunk = t.rows.slice(i, i + ROWS_PER_INSERT);
      out.push(`${head}\n${chunk.map((r) => `    ${r}`).join(',\n')};`);
    }
  }
  for (const s of sequences) out.push(`SELECT pg_catalog.setval(${s.literal}, ${s.lastValue}, ${s.isCalled});`);
  out.push('RESET session_replication_role;');
  return out;
}
