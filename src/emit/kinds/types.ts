import type { SequenceOptions } from '../../catalog/model.js';
import { groupRank, ownerSql, step, subRank, topKey, type KindEmitter } from '../step.js';
import { dropThenCreate } from './basics.js';

export const enumEmitter: KindEmitter<'enum'> = {
  key: (o) => topKey(o, groupRank.type),
  create(o, ctx) {
    const sql = `CREATE TYPE ${o.def.qname} AS ENUM (\n${o.def.labels.map((l) => `    ${l}`).join(',\n')}\n);`;
    return [step(o, sql + ownerSql(o, 'TYPE', o.def.qname, ctx), this.key(o, ctx))];
  },
  drop: (o) => `DROP TYPE ${o.def.qname};`,
  // Labels can be renamed and added, never removed: a label gone was renamed (paired in order with
  // the new ones), then each new one is placed next to its neighbour in the final order.
  alter(before, after, ctx) {
    const now = new Set(after.def.labels);
    const was = new Set(before.def.labels);
    const gone = before.def.labels.filter((l) => !now.has(l));
    const fresh = after.def.labels.filter((l) => !was.has(l));
    const renames = new Map(gone.map((l, k) => [l, fresh[k]]));
    const renamed = before.def.labels.map((l) => renames.get(l) ?? l);
    const old = new Set(renamed);
    const kept = after.def.labels.filter((l) => old.has(l));
    if (gone.length > fresh.length || kept.length !== renamed.length || kept.some((l, i) => l !== renamed[i])) {
      return dropThenCreate(this, before, after, ctx);
    }
    const sql: string[] = [...renames].map(([from, to]) => `ALTER TYPE ${after.def.qname} RENAME VALUE ${from} TO ${to};`);
    after.def.labels.forEach((label, i) => {
      if (old.has(label)) return;
      const position = i === 0 ? `BEFORE ${after.def.labels[1]}` : `AFTER ${after.def.labels[i - 1]}`;
      sql.push(`ALTER TYPE ${after.def.qname} ADD VALUE ${label} ${position};`);
    });
    return [step(after, sql.join('\n'), this.key(after, ctx))];
  },
};

export const compositeEmitter: KindEmitter<'composite'> = {
  key: (o) => topKey(o, groupRank.type),
  create(o, ctx) {
    const attrs = o.def.attributes.map((a) => `    ${a.name} ${a.type}${a.collation ? ` COLLATE ${a.collation}` : ''}`);
    const sql = `CREATE TYPE ${o.def.qname} AS (\n${attrs.join(',\n')}\n);`;
    return [step(o, sql + ownerSql(o, 'TYPE', o.def.qname, ctx), this.key(o, ctx))];
  },
  drop: (o) => `DROP TYPE ${o.def.qname};`,
  // ALTER TYPE keeps the columns that use it; only an order ALTER cannot reach rebuilds it.
  alter(before, after, ctx) {
    const [b, a] = [before.def.attributes, after.def.attributes];
    const kept = b.filter((x) => a.some((y) => y.name === x.name));
    const added = a.filter((y) => !b.some((x) => x.name === y.name));
    if ([...kept, ...added].some((x, i) => x.name !== a[i]?.name)) return dropThenCreate(this, before, after, ctx);
    const typed = (x: (typeof a)[number]) => `${x.type}${x.collation ? ` COLLATE ${x.collation}` : ''}`;
    const changes = [
      ...b.filter((x) => !kept.includes(x)).map((x) => `DROP ATTRIBUTE ${x.name}`),
      ...kept.flatMap((x) => {
        const now = a.find((y) => y.name === x.name)!;
        return typed(now) === typed(x) ? [] : [`ALTER ATTRIBUTE ${x.name} TYPE ${typed(now)}`];
      }),
      ...added.map((x) => `ADD ATTRIBUTE ${x.name} ${typed(x)}`),
    ];
    return [step(after, changes.length ? `ALTER TYPE ${after.def.qname} ${changes.join(', ')};` : '', this.key(after, ctx))];
  },
};

export const rangeEmitter: KindEmitter<'range'> = {
  key: (o) => topKey(o, groupRank.type),
  create(o, ctx) {
    const d = o.def;
    const parts = [
      `subtype = ${d.subtype}`,
      ...(d.opclass ? [`subtype_opclass = ${d.opclass}`] : []),
      ...(d.collation ? [`collation = ${d.collation}`] : []),
      ...(d.canonical ? [`canonical = ${d.canonical}`] : []),
      ...(d.subtypeDiff ? [`subtype_diff = ${d.subtypeDiff}`] : []),
      ...(d.multirange ? [`multirange_type_name = ${d.multirange}`] : []),
    ];
    const sql = `CREATE TYPE ${d.qname} AS RANGE (\n${parts.map((p) => `    ${p}`).join(',\n')}\n);`;
    return [step(o, sql + ownerSql(o, 'TYPE', d.qname, ctx), this.key(o, ctx))];
  },
  drop: (o) => `DROP TYPE ${o.def.qname};`,
};

export const domainEmitter: KindEmitter<'domain'> = {
  key: (o) => topKey(o, groupRank.type),
  create(o, ctx) {
    const d = o.def;
    let sql = `CREATE DOMAIN ${d.qname} AS ${d.baseType}`;
    if (d.collation) sql += ` COLLATE ${d.collation}`;
    if (d.default !== null) sql += ` DEFAULT ${d.default}`;
    if (d.notNull) sql += ' NOT NULL';
    const valid = d.constraints.filter((c) => c.validated);
    for (const c of valid) sql += `\n    CONSTRAINT ${c.name} ${c.definition}`;
    sql += ';';
    // NOT VALID is only accepted by ALTER DOMAIN; pg_get_constraintdef already ends with it.
    for (const c of d.constraints.filter((c) => !c.validated)) sql += `\nALTER DOMAIN ${d.qname} ADD CONSTRAINT ${c.name} ${c.definition};`;
    return [step(o, sql + ownerSql(o, 'DOMAIN', d.qname, ctx), this.key(o, ctx))];
  },
  drop: (o) => `DROP DOMAIN ${o.def.qname};`,
  // ALTER DOMAIN keeps the columns that use it; only a new base type or collation rebuilds it.
  alter(before, after, ctx) {
    const [b, a] = [before.def, after.def];
    if (b.baseType !== a.baseType || b.collation !== a.collation) return dropThenCreate(this, before, after, ctx);
    const at = `ALTER DOMAIN ${a.qname}`;
    const sql: string[] = [];
    if (b.default !== a.default) sql.push(a.default === null ? `${at} DROP DEFAULT;` : `${at} SET DEFAULT ${a.default};`);
    if (b.notNull !== a.notNull) sql.push(`${at} ${a.notNull ? 'SET' : 'DROP'} NOT NULL;`);
    type Constraint = (typeof a.constraints)[number];
    const unvalidated = (definition: string) => definition.replace(/ NOT VALID$/, '');
    // the same check, at most validated since (a validation cannot be undone in place)
    const kept = (was: Constraint | undefined, now: Constraint | undefined) =>
      was !== undefined && now !== undefined && unvalidated(was.definition) === unvalidated(now.definition) && (now.validated || !was.validated);
    for (const c of b.constraints) {
      const now = a.constraints.find((x) => x.name === c.name);
      if (!kept(c, now)) sql.push(`${at} DROP CONSTRAINT ${c.name};`);
      else if (now!.validated && !c.validated) sql.push(`${at} VALIDATE CONSTRAINT ${c.name};`);
    }
    for (const c of a.constraints) {
      if (!kept(b.constraints.find((x) => x.name === c.name), c)) sql.push(`${at} ADD CONSTRAINT ${c.name} ${c.definition};`);
    }
    return [step(after, sql.join('\n'), this.key(after, ctx))];
  },
};

export function sequenceOptionsSql(s: SequenceOptions, indent: string, withType = true): string {
  return [
    ...(withType ? [`AS ${s.type}`] : []),
    `START WITH ${s.start}`,
    `INCREMENT BY ${s.increment}`,
    `MINVALUE ${s.min}`,
    `MAXVALUE ${s.max}`,
    `CACHE ${s.cache}`,
    ...(s.cycle ? ['CYCLE'] : []),
  ].join(indent);
}

export const sequenceEmitter: KindEmitter<'sequence'> = {
  key: (o) => topKey(o, groupRank.sequence),
  create(o, ctx) {
    const d = o.def;
    const steps = [
      step(o, `CREATE ${d.unlogged ? 'UNLOGGED ' : ''}SEQUENCE ${d.qname}\n    ${sequenceOptionsSql(d, '\n    ')};${ownerSql(o, 'SEQUENCE', d.qname, ctx)}`, this.key(o, ctx)),
    ];
    if (d.ownedBy && d.ownedById) {
      // OWNED BY needs the column: it follows the table, grouped with it.
      const column = ctx.keyOf(d.ownedById);
      steps.push({
        id: `owned by ${o.id}`,
        sql: `ALTER SEQUENCE ${d.qname} OWNED BY ${d.ownedBy};`,
        deps: [o.id, d.ownedById],
        key: column ? [column[0], column[1], column[2], subRank.ownedBy, o.id] : this.key(o, ctx),
        section: 'schema',
      });
    }
    return steps;
  },
  drop: (o) => `DROP SEQUENCE ${o.def.qname};`,
  alter(before, after, ctx) {
    const d = after.def;
    const sql = [`ALTER SEQUENCE ${d.qname}\n    ${sequenceOptionsSql(d, '\n    ')}${d.cycle ? '' : '\n    NO CYCLE'};`];
    if (before.def.ownedBy !== d.ownedBy) sql.push(`ALTER SEQUENCE ${d.qname} OWNED BY ${d.ownedBy ?? 'NONE'};`);
    if (before.def.unlogged !== d.unlogged) sql.push(`ALTER SEQUENCE ${d.qname} SET ${d.unlogged ? 'UNLOGGED' : 'LOGGED'};`);
    return [{ ...step(after, sql.join('\n'), this.key(after, ctx)), deps: [...after.deps, ...(d.ownedById ? [d.ownedById] : [])] }];
  },
};
