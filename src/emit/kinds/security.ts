import type { AclEntry, ModelObject, PrivilegesDef } from '../../catalog/model.js';
import { dropThenCreate } from './basics.js';
import { inCurrentDatabase, roleDeps, THIS_DATABASE } from './cluster.js';
import { groupRank, ownerToWrite, step, subKey, subRank, type EmitContext, type KindEmitter, type SortKey, type Step } from '../step.js';

/** Key of an object that follows another one (its target), like a comment does. */
function followKey(o: ModelObject, rank: number, ctx: EmitContext): SortKey {
  const target = o.parent ? ctx.keyOf(o.parent) : undefined;
  return target ? [target[0], target[1], target[2], rank, `${target[3]} ${target[4]} ${o.id}`] : [o.schema, groupRank.other, o.id, rank, ''];
}

const entryKey = (e: AclEntry) => `${e.grantee}\u0000${e.privilege}`;

/**
 * The GRANT and REVOKE statements turning ACL `from` into ACL `to`: revocations first (a lost
 * grant option alone is REVOKE GRANT OPTION FOR), then grants grouped per grantee.
 */
export function aclChanges(
  from: AclEntry[],
  to: AclEntry[],
  render: (privileges: string[], grantee: string, grant: boolean, option: boolean) => string,
): string[] {
  const before = new Map(from.map((e) => [entryKey(e), e]));
  const after = new Map(to.map((e) => [entryKey(e), e]));
  const groups = new Map<string, { grantee: string; grant: boolean; option: boolean; privileges: string[] }>();
  const add = (grantee: string, grant: boolean, option: boolean, privilege: string) => {
    const k = `${grant ? 1 : 0}${option ? 1 : 0}\u0000${grantee}`;
    const g = groups.get(k) ?? { grantee, grant, option, privileges: [] };
    g.privileges.push(privilege);
    groups.set(k, g);
  };
  for (const [k, e] of before) {
    const now = after.get(k);
    if (!now) add(e.grantee, false, false, e.privilege);
    else if (e.grantable && !now.grantable) add(e.grantee, false, true, e.privilege);
  }
  for (const [k, e] of after) {
    const was = before.get(k);
    if (!was || (e.grantable && !was.grantable)) add(e.grantee, true, e.grantable, e.privilege);
  }
  // Revocations first; grants in the order of `to`, which is the ACL's own order, so the rebuilt
  // ACL lists its grantees as the replayed one does (pg_dump prints them in that order).
  return [...groups.values()]
    .sort((a, b) => Number(a.grant) - Number(b.grant))
    .map((g) => render(g.privileges, g.grantee, g.grant, g.option));
}

/**
 * Who `OWNER` is in the baseline: the recorded owner when owners are emitted or the object was
 * not created by the baseline; otherwise whoever applies it, who owns what it creates.
 */
function ownerName(o: ModelObject<'privileges'>, ctx: EmitContext | null): string {
  const appliersOwn = ctx && ownerToWrite(o.owner, ctx) === null && o.parent !== null && ctx.created.has(o.parent);
  return appliersOwn ? 'CURRENT_USER' : (o.owner ?? 'CURRENT_USER');
}

const pairOf = (e: AclEntry) => `${e.grantee} ${e.privilege}`;

const granteeOrder = (acl: AclEntry[]) => [...new Set(acl.map((e) => e.grantee))];

/**
 * Whether GRANT and REVOKE from `from` give `to`'s grantees in `to`'s order: grantees that keep a
 * privilege stay where they are, new ones are appended.
 */
function keepsOrder(from: AclEntry[], to: AclEntry[]): boolean {
  const wanted = granteeOrder(to);
  const kept = granteeOrder(from).filter((g) => wanted.includes(g));
  const result = [...kept, ...wanted.filter((g) => !kept.includes(g))];
  return result.every((g, k) => g === wanted[k]);
}

/**
 * Default privileges may have granted an object the baseline creates more than it holds (see
 * PrivilegesDef.creation): revoke those. Revoking what it was not granted changes nothing.
 */
function creationRevokes(d: PrivilegesDef, from: AclEntry[], to: AclEntry[], owner: string, target: string): string[] {
  const held = new Set(to.map(pairOf));
  const revoked = new Set(from.map(pairOf).filter((p) => !held.has(p)));
  const extra = new Map<string, string[]>();
  for (const pair of d.creation) {
    if (held.has(pair) || revoked.has(pair)) continue;
    const at = pair.lastIndexOf(' ');
    const grantee = pair.slice(0, at) === 'OWNER' ? owner : pair.slice(0, at);
    extra.set(grantee, [...(extra.get(grantee) ?? []), pair.slice(at + 1)]);
  }
  return [...extra].map(([grantee, privileges]) => `REVOKE ${privileges.map((p) => (d.column ? `${p} (${d.column})` : p)).join(', ')} ON ${target} FROM ${grantee};`);
}

function privilegesSql(o: ModelObject<'privileges'>, from: AclEntry[], to: AclEntry[], ctx: EmitContext | null, created = false): string {
  const d = o.def;
  const owner = ownerName(o, ctx);
  // The database being built is named when the baseline runs.
  const target = d.target === 'DATABASE' ? `DATABASE ${THIS_DATABASE}` : d.target;
  const render = (privileges: string[], grantee: string, grant: boolean, option: boolean) => {
    const list = privileges.map((p) => (d.column ? `${p} (${d.column})` : p)).join(', ');
    const who = grantee === 'OWNER' ? owner : grantee;
    if (!grant) return `REVOKE ${option ? 'GRANT OPTION FOR ' : ''}${list} ON ${target} FROM ${who};`;
    return `GRANT ${list} ON ${target} TO ${who}${option ? ' WITH GRANT OPTION' : ''};`;
  };
  let sql: string[];
  if (keepsOrder(from, to)) {
    sql = aclChanges(from, to, render);
    if (created) sql.unshift(...creationRevokes(d, from, to, owner, target));
  } else {
    // GRANT appends a new grantee after the ones listed: an ACL that lists a newcomer before an
    // earlier grantee (a table made under another schema's default privileges, then moved) is
    // emptied and granted again in its own order.
    const grantees = new Set([...from.map((e) => e.grantee), ...(created ? d.creation.map((p) => p.slice(0, p.lastIndexOf(' '))) : [])]);
    const all = d.column ? `ALL (${d.column})` : 'ALL';
    sql = [...[...grantees].map((g) => `REVOKE ${all} ON ${target} FROM ${g === 'OWNER' ? owner : g};`), ...aclChanges([], to, render)];
  }
  // An explicit ACL equal to the initial one (granted, then revoked again): restating the
  // owner's own privileges makes the ACL explicit without changing it.
  if (sql.length === 0 && created) {
    const own = to.filter((e) => e.grantee === 'OWNER').map((e) => (d.column ? `${e.privilege} (${d.column})` : e.privilege));
    if (own.length) sql.push(`GRANT ${own.join(', ')} ON ${target} TO ${owner};`);
  }
  return d.target === 'DATABASE' ? inCurrentDatabase(sql) : sql.join('\n');
}

/** Roles named (grantees, default-privilege grantees) and the extension an object belongs to. */
function privilegesDeps(d: PrivilegesDef): string[] {
  return [...roleDeps([...d.acl.map((e) => e.grantee), ...d.creation.map((p) => p.slice(0, p.lastIndexOf(' ')))]), ...(d.extension ? [d.extension] : [])];
}

export const privilegesEmitter: KindEmitter<'privileges'> = {
  key: (o, ctx) => followKey(o, subRank.grant, ctx),
  create(o, ctx) {
    const s = step(o, privilegesSql(o, o.def.initial, o.def.acl, ctx, true), this.key(o, ctx));
    return [{ ...s, deps: [...s.deps, ...privilegesDeps(o.def)] }];
  },
  drop: (o) => privilegesSql(o, o.def.acl, o.def.initial, null),
  alter(before, after, ctx) {
    const s = step(after, privilegesSql(after, before.def.acl, after.def.acl, ctx), this.key(after, ctx));
    return [{ ...s, deps: [...s.deps, ...privilegesDeps(after.def)] }];
  },
};

function defaultAclSql(o: ModelObject<'defaultAcl'>, from: AclEntry[], to: AclEntry[]): string {
  const d = o.def;
  const head = `ALTER DEFAULT PRIVILEGES FOR ROLE ${d.role}${d.schema ? ` IN SCHEMA ${d.schema}` : ''}`;
  return aclChanges(from, to, (privileges, grantee, grant, option) => {
    const who = grantee === 'OWNER' ? d.role : grantee;
    if (!grant) return `${head} REVOKE ${option ? 'GRANT OPTION FOR ' : ''}${privileges.join(', ')} ON ${d.objects} FROM ${who};`;
    return `${head} GRANT ${privileges.join(', ')} ON ${d.objects} TO ${who}${option ? ' WITH GRANT OPTION' : ''};`;
  }).join('\n');
}

/**
 * Default privileges go after everything else (and the data): set earlier, they would grant on
 * the objects the baseline creates later, which the migrations may have created before them.
 */
export const defaultAclEmitter: KindEmitter<'defaultAcl'> = {
  key: (o) => [o.schema, groupRank.other, o.id, 0, ''],
  create: (o, ctx) => [defaultAclStep(o, o.def.initial, ctx)],
  drop: (o) => defaultAclSql(o, o.def.acl, o.def.initial),
  alter: (before, after, ctx) => [defaultAclStep(after, before.def.acl, ctx)],
};

function defaultAclStep(o: ModelObject<'defaultAcl'>, from: AclEntry[], ctx: EmitContext): Step {
  const d = o.def;
  const deps = [...o.deps, ...roleDeps([d.role, ...d.acl.map((e) => e.grantee)]), ...(d.schema ? [`schema ${d.schema}`] : [])];
  return { id: o.id, sql: defaultAclSql(o, from, d.acl), deps, key: defaultAclEmitter.key(o, ctx), section: 'post' };
}

export const policyEmitter: KindEmitter<'policy'> = {
  key: (o, ctx) => subKey(o, subRank.property, ctx, `policy ${o.def.name}`),
  create(o, ctx) {
    const d = o.def;
    let sql = `CREATE POLICY ${d.name} ON ${d.table}${d.permissive ? '' : ' AS RESTRICTIVE'} FOR ${d.command} TO ${d.roles.join(', ')}`;
    if (d.using !== null) sql += `\n    USING (${d.using})`;
    if (d.check !== null) sql += `\n    WITH CHECK (${d.check})`;
    const s = step(o, `${sql};`, this.key(o, ctx));
    return [{ ...s, deps: [...s.deps, ...roleDeps(d.roles)] }];
  },
  drop: (o) => `DROP POLICY ${o.def.name} ON ${o.def.table};`,
  // ALTER POLICY keeps the policy (and its comment) but cannot change its command or kind, nor drop a clause.
  alter(before, after, ctx) {
    const b = before.def;
    const a = after.def;
    const fixed = b.command !== a.command || b.permissive !== a.permissive || (b.using !== null && a.using === null) || (b.check !== null && a.check === null);
    if (fixed) return dropThenCreate(this, before, after, ctx);
    let sql = `ALTER POLICY ${a.name} ON ${a.table} TO ${a.roles.join(', ')}`;
    if (a.using !== null) sql += `\n    USING (${a.using})`;
    if (a.check !== null) sql += `\n    WITH CHECK (${a.check})`;
    const s = step(after, `${sql};`, this.key(after, ctx));
    return [{ ...s, deps: [...s.deps, ...roleDeps(a.roles)] }];
  },
};
