import type { ModelObject, RoleDef } from '../../catalog/model.js';
import { groupRank, type EmitContext, type KindEmitter, type SortKey, type Step } from '../step.js';

/** Settings whose value is a list of names, each stored quoted where needed (pg_dump splits these too). */
const listSettings = new Set(['search_path', 'temp_tablespaces', 'session_preload_libraries', 'shared_preload_libraries', 'local_preload_libraries', 'unix_socket_directories']);

const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** Ids of the roles a list of grantees names (PUBLIC and the owner are not roles to create). */
export function roleDeps(grantees: string[]): string[] {
  return grantees.filter((g) => g !== 'PUBLIC' && g !== 'OWNER').map((g) => `role ${g}`);
}

/** Stands for the database being built in statements given to inCurrentDatabase. */
export const THIS_DATABASE = '\u0000database\u0000';

/**
 * Runs statements that name the database being built (as THIS_DATABASE) against
 * current_database(): the baseline is applied to a database of another name than the replay's.
 */
export function inCurrentDatabase(statements: string[]): string {
  const lines = statements.map((s) => {
    const format = s.replace(/;$/, '').replace(/%/g, '%%').split(THIS_DATABASE).join('%I');
    const args = s.split(THIS_DATABASE).slice(1).map(() => ', pg_catalog.current_database()').join('');
    return `  EXECUTE pg_catalog.format(${literal(format)}${args});`;
  });
  return lines.length ? doBlock(lines.join('\n')) : '';
}

/** Splits a stored list value (`"$user", public`) into its names, unquoted. */
function splitList(value: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < value.length) {
    while (value[i] === ' ') i++;
    let name = '';
    if (value[i] === '"') {
      for (i++; i < value.length; i++) {
        if (value[i] === '"' && value[i + 1] === '"') name += value[i++];
        else if (value[i] === '"') break;
        else name += value[i];
      }
      i++;
    } else {
      while (i < value.length && value[i] !== ',') name += value[i++];
      name = name.trimEnd();
    }
    out.push(name);
    while (i < value.length && value[i] !== ',') i++;
    i++;
  }
  return out;
}

/** `name TO value` for one stored `name=value` setting. */
export function settingSql(setting: string): string {
  const at = setting.indexOf('=');
  const name = setting.slice(0, at);
  const value = setting.slice(at + 1);
  return `${name} TO ${listSettings.has(name) ? splitList(value).map(literal).join(', ') : literal(value)}`;
}

/** A DO block, its dollar tag chosen not to occur in the body. */
function doBlock(body: string): string {
  let tag = 'pgsquash';
  while (body.includes(`$${tag}$`)) tag += '_';
  return `DO $${tag}$ BEGIN\n${body}\nEND $${tag}$;`;
}

function attributes(d: RoleDef): string {
  const flag = (on: boolean, word: string) => (on ? word : `NO${word}`);
  return [
    flag(d.superuser, 'SUPERUSER'),
    flag(d.inherit, 'INHERIT'),
    flag(d.createRole, 'CREATEROLE'),
    flag(d.createDb, 'CREATEDB'),
    flag(d.login, 'LOGIN'),
    flag(d.replication, 'REPLICATION'),
    flag(d.bypassRls, 'BYPASSRLS'),
    `CONNECTION LIMIT ${d.connectionLimit}`,
    ...(d.validUntil ? [`VALID UNTIL ${d.validUntil}`] : []),
  ].join(' ');
}

function settingsSql(d: RoleDef, reset: boolean): string[] {
  return [...(reset ? [`ALTER ROLE ${d.name} RESET ALL;`] : []), ...d.settings.map((s) => `ALTER ROLE ${d.name} SET ${settingSql(s)};`)];
}

/** 16+ keeps INHERIT and SET per membership (their defaults depend on the member): state all three. */
function grantOptions(m: RoleDef['members'][number]): string {
  if (m.inherit === undefined || m.set === undefined) return m.admin ? ' WITH ADMIN OPTION' : '';
  return ` WITH ADMIN ${m.admin ? 'TRUE' : 'FALSE'}, INHERIT ${m.inherit ? 'TRUE' : 'FALSE'}, SET ${m.set ? 'TRUE' : 'FALSE'}`;
}

function membershipSteps(o: ModelObject<'role'>, members: RoleDef['members'], ctx: EmitContext, revoke: RoleDef['members'] = []): Step[] {
  const steps: Step[] = members.map((m) => ({
    id: `member ${m.role} of ${o.id}`,
    sql: `GRANT ${o.def.name} TO ${m.role}${grantOptions(m)};`,
    deps: [o.id, `role ${m.role}`],
    key: roleEmitter.key(o, ctx),
    section: 'schema',
  }));
  for (const m of revoke) {
    steps.push({ id: `revoke ${m.role} from ${o.id}`, sql: `REVOKE ${o.def.name} FROM ${m.role};`, deps: [o.id], key: roleEmitter.key(o, ctx), section: 'schema' });
  }
  return steps;
}

/**
 * Roles come first and are created idempotently: the server a baseline is applied to may have
 * them already (roles are cluster-wide), so CREATE ROLE runs only when the role is missing, and
 * ALTER ROLE then sets every attribute and setting either way. Passwords are not carried: the
 * catalog is read from pg_roles, and a login role needs its password set out of band.
 */
export const roleEmitter: KindEmitter<'role'> = {
  key: (o): SortKey => ['', groupRank.schema, o.id, 0, ''],
  create(o, ctx) {
    const d = o.def;
    const sql = [
      `-- Role ${d.name}: its password, if any, is not carried.`,
      doBlock(`  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = ${literal(o.name)}) THEN\n    CREATE ROLE ${d.name};\n  END IF;`),
      `ALTER ROLE ${d.name} WITH ${attributes(d)};`,
      ...settingsSql(d, true),
      ...(d.comment ? [`COMMENT ON ROLE ${d.name} IS ${d.comment};`] : []),
    ];
    return [{ id: o.id, sql: sql.join('\n'), deps: o.deps, key: this.key(o, ctx), section: 'schema' }, ...membershipSteps(o, d.members, ctx)];
  },
  drop: (o) => `DROP ROLE IF EXISTS ${o.def.name};`,
  alter(before, after, ctx) {
    const b = before.def;
    const a = after.def;
    const sql: string[] = [];
    if (attributes(b) !== attributes(a)) sql.push(`ALTER ROLE ${a.name} WITH ${attributes(a)};`);
    // only what the migrations changed: a role that existed (the bootstrap superuser, a
    // platform's) may hold settings of its own where the baseline is applied
    const name = (setting: string) => setting.slice(0, setting.indexOf('='));
    const kept = new Set(a.settings.map(name));
    sql.push(...b.settings.filter((x) => !kept.has(name(x))).map((x) => `ALTER ROLE ${a.name} RESET ${name(x)};`));
    sql.push(...a.settings.filter((x) => !b.settings.includes(x)).map((x) => `ALTER ROLE ${a.name} SET ${settingSql(x)};`));
    if (b.comment !== a.comment) sql.push(`COMMENT ON ROLE ${a.name} IS ${a.comment ?? 'NULL'};`);
    const had = new Map(b.members.map((m) => [m.role, JSON.stringify(m)]));
    const has = new Set(a.members.map((m) => m.role));
    const added = a.members.filter((m) => had.get(m.role) !== JSON.stringify(m));
    const removed = b.members.filter((m) => !has.has(m.role));
    return [{ id: after.id, sql: sql.join('\n'), deps: after.deps, key: this.key(after, ctx), section: 'schema' }, ...membershipSteps(after, added, ctx, removed)];
  },
};

/**
 * Settings of the database being built, addressed as current_database(): the baseline is applied
 * to a database of another name than the replay's.
 */
function databaseSettingsSql(o: ModelObject<'databaseSettings'>, settings: string[], reset: boolean): string {
  const d = o.def;
  const head = d.role ? `ALTER ROLE ${d.role} IN DATABASE ${THIS_DATABASE}` : `ALTER DATABASE ${THIS_DATABASE}`;
  return inCurrentDatabase([...(reset ? ['RESET ALL'] : []), ...settings.map((s) => `SET ${settingSql(s)}`)].map((tail) => `${head} ${tail}`));
}

export const databaseSettingsEmitter: KindEmitter<'databaseSettings'> = {
  key: (o): SortKey => ['', groupRank.other, o.id, 0, ''],
  create(o, ctx) {
    return [{ id: o.id, sql: databaseSettingsSql(o, o.def.settings, false), deps: roleDeps(o.def.role ? [o.def.role] : []), key: this.key(o, ctx), section: 'schema' }];
  },
  drop: (o) => databaseSettingsSql(o, [], true),
  alter(_before, after, ctx) {
    return [{ id: after.id, sql: databaseSettingsSql(after, after.def.settings, true), deps: roleDeps(after.def.role ? [after.def.role] : []), key: this.key(after, ctx), section: 'schema' }];
  },
};
