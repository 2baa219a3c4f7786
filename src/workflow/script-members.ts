import type { InstalledExtension, ScriptMembers } from '../catalog/adopted.js';
import type { Engine } from '../engine/index.js';

const probes = new WeakMap<Engine, ScriptMembers>();

/**
 * What each extension's script makes when it runs alone (catalog/adopted.ts): the extensions are
 * created, each at its version and in its schema, in a scratch database of `engine` that has no
 * event triggers, and their members listed. Answers are kept per engine (the replay's read and the
 * verification's ask about the same extensions). An extension that cannot be created alone (its
 * script needs what the preludes made) is left out: its members stay its own. None on PGlite,
 * which fires no event triggers.
 */
export function scriptMembersOf(engine: Engine): ScriptMembers | undefined {
  if (engine.kind === 'pglite') return undefined;
  let probe = probes.get(engine);
  if (!probe) probes.set(engine, (probe = probeOn(engine)));
  return probe;
}

const key = (e: InstalledExtension) => `${e.name}\u0000${e.version}\u0000${e.schema}`;

function probeOn(engine: Engine): ScriptMembers {
  const known = new Map<string, Set<string> | null>();
  return async (extensions) => {
    const missing = extensions.filter((e) => !known.has(key(e)));
    if (missing.length > 0) {
      const db = await engine.createDatabase('extension_probe');
      try {
        const client = await db.connect();
        try {
          const created = new Set<string>();
          for (const e of missing) {
            const [name, schema] = [client.escapeIdentifier(e.name), client.escapeIdentifier(e.schema)];
            try {
              // CASCADE for what it requires; IF NOT EXISTS for an extension that came that way
              await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}; CREATE EXTENSION IF NOT EXISTS ${name} WITH SCHEMA ${schema} VERSION ${client.escapeLiteral(e.version)} CASCADE`);
              created.add(e.name);
            } catch {
              known.set(key(e), null);
            }
          }
          const { rows } = await client.query<{ name: string; id: string }>(`SELECT x.extname AS name, o.type || ' ' || o.identity AS id
            FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_extension x ON x.oid = d.refobjid,
              LATERAL pg_catalog.pg_identify_object(d.classid, d.objid, d.objsubid) o
            WHERE d.deptype = 'e' AND d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass`);
          const members = new Map<string, Set<string>>();
          for (const r of rows) {
            let set = members.get(r.name);
            if (!set) members.set(r.name, (set = new Set()));
            set.add(r.id);
          }
          for (const e of missing) if (created.has(e.name)) known.set(key(e), members.get(e.name) ?? new Set());
        } finally {
          await client.end();
        }
      } finally {
        await db.drop();
      }
    }
    const out = new Map<string, Set<string>>();
    for (const e of extensions) {
      const made = known.get(key(e));
      if (made) out.set(e.name, made);
    }
    return out;
  };
}
