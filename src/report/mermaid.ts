/**
 * Mermaid ER diagrams of the baseline's tables and foreign keys (GitHub renders them). Entities
 * show only key columns, so large schemas stay readable; above `maxTables` there is one diagram
 * per schema, with the tables other schemas reference from it.
 */
import type { AnyObject, ColumnDef, ConstraintDef, TableDef } from '../catalog/model.js';

export interface Diagram {
  /** '' for the whole database. */
  schema: string;
  text: string;
}

interface Entity {
  id: string;
  qname: string;
  schema: string;
  keys: { name: string; type: string; pk: boolean; fk: boolean }[];
}

/** Column names of a rendered key definition: `PRIMARY KEY (a, "b c")`, `FOREIGN KEY (a) REFERENCES ...`. */
function keyColumns(definition: string): string[] {
  const list = /^(?:PRIMARY KEY|FOREIGN KEY|UNIQUE)\s*\(([^)]*)\)/.exec(definition)?.[1] ?? '';
  return list.split(',').map((c) => c.trim().replace(/^"|"$/g, '').replace(/""/g, '"')).filter(Boolean);
}

const alias = (qname: string) => qname.replace(/[^A-Za-z0-9_]/g, '_');
const typeWord = (type: string) => type.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '') || 'unknown';
const label = (qname: string) => qname.replace(/"/g, "'");

export function erDiagrams(objects: AnyObject[], maxTables = 40): Diagram[] {
  const tables = objects.filter((o): o is AnyObject & { kind: 'table'; def: TableDef } => o.kind === 'table');
  if (tables.length === 0) return [];
  const columns = objects.filter((o): o is AnyObject & { kind: 'column'; def: ColumnDef } => o.kind === 'column');
  const constraints = objects.filter((o): o is AnyObject & { kind: 'constraint'; def: ConstraintDef } => o.kind === 'constraint');
  const entities = new Map<string, Entity>(tables.map((t) => [t.id, { id: t.id, qname: t.def.qname, schema: t.schema, keys: [] }]));
  const colOf = (table: string, name: string) => columns.find((c) => c.parent === table && c.def.name.replace(/^"|"$/g, '') === name);
  const mark = (table: string, cols: string[], flag: 'pk' | 'fk') => {
    const e = entities.get(table);
    if (!e) return;
    for (const name of cols) {
      let key = e.keys.find((k) => k.name === name);
      if (!key) e.keys.push((key = { name, type: typeWord(colOf(table, name)?.def.type ?? ''), pk: false, fk: false }));
      key[flag] = true;
    }
  };
  const fks: { child: string; parent: string; cols: string[]; optional: boolean }[] = [];
  for (const k of constraints) {
    if (k.def.type === 'p' && k.def.parent === null) mark(k.parent as string, keyColumns(k.def.definition), 'pk');
    if (k.def.type === 'f' && k.def.references && k.def.parent === null && entities.has(k.def.references)) {
      const cols = keyColumns(k.def.definition);
      mark(k.parent as string, cols, 'fk');
      fks.push({ child: k.parent as string, parent: k.def.references, cols, optional: cols.some((c) => !colOf(k.parent as string, c)?.def.notNull) });
    }
  }
  const render = (schema: string, members: Set<string>) => {
    const involved = new Set(members);
    const edges = fks.filter((f) => members.has(f.child) || members.has(f.parent));
    for (const f of edges) involved.add(f.child).add(f.parent);
    const lines = ['erDiagram'];
    for (const id of [...involved].sort()) {
      const e = entities.get(id) as Entity;
      const keys = [...e.keys].sort((a, b) => Number(b.pk) - Number(a.pk) || (a.name < b.name ? -1 : 1));
      if (keys.length === 0) lines.push(`  ${alias(e.qname)}["${label(e.qname)}"]`);
      else {
        lines.push(`  ${alias(e.qname)}["${label(e.qname)}"] {`);
        for (const k of keys) lines.push(`    ${k.type} ${typeWord(k.name)} ${[k.pk ? 'PK' : '', k.fk ? 'FK' : ''].filter(Boolean).join(', ')}`.trimEnd());
        lines.push('  }');
      }
    }
    const rels = edges
      .map((f) => {
        const [p, c] = [entities.get(f.parent) as Entity, entities.get(f.child) as Entity];
        return `  ${alias(p.qname)} ${f.optional ? '|o' : '||'}--o{ ${alias(c.qname)} : "${f.cols.join(', ').replace(/"/g, "'")}"`;
      })
      .sort();
    return { schema, text: [...lines, ...rels].join('\n') };
  };
  if (tables.length <= maxTables) return [render('', new Set(entities.keys()))];
  const schemas = [...new Set(tables.map((t) => t.schema))].sort();
  return schemas.map((s) => render(s, new Set(tables.filter((t) => t.schema === s).map((t) => t.id))));
}
