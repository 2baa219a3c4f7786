import type { AnyObject, ColumnDef, ConstraintDef, ModelObject } from '../../catalog/model.js';
import { groupRank, ownerToWrite, step, subKey, subRank, topKey, type EmitContext, type KindEmitter, type Step } from '../step.js';
import { sequenceOptionsSql } from './types.js';
import { dropThenCreate } from './basics.js';
import { optionChanges, optionsClause } from './foreign.js';

const storageNames: Record<string, string> = { p: 'PLAIN', e: 'EXTERNAL', m: 'MAIN', x: 'EXTENDED' };
const compressionNames: Record<string, string> = { p: 'pglz', l: 'lz4' };

function children<K extends AnyObject['kind']>(ctx: EmitContext, parent: string, kind: K): ModelObject<K>[] {
  return (ctx.children.get(parent) ?? []).filter((o) => o.kind === kind) as unknown as ModelObject<K>[];
}

/** A table's emitted columns in their order. */
function columnsInOrder(ctx: EmitContext, table: string): ModelObject<'column'>[] {
  return children(ctx, table, 'column').sort((a, b) => a.def.position - b.def.position);
}

export function columnSql(c: ColumnDef): string {
  return `${c.name} ${c.type}${optionsClause(c.fdwOptions)}${c.collation ? ` COLLATE ${c.collation}` : ''}${columnOptions(c)}`;
}

/** A typed table's column, which takes its type from the table's type: only its options, if any. */
function typedColumnSql(c: ColumnDef): string | undefined {
  const options = columnOptions(c);
  return options ? `${c.name} WITH OPTIONS${options}` : undefined;
}

/** What follows a column's type in CREATE TABLE: generated, identity, default, NOT NULL. */
function columnOptions(c: ColumnDef): string {
  let sql = '';
  if (c.generated !== null) sql += ` GENERATED ALWAYS AS (${c.generated}) STORED`;
  if (c.identity) sql += identityClause(c);
  if (c.default !== null) sql += ` DEFAULT ${c.default}`;
  if (c.notNull) sql += c.notNullName ? ` CONSTRAINT ${c.notNullName} NOT NULL` : ' NOT NULL';
  return sql;
}

/** ` GENERATED ... AS IDENTITY (SEQUENCE NAME ... options)` of an identity column. */
function identityClause(c: ColumnDef): string {
  const seq = c.identitySequence;
  const options = seq ? ` (SEQUENCE NAME ${seq.qname} ${sequenceOptionsSql(seq, ' ', false)})` : '';
  return ` GENERATED ${c.identity === 'a' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY${options}`;
}

/** Per-column settings CREATE TABLE cannot express. */
function columnSettings(table: string, c: ColumnDef): string[] {
  const sql: string[] = [];
  if (c.storage) sql.push(`ALTER TABLE ONLY ${table} ALTER COLUMN ${c.name} SET STORAGE ${storageNames[c.storage] ?? c.storage};`);
  if (c.compression) sql.push(`ALTER TABLE ONLY ${table} ALTER COLUMN ${c.name} SET COMPRESSION ${compressionNames[c.compression] ?? c.compression};`);
  if (c.statistics !== null) sql.push(`ALTER TABLE ONLY ${table} ALTER COLUMN ${c.name} SET STATISTICS ${c.statistics};`);
  if (c.options.length) sql.push(`ALTER TABLE ONLY ${table} ALTER COLUMN ${c.name} SET (${c.options.join(', ')});`);
  return sql;
}

/**
 * CREATE TABLE ... INHERITS gives inherited columns the parent's default and NOT NULL; a child
 * attached later (ALTER TABLE ... INHERIT) or altered since may differ, so restate what differs.
 */
function inheritedColumnFixes(table: ModelObject<'table'>, ctx: EmitContext): string[] {
  if (table.def.inherits.length === 0) return [];
  const sql: string[] = [];
  for (const c of children(ctx, table.id, 'column')) {
    if (!c.def.inherited) continue;
    const parents = table.def.inherits
      .map((p) => ctx.objects.get(`table column ${p}.${c.def.name}`))
      .filter((p): p is ModelObject<'column'> => p?.kind === 'column');
    if (parents.length === 0) continue;
    const inheritedDefault = parents.find((p) => p.def.default !== null)?.def.default ?? null;
    const at = `ALTER TABLE ONLY ${table.def.qname} ALTER COLUMN ${c.def.name}`;
    if (c.def.default !== inheritedDefault) sql.push(c.def.default === null ? `${at} DROP DEFAULT;` : `${at} SET DEFAULT ${c.def.default};`);
    if (c.def.local) continue;
    if (c.def.notNull && !parents.some((p) => p.def.notNull)) sql.push(`${at} SET NOT NULL;`);
    if (!c.def.notNull && parents.some((p) => p.def.notNull)) sql.push(`${at} DROP NOT NULL;`);
    // INHERITS copies the parent's storage and compression, not identity, statistics targets or options
    if (c.def.identity) sql.push(`${at} ADD${identityClause(c.def)};`);
    const parent = parents[0]!.def;
    const storage = c.def.storage === parent.storage ? null : c.def.storage;
    const compression = c.def.compression === parent.compression ? null : c.def.compression;
    sql.push(...columnSettings(table.def.qname, { ...c.def, storage, compression }));
  }
  return sql;
}

/**
 * Whether a child is better created without INHERITS, then joined to its parents with ALTER TABLE
 * ... INHERIT: when INHERITS would put its columns in another order (it puts the parents' columns
 * first; a table that inherited later has its own order), and everything it inherits is also its
 * own (ALTER TABLE ... INHERIT marks such columns and constraints inherited, as the history did).
 */
function inheritsLater(table: ModelObject<'table'>, ctx: EmitContext): boolean {
  if (table.def.inherits.length === 0 || table.def.partitionOf !== null) return false;
  const columns = columnsInOrder(ctx, table.id);
  const constraints = children(ctx, table.id, 'constraint');
  if (columns.some((c) => !c.def.local) || constraints.some((c) => !c.def.local)) return false;
  const order: string[] = [];
  for (const parent of table.def.inherits) {
    const parentTable = ctx.objects.get(tableIds(ctx).get(parent) ?? '');
    // a parent that is not emitted (made before the migrations): its columns are not known here
    if (!parentTable) return false;
    for (const c of columnsInOrder(ctx, parentTable.id)) {
      if (!order.includes(c.def.name)) order.push(c.def.name);
    }
  }
  for (const c of columns) if (!order.includes(c.def.name)) order.push(c.def.name);
  return order.some((name, k) => columns[k]?.def.name !== name);
}

/** Whether CREATE TABLE declares this constraint (FKs are placed by the sort, then maybe inlined). */
function declaredInline(c: ModelObject<'constraint'>, ctx: EmitContext): boolean {
  if (!inlinable(c, ctx)) return false;
  if (c.def.type === 'c') return true;
  // CREATE TABLE keeps one of several index constraints on the same keys (the primary key first)
  // and drops the others without a word: those are added after it.
  const key = indexKey(c.def.definition);
  const rivals = children(ctx, c.parent!, 'constraint').filter((k) => k !== c && k.def.type !== 'c' && inlinable(k, ctx) && indexKey(k.def.definition) === key);
  return !rivals.some((k) => k.def.type === 'p' || (c.def.type !== 'p' && k.id < c.id));
}

function inlinable(c: ModelObject<'constraint'>, ctx: EmitContext): boolean {
  return Boolean(c.parent && ctx.created.has(c.parent) && c.def.validated && c.def.type !== 'f' && !isImplied(c, ctx));
}

/** The key columns of a primary key, unique or exclusion constraint: its first parenthesized list. */
function indexKey(definition: string): string {
  const start = definition.indexOf('(');
  let depth = 0;
  for (let k = start; k >= 0 && k < definition.length; k++) {
    if (definition[k] === '(') depth++;
    else if (definition[k] === ')' && --depth === 0) return definition.slice(start, k + 1);
  }
  return definition;
}

/**
 * Created by Postgres itself: FKs cloned onto partitions (ATTACH clones them), and constraints a
 * child only inherits through INHERITS (CREATE TABLE ... INHERITS copies them).
 */
function isImplied(c: ModelObject<'constraint'>, ctx: EmitContext): boolean {
  if (c.def.type === 'f' && c.def.parent) return true;
  const table = c.parent ? ctx.objects.get(c.parent) : undefined;
  const partition = table?.kind === 'table' && table.def.partitionOf !== null;
  return !c.def.local && !partition;
}

const parentAttach = (table: string, ctx: EmitContext) => {
  const parent = partitionTree(ctx).parent.get(table);
  return parent ? [`attach ${parent}`] : [];
};

export const tableEmitter: KindEmitter<'table'> = {
  key: (o) => topKey(o, groupRank.table),
  create(o, ctx) {
    const d = o.def;
    const partition = d.partitionOf !== null;
    const cols = columnsInOrder(ctx, o.id).filter((c) => partition || c.def.local);
    const inline = children(ctx, o.id, 'constraint').filter((c) => declaredInline(c, ctx));
    // A partition takes its parent's identity when attached (Postgres 17 shows it on the partition's
    // column too), and may not have one of its own.
    const own = (c: ColumnDef): ColumnDef => (partition && c.identity ? { ...c, identity: null, identitySequence: null } : c);
    const columnElements = d.ofType ? cols.flatMap((c) => typedColumnSql(c.def) ?? []) : cols.map((c) => columnSql(own(c.def)));
    const elements = [...columnElements, ...inline.map((c) => `CONSTRAINT ${c.def.name} ${c.def.definition}`)];
    const later = inheritsLater(o, ctx);
    let tail = '';
    if (d.inherits.length && !later) tail += ` INHERITS (${d.inherits.join(', ')})`;
    if (d.partitionKey) tail += ` PARTITION BY ${d.partitionKey}`;
    if (d.accessMethod) tail += ` USING ${d.accessMethod}`;
    if (d.reloptions.length) tail += ` WITH (${d.reloptions.join(', ')})`;
    if (d.server) tail += ` SERVER ${d.server}${optionsClause(d.foreignOptions)}`;
    const after: string[] = [
      ...cols.flatMap((c) => columnSettings(d.qname, c.def)),
      ...(later ? d.inherits.map((p) => `ALTER TABLE ONLY ${d.qname} INHERIT ${p};`) : inheritedColumnFixes(o, ctx)),
    ];
    // a foreign table has no replica identity (stored as NOTHING) and takes no ALTER of it
    if ((d.replicaIdentity === 'f' || d.replicaIdentity === 'n') && d.relkind !== 'f') {
      after.push(`ALTER TABLE ONLY ${d.qname} REPLICA IDENTITY ${d.replicaIdentity === 'f' ? 'FULL' : 'NOTHING'};`);
    }
    if (d.rowSecurity) after.push(`ALTER TABLE ${d.qname} ENABLE ROW LEVEL SECURITY;`);
    if (d.forceRowSecurity) after.push(`ALTER TABLE ${d.qname} FORCE ROW LEVEL SECURITY;`);
    const owner = ownerToWrite(o.owner, ctx);
    if (owner) after.push(`ALTER TABLE ${d.qname} OWNER TO ${owner};`);
    const render = (extra: string[]) => {
      const all = [...elements, ...extra];
      const body = all.length ? ` (\n${all.map((e) => `    ${e}`).join(',\n')}\n)` : d.ofType ? '' : ' (\n)';
      return [`CREATE ${d.unlogged ? 'UNLOGGED ' : ''}${d.relkind === 'f' ? 'FOREIGN ' : ''}TABLE ${d.qname}${d.ofType ? ` OF ${d.ofType}` : ''}${body}${tail};`, ...after].join('\n');
    };
    // every column exists once this step ran, also those it inherits (grants and indexes on them wait for it)
    const provided = [...columnsInOrder(ctx, o.id).map((c) => c.id), ...inline.map((c) => c.id)];
    const deps = [...o.deps, ...cols.flatMap((c) => c.deps), ...inline.flatMap((c) => c.deps)];
    const steps: Step[] = [{ ...step(o, render([]), this.key(o, ctx)), deps, provides: provided, withElements: render }];
    if (d.partitionOf) {
      // Created standalone, then attached: ATTACH adopts the partition's matching constraints
      // (keeping their names) instead of creating new ones. The parent's plain indexes are made
      // after its partitions are attached, and the partitions' indexes joined to them by ALTER
      // INDEX (see indexEmitter).
      const adopted = inline.filter((c) => c.def.parent).map((c) => c.id);
      steps.push({
        id: `attach ${o.id}`,
        sql: `ALTER TABLE ${d.partitionOf} ATTACH PARTITION ${d.qname} ${d.partitionBound};`,
        // Top down, as PARTITION OF builds them: a partition attached to a table that is attached
        // later does not get the identity the top table gives (Postgres 17).
        deps: [o.id, ...o.deps, ...adopted, ...parentAttach(o.id, ctx)],
        key: [o.schema, groupRank.table, o.id, subRank.attach, ''],
        section: 'schema',
      });
    }
    if (d.replicaIdentity === 'i' && d.replicaIdentityIndex) {
      steps.push({
        id: `replica identity ${o.id}`,
        sql: `ALTER TABLE ONLY ${d.qname} REPLICA IDENTITY USING INDEX ${d.replicaIdentityIndex};`,
        deps: [o.id, ...children(ctx, o.id, 'index').map((i) => i.id), ...children(ctx, o.id, 'constraint').map((c) => c.id)],
        key: [o.schema, groupRank.table, o.id, subRank.property, 'replica identity'],
        section: 'schema',
      });
    }
    return steps;
  },
  drop: (o) => `DROP ${o.def.relkind === 'f' ? 'FOREIGN ' : ''}TABLE ${o.def.qname};`,
  alter(before, after, ctx) {
    const b = before.def;
    const a = after.def;
    const sql: string[] = [];
    if (b.unlogged !== a.unlogged) sql.push(`ALTER TABLE ${a.qname} SET ${a.unlogged ? 'UNLOGGED' : 'LOGGED'};`);
    if (b.rowSecurity !== a.rowSecurity) sql.push(`ALTER TABLE ${a.qname} ${a.rowSecurity ? 'ENABLE' : 'DISABLE'} ROW LEVEL SECURITY;`);
    if (b.forceRowSecurity !== a.forceRowSecurity) sql.push(`ALTER TABLE ${a.qname} ${a.forceRowSecurity ? '' : 'NO '}FORCE ROW LEVEL SECURITY;`);
    if (JSON.stringify(b.reloptions) !== JSON.stringify(a.reloptions)) {
      if (b.reloptions.length) sql.push(`ALTER TABLE ${a.qname} RESET (${b.reloptions.map((r) => r.split('=')[0]).join(', ')});`);
      if (a.reloptions.length) sql.push(`ALTER TABLE ${a.qname} SET (${a.reloptions.join(', ')});`);
    }
    if (b.replicaIdentity !== a.replicaIdentity || b.replicaIdentityIndex !== a.replicaIdentityIndex) {
      const how = { d: 'DEFAULT', f: 'FULL', n: 'NOTHING', i: `USING INDEX ${a.replicaIdentityIndex}` }[a.replicaIdentity] ?? 'DEFAULT';
      sql.push(`ALTER TABLE ONLY ${a.qname} REPLICA IDENTITY ${how};`);
    }
    if (b.ofType !== a.ofType) sql.push(`ALTER TABLE ${a.qname} ${a.ofType ? `OF ${a.ofType}` : 'NOT OF'};`);
    const foreignOptions = optionChanges(b.foreignOptions, a.foreignOptions);
    if (foreignOptions) sql.push(`ALTER FOREIGN TABLE ${a.qname}${foreignOptions};`);
    const structural = ['relkind', 'partitionKey', 'partitionOf', 'partitionBound', 'inherits', 'accessMethod', 'server'] as const;
    if (structural.some((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]))) return dropThenCreate(this, before, after, ctx);
    return [step(after, sql.join('\n'), this.key(after, ctx))];
  },
};

export const columnEmitter: KindEmitter<'column'> = {
  key: (o, ctx) => subKey(o, subRank.column, ctx, String(o.def.position).padStart(6, '0')),
  create(o, ctx) {
    // Columns of a new table are part of its CREATE TABLE.
    if (o.parent && ctx.created.has(o.parent)) return [];
    const sql = [`ALTER TABLE ${o.def.table} ADD COLUMN ${columnSql(o.def)};`, ...columnSettings(o.def.table, o.def)];
    return [step(o, sql.join('\n'), this.key(o, ctx))];
  },
  drop: (o) => `ALTER TABLE ${o.def.table} DROP COLUMN ${o.def.name};`,
  alter(before, after, ctx) {
    const b = before.def;
    const a = after.def;
    const at = `ALTER TABLE ${a.table} ALTER COLUMN ${a.name}`;
    if (b.generated !== a.generated || b.identity !== a.identity) return dropThenCreate(this, before, after, ctx);
    const sql: string[] = [];
    if (b.type !== a.type || b.collation !== a.collation) {
      sql.push(`${at} TYPE ${a.type}${a.collation ? ` COLLATE ${a.collation}` : ''};`);
    }
    if (b.default !== a.default) sql.push(a.default === null ? `${at} DROP DEFAULT;` : `${at} SET DEFAULT ${a.default};`);
    if (b.notNull !== a.notNull) sql.push(`${at} ${a.notNull ? 'SET' : 'DROP'} NOT NULL;`);
    const fdwOptions = optionChanges(b.fdwOptions, a.fdwOptions);
    if (fdwOptions) sql.push(`${at}${fdwOptions};`);
    const dropped = b.options.map((o) => o.split('=')[0]).filter((name) => !a.options.some((o) => o.split('=')[0] === name));
    if (dropped.length) sql.push(`ALTER TABLE ONLY ${a.table} ALTER COLUMN ${a.name} RESET (${dropped.join(', ')});`);
    sql.push(...columnSettings(a.table, a));
    return [step(after, sql.join('\n'), this.key(after, ctx))];
  },
};

export const constraintEmitter: KindEmitter<'constraint'> = {
  key: (o, ctx) => subKey(o, subRank.constraint, ctx),
  create(o, ctx) {
    if (declaredInline(o, ctx) || isImplied(o, ctx)) return [];
    const d: ConstraintDef = o.def;
    const element = `CONSTRAINT ${d.name} ${d.definition}`;
    const s = step(o, `ALTER TABLE ${d.table} ADD ${element};`, this.key(o, ctx));
    if (d.type === 'f' && d.validated && o.parent && ctx.created.has(o.parent)) s.inline = { into: o.parent, element };
    // A NOT VALID check holds for new rows: added after the data (as pg_dump does), rows the
    // history kept that break it still load, and it reaches the inheritance children, made by
    // then, NOT VALID as it did in the history (CREATE TABLE ... INHERITS would copy it valid).
    if (d.type === 'c' && !d.validated) s.section = 'post';
    return [s];
  },
  drop: (o) => `ALTER TABLE ${o.def.table} DROP CONSTRAINT ${o.def.name};`,
  alter(before, after, ctx) {
    const s = { ...step(after, `${this.drop(before)}\nALTER TABLE ${after.def.table} ADD CONSTRAINT ${after.def.name} ${after.def.definition};`, this.key(after, ctx)) };
    return [s];
  },
};

/**
 * Partition indexes by the partitioned index they attach to, built once per emit: scanning every
 * object for each index was quadratic (10,000 tables: most of emit's time).
 */
const partitionIndexCache = new WeakMap<EmitContext, Map<string, string[]>>();
function partitionIndexes(ctx: EmitContext): Map<string, string[]> {
  let byParent = partitionIndexCache.get(ctx);
  if (!byParent) {
    byParent = new Map();
    for (const i of ctx.objects.values()) {
      if (i.kind !== 'index' || !i.def.parentIndex) continue;
      const list = byParent.get(i.def.parentIndex) ?? [];
      list.push(i.id);
      byParent.set(i.def.parentIndex, list);
    }
    partitionIndexCache.set(ctx, byParent);
  }
  return byParent;
}

/** Emitted tables' ids by their qualified name (how partitions and children name their parents). */
const tableIdCache = new WeakMap<EmitContext, Map<string, string>>();
function tableIds(ctx: EmitContext): Map<string, string> {
  let ids = tableIdCache.get(ctx);
  if (!ids) {
    ids = new Map();
    for (const t of ctx.objects.values()) if (t.kind === 'table') ids.set(t.def.qname, t.id);
    tableIdCache.set(ctx, ids);
  }
  return ids;
}

/** Partitions by their parent table's id, and each partition's parent id. */
interface PartitionTree {
  children: Map<string, string[]>;
  parent: Map<string, string>;
}
const partitionTreeCache = new WeakMap<EmitContext, PartitionTree>();
function partitionTree(ctx: EmitContext): PartitionTree {
  let tree = partitionTreeCache.get(ctx);
  if (!tree) {
    tree = { children: new Map(), parent: new Map() };
    for (const t of ctx.objects.values()) {
      if (t.kind !== 'table' || t.def.partitionOf === null) continue;
      const parent = tableIds(ctx).get(t.def.partitionOf);
      if (!parent) continue;
      const list = tree.children.get(parent) ?? [];
      list.push(t.id);
      tree.children.set(parent, list);
      tree.parent.set(t.id, parent);
    }
    partitionTreeCache.set(ctx, tree);
  }
  return tree;
}

export const indexEmitter: KindEmitter<'index'> = {
  key: (o, ctx) => subKey(o, subRank.index, ctx),
  create(o, ctx) {
    const d = o.def;
    // on an extension's table, CREATE EXTENSION may have made it already (the same index)
    const sql = [`${d.extensionTable ? d.definition.replace(/^CREATE (UNIQUE )?INDEX /, 'CREATE $1INDEX IF NOT EXISTS ') : d.definition};`];
    if (d.clustered) sql.push(`ALTER TABLE ${d.table} CLUSTER ON ${d.qname.replace(/^.*\./, '')};`);
    for (const s of d.statistics) sql.push(`ALTER INDEX ${d.qname} ALTER COLUMN ${s.column} SET STATISTICS ${s.target};`);
    // A partitioned index (ON ONLY) is created after its partitions' indexes, which ALTER INDEX
    // ... ATTACH PARTITION then joins to it.
    const partitions = partitionIndexes(ctx).get(o.id) ?? [];
    // After its table's partitions are attached: attaching one to a table that has a partitioned
    // index creates a matching index on it, which the replay may not have had (`CREATE INDEX ...
    // ON ONLY`); pg_dump attaches first too.
    const attaches = o.parent ? (partitionTree(ctx).children.get(o.parent) ?? []).map((t) => `attach ${t}`) : [];
    const steps: Step[] = [{ ...step(o, sql.join('\n'), this.key(o, ctx)), deps: [...o.deps, ...partitions, ...attaches] }];
    if (d.parentIndex) {
      steps.push({
        id: `attach ${o.id}`,
        sql: `ALTER INDEX ${d.parentIndex.replace(/^index /, '')} ATTACH PARTITION ${d.qname};`,
        deps: [o.id, d.parentIndex, ...(o.parent ? [`attach ${o.parent}`] : [])],
        key: subKey(o, subRank.attach, ctx),
        section: 'schema',
      });
    }
    return steps;
  },
  drop: (o) => `DROP INDEX ${o.def.qname};`,
};

const enableNames: Record<string, string> = { D: 'DISABLE TRIGGER', R: 'ENABLE REPLICA TRIGGER', A: 'ENABLE ALWAYS TRIGGER' };

export const triggerEmitter: KindEmitter<'trigger'> = {
  key: (o, ctx) => subKey(o, subRank.trigger, ctx),
  create(o, ctx) {
    const d = o.def;
    if (d.cloned) return [];
    const steps: Step[] = [step(o, `${d.definition};`, this.key(o, ctx))];
    const state = enableNames[d.enabled];
    if (state && d.enabled === 'D') steps[0]!.sql += `\nALTER TABLE ${d.table} ${state} ${d.name};`;
    // REPLICA/ALWAYS triggers would fire while the data section loads (it runs as replica).
    if (state && d.enabled !== 'D') {
      steps.push({ id: `enable ${o.id}`, sql: `ALTER TABLE ${d.table} ${state} ${d.name};`, deps: [o.id], key: this.key(o, ctx), section: 'post' });
    }
    return steps;
  },
  drop: (o) => `DROP TRIGGER ${o.def.name} ON ${o.def.table};`,
};
