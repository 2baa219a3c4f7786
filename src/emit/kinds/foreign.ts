import { dropThenCreate } from './basics.js';
import { roleDeps } from './cluster.js';
import { groupRank, ownerSql, step, topKey, type KindEmitter } from '../step.js';

/** ` OPTIONS (name 'value', ...)`, or nothing. */
export function optionsClause(options: string[]): string {
  return options.length ? ` OPTIONS (${options.join(', ')})` : '';
}

/** The name of a `name 'value'` option: a quote_ident'ed identifier, plain or double-quoted. */
function optionName(option: string): string {
  if (!option.startsWith('"')) return option.slice(0, option.indexOf(' '));
  let end = 1;
  while (end < option.length && !(option[end] === '"' && option[end + 1] !== '"')) end += option[end] === '"' ? 2 : 1;
  return option.slice(0, end + 1);
}

/**
 * The ALTER ... OPTIONS clause turning one option list into another (SET what changed, ADD what is
 * new, DROP what is gone), or nothing when they are equal.
 */
export function optionChanges(before: string[], after: string[]): string {
  const old = new Map(before.map((o) => [optionName(o), o]));
  const now = new Set(after.map(optionName));
  const changes = [
    ...after.filter((o) => old.get(optionName(o)) !== o).map((o) => `${old.has(optionName(o)) ? 'SET' : 'ADD'} ${o}`),
    ...[...old.keys()].filter((name) => !now.has(name)).map((name) => `DROP ${name}`),
  ];
  return changes.length ? ` OPTIONS (${changes.join(', ')})` : '';
}

export const foreignDataWrapperEmitter: KindEmitter<'foreignDataWrapper'> = {
  key: (o) => topKey(o, groupRank.other),
  create(o, ctx) {
    const d = o.def;
    const handler = d.handler ? ` HANDLER ${d.handler}` : '';
    const validator = d.validator ? ` VALIDATOR ${d.validator}` : '';
    const sql = `CREATE FOREIGN DATA WRAPPER ${d.name}${handler}${validator}${optionsClause(d.options)};`;
    return [step(o, sql + ownerSql(o, 'FOREIGN DATA WRAPPER', d.name, ctx), this.key(o, ctx))];
  },
  drop: (o) => `DROP FOREIGN DATA WRAPPER ${o.def.name};`,
  alter(before, after, ctx) {
    const [b, a] = [before.def, after.def];
    const parts: string[] = [];
    if (b.handler !== a.handler) parts.push(a.handler ? `HANDLER ${a.handler}` : 'NO HANDLER');
    if (b.validator !== a.validator) parts.push(a.validator ? `VALIDATOR ${a.validator}` : 'NO VALIDATOR');
    const options = optionChanges(b.options, a.options);
    const sql = parts.length || options ? `ALTER FOREIGN DATA WRAPPER ${a.name}${parts.map((p) => ` ${p}`).join('')}${options};` : '';
    return [step(after, sql + ownerSql(after, 'FOREIGN DATA WRAPPER', a.name, ctx), this.key(after, ctx))];
  },
};

export const serverEmitter: KindEmitter<'server'> = {
  key: (o) => topKey(o, groupRank.other),
  create(o, ctx) {
    const d = o.def;
    const type = d.type ? ` TYPE ${d.type}` : '';
    const version = d.version ? ` VERSION ${d.version}` : '';
    const sql = `CREATE SERVER ${d.name}${type}${version} FOREIGN DATA WRAPPER ${d.wrapper}${optionsClause(d.options)};`;
    return [step(o, sql + ownerSql(o, 'SERVER', d.name, ctx), this.key(o, ctx))];
  },
  drop: (o) => `DROP SERVER ${o.def.name};`,
  alter(before, after, ctx) {
    const [b, a] = [before.def, after.def];
    // a server cannot change its wrapper or type in place
    if (b.wrapper !== a.wrapper || b.type !== a.type) return dropThenCreate(this, before, after, ctx);
    const version = b.version !== a.version ? ` VERSION ${a.version ?? 'NULL'}` : '';
    const options = optionChanges(b.options, a.options);
    const sql = version || options ? `ALTER SERVER ${a.name}${version}${options};` : '';
    return [step(after, sql + ownerSql(after, 'SERVER', a.name, ctx), this.key(after, ctx))];
  },
};

export const userMappingEmitter: KindEmitter<'userMapping'> = {
  key: (o) => topKey(o, groupRank.other),
  create(o, ctx) {
    const d = o.def;
    const sql = `CREATE USER MAPPING FOR ${d.role} SERVER ${d.server}${optionsClause(d.options)};`;
    return [step(o, sql, this.key(o, ctx), { deps: [...o.deps, ...(o.parent ? [o.parent] : []), ...roleDeps([d.role])] })];
  },
  drop: (o) => `DROP USER MAPPING FOR ${o.def.role} SERVER ${o.def.server};`,
  alter(before, after, ctx) {
    const a = after.def;
    const options = optionChanges(before.def.options, a.options);
    return [step(after, options ? `ALTER USER MAPPING FOR ${a.role} SERVER ${a.server}${options};` : '', this.key(after, ctx))];
  },
};
