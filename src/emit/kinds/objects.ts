import type { ModelObject } from '../../catalog/model.js';
import { groupRank, ownerSql, step, subKey, subRank, topKey, type KindEmitter, type SortKey, type Step } from '../step.js';
import { dropThenCreate } from './basics.js';

const aggregateSignature = (o: ModelObject<'aggregate'>) => o.def.definition.slice('CREATE AGGREGATE '.length, o.def.definition.indexOf(' (\n'));

export const aggregateEmitter: KindEmitter<'aggregate'> = {
  key: (o) => topKey(o, groupRank.function),
  create(o, ctx) {
    return [step(o, `${o.def.definition};${ownerSql(o, 'AGGREGATE', aggregateSignature(o), ctx)}`, this.key(o, ctx))];
  },
  drop: (o) => `DROP AGGREGATE ${aggregateSignature(o)};`,
  // CREATE OR REPLACE keeps the views that use it.
  alter(_before, after, ctx) {
    return [step(after, `${after.def.definition.replace(/^CREATE /, 'CREATE OR REPLACE ')};`, this.key(after, ctx))];
  },
};

const ruleStates: Record<string, string> = { D: 'DISABLE RULE', R: 'ENABLE REPLICA RULE', A: 'ENABLE ALWAYS RULE' };

export const ruleEmitter: KindEmitter<'rule'> = {
  key: (o, ctx) => subKey(o, subRank.property, ctx, `rule ${o.def.name}`, groupRank.view),
  create(o, ctx) {
    const d = o.def;
    const steps: Step[] = [step(o, d.definition, this.key(o, ctx))];
    const state = ruleStates[d.enabled];
    if (d.enabled === 'D') steps[0]!.sql += `\nALTER TABLE ${d.table} ${state} ${d.name};`;
    // REPLICA/ALWAYS rules would fire while the data section loads (it runs as replica).
    else if (state) steps.push({ id: `enable ${o.id}`, sql: `ALTER TABLE ${d.table} ${state} ${d.name};`, deps: [o.id], key: this.key(o, ctx), section: 'post' });
    return steps;
  },
  drop: (o) => `DROP RULE ${o.def.name} ON ${o.def.table};`,
  // CREATE OR REPLACE keeps the rule's comment; the firing state is set apart.
  alter(before, after, ctx) {
    const d = after.def;
    const sql = before.def.definition !== d.definition ? [d.definition.replace(/^CREATE RULE /, 'CREATE OR REPLACE RULE ')] : [];
    if (before.def.enabled !== d.enabled) sql.push(`ALTER TABLE ${d.table} ${ruleStates[d.enabled] ?? 'ENABLE RULE'} ${d.name};`);
    return [step(after, sql.join('\n'), this.key(after, ctx))];
  },
};

export const statisticsEmitter: KindEmitter<'statistics'> = {
  key: (o, ctx) => subKey(o, subRank.property, ctx, `statistics ${o.def.qname}`),
  create(o, ctx) {
    const d = o.def;
    const target = d.target !== null ? `\nALTER STATISTICS ${d.qname} SET STATISTICS ${d.target};` : '';
    return [step(o, `${d.definition};${target}${ownerSql(o, 'STATISTICS', d.qname, ctx)}`, this.key(o, ctx))];
  },
  drop: (o) => `DROP STATISTICS ${o.def.qname};`,
  alter(before, after, ctx) {
    if (before.def.definition !== after.def.definition) return dropThenCreate(this, before, after, ctx);
    return [step(after, `ALTER STATISTICS ${after.def.qname} SET STATISTICS ${after.def.target ?? -1};`, this.key(after, ctx))];
  },
};

const eventStates: Record<string, string> = { O: 'ENABLE', R: 'ENABLE REPLICA', A: 'ENABLE ALWAYS' };

/**
 * Event triggers are created disabled and take their firing state after the data, so they do
 * not fire on the baseline's own DDL.
 */
export const eventTriggerEmitter: KindEmitter<'eventTrigger'> = {
  key: (o) => topKey(o, groupRank.other),
  create(o, ctx) {
    const d = o.def;
    const when = d.tags.length ? `\n    WHEN TAG IN (${d.tags.join(', ')})` : '';
    const sql = `CREATE EVENT TRIGGER ${d.name} ON ${d.event}${when}\n    EXECUTE FUNCTION ${d.function}();\nALTER EVENT TRIGGER ${d.name} DISABLE;`;
    const steps: Step[] = [step(o, sql + ownerSql(o, 'EVENT TRIGGER', d.name, ctx), this.key(o, ctx))];
    if (d.enabled !== 'D') {
      const state = eventStates[d.enabled] ?? 'ENABLE';
      steps.push({ id: `enable ${o.id}`, sql: `ALTER EVENT TRIGGER ${d.name} ${state};`, deps: [o.id], key: this.key(o, ctx), section: 'post' });
    }
    return steps;
  },
  drop: (o) => `DROP EVENT TRIGGER ${o.def.name};`,
};

type PublicationDef = ModelObject<'publication'>['def'];
// ONLY: without it a table's inheritance children join too, also those made after the history
// added it (pg_dump adds each table ONLY as well)
const publicationMembers = (d: PublicationDef) => [
  ...(d.tables.length ? [`TABLE ${d.tables.map((t) => `ONLY ${t}`).join(', ')}`] : []),
  ...(d.schemas.length ? [`TABLES IN SCHEMA ${d.schemas.join(', ')}`] : []),
];

export const publicationEmitter: KindEmitter<'publication'> = {
  key: (o) => topKey(o, groupRank.other),
  create(o, ctx) {
    const d = o.def;
    const members = publicationMembers(d);
    const scope = d.allTables ? ' FOR ALL TABLES' : members.length ? ` FOR ${members.join(', ')}` : '';
    const options = [`publish = '${d.publish}'`, ...(d.viaRoot ? ['publish_via_partition_root = true'] : [])];
    return [step(o, `CREATE PUBLICATION ${d.name}${scope} WITH (${options.join(', ')});${ownerSql(o, 'PUBLICATION', d.name, ctx)}`, this.key(o, ctx))];
  },
  drop: (o) => `DROP PUBLICATION ${o.def.name};`,
  // ALTER keeps the publication (its comment, its subscribers' slot positions).
  alter(before, after, ctx) {
    const b = before.def;
    const a = after.def;
    if (b.allTables !== a.allTables) return dropThenCreate(this, before, after, ctx);
    const sql: string[] = [];
    if (JSON.stringify(publicationMembers(b)) !== JSON.stringify(publicationMembers(a))) {
      const members = publicationMembers(a);
      if (members.length) sql.push(`ALTER PUBLICATION ${a.name} SET ${members.join(', ')};`);
      else sql.push(...publicationMembers(b).map((m) => `ALTER PUBLICATION ${a.name} DROP ${m};`));
    }
    if (b.publish !== a.publish || b.viaRoot !== a.viaRoot) {
      sql.push(`ALTER PUBLICATION ${a.name} SET (publish = '${a.publish}', publish_via_partition_root = ${a.viaRoot});`);
    }
    return [step(after, sql.join('\n'), this.key(after, ctx))];
  },
};

const providers: Record<string, string> = { c: 'libc', i: 'icu', b: 'builtin', d: 'default' };

export const collationEmitter: KindEmitter<'collation'> = {
  key: (o) => topKey(o, groupRank.type),
  create(o, ctx) {
    const d = o.def;
    const options = [`provider = ${providers[d.provider] ?? d.provider}`];
    if (d.provider === 'c') options.push(`lc_collate = ${d.lcCollate}`, `lc_ctype = ${d.lcCtype}`);
    else options.push(`locale = ${d.locale ?? d.lcCollate}`);
    if (!d.deterministic) options.push('deterministic = false');
    if (d.rules) options.push(`rules = ${d.rules}`);
    return [step(o, `CREATE COLLATION ${d.qname} (${options.join(', ')});${ownerSql(o, 'COLLATION', d.qname, ctx)}`, this.key(o, ctx))];
  },
  drop: (o) => `DROP COLLATION ${o.def.qname};`,
};

export const tsDictionaryEmitter: KindEmitter<'tsDictionary'> = {
  key: (o) => topKey(o, groupRank.type),
  create(o, ctx) {
    const d = o.def;
    const sql = `CREATE TEXT SEARCH DICTIONARY ${d.qname} (\n    TEMPLATE = ${d.template}${d.options ? `, ${d.options}` : ''}\n);`;
    return [step(o, sql + ownerSql(o, 'TEXT SEARCH DICTIONARY', d.qname, ctx), this.key(o, ctx))];
  },
  drop: (o) => `DROP TEXT SEARCH DICTIONARY ${o.def.qname};`,
  alter(before, after, ctx) {
    if (before.def.template !== after.def.template || !after.def.options) return dropThenCreate(this, before, after, ctx);
    return [step(after, `ALTER TEXT SEARCH DICTIONARY ${after.def.qname} (${after.def.options});`, this.key(after, ctx))];
  },
};

type Mapping = ModelObject<'tsConfig'>['def']['mappings'][number];

function mappingSql(qname: string, from: Mapping[], to: Mapping[]): string[] {
  const before = new Map(from.map((m) => [m.token, m.dictionaries.join(', ')]));
  const after = new Map(to.map((m) => [m.token, m.dictionaries.join(', ')]));
  const sql: string[] = [];
  for (const [token] of before) if (!after.has(token)) sql.push(`ALTER TEXT SEARCH CONFIGURATION ${qname} DROP MAPPING FOR ${token};`);
  for (const [token, dicts] of after) {
    const was = before.get(token);
    if (was === undefined) sql.push(`ALTER TEXT SEARCH CONFIGURATION ${qname} ADD MAPPING FOR ${token} WITH ${dicts};`);
    else if (was !== dicts) sql.push(`ALTER TEXT SEARCH CONFIGURATION ${qname} ALTER MAPPING FOR ${token} WITH ${dicts};`);
  }
  return sql;
}

/** Created with its parser alone (no mappings), then mapped token by token, as pg_dump does. */
export const tsConfigEmitter: KindEmitter<'tsConfig'> = {
  key: (o) => topKey(o, groupRank.type),
  create(o, ctx) {
    const d = o.def;
    const sql = [`CREATE TEXT SEARCH CONFIGURATION ${d.qname} (\n    PARSER = ${d.parser}\n);`, ...mappingSql(d.qname, [], d.mappings)];
    return [step(o, sql.join('\n') + ownerSql(o, 'TEXT SEARCH CONFIGURATION', d.qname, ctx), this.key(o, ctx))];
  },
  drop: (o) => `DROP TEXT SEARCH CONFIGURATION ${o.def.qname};`,
  alter(before, after, ctx) {
    if (before.def.parser !== after.def.parser) return dropThenCreate(this, before, after, ctx);
    return [step(after, mappingSql(after.def.qname, before.def.mappings, after.def.mappings).join('\n'), this.key(after, ctx))];
  },
};

const castMethods = { f: 'WITH FUNCTION', i: 'WITH INOUT', b: 'WITHOUT FUNCTION' } as const;
const castContexts = { e: '', a: ' AS ASSIGNMENT', i: ' AS IMPLICIT' } as const;

/**
 * A cast has no schema: it is shown in the section of the first schema-bound object it uses (its
 * function, else a user type), after that schema's tables; pg_depend orders it after them.
 */
export const castEmitter: KindEmitter<'cast'> = {
  key: (o, ctx): SortKey => [o.deps.map((id) => ctx.keyOf(id)?.[0]).find((schema) => schema) ?? '', groupRank.other, o.id, 0, ''],
  create(o, ctx) {
    const d = o.def;
    const how = d.method === 'f' ? `${castMethods.f} ${d.function}` : castMethods[d.method];
    return [step(o, `CREATE CAST (${d.source} AS ${d.target}) ${how}${castContexts[d.context]};`, this.key(o, ctx))];
  },
  drop: (o) => `DROP CAST (${o.def.source} AS ${o.def.target});`,
};

type OperatorDef = ModelObject<'operator'>['def'];
const operatorSignature = (d: OperatorDef) => `${d.name} (${d.left ?? 'NONE'}, ${d.right ?? 'NONE'})`;

/** `a` names `x` as its commutator (arguments swapped) or negator (same arguments). */
const names = (a: OperatorDef, x: OperatorDef) =>
  (a.commutator === `OPERATOR(${x.name})` && x.left === a.right && x.right === a.left) ||
  (a.negator === `OPERATOR(${x.name})` && x.left === a.left && x.right === a.right);

/**
 * Operators after their functions and types (pg_depend orders them). A commutator or negator not
 * created yet is made a shell by the first operator that names it, and filled in by its own CREATE,
 * which sets its own links as written: an operator that another names without naming it back
 * (the history filled a shell without the link) comes after that one, or the other's CREATE would
 * link it back.
 */
export const operatorEmitter: KindEmitter<'operator'> = {
  key: (o) => topKey(o, groupRank.function),
  create(o, ctx) {
    const d = o.def;
    const options = [
      `FUNCTION = ${d.function}`,
      ...(d.left ? [`LEFTARG = ${d.left}`] : []),
      ...(d.right ? [`RIGHTARG = ${d.right}`] : []),
      ...(d.commutator ? [`COMMUTATOR = ${d.commutator}`] : []),
      ...(d.negator ? [`NEGATOR = ${d.negator}`] : []),
      ...(d.restrict ? [`RESTRICT = ${d.restrict}`] : []),
      ...(d.join ? [`JOIN = ${d.join}`] : []),
      ...(d.hashes ? ['HASHES'] : []),
      ...(d.merges ? ['MERGES'] : []),
    ];
    const sql = `CREATE OPERATOR ${d.name} (\n    ${options.join(',\n    ')}\n);${ownerSql(o, 'OPERATOR', operatorSignature(d), ctx)}`;
    const namedBy = [...ctx.objects.values()].filter((a) => a.kind === 'operator' && a.id !== o.id && names(a.def, d) && !names(d, a.def)).map((a) => a.id);
    const created = step(o, sql, this.key(o, ctx));
    return [namedBy.length ? { ...created, deps: [...created.deps, ...namedBy] } : created];
  },
  drop: (o) => `DROP OPERATOR ${operatorSignature(o.def)};`,
};

const opFamilySignature = (d: { name: string; method: string }) => `${d.name} USING ${d.method}`;

export const operatorFamilyEmitter: KindEmitter<'operatorFamily'> = {
  key: (o) => topKey(o, groupRank.function),
  create(o, ctx) {
    const d = o.def;
    const add = d.members.length ? `\nALTER OPERATOR FAMILY ${opFamilySignature(d)} ADD\n    ${d.members.join(',\n    ')};` : '';
    return [step(o, `CREATE OPERATOR FAMILY ${opFamilySignature(d)};${add}${ownerSql(o, 'OPERATOR FAMILY', opFamilySignature(d), ctx)}`, this.key(o, ctx))];
  },
  drop: (o) => `DROP OPERATOR FAMILY ${opFamilySignature(o.def)};`,
  // Loose members the migrations added are added; anything else rebuilds the family.
  alter(before, after, ctx) {
    const added = after.def.members.filter((m) => !before.def.members.includes(m));
    if (before.def.members.some((m) => !after.def.members.includes(m))) return dropThenCreate(this, before, after, ctx);
    const sql = added.length ? `ALTER OPERATOR FAMILY ${opFamilySignature(after.def)} ADD\n    ${added.join(',\n    ')};` : '';
    return [step(after, sql + ownerSql(after, 'OPERATOR FAMILY', opFamilySignature(after.def), ctx), this.key(after, ctx))];
  },
};

/** Always names its family: the baseline creates families first, including those CREATE OPERATOR CLASS made implicitly. */
export const operatorClassEmitter: KindEmitter<'operatorClass'> = {
  key: (o) => topKey(o, groupRank.function),
  create(o, ctx) {
    const d = o.def;
    const items = [...d.members, ...(d.storage ? [`STORAGE ${d.storage}`] : [])];
    const sql = `CREATE OPERATOR CLASS ${d.name}${d.default ? ' DEFAULT' : ''} FOR TYPE ${d.type} USING ${d.method} FAMILY ${d.family} AS\n    ${items.join(',\n    ')};`;
    return [step(o, sql + ownerSql(o, 'OPERATOR CLASS', opFamilySignature(d), ctx), this.key(o, ctx))];
  },
  drop: (o) => `DROP OPERATOR CLASS ${opFamilySignature(o.def)};`,
};
