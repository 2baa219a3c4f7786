import type { ModelObject, ViewDef } from '../../catalog/model.js';
import { groupRank, ownerSql, step, subKey, subRank, topKey, type EmitContext, type KindEmitter, type Step } from '../step.js';
import { inCurrentDatabase, THIS_DATABASE } from './cluster.js';

export const schemaEmitter: KindEmitter<'schema'> = {
  key: (o) => [o.schema, groupRank.schema, '', 0, ''],
  create: (o, ctx) => [step(o, `CREATE SCHEMA ${o.def.qname};${ownerSql(o, 'SCHEMA', o.def.qname, ctx)}`, schemaEmitter.key(o, ctx))],
  drop: (o) => `DROP SCHEMA ${o.def.qname};`,
  alter: () => [],
};

export const extensionEmitter: KindEmitter<'extension'> = {
  key: (o) => topKey(o, groupRank.extension),
  create(o, ctx) {
    const version = o.def.version !== o.def.defaultVersion ? ` VERSION ${o.def.version}` : '';
    return [step(o, `CREATE EXTENSION ${o.def.qname} WITH SCHEMA ${o.def.schema}${version};`, this.key(o, ctx))];
  },
  drop: (o) => `DROP EXTENSION ${o.def.qname};`,
  alter(before, after, ctx) {
    const sql: string[] = [];
    if (before.def.schema !== after.def.schema) sql.push(`ALTER EXTENSION ${after.def.qname} SET SCHEMA ${after.def.schema};`);
    if (before.def.version !== after.def.version) sql.push(`ALTER EXTENSION ${after.def.qname} UPDATE TO ${after.def.version};`);
    return [step(after, sql.join('\n'), this.key(after, ctx))];
  },
};

/** An object an event trigger added to an extension (catalog/adopted.ts), put back right after it is made. */
export const extensionMemberEmitter: KindEmitter<'extensionMember'> = {
  key: (o, ctx) => subKey(o, subRank.member, ctx, o.id, groupRank.other),
  create(o, ctx) {
    return [step(o, `ALTER EXTENSION ${o.def.extension} ADD ${o.def.target};`, this.key(o, ctx))];
  },
  drop: (o) => `ALTER EXTENSION ${o.def.extension} DROP ${o.def.target};`,
  alter(before, after, ctx) {
    return dropThenCreate(this, before, after, ctx);
  },
};

export const functionEmitter: KindEmitter<'function'> = {
  key: (o) => topKey(o, groupRank.function),
  create(o, ctx) {
    const what = o.def.prokind === 'p' ? 'PROCEDURE' : 'FUNCTION';
    return [step(o, `${o.def.definition};${ownerSql(o, what, o.def.qname, ctx)}`, this.key(o, ctx))];
  },
  drop: (o) => `DROP ${o.def.prokind === 'p' ? 'PROCEDURE' : 'FUNCTION'} ${o.def.qname};`,
  // pg_get_functiondef renders CREATE OR REPLACE, which keeps dependent objects in place.
  alter(_before, after, ctx) {
    return this.create(after, ctx);
  },
};

const viewDefaults = (qname: string, defaults: ViewDef['defaults']) =>
  defaults.map((d) => `\nALTER VIEW ${qname} ALTER COLUMN ${d.column} SET DEFAULT ${d.expression};`).join('');

export const viewEmitter: KindEmitter<'view'> = {
  key: (o) => topKey(o, groupRank.view),
  create(o, ctx) {
    const d = o.def;
    const using = d.accessMethod ? ` USING ${d.accessMethod}` : '';
    const options = d.reloptions.length ? ` WITH (${d.reloptions.join(', ')})` : '';
    const what = d.materialized ? 'MATERIALIZED VIEW' : 'VIEW';
    const steps: Step[] = [
      step(o, `CREATE ${what} ${d.qname}${using}${options} AS\n${d.definition}${d.materialized ? '\n  WITH NO DATA' : ''};${viewDefaults(d.qname, d.defaults)}${ownerSql(o, what, d.qname, ctx)}`, this.key(o, ctx)),
    ];
    // Populated after the data section, from the rows it loaded.
    if (d.populated) {
      steps.push({ id: `refresh ${o.id}`, sql: `REFRESH MATERIALIZED VIEW ${d.qname};`, deps: [o.id], key: this.key(o, ctx), section: 'post' });
    }
    return steps;
  },
  drop: (o) => `DROP ${o.def.materialized ? 'MATERIALIZED VIEW' : 'VIEW'} ${o.def.qname};`,
  alter(before, after, ctx) {
    if (before.def.materialized || after.def.materialized) return dropThenCreate(this, before, after, ctx);
    const options = after.def.reloptions.length ? ` WITH (${after.def.reloptions.join(', ')})` : '';
    // CREATE OR REPLACE keeps the columns' defaults: drop those gone, set the others
    const kept = new Set(after.def.defaults.map((d) => d.column));
    const dropped = before.def.defaults.filter((d) => !kept.has(d.column)).map((d) => `\nALTER VIEW ${after.def.qname} ALTER COLUMN ${d.column} DROP DEFAULT;`);
    const sql = `CREATE OR REPLACE VIEW ${after.def.qname}${options} AS\n${after.def.definition};${dropped.join('')}${viewDefaults(after.def.qname, after.def.defaults)}`;
    return [step(after, sql, this.key(after, ctx))];
  },
};

export const commentEmitter: KindEmitter<'comment'> = {
  key(o, ctx) {
    const target = o.parent ? ctx.keyOf(o.parent) : undefined;
    return target ? [target[0], target[1], target[2], subRank.comment, `${target[3]} ${target[4]}`] : subKey(o, subRank.comment, ctx, o.id, groupRank.other);
  },
  create(o, ctx) {
    return [step(o, commentSql(o.def.target, o.def.text), this.key(o, ctx))];
  },
  drop: (o) => commentSql(o.def.target, 'NULL'),
  alter(_before, after, ctx) {
    return this.create(after, ctx);
  },
};

/** The database's own comment addresses the database the baseline is applied to. */
const commentSql = (target: string, text: string) =>
  target === 'DATABASE' ? inCurrentDatabase([`COMMENT ON DATABASE ${THIS_DATABASE} IS ${text};`]) : `COMMENT ON ${target} IS ${text};`;

/** The default replacement: drop the old version, then create the new one. */
export function dropThenCreate<K extends ModelObject['kind']>(
  emitter: KindEmitter<K>,
  before: ModelObject<K>,
  after: ModelObject<K>,
  ctx: EmitContext,
): Step[] {
  const [first, ...rest] = emitter.create(after, ctx);
  if (!first) return [];
  return [{ ...first, sql: `${emitter.drop(before)}\n${first.sql}` }, ...rest];
}
